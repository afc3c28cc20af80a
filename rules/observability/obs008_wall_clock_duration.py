"""OBS008 wall-clock-duration: a duration measured between two `time.time()` readings."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta


class WallClockDuration(CstRule):
    META = RuleMeta(
        id="OBS008",
        name="wall-clock-duration",
        category="observability",
        severity="warning",
        summary="A duration is measured as the difference of two `time.time()` readings.",
        why="The wall clock jumps with NTP corrections, leap smearing and manual changes, so "
        "durations computed from it can be negative or wildly wrong; timeouts and latency "
        "metrics built on it misfire.",
        instead="Time durations with `time.monotonic()` or `time.perf_counter()`.",
        remediation="Measure elapsed time with `time.monotonic()` (or `time.perf_counter()` for "
        "short intervals): `started = time.monotonic()` … `time.monotonic() - started`.",
        bad=(
            Example(
                "import time\n\n\ndef timed(fn) -> float:\n    started = time.time()\n"
                "    fn()\n    return time.time() - started  # bad\n"
            ),
            Example(
                "from time import time\n\n\nclass Timer:\n    def __init__(self) -> None:\n"
                "        self.start = time()\n\n    def elapsed(self) -> float:\n"
                "        return time() - self.start  # bad\n"
            ),
        ),
        good=(
            Example(
                "import time\nfrom collections.abc import Callable\n\n\n"
                "def timed(fn: Callable[[], object]) -> float:\n    started = time.perf_counter()\n"
                "    fn()\n    return time.perf_counter() - started\n"
            ),
            Example(
                "import os\nimport time\n\n\ndef age_seconds(path: str) -> float:\n"
                "    return time.time() - os.path.getmtime(path)\n"
            ),
        ),
        references=(
            "https://peps.python.org/pep-0418/",
            "https://docs.python.org/3/library/time.html#time.monotonic",
        ),
    )
    TRIGGERS = ("time",)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if not isinstance(node.operator, cst.Subtract):
            return
        names = [self.context.qualified_name(side) for side in (node.left, node.right)]
        if names == ["time.time()", "time.time()"]:
            self.report(
                node, f"`{code_of(node)}` measures a duration with the wall clock, which can jump"
            )
