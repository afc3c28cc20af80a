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


def _rows(violations: list[Violation]) -> str:
    """The JSON array of `violations`, one finding per line."""
    # Each encoded by json's C encoder: `indent=` makes json fall back to its
    # pure-Python encoder, seconds on a large report.
    rows = ",\n".join(f"    {json.dumps(violation_dict(v))}" for v in violations)
    return f"[{chr(10) + rows + chr(10) + '  ' if rows else ''}]"


def render(
    violations: list[Violation],
    summary: Summary,
    out: TextIO,
    suppressed: list[Violation] | None = None,
) -> None:
    """The report; `suppressed` (other linters' comments) listed apart, never counted."""
    summary_data = {
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
    out.write(
        f'{{\n  "version": {json.dumps(__version__)},\n'
        f'  "violations": {_rows(violations)},\n'
        f'  "suppressed": {_rows(suppressed or [])},\n'
        f'  "summary": {json.dumps(summary_data)}\n}}\n'
    )
