"""Exception-handling rules on the LibCST backend (OBS003, OBS005, OBS006, OBS007).

What an `except` block does with the error it caught: swallows it, hides it
behind a catch-all, logs it without its traceback, or raises a new error
without its cause. Each rule tells the deliberate idioms (an expected
absence ignored, an error value returned, a traceback kept elsewhere) from
the error that silently vanishes.
"""

from __future__ import annotations

import dataclasses
import re
from fnmatch import fnmatchcase

import libcst as cst
from guardrails.rules.observability import logging_call
from guardrails.rules.ruff_backed import RAISE_WITHOUT_CAUSE

from guardrails.cst.helpers import argument, clip, code_of, keyword
from guardrails.cst.rule import CstRule, NodeFix, RuleContext, insert_after, replace
from guardrails.cst.traverse import walk
from guardrails.model import Example, Option, RuleMeta


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


_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})


def broad_head(rule: CstRule, handler: cst.ExceptHandler | cst.ExceptStarHandler) -> str | None:
    """How a catch-all handler reads (`except Exception:`, bare `except:`), else None.

    Bare `except:`, `Exception`, `BaseException`, or a tuple naming one of them.
    """
    if handler.type is None:
        return "bare `except:`"
    star = "*" if isinstance(handler, cst.ExceptStarHandler) else ""
    kinds = (
        [e.value for e in handler.type.elements]
        if isinstance(handler.type, cst.Tuple)
        else [handler.type]
    )
    if any(rule.context.qualified_name(kind) in _BROAD for kind in kinds):
        return f"`except{star} {code_of(handler.type)}:`"
    return None


_CLEANUP = re.compile(
    r"^(a?close|close_\w+|shutdown|unlink|remove|rmdir|rmtree|kill|terminate|cancel|"
    r"wait_closed|release|disconnect|abort|cleanup|stop|write_eof)$"
)


def _only_cleanup(body: cst.BaseSuite) -> bool:
    """Whether a `try` body only tears something down: `sock.close()`, `os.unlink(path)`.

    Ignoring every error of a best-effort close, kill or unlink is the
    accepted idiom (there is nothing left to do about a socket that fails
    to close); swallowing errors of real work is not. Teardown may sit in an
    `if` or a `for` (`if os.path.exists(p): os.unlink(p)`).
    """
    if isinstance(body, cst.SimpleStatementSuite):
        return all(_is_cleanup_call(small) for small in body.body)
    return bool(body.body) and all(_cleanup_statement(s) for s in body.body)


def _cleanup_statement(statement: cst.CSTNode) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return all(_is_cleanup_call(small) for small in statement.body)
    if isinstance(statement, (cst.If, cst.For)):
        orelse = statement.orelse
        if isinstance(orelse, cst.If):  # elif
            return _only_cleanup(statement.body) and _cleanup_statement(orelse)
        return _only_cleanup(statement.body) and (orelse is None or _only_cleanup(orelse.body))
    return False


def _is_cleanup_call(small: cst.BaseSmallStatement) -> bool:
    value = small.value if isinstance(small, cst.Expr) else None
    if isinstance(value, cst.Await):
        value = value.expression
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    if isinstance(func, cst.Attribute):
        return bool(_CLEANUP.match(func.attr.value))
    return isinstance(func, cst.Name) and bool(_CLEANUP.match(func.value))


IGNORABLE_EXCEPTIONS = [
    "KeyError",
    "IndexError",
    "LookupError",
    "AttributeError",
    "ImportError",
    "ModuleNotFoundError",
    "FileNotFoundError",
    "FileExistsError",
    "ProcessLookupError",
    "ChildProcessError",
    "StopIteration",
    "StopAsyncIteration",
    "GeneratorExit",
    "GreenletExit",
    "KeyboardInterrupt",
    "SystemExit",
    "CancelledError",
    "Empty",
    "EndOfStream",
    "NoReverseMatch",
    "*DoesNotExist",
    "*NotFound",
    "*NotFoundError",
    "*NoMatchFound",
    "*AlreadyExists",
]
"""Exceptions that are signals rather than failures: "not there" (a missing
key, module, file, attribute, record or route, an empty queue) or "stop" (a
cancelled task, Ctrl-C, an exit). Ignoring one is the EAFP spelling of an
`if`, or the deliberate end of a loop or program."""


_TIMEOUTS = ["timeout", "*Timeout", "TimeoutError", "*TimeoutError"]


