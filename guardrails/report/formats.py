"""One call that writes a result in any output format: the dispatch every surface shares.

The CLI picks the format and passes where paths count from; which reporter
writes it, and what each needs (the active rules for SARIF, the rule texts
for the agent format), is decided here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from guardrails.model import RuleMeta, Violation
from guardrails.report import Summary

if TYPE_CHECKING:
    from guardrails.report.rdjson import Reader

FORMATS = ("text", "json", "jsonl", "sarif", "github", "rdjson", "agent")


def write(
    fmt: str,
    violations: list[Violation],
    summary: Summary,
    out: TextIO,
    *,
    rules: Sequence[tuple[RuleMeta, str]],
    metas: dict[str, RuleMeta],
    repository: Path,
    read: Reader,
    suppressed: Sequence[Violation] = (),
    max_findings: int | None = None,
    color: bool = False,
    shard: dict[str, object] | None = None,
) -> None:
    """Write the findings as `fmt`.

    `rules` are the active rules with their severities (SARIF lists them),
    `metas` every rule's text by id (the agent format; rule pages for SARIF
    and rdjson), `repository` what SARIF URIs and GitHub annotations are
    relative to, `read` a finding's file by its path (rdjson's byte columns).
    `suppressed` findings (other linters' comments) appear in `json` and
    `sarif` only, marked as suppressed; other formats count them in the summary.
    `shard`: the share of a sharded run (`check --shard`), recorded in `json` and
    `sarif` for `guardrails merge`.
    """
    from guardrails.report import agent, github, json_format, rdjson, sarif, text

    if fmt == "json":
        json_format.render(violations, summary, out, list(suppressed), shard)
    elif fmt == "jsonl":
        json_format.render_lines(violations, out)
    elif fmt == "sarif":
        sarif.render(violations, list(rules), repository, out, suppressed, metas, shard, summary)
    elif fmt == "github":
        github.render(violations, summary, out, repository)
        out.write(text.summary_line(summary) + "\n")
    elif fmt == "rdjson":
        rdjson.render(violations, summary, out, read=read, rules=metas)
    elif fmt == "agent":
        agent.render(
            violations, summary, metas, out, max_findings=max_findings or agent.DEFAULT_MAX_FINDINGS
        )
    else:
        text.render(violations, summary, out, color=color)
