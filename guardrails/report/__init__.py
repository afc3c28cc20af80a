"""Turn a run's findings into output. One module per format; all share `Summary`."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from guardrails.model import Violation, severity_rank

_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """`text` safe for one line of a terminal, a CI log or Markdown.

    A file name or message may hold a newline (a forged next line: a GitHub
    workflow command, a Markdown heading for an agent), an escape sequence
    (a terminal's), bidi controls (text that reads other than it runs) or
    undecodable bytes (which cannot be written to a UTF-8 stream). Each is
    shown as a Python-style escape instead; ordinary text is unchanged.
    """
    if text.isprintable():
        return text
    return "".join(_escape(ch) if unicodedata.category(ch) in _UNPRINTABLE else ch for ch in text)


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


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
    suppressed: int = 0  # findings other linters' comments suppressed (`foreign-suppressions`)

    @classmethod
    def of(
        cls,
        violations: list[Violation],
        files: int,
        fail_on: str,
        baseline_hidden: int = 0,
        baseline_stale: int = 0,
        suppressed: int = 0,
    ) -> Summary:
        threshold = severity_rank(fail_on)
        return cls(
            baseline_hidden=baseline_hidden,
            baseline_stale=baseline_stale,
            suppressed=suppressed,
            files=files,
            total=len(violations),
            by_category=dict(sorted(Counter(v.category for v in violations).items())),
            by_severity=dict(sorted(Counter(v.severity for v in violations).items())),
            by_rule=dict(sorted(Counter(v.rule_id for v in violations).items())),
            fail_on=fail_on,
            failing=sum(1 for v in violations if severity_rank(v.severity) >= threshold),
        )