class _TimeoutArgument(cst.CSTVisitor):
    """Finds a call given `timeout=`, outside nested functions."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if keyword(node, "timeout") is not None:
            self.found = True


def _asks_for_timeout(body: cst.BaseSuite) -> bool:
    """Whether the `try` body passes `timeout=`: timing out is then an outcome it asked for."""
    finder = _TimeoutArgument()
    walk(body, finder)
    return finder.found


def _explained(body: cst.BaseSuite) -> bool:
    """Whether the handler's body carries a comment saying why it ignores the error.

    Only the body counts: a comment on the `except` line itself is as often a
    linter pragma (`# pragma: no cover`, `# noqa`) as a reason.
    """
    if isinstance(body, cst.SimpleStatementSuite):
        return False
    return any("#" in code_of(statement) for statement in body.body) or any(
        line.comment is not None for line in body.footer
    )


def _only_ignorable(caught: cst.BaseExpression, ignorable: list[str]) -> bool:
    """Whether every exception `caught` names matches `ignorable` (globs, by last dotted part)."""
    kinds = [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
    for kind in kinds:
        text = code_of(kind)
        last = text.rsplit(".", 1)[-1]
        if not any(fnmatchcase(text, p) or fnmatchcase(last, p) for p in ignorable):
            return False
    return True


class SwallowedException(CstRule):
    META = RuleMeta(
        id="OBS005",
        subsumes=("OBS006",),
        foreign_codes=("S110", "S112", "B110", "B112"),
        name="swallowed-exception",
        category="observability",
        severity="info",
        severity_note=(
            "Info, not a warning: on the precision ledger's projects about nine in ten swallowed "
            "exceptions were deliberate (try-this-then-that parsing, probing an optional feature, "
            "best-effort cleanup). It still shows every one; raise it to a warning in service code "
            "that must not lose errors."
        ),
        summary="An `except` block only `pass`es, `continue`s or is `...`: the error vanishes.",
        why="A swallowed exception leaves no trace: the operation silently did not happen, and "
        "whoever debugs the consequence has no log line, metric or traceback to start from. "
        "These idioms are not reported: catching only an exception that is a signal rather "
        "than a failure (`KeyError`, `ImportError`, `FileNotFoundError`, a cancelled task, "
        "Ctrl-C, ... — the `ignorable-exceptions` option); a named exception in a `try` with "
        "an `else:` (`try`/`except`/`else` spelling an if/else), whose body says in a comment "
        "why the error is ignored, or that is a timeout the `try` asked for (`timeout=`); and "
        "a best-effort teardown whose `try` only closes, kills or unlinks something. "
        "`check-typed-exception = false` reports only catch-alls, like Ruff's S110 default.",
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
            Example(
                "def load(client, key: str) -> None:\n    try:\n        client.fetch(key)\n"
                "    except Exception:  # bad\n        pass\n"
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
            Example(
                "import socket\n\n\n"
                "def forget(cache: dict, key: str, sock: socket.socket) -> None:\n"
                "    try:\n        del cache[key]\n    except KeyError:\n        pass\n"
                "    try:\n        sock.close()\n    except Exception:\n        pass\n"
            ),
        ),
        references=(
            "https://docs.python.org/3/library/contextlib.html#contextlib.suppress",
            "https://docs.astral.sh/ruff/rules/try-except-pass/",
            "CWE-390",
        ),
        options=(
            Option(
                "check-typed-exception",
                bool,
                True,
                "report handlers of named exceptions too (`except ValueError: pass`); false "
                "reports only catch-alls (`except:`, `Exception`, `BaseException`)",
                weaker="lower",  # false reports fewer handlers than true
            ),
            Option(
                "ignorable-exceptions",
                list,
                IGNORABLE_EXCEPTIONS,
                "exceptions (globs) that are signals, not failures (an absence, a cancellation, "
                "an interrupt); a handler catching only these may swallow them (a name matches "
                "its last dotted part: `*DoesNotExist` matches `User.DoesNotExist`)",
                item_kind=str,
                weaker="more",  # every name listed may be swallowed
            ),
        ),
    )

    def visit_Try(self, node: cst.Try) -> None:
        self._check_try(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._check_try(node)

    def _check_try(self, node: cst.Try | cst.TryStar) -> None:
        cleanup = _only_cleanup(node.body)
        for handler in node.handlers:
            self._check(handler, node, cleanup)

    def _check(
        self,
        node: cst.ExceptHandler | cst.ExceptStarHandler,
        owner: cst.Try | cst.TryStar,
        cleanup: bool,
    ) -> None:
        """`owner` is the `try` of handler `node`; `cleanup`: its body only tears down."""
        kind = _only_ignores(node.body)
        if kind is None or cleanup:
            return  # best-effort teardown: `try: sock.close() except OSError: pass`
        head = broad_head(self, node)
        if head is None:
            if not self.options["check-typed-exception"] or node.type is None:
                return
            if owner.orelse is not None:
                return  # `try: n = int(s) except ValueError: pass else: use(n)` is an if/else
            if _only_ignorable(node.type, self.options["ignorable-exceptions"]):
                return  # `except KeyError: pass`: an expected absence
            if _explained(node.body):
                return  # `except OSError:` + `# /dev/null cannot be chowned` + `pass`
            if _only_ignorable(node.type, _TIMEOUTS) and _asks_for_timeout(owner.body):
                return  # `drain_events(timeout=1)` + `except socket.timeout: pass`
            star = "*" if isinstance(node, cst.ExceptStarHandler) else ""
            head = f"`except{star} {code_of(node.type)}:`"
        self.report(
            node,
            f"{head} swallows the exception with only `{kind}`: nothing is "
            "logged, re-raised or handled",
        )


class _HandlerTracker(CstRule):
    """Knows the `except` handler a node is directly in (not via a nested def)."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._stack: list[cst.ExceptHandler | None] = []

    @property
    def handler(self) -> cst.ExceptHandler | None:
        return self._stack[-1] if self._stack else None

    def caught_names(self) -> set[str]:
        """Names bound by the handlers around this point, innermost out to the nearest def."""
        names = set()
        for handler in reversed(self._stack):
            if handler is None:
                break
            name = _bound_name(handler)
            if name is not None:
                names.add(name)
        return names

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
        if exc is None or node.cause is not None or _reraised(exc, self.caught):
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
        "thing needed to debug it, and it is gone once the handler returns. A handler that "
        "keeps the traceback some other way is not reported: it re-raises or raises `from` "
        "the error (it travels on), "
        "records the traceback itself (`traceback.format_exc()`, another call with "
        "`exc_info`), or ends the program with the message (`sys.exit(1)`).",
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


