"""Observability rules on the LibCST backend: logging, output and clocks (OBS ids).

The rules about what `except` blocks do with errors live in
`exception_handling`.
"""

from __future__ import annotations

import re

import libcst as cst
from guardrails.rules._entry import ENTRY_OPTION, EntryAware

from guardrails.cst.helpers import argument, code_of, is_dynamic_string, keyword, string_value
from guardrails.cst.rule import CstRule, NodeEdit, NodeFix, replace
from guardrails.model import Example, RuleMeta

LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
_KNOWN_LOGGERS = frozenset(
    {
        "logging",
        "logging.root",
        "logging.getLogger()",
        "logging.Logger()",
        "logging.LoggerAdapter()",
        "logging.getLoggerClass()()",
        "structlog.get_logger()",
        "structlog.getLogger()",
        "structlog.stdlib.get_logger()",
        "loguru.logger",
    }
)
_LOGGER_SPELLING = re.compile(r"^_*(?:[a-z0-9_]*_)?(?:log|logger|LOG|LOGGER|Logger)$")


def is_logger(context_name: str | None, receiver: cst.BaseExpression) -> bool:
    """Whether `receiver` in `receiver.info(...)` is a logger.

    By origin first (`logging`, `logging.getLogger(...)`, structlog, loguru);
    for objects whose origin is unknown (a logger imported from the project, an
    attribute like `self.log`), by the conventional spelling of the name.
    """
    if context_name in _KNOWN_LOGGERS:
        return True
    if context_name is not None and (
        context_name.startswith("logging.getLogger().") or context_name.endswith(".getChild()")
    ):
        return True
    terminal = None
    if isinstance(receiver, cst.Name):
        terminal = receiver.value
    elif isinstance(receiver, cst.Attribute):
        terminal = receiver.attr.value
    return terminal is not None and bool(_LOGGER_SPELLING.match(terminal))


def logging_call(rule: CstRule, node: cst.Call) -> str | None:
    """The logging method name if `node` is a call on a logger, else None."""
    func = node.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in LOG_METHODS:
        return None
    receiver_name = rule.context.qualified_name(func.value)
    if is_logger(receiver_name, func.value):
        return func.attr.value
    return None


class NonConstantLogMessage(CstRule):
    META = RuleMeta(
        id="OBS002",
        foreign_codes=("G001", "G002", "G003", "G004"),
        name="non-constant-log-message",
        category="observability",
        severity="info",
        severity_note=(
            "Info, not a warning: the precision ledger found it right most of the time, but it "
            "dominates code bases whose house style logs with f-strings (over a thousand findings "
            "in one application, about three per 1,000 lines overall), which buried everything "
            "else. Raise it with `[tool.guardrails.severity]` `OBS002 = 'warning'` where logs feed "
            "an aggregator."
        ),
        summary="A logging call's message is built at run time (f-string, `%`, `.format()`, "
        "`+`) instead of a constant with arguments.",
        why="A constant message groups identical events in log search and alerting, defers "
        "formatting until the record is actually emitted, and keeps values as structured "
        "fields; pre-formatted messages make every event unique and can smuggle untrusted "
        "text into the message.",
        remediation="Pass a constant message with `%s` placeholders and the values as "
        'arguments (`logger.info("user %s logged in", user_id)`), or put values in '
        "`extra={...}`.",
        bad=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def login(user_id: str) -> None:\n"
                '    logger.info(f"user {user_id} logged in")  # bad\n'
            ),
            Example(
                "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def retry(attempt: int, url: str) -> None:\n"
                '    log.warning("retry %d for %s" % (attempt, url))  # bad\n'
                '    log.log(logging.DEBUG, "url={}".format(url))  # bad\n'
            ),
        ),
        good=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def login(user_id: str) -> None:\n"
                '    logger.info("user %s logged in", user_id)\n'
            ),
            Example(
                "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def retry(attempt: int, url: str) -> None:\n"
                '    log.warning("retry %d for %s", attempt, url, extra={"url": url})\n'
                '    log.debug("retry " "scheduled")\n'
            ),
        ),
        references=(
            "https://docs.python.org/3/howto/logging.html#optimization",
            "https://docs.python.org/3/howto/logging-cookbook.html",
        ),
    )
    TRIGGERS = ("log", "LOG")

    def visit_Call(self, node: cst.Call) -> None:
        method = logging_call(self, node)
        if method is None:
            return
        message = argument(node, "msg", 1 if method == "log" else 0)
        if message is None:
            return
        how = is_dynamic_string(message.value)
        if how is not None:
            self.report(
                message.value,
                f"log message passed to `{code_of(node.func)}()` is built with {how}; pass a "
                "constant message and the values as arguments",
            )


