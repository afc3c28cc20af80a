"""`agent` output: compact Markdown for a coding agent's context window.

Grouped by rule; each rule's block (`guardrails.ruletext.agent_block`) says
once why and what to change and shows the rule's fix as code, then lists its
locations with the occurrence message and the offending line. Findings
`guardrails fix` can fix say so: once on the block when all shown can, with
the same applicability, else after each one that can. Every token
should inform: no colour, no banners. The output is bounded by
`max_findings` and says exactly what was left out and how to see it. A
clean run prints one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TextIO

from guardrails import ruletext
from guardrails.model import RuleMeta, Violation
from guardrails.report import Summary, printable

DEFAULT_MAX_FINDINGS = 40


def code_span(text: str) -> str:
    """`text` as one Markdown code span, even when it holds backticks itself."""
    runs = re.findall(r"`+", text)
    fence = "`" * (max(map(len, runs), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(
    violations: list[Violation],
    summary: Summary,
    rules: Mapping[str, RuleMeta],
    out: TextIO,
    max_findings: int = DEFAULT_MAX_FINDINGS,
    command: str = "guardrails check",
) -> None:
    if not violations:
        files = f"{summary.files} file{'s' if summary.files != 1 else ''}"
        out.write(f"guardrails: no findings ({files} checked).\n")
        return
    files = len({v.path for v in violations})
    out.write(
        f"# guardrails: {summary.total} finding{'s' if summary.total != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}\n\n"
        "Fix each finding as its rule says; the example is the fix, as code.\n"
    )
    by_rule: dict[str, list[Violation]] = {}
    for v in violations:
        by_rule.setdefault(v.rule_id, []).append(v)
    shown = 0
    cut: dict[str, int] = {}
    for rule_id in sorted(by_rule, key=lambda r: (-len(by_rule[r]), r)):
        items = by_rule[rule_id]
        room = max_findings - shown
        if room <= 0:
            cut[rule_id] = len(items)
            continue
        first = items[0]
        out.write(f"\n## {rule_id} {first.name} ({first.category}, {first.severity})\n")
        shown_items = items[:room]
        kinds = {v.fix.applicability if v.fix is not None else "" for v in shown_items}
        every = kinds.pop() if len(kinds) == 1 else ""
        meta = rules.get(rule_id) or ruletext.placeholder(first)
        out.write(ruletext.agent_block(meta, fix=every))
        for v in shown_items:
            hint = "" if every or v.fix is None else ruletext.fix_hint(v.fix.applicability)
            out.write(f"- {printable(v.path)}:{v.line} {printable(v.message)}")
            out.write(f" ({hint})\n" if hint else "\n")
            if v.source_line.strip():
                out.write(f"  {code_span(printable(v.source_line.strip()))}\n")
        shown += min(room, len(items))
        if len(items) > room:
            cut[rule_id] = len(items) - room
    if cut:
        left = sum(cut.values())
        detail = ", ".join(f"{rule_id} {count}" for rule_id, count in sorted(cut.items()))
        out.write(
            f"\n{left} more finding{'s' if left != 1 else ''} not shown ({detail}). "
            f"See them with `{command} --max-findings {summary.total}` or "
            f"`--select {','.join(sorted(cut))}`.\n"
        )
