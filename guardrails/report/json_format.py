"""Machine output: one JSON object, documented in docs/formats.md.

The field names and shape are a stable interface (`version` is the
guardrails version that wrote it); add fields, never rename them.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from guardrails._version import __version__
from guardrails.model import Violation
from guardrails.report import Summary

FIELDS = (
    "rule_id",
    "name",
    "category",
    "severity",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "remediation",
    "docs",
    "fingerprint",
)


def violation_dict(v: Violation) -> dict[str, Any]:
    data = {name: getattr(v, name) for name in FIELDS}
    data["fix"] = v.fix.to_dict() if v.fix is not None else None
    # why it is listed under "suppressed", e.g. "foreign-comment"; null for active findings
    data["suppressed_by"] = v.suppressed_by or None
    return data


def render_lines(violations: list[Violation], out: TextIO) -> None:
    """`jsonl`: one object per finding, the same fields as `json`."""
    for v in violations:
        out.write(json.dumps(violation_dict(v)) + "\n")


def _rows(rows: list[dict[str, Any]]) -> str:
    """The JSON array of `rows` (findings as `violation_dict` gives them), one per line."""
    # Each encoded by json's C encoder: `indent=` makes json fall back to its
    # pure-Python encoder, seconds on a large report.
    text = ",\n".join(f"    {json.dumps(row)}" for row in rows)
    return f"[{chr(10) + text + chr(10) + '  ' if text else ''}]"


def summary_dict(summary: Summary) -> dict[str, Any]:
    return {
        "files": summary.files,
        "total": summary.total,
        "failing": summary.failing,
        "fail_on": summary.fail_on,
        "by_category": summary.by_category,
        "by_severity": summary.by_severity,
        "by_rule": summary.by_rule,
        "baseline": {"hidden": summary.baseline_hidden, "stale": summary.baseline_stale},
        "suppressed": summary.suppressed,
    }


def render(
    violations: list[Violation],
    summary: Summary,
    out: TextIO,
    suppressed: list[Violation] | None = None,
    shard: dict[str, Any] | None = None,
) -> None:
    """The report; `suppressed` (other linters' comments) listed apart, never counted.

    `shard`: which share of a sharded run this is (`check --shard`), for `merge`."""
    write_document(
        out,
        [violation_dict(v) for v in violations],
        [violation_dict(v) for v in suppressed or []],
        summary_dict(summary),
        shard,
    )


def write_document(
    out: TextIO,
    rows: list[dict[str, Any]],
    suppressed: list[dict[str, Any]],
    summary: dict[str, Any],
    shard: dict[str, Any] | None = None,
    version: str = __version__,
) -> None:
    """The document from its parts: `render`'s, and `merge`'s from the shards' parts."""
    tail = f',\n  "shard": {json.dumps(shard)}' if shard is not None else ""
    out.write(
        f'{{\n  "version": {json.dumps(version)},\n'
        f'  "violations": {_rows(rows)},\n'
        f'  "suppressed": {_rows(suppressed)},\n'
        f'  "summary": {json.dumps(summary)}{tail}\n}}\n'
    )
