"""`gitlab` output: GitLab's Code Quality report (a CodeClimate-style JSON array).

GitLab reads it from a job's `artifacts: reports: codequality:` and shows the
findings in the merge request widget and the diff. One object per active
finding: `description`, `check_name` (the rule id), `fingerprint` (ours: GitLab
matches findings between the base and the head pipeline by it, and ours
survives edits above a finding), `severity`, `location.path` (relative to the
repository root, which is where GitLab resolves it, whichever folder the check
ran in) and `location.lines.begin`/`end`. Findings other linters' comments
suppressed are left out, as in the `github` format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from guardrails.model import Violation
from guardrails.paths import project_path
from guardrails.report import printable

SEVERITY = {"error": "critical", "warning": "major", "info": "info"}
"""GitLab's scale is info, minor, major, critical, blocker; `blocker` and `minor` are unused:
an error is what fails the run (`fail-on`), which is as far as a finding goes."""

CATEGORY = {"security": "Security"}
"""CodeClimate categories; a finding outside this map is a `Bug Risk`."""


def issue(v: Violation, base: Path) -> dict[str, Any]:
    """The Code Quality object of one finding; `base` is the repository root."""
    return {
        "type": "issue",
        "check_name": v.rule_id,
        "description": printable(f"{v.rule_id} {v.message}"),
        "content": {"body": printable(v.remediation)},
        "categories": [CATEGORY.get(v.category, "Bug Risk")],
        "fingerprint": v.fingerprint,
        "severity": SEVERITY[v.severity],
        "location": {
            "path": printable(project_path(v.path, base)),
            "lines": {"begin": v.line, "end": v.end_line},
        },
    }


def render(violations: list[Violation], out: TextIO, base: Path) -> None:
    """Write the report: a JSON array, one finding per line (an empty run is `[]`)."""
    rows = ",\n".join(f"  {json.dumps(issue(v, base))}" for v in violations)
    out.write(f"[\n{rows}\n]\n" if rows else "[]\n")
