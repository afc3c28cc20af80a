"""OBS001 print-in-library: `print()` in library or service code instead of a logger."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shared.entry import ENTRY_OPTION, EntryAware

from guardrails.cst.helpers import keyword
from guardrails.model import Example, RuleMeta


class PrintInLibrary(EntryAware):
    META = RuleMeta(
        id="OBS001",
        foreign_codes=("T201",),
        name="print-in-library",
        category="observability",
        severity="warning",
        summary="`print()` in library or service code instead of a logger.",
        why="Printed output has no level, timestamp, logger name or structure, cannot be "
        "filtered or routed, and is often lost entirely in services whose stdout is not "
        "collected.",
        instead="Log with `logging.getLogger(__name__)`; `print` only in CLI entry points.",
        remediation="Log through the module logger: `logger = logging.getLogger(__name__)` then "
        '`logger.info("stats: %s", stats)`; keep `print` for CLI entry points.',
        bad=(
            Example("def dump(stats: dict) -> None:\n    print(stats)  # bad\n"),
            Example(
                "import sys\n\n\ndef warn(message: str) -> None:\n"
                '    print("warning:", message, file=sys.stderr)  # bad\n'
            ),
        ),
        good=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                'def dump(stats: dict) -> None:\n    logger.info("stats: %s", stats)\n'
            ),
            Example(
                "from typing import TextIO\n\n\n"
                "def report(rows: list, out: TextIO) -> None:\n    for row in rows:\n"
                '        print(*row, sep=",", file=out)\n\n\n'
                'if __name__ == "__main__":\n    print("done")\n'
            ),
            Example('def main() -> None:\n    print("usage: tool FILE")\n', path="app/cli.py"),
        ),
        references=("https://docs.python.org/3/howto/logging.html#when-to-use-logging",),
        skip_tests=True,
        options=(ENTRY_OPTION,),
    )
    TRIGGERS = ("print",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.in_program or self.context.qualified_name(node.func) != "builtins.print":
            return
        target = keyword(node, "file")
        if target is not None and self.context.qualified_name(target.value) not in (
            "sys.stdout",
            "sys.stderr",
        ):
            return  # writing to a file object, not printing
        self.report(node, "`print()` in library code: log through the module logger instead")
