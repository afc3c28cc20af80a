"""ARC008 todo-without-ticket: a `TODO`/`FIXME`/`XXX` comment without an issue reference."""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, Option, RuleMeta


def _valid_regex(value: Any) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    return None


_TODO = re.compile(r"\b(TODO|FIXME|XXX)\b")


class TodoWithoutTicket(CstRule):
    META = RuleMeta(
        id="ARC008",
        foreign_codes=("TD003", "FIX001", "FIX002", "FIX003"),
        name="todo-without-ticket",
        category="architecture",
        severity="info",
        summary="A `TODO`/`FIXME`/`XXX` comment has no issue reference.",
        why="A TODO without a ticket is a promise nobody tracks: it is never prioritised, its "
        "context is lost, and it outlives everyone who knew what it meant.",
        instead="Name a ticket, `# TODO(PROJ-123): what`, or do it now.",
        remediation="Link the work: `# TODO(PROJ-123): retry on 503` (the accepted forms are the "
        "rule's `pattern`), or do it now, or delete the comment.",
        bad=(
            Example("def retry() -> None:\n    pass  # TODO: add backoff  # bad\n"),
            Example('# FIXME handle unicode  # bad\nNAME = "x"\n'),
        ),
        good=(
            Example("def retry() -> None:\n    pass  # TODO(PAY-412): add backoff\n"),
            Example(
                '# FIXME #231 handle unicode\nNAME = "todo list"  # the word todo is fine here\n'
            ),
        ),
        options=(
            Option(
                "pattern",
                str,
                r"[A-Z][A-Z0-9]+-\d+|#\d+|https?://\S+",
                "regular expression an issue reference must match",
                check=_valid_regex,
            ),
        ),
    )
    TRIGGERS = ("TODO", "FIXME", "XXX")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._reference = re.compile(context.options["pattern"])

    def visit_Comment(self, node: cst.Comment) -> None:
        text = node.value
        match = _TODO.search(text)
        if match and not self._reference.search(text):
            self.report(node, f"`{match.group(1)}` without an issue reference")