_CONTROL_FLOW = frozenset(
    f"builtins.{name}"
    for name in (
        "SystemExit",
        "KeyboardInterrupt",
        "GeneratorExit",
        "StopIteration",
        "StopAsyncIteration",
    )
)


def _reraised(exc: cst.BaseExpression, caught: set[str]) -> bool:
    """`raise err` or `raise err.with_traceback(tb)` of an exception caught around it."""
    if (
        isinstance(exc, cst.Call)
        and isinstance(exc.func, cst.Attribute)
        and exc.func.attr.value == "with_traceback"
    ):
        exc = exc.func.value
    return isinstance(exc, cst.Name) and exc.value in caught


class RaiseWithoutCause(_HandlerTracker):
    META = dataclasses.replace(
        RAISE_WITHOUT_CAUSE,
        fix="safe",
        remediation='Chain it explicitly: `except OSError as err: raise ConfigError("cannot '
        'read config") from err` (or `from None` when the cause is deliberately hidden).',
        good=(
            *RAISE_WITHOUT_CAUSE.good,
            Example(
                "import sys\n\nfrom app.jobs import Job, JobError\n\n\n"
                "def run(job: Job) -> None:\n    try:\n        job.run()\n"
                "    except JobError as first:\n        try:\n            job.rollback()\n"
                "        except JobError:\n            raise first\n"
                "    except KeyboardInterrupt:\n        raise SystemExit(130)\n"
            ),
        ),
    )
    TRIGGERS = ("raise",)

    def visit_Raise(self, node: cst.Raise) -> None:
        handler = self.handler
        exc = node.exc
        if handler is None or exc is None or node.cause is not None:
            return
        name = _bound_name(handler)
        if _reraised(exc, self.caught_names()):
            return  # `raise err` / `raise err.with_traceback(tb)`: a caught exception itself
        target = exc.func if isinstance(exc, cst.Call) else exc
        if self.context.qualified_name(target) in _CONTROL_FLOW:
            return  # `raise SystemExit(1)`: ends the program or iteration, no error to chain
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


_REPORTING = re.compile(
    r"(^|\.)(exception|error|warning|warn|critical|fatal|info|debug|log|print_exc|format_exc|"
    r"capture_exception|capture_message|captureException|notify|report|add_note)$"
)


