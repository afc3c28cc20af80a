"""Observability rules on the LibCST backend (OBS ids)."""

from __future__ import annotations

import dataclasses
import re

import libcst as cst
from guardrails.rules._entry import ENTRY_OPTION, EntryAware
from guardrails.rules._names import clip
from guardrails.rules.ruff_backed import RAISE_WITHOUT_CAUSE

from guardrails.cst.helpers import argument, code_of, is_dynamic_string, keyword, string_value
from guardrails.cst.rule import CstRule, NodeEdit, NodeFix, RuleContext, insert_after, replace
from guardrails.cst.traverse import walk
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
        severity="warning",
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


def _only_ignores(body: cst.BaseSuite) -> str | None:
    """'pass', 'continue' or '...' if the block does nothing else, else None."""
    if isinstance(body, cst.SimpleStatementSuite):
        smalls = list(body.body)
    else:
        smalls = []
        for statement in body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                return None
            smalls.extend(statement.body)
    kinds = []
    for small in smalls:
        if isinstance(small, cst.Pass):
            kinds.append("pass")
        elif isinstance(small, cst.Continue):
            kinds.append("continue")
        elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis):
            kinds.append("...")
        elif isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            continue
        else:
            return None
    return kinds[0] if kinds else None


class SwallowedException(CstRule):
    META = RuleMeta(
        id="OBS005",
        subsumes=("OBS006",),
        foreign_codes=("S110", "S112", "B110", "B112"),
        name="swallowed-exception",
        category="observability",
        severity="warning",
        summary="An `except` block only `pass`es, `continue`s or is `...`: the error vanishes.",
        why="A swallowed exception leaves no trace: the operation silently did not happen, and "
        "whoever debugs the consequence has no log line, metric or traceback to start from.",
        remediation='Log it (`logger.warning("cache miss for %s", key, exc_info=True)`), '
        "re-raise, or handle it; if ignoring really is intended, say so with "
        "`with contextlib.suppress(SpecificError):`.",
        bad=(
            Example(
                "def ratio(a: float, b: float) -> float:\n    try:\n        return a / b\n"
                "    except ZeroDivisionError:  # bad\n        pass\n    return 0.0\n"
            ),
            Example(
                "import json\n\n\ndef parse_all(lines: list[str]) -> list[dict]:\n"
                "    out = []\n    for line in lines:\n        try:\n"
                "            out.append(json.loads(line))\n"
                "        except ValueError:  # bad\n            continue\n    return out\n"
            ),
        ),
        good=(
            Example(
                "import contextlib\nimport os\n\n\ndef remove(path: str) -> None:\n"
                "    with contextlib.suppress(FileNotFoundError):\n        os.remove(path)\n"
            ),
            Example(
                "import json\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def parse_all(lines: list[str]) -> list[dict]:\n    out = []\n"
                "    for line in lines:\n        try:\n            out.append(json.loads(line))\n"
                "        except ValueError:\n"
                '            logger.warning("skipping malformed line", exc_info=True)\n'
                "            continue\n    return out\n"
            ),
        ),
        references=(
            "https://docs.python.org/3/library/contextlib.html#contextlib.suppress",
            "CWE-390",
        ),
    )

    def _check(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        kind = _only_ignores(node.body)
        if kind is None:
            return
        caught = code_of(node.type) if node.type is not None else ""
        head = f"`except {caught}:`" if caught else "`except:`"
        self.report(
            node,
            f"{head} swallows the exception with only `{kind}`: nothing is "
            "logged, re-raised or handled",
        )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._check(node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._check(node)


class _HandlerTracker(CstRule):
    """Knows the `except` handler a node is directly in (not via a nested def)."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._stack: list[cst.ExceptHandler | None] = []

    @property
    def handler(self) -> cst.ExceptHandler | None:
        return self._stack[-1] if self._stack else None

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._stack.append(node)

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._stack.pop()

    def _barrier(self, node: cst.CSTNode) -> None:
        self._stack.append(None)

    def _barrier_end(self, node: cst.CSTNode) -> None:
        self._stack.pop()

    visit_FunctionDef = visit_Lambda = visit_ClassDef = _barrier
    leave_FunctionDef = leave_Lambda = leave_ClassDef = _barrier_end


def _bound_name(handler: cst.ExceptHandler) -> str | None:
    if handler.name is not None and isinstance(handler.name.name, cst.Name):
        return handler.name.name.value
    return None


class _ReraiseFinder(cst.CSTVisitor):
    """Finds `raise` / `raise <name>` outside nested functions.

    Visitors are module-level classes with their state on the instance: a
    class made per call costs its creation and leaves a reference cycle.
    """

    def __init__(self, name: str | None) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Raise(self, node: cst.Raise) -> None:
        exc = node.exc
        if exc is None or (isinstance(exc, cst.Name) and exc.value == self.name):
            self.found = True


def _reraises(handler: cst.ExceptHandler) -> bool:
    """Whether the handler re-raises the caught exception itself (`raise` / `raise err`)."""
    finder = _ReraiseFinder(_bound_name(handler))
    walk(handler.body, finder)
    return finder.found


class ErrorLogWithoutTraceback(_HandlerTracker):
    META = RuleMeta(
        id="OBS003",
        foreign_codes=("TRY400",),
        name="error-log-without-traceback",
        category="observability",
        severity="warning",
        summary="`logger.error(...)` inside an `except` block logs the failure without its "
        "traceback.",
        why="The message says something failed but not where or why; the traceback is the one "
        "thing needed to debug it, and it is gone once the handler returns.",
        remediation='Use `logger.exception("what failed")` inside `except` (or pass '
        "`exc_info=True`), which records the traceback with the message.",
        bad=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def sync(client) -> None:\n    try:\n        client.sync()\n"
                "    except ConnectionError as err:\n"
                '        logger.error("sync failed: %s", err)  # bad\n'
            ),
            Example(
                "import logging\n\n\ndef load(path: str) -> str | None:\n    try:\n"
                "        with open(path) as handle:\n            return handle.read()\n"
                "    except OSError:\n"
                '        logging.error("cannot read %s", path)  # bad\n        return None\n'
            ),
        ),
        good=(
            Example(
                "import logging\n\nfrom app.clients import SyncClient\n\n"
                "logger = logging.getLogger(__name__)\n\n\n"
                "def sync(client: SyncClient) -> None:\n    try:\n        client.sync()\n"
                '    except ConnectionError:\n        logger.exception("sync failed")\n'
            ),
            Example(
                "import logging\n\nfrom app.clients import SyncClient\n\n"
                "logger = logging.getLogger(__name__)\n\n\n"
                "def sync(client: SyncClient) -> None:\n    try:\n        client.sync()\n"
                "    except ConnectionError as err:\n"
                '        logger.error("sync failed: %s", err, exc_info=True)\n'
                "    except TimeoutError:\n"
                '        logger.error("sync timed out, retrying later")\n        raise\n'
            ),
        ),
        references=("https://docs.python.org/3/library/logging.html#logging.Logger.exception",),
        fix="safe",
    )
    TRIGGERS = ("except",)

    def visit_Call(self, node: cst.Call) -> None:
        handler = self.handler
        if handler is None or logging_call(self, node) != "error":
            return
        if argument(node, "exc_info") is not None or _reraises(handler):
            return
        func = node.func
        if not isinstance(func, cst.Attribute):  # logging_call only accepts attributes
            return
        self.report(
            node,
            f"`{code_of(func)}()` inside `except` logs the failure without its traceback",
            fix=NodeFix((replace(func.attr, "exception"),), "safe", "log with the traceback"),
        )


class RaiseWithoutCause(_HandlerTracker):
    META = dataclasses.replace(
        RAISE_WITHOUT_CAUSE,
        fix="safe",
        remediation='Chain it explicitly: `except OSError as err: raise ConfigError("cannot '
        'read config") from err` (or `from None` when the cause is deliberately hidden).',
    )
    TRIGGERS = ("raise",)

    def visit_Raise(self, node: cst.Raise) -> None:
        handler = self.handler
        exc = node.exc
        if handler is None or exc is None or node.cause is not None:
            return
        name = _bound_name(handler)
        if isinstance(exc, cst.Name) and exc.value == name:
            return  # re-raising the caught exception itself
        self.report(
            node,
            f"`raise {clip(code_of(exc))}` inside `except` does not chain the caught exception "
            "as its cause",
            fix=self._fix(handler, exc, name),
        )

    def _fix(
        self, handler: cst.ExceptHandler, exc: cst.BaseExpression, name: str | None
    ) -> NodeFix | None:
        if name is not None:
            return NodeFix((insert_after(exc, f" from {name}"),), "safe", f"add `from {name}`")
        if handler.type is None:
            return None  # `except:` would need a type to bind a name
        used = set(re.findall(r"\b\w+\b", code_of(handler.body)))
        fresh = next(n for n in ("exc", "err", "error", "caught_exc") if n not in used)
        return NodeFix(
            (insert_after(handler.type, f" as {fresh}"), insert_after(exc, f" from {fresh}")),
            "safe",
            f"bind the exception as `{fresh}` and add `from {fresh}`",
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
        "per module, and drift when code moves.",
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
            self.report(
                value,
                f"logger named by the literal {code_of(first.value)}; use `getLogger(__name__)`",
                fix=NodeFix((replace(first.value, "__name__"),), "unsafe", "use __name__"),
            )


def insert_after_open(call: cst.Call) -> NodeEdit:
    """An edit giving an argument-less call the argument `__name__`."""
    return replace(call, code_of(call.with_changes(args=[cst.Arg(cst.Name("__name__"))])))


_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
_REPORTING = re.compile(
    r"(^|\.)(exception|error|warning|warn|critical|fatal|info|debug|log|print_exc|format_exc|"
    r"capture_exception|capture_message|captureException|notify|report|add_note)$"
)


class _HandlingFinder(cst.CSTVisitor):
    """Whether an except body raises, passes the caught exception on, or reports it."""

    def __init__(self, rule: CstRule, name: str | None) -> None:
        super().__init__()
        self.rule = rule
        self.name = name
        self.handled = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Raise(self, node: cst.Raise) -> None:
        self.handled = True

    def visit_Name(self, node: cst.Name) -> None:
        if self.name is not None and node.value == self.name:
            self.handled = True  # the exception object is passed on or recorded

    def visit_Call(self, node: cst.Call) -> None:
        rule = self.rule
        qualified = rule.context.qualified_name(node.func) or code_of(node.func)
        if _REPORTING.search(qualified) or (
            isinstance(node.func, cst.Attribute) and logging_call(rule, node)
        ):
            self.handled = True


class BroadExceptUnlogged(CstRule):
    META = RuleMeta(
        id="OBS006",
        foreign_codes=("BLE001",),
        name="broad-except-unlogged",
        category="observability",
        severity="warning",
        summary="`except Exception` (or `BaseException`, or bare `except:`) handles every error "
        "without logging it, re-raising it or passing it on.",
        why="A catch-all that neither records nor propagates the error turns every bug — typos, "
        "None errors, timeouts — into a silent default, so failures surface far away, if at all.",
        remediation="Catch the specific exceptions you expect; where a catch-all is right (a "
        "worker loop, a request boundary), log it with `logger.exception(...)` or re-raise.",
        bad=(
            Example(
                "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
                "    except Exception:  # bad\n        return 8080\n"
            ),
            Example(
                "def fetch_all(client, ids: list[str]) -> list:\n    out = []\n"
                "    for item in ids:\n        try:\n            out.append(client.get(item))\n"
                "        except BaseException:  # bad\n            out.append(None)\n"
                "    return out\n"
            ),
        ),
        good=(
            Example(
                "import logging\n\nfrom app.jobs import Job\n\n"
                "logger = logging.getLogger(__name__)\n\n\n"
                "def handle(job: Job) -> bool:\n    try:\n        job.run()\n"
                '    except Exception:\n        logger.exception("job %s failed", job.id)\n'
                "        return False\n    return True\n"
            ),
            Example(
                "from app.jobs import Job\n\n\n"
                "def handle(job: Job, results: dict) -> None:\n    try:\n        job.run()\n"
                "    except Exception as exc:\n        results[job.id] = exc\n"
                "    try:\n        job.cleanup()\n    except Exception:\n"
                "        job.rollback()\n        raise\n"
            ),
        ),
        references=("CWE-396", "https://docs.python.org/3/tutorial/errors.html"),
    )
    TRIGGERS = ("except",)

    def _broad(self, node: cst.ExceptHandler) -> str | None:
        if node.type is None:
            return "bare `except:`"
        types = (
            [e.value for e in node.type.elements]
            if isinstance(node.type, cst.Tuple)
            else [node.type]
        )
        for kind in types:
            if self.context.qualified_name(kind) in _BROAD:
                return f"`except {code_of(node.type)}:`"
        return None

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        head = self._broad(node)
        if head is None or self._handled(node):
            return
        self.report(node, f"{head} neither logs, re-raises nor passes on the error")

    def _handled(self, handler: cst.ExceptHandler) -> bool:
        finder = _HandlingFinder(self, _bound_name(handler))
        walk(handler.body, finder)
        return finder.handled


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
