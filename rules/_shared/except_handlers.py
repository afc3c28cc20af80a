"""What an `except` handler catches and binds, for the rules about handlers (OBS003, OBS005-7).

Those rules judge what an `except` block does with the error it caught:
swallows it, hides it behind a catch-all, logs it without its traceback, or
raises a new error without its cause. Each tells the deliberate idioms (an
expected absence ignored, an error value returned, a traceback kept
elsewhere) from the error that silently vanishes.
"""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of
from guardrails.cst.rule import CstRule, RuleContext


def only_ignores(body: cst.BaseSuite) -> str | None:
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


class HandlerTracker(CstRule):
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
            name = bound_name(handler)
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


def bound_name(handler: cst.ExceptHandler) -> str | None:
    if handler.name is not None and isinstance(handler.name.name, cst.Name):
        return handler.name.name.value
    return None


def reraised(exc: cst.BaseExpression, caught: set[str]) -> bool:
    """`raise err` or `raise err.with_traceback(tb)` of an exception caught around it."""
    if (
        isinstance(exc, cst.Call)
        and isinstance(exc.func, cst.Attribute)
        and exc.func.attr.value == "with_traceback"
    ):
        exc = exc.func.value
    return isinstance(exc, cst.Name) and exc.value in caught
