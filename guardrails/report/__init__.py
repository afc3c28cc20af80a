"""Turn a run's findings into output. One module per format; all share `Summary`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from guardrails.model import Violation, severity_rank


@dataclass(frozen=True)
class Summary:
    """Counts every format reports, and whether the run fails."""

    files: int
    total: int
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)
    fail_on: str = "warning"
    failing: int = 0
    baseline_hidden: int = 0
    baseline_stale: int = 0

    @classmethod
    def of(
        cls,
        violations: list[Violation],
        files: int,
        fail_on: str,
        baseline_hidden: int = 0,
        baseline_stale: int = 0,
    ) -> Summary:
        threshold = severity_rank(fail_on)
        return cls(
            baseline_hidden=baseline_hidden,
            baseline_stale=baseline_stale,
            files=files,
            total=len(violations),
            by_category=dict(sorted(Counter(v.category for v in violations).items())),
            by_severity=dict(sorted(Counter(v.severity for v in violations).items())),
            by_rule=dict(sorted(Counter(v.rule_id for v in violations).items())),
            fail_on=fail_on,
            failing=sum(1 for v in violations if severity_rank(v.severity) >= threshold),
        )
