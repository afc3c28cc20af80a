"""REL005 naive-datetime: a datetime created without a timezone, found by Ruff's DTZ codes."""

from __future__ import annotations

from guardrails.model import Example, RuffMapping, RuleMeta

NAIVE_DATETIME = RuleMeta(
    id="REL005",
    name="naive-datetime",
    category="reliability",
    severity="info",
    severity_note=(
        "Info, not a warning: on the precision ledger's projects nearly every naive `now()` was "
        "a local time for display, a log file name or a duration, where a timezone changes "
        "nothing. Raise it where timestamps are stored or compared across machines."
    ),
    summary="A datetime is created without a timezone: `datetime.now()`/`today()` without `tz`, "
    "`utcnow()`, `utcfromtimestamp()`, `fromtimestamp()` without `tz`.",
    why="Naive datetimes carry no timezone, so they compare and subtract wrongly against aware "
    "ones, shift when servers run in different zones, and `utcnow()` returns UTC that Python "
    "treats as local time.",
    instead="Create aware datetimes: `datetime.now(tz=UTC)`.",
    remediation="Create aware datetimes: `datetime.now(tz=UTC)` (`from datetime import UTC`, or "
    "`timezone.utc` before 3.11), `datetime.fromtimestamp(ts, tz=UTC)`.",
    bad=(
        Example(
            "from datetime import datetime\n\n\ndef stamp() -> str:\n"
            "    return datetime.now().isoformat()  # bad\n"
        ),
        Example(
            "import datetime\n\n\ndef expired(issued_at: float) -> bool:\n"
            "    issued = datetime.datetime.utcfromtimestamp(issued_at)  # bad\n"
            "    return datetime.datetime.utcnow() - issued > datetime.timedelta(hours=1)  # bad\n"
        ),
    ),
    good=(
        Example(
            "from datetime import datetime, timezone\n\n\ndef stamp() -> str:\n"
            "    return datetime.now(tz=timezone.utc).isoformat()\n"
        ),
        Example(
            "import datetime\n\nUTC = datetime.timezone.utc\n\n\n"
            "def expired(issued_at: float) -> bool:\n"
            "    issued = datetime.datetime.fromtimestamp(issued_at, tz=UTC)\n"
            "    return datetime.datetime.now(UTC) - issued > datetime.timedelta(hours=1)\n"
        ),
    ),
    references=(
        "https://docs.python.org/3/library/datetime.html#aware-and-naive-objects",
        "https://docs.astral.sh/ruff/rules/#flake8-datetimez-dtz",
    ),
)

MAPPING = RuffMapping(
    "REL005", ("DTZ002", "DTZ003", "DTZ004", "DTZ005", "DTZ006"), meta=NAIVE_DATETIME
)
