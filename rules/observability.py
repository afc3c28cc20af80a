"""Observability rules on the LibCST backend (OBS ids)."""

from __future__ import annotations

import re

import libcst as cst

from guardrails.cst.helpers import argument, code_of, is_dynamic_string
from guardrails.cst.rule import CstRule
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
