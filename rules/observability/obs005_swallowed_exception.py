"""OBS005 swallowed-exception: an `except` block that only `pass`es, `continue`s or is `...`."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

import libcst as cst
from guardrails.rules._shared.except_handlers import broad_head, only_ignores

from guardrails.cst.helpers import code_of, keyword
from guardrails.cst.rule import CstRule
from guardrails.cst.traverse import walk
from guardrails.model import Example, Option, RuleMeta

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
        instead="Log it with `exc_info=True`, re-raise it, or handle it.",
        remediation='Log it (`logger.warning("cache miss for %s", key, exc_info=True)`), '
        "re-raise, or handle it; if ignoring really is intended, say so with "
        "`with contextlib.suppress(SpecificError):`.",
        bad=(
            Example(
                "import json\n\n\ndef parse_all(lines: list[str]) -> list[dict]:\n"
                "    out = []\n    for line in lines:\n        try:\n"
                "            out.append(json.loads(line))\n"
                "        except ValueError:  # bad\n            continue\n    return out\n"
            ),
            Example(
                "def ratio(a: float, b: float) -> float:\n    try:\n        return a / b\n"
                "    except ZeroDivisionError:  # bad\n        pass\n    return 0.0\n"
            ),
            Example(
                "def load(client, key: str) -> None:\n    try:\n        client.fetch(key)\n"
                "    except Exception:  # bad\n        pass\n"
            ),
        ),
        good=(
            Example(
                "import json\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def parse_all(lines: list[str]) -> list[dict]:\n    out = []\n"
                "    for line in lines:\n        try:\n            out.append(json.loads(line))\n"
                "        except ValueError:\n"
                '            logger.warning("skipping malformed line", exc_info=True)\n'
                "            continue\n    return out\n"
            ),
            Example(
                "import contextlib\nimport os\n\n\ndef remove(path: str) -> None:\n"
                "    with contextlib.suppress(FileNotFoundError):\n        os.remove(path)\n"
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
        kind = only_ignores(node.body)
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
