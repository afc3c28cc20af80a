"""REL008 finally-swallows: a jump out of `finally` that discards the exception (Ruff's B012)."""

from __future__ import annotations

from guardrails.model import Example, RuffMapping, RuleMeta

FINALLY_SWALLOWS = RuleMeta(
    id="REL008",
    name="finally-swallows",
    category="reliability",
    severity="error",
    summary="`return`, `break` or `continue` inside `finally` discards any exception in flight.",
    why="A jump out of `finally` silently cancels the exception being propagated, including "
    "KeyboardInterrupt, so failures vanish and the function returns as if it had succeeded.",
    instead="Move `return`/`break`/`continue` out of `finally`.",
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

MAPPING = RuffMapping("REL008", ("B012",), meta=FINALLY_SWALLOWS)
