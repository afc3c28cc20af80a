"""OBS003 error-log-without-traceback: an error logged inside `except` without its traceback."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shared.except_handlers import HandlerTracker, reraised
from guardrails.rules._shared.loggers import logging_call

from guardrails.cst.helpers import argument, code_of
from guardrails.cst.rule import CstRule, NodeFix, RuleContext, replace
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

_TRACEBACK_OR_EXIT = frozenset(
    {
        "traceback.format_exc",
        "traceback.print_exc",
        "traceback.format_exception",
        "traceback.print_exception",
        "sys.exit",
        "os._exit",
        "builtins.exit",
        "builtins.quit",
    }
)


class _TracebackFinder(cst.CSTVisitor):
    """Whether a handler's traceback is kept some other way than this log call.

    It is when the handler re-raises or raises with an explicit `from` (the
    error travels on with its traceback, or is hidden on purpose), records
    the traceback itself (`traceback.format_exc()`, another log call with
    `exc_info` or `.exception()`), or ends the program with the message as
    its last word (`sys.exit(1)`). Nested functions are not searched.

    Visitors are module-level classes with their state on the instance: a
    class made per call costs its creation and leaves a reference cycle.
    """

    def __init__(self, rule: CstRule, caught: set[str]) -> None:
        super().__init__()
        self.rule = rule
        self.caught = caught
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Raise(self, node: cst.Raise) -> None:
        exc = node.exc
        if exc is None or node.cause is not None or reraised(exc, self.caught):
            self.found = True  # `raise`, `raise err`, `raise New() from err` / `from None`

    def visit_Call(self, node: cst.Call) -> None:
        rule = self.rule
        if rule.context.qualified_name(node.func) in _TRACEBACK_OR_EXIT:
            self.found = True
            return
        method = logging_call(rule, node)
        if method == "exception":
            self.found = True
        elif method is not None:
            exc_info = argument(node, "exc_info")
            if exc_info is not None and not (
                isinstance(exc_info.value, cst.Name) and exc_info.value.value in ("False", "None")
            ):
                self.found = True


def _traceback_kept(rule: CstRule, handler: cst.ExceptHandler, caught: set[str]) -> bool:
    finder = _TracebackFinder(rule, caught)
    walk(handler.body, finder)
    return finder.found


class ErrorLogWithoutTraceback(HandlerTracker):
    META = RuleMeta(
        id="OBS003",
        foreign_codes=("TRY400",),
        name="error-log-without-traceback",
        category="observability",
        severity="warning",
        summary="`logger.error(...)` inside an `except` block logs the failure without its "
        "traceback.",
        why="The message says something failed but not where or why; the traceback is the one "
        "thing needed to debug it, and it is gone once the handler returns. A handler that "
        "keeps the traceback some other way is not reported: it re-raises or raises `from` "
        "the error (it travels on), "
        "records the traceback itself (`traceback.format_exc()`, another call with "
        "`exc_info`), or ends the program with the message (`sys.exit(1)`).",
        instead="Call `logger.exception(...)` in `except` to keep the traceback.",
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
            Example(
                "import logging\nimport sys\n\nfrom app.config import load\n\n"
                "logger = logging.getLogger(__name__)\n\n\n"
                "def main(path: str) -> None:\n    try:\n        load(path)\n"
                "    except ValueError as err:\n"
                '        logger.error("invalid config %s: %s", path, err)\n        sys.exit(2)\n',
                path="app/__main__.py",  # a program's entry point: exiting is its job
            ),
        ),
        references=("https://docs.python.org/3/library/logging.html#logging.Logger.exception",),
        fix="safe",
    )
    TRIGGERS = ("except",)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._verdicts: dict[int, bool] = {}  # id(handler) -> its traceback is kept

    def _kept(self, handler: cst.ExceptHandler) -> bool:
        key = id(handler)
        if key not in self._verdicts:
            self._verdicts[key] = _traceback_kept(self, handler, self.caught_names())
        return self._verdicts[key]

    def visit_Call(self, node: cst.Call) -> None:
        handler = self.handler
        if handler is None or logging_call(self, node) != "error":
            return
        if argument(node, "exc_info") is not None or self._kept(handler):
            return
        func = node.func
        if not isinstance(func, cst.Attribute):  # logging_call only accepts attributes
            return
        self.report(
            node,
            f"`{code_of(func)}()` inside `except` logs the failure without its traceback",
            fix=NodeFix((replace(func.attr, "exception"),), "safe", "log with the traceback"),
        )
