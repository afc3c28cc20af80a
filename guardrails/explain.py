"""`guardrails explain ID`: one rule in full, as plain text.

Its own module because the command line and the MCP server's `explain` tool
print the same text, and neither should import the other for it.
"""

from __future__ import annotations

from guardrails.lines import split_lines
from guardrails.model import RuleMeta


def explain_text(meta: RuleMeta) -> str:
    """The full explanation `guardrails explain` prints."""
    lines = [
        f"{meta.id} {meta.name}",
        f"category: {meta.category} | severity: {meta.severity} | backend: {meta.backend} | "
        f"plugin: {meta.plugin} | fix: {meta.fix}",
        "",
        "What it does",
        f"  {meta.summary}",
        "",
        "Why it matters",
        f"  {meta.why}",
        "",
        "What to do instead",
        f"  {meta.remediation}",
    ]
    if meta.severity_note:
        lines += ["", "Why this severity", f"  {meta.severity_note}"]
    for title, examples in (("Example (flagged)", meta.bad), ("Use instead", meta.good)):
        for example in examples:
            lines += ["", title]
            lines += [f"    {row}" if row else "" for row in split_lines(example.code.rstrip())]
    lines += ["", "Options"]
    if meta.options:
        for opt in meta.options:
            lines.append(
                f"  {opt.name} ({opt.kind.__name__}, default {opt.default!r}): {opt.description}"
            )
    else:
        lines.append("  none")
    if meta.references:
        lines += ["", "References"] + [f"  {ref}" for ref in meta.references]
    return "\n".join(lines) + "\n"