class PrintInLibrary(EntryAware):
    META = RuleMeta(
        id="OBS001",
        foreign_codes=("T201",),
        name="print-in-library",
        category="observability",
        severity="warning",
        summary="`print()` in library or service code instead of a logger.",
        why="Printed output has no level, timestamp, logger name or structure, cannot be "
        "filtered or routed, and is often lost entirely in services whose stdout is not "
        "collected.",
        remediation="Log through the module logger: `logger = logging.getLogger(__name__)` then "
        '`logger.info("stats: %s", stats)`; keep `print` for CLI entry points.',
        bad=(
            Example("def dump(stats: dict) -> None:\n    print(stats)  # bad\n"),
            Example(
                "import sys\n\n\ndef warn(message: str) -> None:\n"
                '    print("warning:", message, file=sys.stderr)  # bad\n'
            ),
        ),
        good=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                'def dump(stats: dict) -> None:\n    logger.info("stats: %s", stats)\n'
            ),
            Example(
                "from typing import TextIO\n\n\n"
                "def report(rows: list, out: TextIO) -> None:\n    for row in rows:\n"
                '        print(*row, sep=",", file=out)\n\n\n'
                'if __name__ == "__main__":\n    print("done")\n'
            ),
            Example('def main() -> None:\n    print("usage: tool FILE")\n', path="app/cli.py"),
        ),
        references=("https://docs.python.org/3/howto/logging.html#when-to-use-logging",),
        skip_tests=True,
        options=(ENTRY_OPTION,),
    )
    TRIGGERS = ("print",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.in_program or self.context.qualified_name(node.func) != "builtins.print":
            return
        target = keyword(node, "file")
        if target is not None and self.context.qualified_name(target.value) not in (
            "sys.stdout",
            "sys.stderr",
        ):
            return  # writing to a file object, not printing
        self.report(node, "`print()` in library code: log through the module logger instead")


_ROOT_LOG_FUNCS = frozenset(f"logging.{m}" for m in LOG_METHODS)


class RootOrNamedLogger(CstRule):
    META = RuleMeta(
        id="OBS004",
        foreign_codes=("LOG015",),
        name="root-or-named-logger",
        category="observability",
        severity="warning",
        summary="Logging goes to the root logger (`logging.info(...)`) or a logger named by a "
        "literal instead of `logging.getLogger(__name__)`.",
        why="The module's logger name is what lets operators filter, route and set levels per "
        "package; root-logger calls and hand-typed names cannot be told apart or configured "
        "per module, and drift when code moves. Naming the module's own package "
        '(`getLogger("httpx")` inside `httpx._client`) keeps the hierarchy and is not '
        "reported.",
        remediation="Create one logger per module, `logger = logging.getLogger(__name__)`, and "
        "call `logger.info(...)`.",
        bad=(
            Example(
                'import logging\n\n\ndef dump() -> None:\n    logging.info("stats dumped")  # bad\n'
            ),
            Example('import logging\n\nlogger = logging.getLogger("billing")  # bad\n'),
            Example("from logging import getLogger\n\nlog = getLogger()  # bad\n"),
        ),
        good=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                'def dump() -> None:\n    logger.info("stats dumped")\n'
            ),
            Example(
                "import logging\n\n\ndef configure() -> None:\n"
                "    logging.basicConfig(level=logging.INFO)\n"
                '    logging.getLogger("urllib3").setLevel(logging.WARNING)\n'
                "    logging.getLogger().addHandler(logging.NullHandler())\n"
            ),
            Example(
                'import logging\n\nlogger = logging.getLogger("billing")\n',
                path="billing/invoices.py",
            ),
        ),
        references=("https://docs.python.org/3/howto/logging.html#advanced-logging-tutorial",),
        skip_tests=True,
        fix="unsafe",
    )
    TRIGGERS = ("logging", "getLogger")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name in _ROOT_LOG_FUNCS:
            self.report(
                node,
                f"`{code_of(node.func)}()` logs to the root logger; use "
                "`logger = logging.getLogger(__name__)`",
            )

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.context.names.scope.kind in ("module", "class"):  # the module's logger
            self._check_logger(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and self.context.names.scope.kind in ("module", "class"):
            self._check_logger(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `logging.getLogger("x").info(...)`: a literal-named logger used for logging.
        if node.attr.value in LOG_METHODS and isinstance(node.value, cst.Call):
            self._check_logger(node.value)

    def _check_logger(self, value: cst.BaseExpression) -> None:
        if not isinstance(value, cst.Call) or self.context.qualified_name(value.func) != (
            "logging.getLogger"
        ):
            return
        first = argument(value, "name", 0)
        if first is None:
            self.report(
                value,
                "`getLogger()` returns the root logger; use `getLogger(__name__)`",
                fix=NodeFix((insert_after_open(value),), "unsafe", "use __name__"),
            )
        elif string_value(first.value) is not None:
            name, module = string_value(first.value), self.context.module_name
            if name and (module == name or module.startswith(f"{name}.")):
                return  # its own package's logger: `getLogger("httpx")` in httpx._client
            self.report(
                value,
                f"logger named by the literal {code_of(first.value)}; use `getLogger(__name__)`",
                fix=NodeFix((replace(first.value, "__name__"),), "unsafe", "use __name__"),
            )


def insert_after_open(call: cst.Call) -> NodeEdit:
    """An edit giving an argument-less call the argument `__name__`."""
    return replace(call, code_of(call.with_changes(args=[cst.Arg(cst.Name("__name__"))])))


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
