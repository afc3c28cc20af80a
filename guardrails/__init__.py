"""guardrails: policy checks whose every finding says what to write instead.

The public API for plugin authors is re-exported here::

    from guardrails import CstRule, Example, Option, RuleMeta, hookimpl
"""

from __future__ import annotations

from guardrails._version import __version__
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.hookspecs import hookimpl
from guardrails.model import Edit, Example, Fix, Option, RuffMapping, RuleMeta, Violation

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
