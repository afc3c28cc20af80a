"""QUALITY.md: the quality report as Markdown, for a terminal, an agent or the docs.

Every name in it comes from the checked project (paths, package and rule names,
suppression reasons), so each passes through `text`: one line (`printable`), and
the characters that would make Markdown structure (a table cell's `|`, a link's
brackets, inline HTML's `<`) escaped with a backslash.
"""

from __future__ import annotations

from typing import TextIO

from guardrails.quality import FORMULA, HeatMap, Quality
from guardrails.report import printable

_MARKUP = frozenset("\\`*[]<>|")


def text(value: object) -> str:
    """`value` as inert Markdown text on one line."""
    return "".join(f"\\{ch}" if ch in _MARKUP else ch for ch in printable(str(value)))


def shown_score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _table(out: TextIO, header: list[str], rows: list[list[str]]) -> None:
    out.write("| " + " | ".join(header) + " |\n")
    out.write("|" + "|".join("---" for _ in header) + "|\n")
    for row in rows:
        out.write("| " + " | ".join(row) + " |\n")
    out.write("\n")


def _heat(out: TextIO, heat: HeatMap) -> None:
    out.write(f"## {heat.title}\n\n")
    if not heat.cells:
        out.write("No findings.\n\n")
        return
    rows = [
        [text(row), *(str(heat.count(row, column) or "") for column in heat.columns)]
        for row in heat.rows
    ]
    _table(out, ["category", *(text(c) for c in heat.columns)], rows)


def render(quality: Quality, out: TextIO) -> None:
    """Write QUALITY.md."""
    q = quality
    out.write("# Quality report\n\n")
    out.write(f"guardrails {text(q.version)}, {q.today}. See docs/quality.md.\n\n")
    severities = ", ".join(f"{s} {n}" for s, n in q.by_severity.items())
    out.write(
        f"- Findings: **{q.total}** ({severities})\n"
        f"- Checked: {q.files} files, {q.lines} lines\n"
        f"- Score: **{shown_score(q.score)}** (weighted findings {q.weighted})\n"
        f"- Formula: `{FORMULA}` (lower is better; 0 is clean)\n\n"
    )
    out.write("## Packages\n\n")
    _table(
        out,
        ["package", "score", "findings", "error", "warning", "info", "files", "lines"],
        [
            [
                text(p.name),
                shown_score(p.score),
                str(p.findings),
                *(str(p.by_severity.get(s, 0)) for s in ("error", "warning", "info")),
                str(p.files),
                str(p.lines),
            ]
            for p in q.packages
        ],
    )
    out.write("## Findings by category\n\n")
    if q.by_category:
        ranked = sorted(q.by_category.items(), key=lambda kv: (-kv[1], kv[0]))
        _table(out, ["category", "findings"], [[text(name), str(n)] for name, n in ranked])
    else:
        out.write("No findings.\n\n")
    _heat(out, q.heat)
    if q.layers is not None:
        _heat(out, q.layers)
    out.write("## Top rules\n\n")
    if q.rules:
        _table(
            out,
            ["rule", "name", "category", "severity", "findings"],
            [
                [text(r.rule_id), text(r.name), text(r.category), text(r.severity), str(r.count)]
                for r in q.rules
            ],
        )
    else:
        out.write("No findings.\n\n")
    out.write("## Baseline\n\n")
    if q.baseline is None:
        out.write("No baseline configured.\n\n")
    elif q.baseline.entries is None:
        out.write(f"{text(q.baseline.path)}: {text(q.baseline.problem or 'unreadable')}\n\n")
    else:
        out.write(
            f"{text(q.baseline.path)}: {q.baseline.entries} entries; this run "
            f"{q.baseline_hidden} hidden, {q.baseline_stale} stale.\n\n"
        )
    out.write("## Suppressions\n\n")
    if q.suppressions:
        expired = sum(1 for s in q.suppressions if s.expired)
        out.write(f"{len(q.suppressions)} suppression comments, {expired} expired.\n\n")
        _table(
            out,
            ["where", "rules", "until", "reason"],
            [
                [
                    f"{text(s.path)}:{s.line}",
                    text(", ".join(s.ids)),
                    (text(s.until) if s.until else "-") + (" **expired**" if s.expired else ""),
                    text(s.reason),
                ]
                for s in q.suppressions
            ],
        )
    else:
        out.write("No suppression comments.\n\n")
    out.write("## Trend\n\n")
    _table(
        out,
        ["result", "findings", "error", "warning", "info"],
        [
            [
                text(p.label),
                str(p.total),
                *(str(p.by_severity.get(s, 0)) for s in ("error", "warning", "info")),
            ]
            for p in q.trend
        ],
    )