_FAILURE_PATH = re.compile(r"fail|error|exception|errback|reraise", re.IGNORECASE)
_PASSES_ON = frozenset(
    {"sys.exc_info", "sys.exception", "sys.exit", "os._exit", "builtins.exit", "builtins.quit"}
)
_ERROR_VALUES = frozenset({"None", "False"})


class _HandlingFinder(cst.CSTVisitor):
    """Whether an except body deals with the error rather than hiding it.

    It does when it raises, passes the caught exception (or `sys.exc_info()`)
    on, reports it (a logger, `warnings.warn`, an error tracker, stderr),
    hands it to a failure path (`self._on_failure()`, `handle_exception()`),
    ends the process (`sys.exit(1)`), or returns an error value
    (`return`, `return None`, `return False`) the caller checks.
    """

    def __init__(self, rule: CstRule, name: str | None) -> None:
        super().__init__()
        self.rule = rule
        self.name = name
        self.handled = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Raise(self, node: cst.Raise) -> None:
        self.handled = True

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if value is None or (isinstance(value, cst.Name) and value.value in _ERROR_VALUES):
            self.handled = True

    def visit_Name(self, node: cst.Name) -> None:
        if self.name is not None and node.value == self.name:
            self.handled = True  # the exception object is passed on or recorded

    def visit_Call(self, node: cst.Call) -> None:
        rule = self.rule
        qualified = rule.context.qualified_name(node.func) or code_of(node.func)
        func = node.func
        called = ""
        if isinstance(func, cst.Attribute):
            called = func.attr.value
        elif isinstance(func, cst.Name):
            called = func.value
        if (
            _REPORTING.search(qualified)
            or qualified in _PASSES_ON
            or _FAILURE_PATH.search(called)
            or _to_stderr(rule, node)
            or (isinstance(func, cst.Attribute) and logging_call(rule, node))
        ):
            self.handled = True


def _to_stderr(rule: CstRule, node: cst.Call) -> bool:
    """`print(..., file=sys.stderr)` or `click.echo(..., err=True)`: told to the user."""
    target = keyword(node, "file")
    if target is not None and rule.context.qualified_name(target.value) == "sys.stderr":
        return True
    err = keyword(node, "err")
    return err is not None and isinstance(err.value, cst.Name) and err.value.value == "True"


class BroadExceptUnlogged(CstRule):
    META = RuleMeta(
        id="OBS006",
        foreign_codes=("BLE001",),
        name="broad-except-unlogged",
        category="observability",
        severity="info",
        severity_note=(
            "Info, not a warning: on the precision ledger's projects most catch-alls that fell "
            "back to a default were commented, deliberate fallbacks; fewer than one in five hid "
            "an error a reviewer would want logged."
        ),
        summary="`except Exception` (or `BaseException`, or bare `except:`) handles every error "
        "without logging it, re-raising it, passing it on or returning an error value.",
        why="A catch-all that neither records nor propagates the error turns every bug — typos, "
        "None errors, timeouts — into a silent default, so failures surface far away, if at all. "
        "Dealing with the error counts: logging or reporting it (also to stderr), re-raising, "
        "passing the exception or `sys.exc_info()` on, calling a failure handler "
        "(`self._on_failure()`), exiting, or returning `None`/`False` for the caller to check. "
        "A body of only `pass`/`continue` is reported once, as OBS005.",
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
            Example(
                "import sys\n\nfrom app.jobs import Job\n\n\n"
                "def try_run(job: Job) -> bool:\n    try:\n        job.run()\n"
                "    except Exception:\n        return False\n    return True\n\n\n"
                "def main(job: Job) -> None:\n    try:\n        job.run()\n"
                "    except Exception:\n"
                '        print("job failed, see the job log", file=sys.stderr)\n'
                "        sys.exit(1)\n",
                path="app/__main__.py",  # a program's entry point: printing and exiting is its job
            ),
        ),
        references=("CWE-396", "https://docs.python.org/3/tutorial/errors.html"),
    )
    TRIGGERS = ("except",)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        head = broad_head(self, node)
        if head is None or _only_ignores(node.body) is not None or self._handled(node):
            return  # a body of only `pass`/`continue` is OBS005's, reported once there
        self.report(node, f"{head} neither logs, re-raises nor passes on the error")

    def _handled(self, handler: cst.ExceptHandler) -> bool:
        finder = _HandlingFinder(self, _bound_name(handler))
        walk(handler.body, finder)
        return finder.handled
