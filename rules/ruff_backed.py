"""Catalog rules that Ruff already checks exactly: map its codes, don't rewrite them."""

from __future__ import annotations

from guardrails.backends.ruff import RuffMapping
from guardrails.model import Example, RuleMeta

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

RAISE_WITHOUT_CAUSE = RuleMeta(
    id="OBS007",
    foreign_codes=("B904",),
    name="raise-without-cause",
    category="observability",
    severity="info",
    severity_note="Info, not a warning: on the precision ledger's projects it was the largest "
    "source of findings (1.5 per 1,000 lines) and about half were noisy — Python keeps the "
    "original error as implicit context anyway, so a missing `from` costs a clearer traceback, "
    "not lost information. Raise it to a warning with `[tool.guardrails.severity]` "
    '`OBS007 = "warning"` where you want explicit chains.',
    summary="A new exception is raised inside `except` without `from`, hiding what caused it.",
    why="Without `from err` the original exception is only kept as implicit context with a "
    'misleading "During handling of the above exception, another exception occurred", '
    "and tools that follow `__cause__` lose the root cause.",
    remediation='Chain it explicitly: `except OSError as err: raise ConfigError("cannot read '
    'config") from err` (or `from None` when the cause is deliberately hidden).',
    bad=(
        Example(
            "import json\n\n\nclass ConfigError(Exception):\n    pass\n\n\n"
            "def parse(text: str) -> dict:\n    try:\n        return json.loads(text)\n"
            '    except ValueError:\n        raise ConfigError("invalid config")  # bad\n'
        ),
        Example(
            "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
            "    except ValueError as err:\n"
            '        raise RuntimeError(f"bad port {raw!r}: {err}")  # bad\n'
        ),
    ),
    good=(
        Example(
            "import json\n\n\nclass ConfigError(Exception):\n    pass\n\n\n"
            "def parse(text: str) -> dict:\n    try:\n        return json.loads(text)\n"
            '    except ValueError as err:\n        raise ConfigError("invalid config") from err\n'
        ),
        Example(
            "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
            "    except ValueError:\n        raise\n"
        ),
    ),
    references=(
        "https://docs.python.org/3/tutorial/errors.html#exception-chaining",
        "https://docs.astral.sh/ruff/rules/raise-without-from-inside-except/",
    ),
)

FINALLY_SWALLOWS = RuleMeta(
    id="REL008",
    name="finally-swallows",
    category="reliability",
    severity="error",
    summary="`return`, `break` or `continue` inside `finally` discards any exception in flight.",
    why="A jump out of `finally` silently cancels the exception being propagated, including "
    "KeyboardInterrupt, so failures vanish and the function returns as if it had succeeded.",
    remediation="Move the `return`/`break`/`continue` after the `try` statement; keep `finally` "
    "for cleanup that always falls through.",
    bad=(
        Example(
            "def read(path: str) -> str:\n    handle = open(path)\n    try:\n"
            "        return handle.read()\n    finally:\n        handle.close()\n"
            '        return ""  # bad\n'
        ),
        Example(
            "def drain(jobs: list) -> None:\n    for job in jobs:\n        try:\n"
            "            job.run()\n        finally:\n            continue  # bad\n"
        ),
    ),
    good=(
        Example(
            "def read(path: str) -> str:\n    with open(path) as handle:\n"
            "        return handle.read()\n"
        ),
        Example(
            "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
            "def drain(jobs: list) -> None:\n    for job in jobs:\n        try:\n"
            "            job.run()\n        except Exception:\n"
            '            log.exception("job failed")\n            continue\n'
            "        finally:\n            job.close()\n"
        ),
    ),
    references=(
        "https://docs.python.org/3/reference/compound_stmts.html#finally-clause",
        "https://docs.astral.sh/ruff/rules/jump-statement-in-finally/",
    ),
)

MAPPINGS = (
    RuffMapping("REL005", ("DTZ002", "DTZ003", "DTZ004", "DTZ005", "DTZ006"), meta=NAIVE_DATETIME),
    RuffMapping("REL008", ("B012",), meta=FINALLY_SWALLOWS),
)
