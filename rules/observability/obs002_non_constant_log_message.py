"""OBS002 non-constant-log-message: a log message built at run time, not passed as arguments."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shared.loggers import logging_call

from guardrails.cst.helpers import argument, code_of, is_dynamic_string
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta


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
        instead='Log a constant message with `%s` arguments: `logger.info("user %s", uid)`.',
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
