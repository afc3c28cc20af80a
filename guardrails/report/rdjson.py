"""`rdjson` output: reviewdog's Diagnostic Format, for pull-request review comments.

Fixes become `suggestions`, which reviewdog posts as suggested changes.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from guardrails.model import Violation
from guardrails.report import Summary

_SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def _range(start_line: int, start_col: int, end_line: int, end_col: int) -> dict[str, Any]:
    return {
        "start": {"line": start_line, "column": start_col},
        "end": {"line": end_line, "column": end_col},
    }


def _diagnostic(v: Violation) -> dict[str, Any]:
    diagnostic: dict[str, Any] = {
        "message": f"{v.message}\nhelp: {v.remediation}",
        "location": {
            "path": v.path,
            "range": _range(v.line, v.column, v.end_line, v.end_column),
        },
        "severity": _SEVERITY[v.severity],
        "code": {"value": v.rule_id},
        "original_output": f"{v.path}:{v.line}:{v.column}: {v.rule_id} {v.message}",
    }
    if v.docs.startswith("http"):
        diagnostic["code"]["url"] = v.docs
    if v.fix is not None:
        diagnostic["suggestions"] = [
            {
                "range": _range(e.start_line, e.start_column, e.end_line, e.end_column),
                "text": e.content,
            }
            for e in v.fix.edits
        ]
    return diagnostic


def render(violations: list[Violation], summary: Summary, out: TextIO) -> None:
    document = {
        "source": {"name": "guardrails"},
        "diagnostics": [_diagnostic(v) for v in violations],
    }
    out.write(json.dumps(document, indent=2))
    out.write("\n")
