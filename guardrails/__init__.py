"""guardrails: policy checks whose every finding says what to write instead.

The public API for plugin authors is re-exported here::

    from guardrails import CstRule, Example, Option, RuleMeta, hookimpl

The names are imported on first use, so `import guardrails` (which every
`guardrails` command and an agent hook's client side pay) loads no LibCST.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from guardrails._version import __version__

if TYPE_CHECKING:
    from guardrails.cst.rule import CstRule, RuleContext
    from guardrails.hookspecs import hookimpl
    from guardrails.model import Edit, Example, Fix, Option, RuffMapping, RuleMeta, Violation

_EXPORTS = {
    "CstRule": "guardrails.cst.rule",
    "RuleContext": "guardrails.cst.rule",
    "hookimpl": "guardrails.hookspecs",
    "Edit": "guardrails.model",
    "Example": "guardrails.model",
    "Fix": "guardrails.model",
    "Option": "guardrails.model",
    "RuffMapping": "guardrails.model",
    "RuleMeta": "guardrails.model",
    "Violation": "guardrails.model",
}

__all__ = [
    "CstRule",
    "Edit",
    "Example",
    "Fix",
    "Option",
    "RuffMapping",
    "RuleContext",
    "RuleMeta",
    "Violation",
    "__version__",
    "hookimpl",
]


def __getattr__(name: str) -> Any:
    """Import a public name when it is first asked for (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'guardrails' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
