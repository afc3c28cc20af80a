"""Which modules are programs rather than library code: the one owner of entry-module detection.

A program may print, exit and read its environment; a library must not. The
rules that care (OBS001 print-in-library, REL011 exit-in-library, ARC005
env-outside-config) all ask `EntryAware.in_program`, so they agree on what an
entry point is: a module matching the `entry-modules` globs, a module the
project declares as a script (`[project.scripts]`, `[project.gui-scripts]` and
`*commands` entry-point groups in the root's pyproject.toml, or the same in an
installed `*.dist-info/entry_points.txt` under the root), a module with an
`if __name__ == "__main__":` block, and code inside such a block.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path

import libcst as cst

from guardrails.cst.helpers import has_main_guard, is_main_guard
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Option
from guardrails.project import declared_entry_modules

ENTRY_MODULES = [
    "__main__",
    "*.__main__",
    "*._main",
    "cli",
    "*.cli",
    "*.cli.*",
    "manage",
    "*.management.commands.*",
    "scripts.*",
    "*.scripts.*",
    "bin.*",
    "*.bin.*",
    "tools.*",
    "setup",
    "noxfile",
    "fabfile",
]

ENTRY_OPTION = Option(
    "entry-modules",
    list,
    ENTRY_MODULES,
    "module globs of CLI / entry-point code where this is fine (modules declared as "
    "scripts in pyproject.toml or an installed entry_points.txt, and modules with an "
    '`if __name__ == "__main__":` block, always are)',
    item_kind=str,
    weaker="more",  # every module listed is exempt
)


def is_entry_module(module: str, patterns: Iterable[str], root: Path | None) -> bool:
    """Whether `module` is a program: matches a glob or is declared as a command."""
    if any(fnmatchcase(module, pattern) for pattern in patterns):
        return True
    return root is not None and module in declared_entry_modules(root)


class MainBlockAware(CstRule):
    """Knows whether the node being visited is inside `if __name__ == "__main__":`."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._main_depth = 0

    def visit_If(self, node: cst.If) -> None:
        if is_main_guard(node):
            self._main_depth += 1

    def leave_If(self, node: cst.If) -> None:
        if is_main_guard(node):
            self._main_depth -= 1

    @property
    def in_main_block(self) -> bool:
        return self._main_depth > 0


class EntryAware(MainBlockAware):
    """Knows whether code runs as a program: an entry module, a script, a `__main__` block."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._script = False

    def visit_Module(self, node: cst.Module) -> None:
        self._script = has_main_guard(node) or is_entry_module(
            self.context.module_name, self.options["entry-modules"], self.context.root
        )

    @property
    def in_program(self) -> bool:
        return self._script or self.in_main_block
