"""The LibCST backend: rule classes from `guardrails_rules`, one parse and one walk per file.

Its rules are written against the public API in `guardrails.cst`; this
package runs them: `checker` checks one file, `workers` runs the pass over a
batch in worker processes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrails.errors import PluginError

if TYPE_CHECKING:
    from guardrails.backends import Claim, HookResults
    from guardrails.plan import Plan
    from guardrails.registry import Registry
    from guardrails.source import SourceFile

BACKEND = "libcst"


class LibcstBackend:
    """LibCST rule classes; checked per file by the engine's pass (`workers.libcst_pass`)."""

    name = BACKEND
    cross_file = False

    def identity(self) -> str:
        from importlib.metadata import version

        return f"libcst {version('libcst')}"

    def declare(self, results: HookResults, registry: Registry, claim: Claim) -> None:
        from guardrails.cst.rule import CstRule
        from guardrails.cst.runner import handlers_of

        for plugin, classes in results("guardrails_rules"):
            for cls in classes:
                if not (isinstance(cls, type) and issubclass(cls, CstRule)):
                    raise PluginError(
                        f"plugin {plugin!r}: guardrails_rules returned {cls!r}, "
                        "which is not a guardrails.CstRule subclass"
                    )
                meta = claim(getattr(cls, "META", None), plugin)
                try:
                    handlers_of(cls)
                except ValueError as exc:
                    raise PluginError(f"plugin {plugin!r}: rule {meta.id}: {exc}") from None
                _check_attributes(cls, plugin, meta.id)
                registry.add(dataclasses.replace(meta, backend=BACKEND))
                registry.implement(BACKEND, meta.id, cls)

    def start(self, plan: Plan, files: Sequence[SourceFile], cwd: Path, jobs: int) -> None:
        """The per-file pass is not a batch job: the engine runs it (`workers.libcst_pass`)."""
        return None


def _check_attributes(cls: Any, plugin: str, rule_id: str) -> None:
    """Read for every file by the engine: a wrong type would fail there for all rules."""
    for attribute, kind, wanted in (
        ("TRIGGERS", str, "strings"),
        ("METADATA_DEPENDENCIES", type, "LibCST metadata provider classes"),
    ):
        value = getattr(cls, attribute)
        if not isinstance(value, (tuple, list)) or not all(
            isinstance(item, kind) for item in value
        ):
            raise PluginError(
                f"plugin {plugin!r}: rule {rule_id}: {attribute} must be a tuple of {wanted}"
            )


INSTANCE = LibcstBackend()
