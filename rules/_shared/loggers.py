"""Who counts as a logger and which calls log: OBS002, OBS003, OBS006 and SEC016 agree."""

from __future__ import annotations

import re

import libcst as cst

from guardrails.cst.rule import CstRule

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
