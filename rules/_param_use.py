"""Whether a function only reads one of its parameters.

A mutable default is a bug only when the shared object can change: the
function mutates it, or lets it escape (returns it, stores it, hands it to
code that might). `def render(ctx={}): return ctx.get("x")` shares nothing
anyone can see, and flagging it taught users to ignore REL003. The answer is
conservative: any use not known to be a read — a call with the object as an
argument, an alias, a rebinding, a closure — counts as a possible change.
"""

from __future__ import annotations

import libcst as cst

from guardrails.cst.traverse import children

_READ_METHODS = frozenset(
    {
        "get", "keys", "values", "items", "copy", "count", "index", "startswith",
        "endswith", "format", "join", "split", "strip", "lower", "upper", "issubset",
        "issuperset", "isdisjoint", "union", "intersection", "difference",
        "symmetric_difference", "most_common", "elements", "__contains__", "__len__",
        "__iter__", "__getitem__",
    }
)  # fmt: skip
"""Methods of list/dict/set/str and friends that return something new and change nothing."""

_READ_CALLS = frozenset(
    {
        "len", "list", "dict", "set", "frozenset", "tuple", "sorted", "reversed", "iter",
        "any", "all", "sum", "min", "max", "bool", "str", "repr", "enumerate", "zip",
        "isinstance", "id", "hash", "print", "map", "filter",
    }
)  # fmt: skip
"""Builtins that read (or copy) an argument without changing it."""

_ARG_READERS = frozenset(
    {
        "join", "get", "format", "index", "count", "startswith", "endswith", "update",
        "extend", "issubset", "issuperset", "isdisjoint", "union", "intersection",
        "difference", "symmetric_difference", "write", "writelines",
    }
)  # fmt: skip
"""Methods that read an argument's contents and keep none of it (`d.update(p)` copies)."""

_LOGS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "trace"}
)
"""Logging methods: they format their arguments and keep nothing."""


def only_read(body: cst.CSTNode, name: str) -> bool:
    """True if every use of `name` inside `body` is a read that cannot change or leak it."""
    return _Reads(name).all_reads(body)


class _Reads:
    """Walks a function body keeping each node's parent, judging every use of one name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def all_reads(self, node: cst.CSTNode) -> bool:
        return all(self._harmless(use, parents) for use, parents in self._uses(node, ()))

    def _uses(self, node: cst.CSTNode, parents: tuple[cst.CSTNode, ...]):
        if isinstance(node, cst.Name) and node.value == self.name:
            yield node, parents
            return
        if isinstance(node, cst.Attribute):
            # `self.lookup` names an attribute, not the parameter `lookup`
            yield from self._uses(node.value, (*parents, node))
            return
        if isinstance(node, cst.Arg):
            # `f(lookup=x)`: the keyword is the callee's parameter name
            yield from self._uses(node.value, (*parents, node))
            return
        for child in children(node):
            yield from self._uses(child, (*parents, node))

    def _harmless(self, use: cst.Name, parents: tuple[cst.CSTNode, ...]) -> bool:
        """A use is harmless if its nearest meaningful parent only reads the object."""
        parent = parents[-1] if parents else None
        grand = parents[-2] if len(parents) > 1 else None
        if isinstance(parent, cst.Attribute) and parent.value is use:
            if isinstance(grand, cst.Call) and grand.func is parent:
                return parent.attr.value in _READ_METHODS
            return not _is_target(parent, parents[:-1])  # `p.x` read, not `p.x = ...`
        if isinstance(parent, cst.Subscript) and parent.value is use:
            return not _is_target(parent, parents[:-1])  # `p[k]` read, not `p[k] = v`
        if isinstance(parent, cst.Arg):
            call = grand
            if parent.star in ("*", "**"):
                return True  # unpacked into the call: the callee gets copies
            if not isinstance(call, cst.Call):
                return False
            func = call.func
            if isinstance(func, cst.Name):
                return func.value in _READ_CALLS
            # `",".join(p)`, `env.update(p)`, `logger.debug("%r", p)`: read, not kept
            return isinstance(func, cst.Attribute) and func.attr.value in _ARG_READERS | _LOGS
        if isinstance(parent, cst.AssignTarget) or (
            isinstance(parent, (cst.For, cst.CompFor)) and parent.target is use
        ):
            return True  # `p = ["."]` rebinds the name; the shared default is untouched
        if isinstance(parent, (cst.ComparisonTarget, cst.Comparison)):
            return True  # `x in p`, `p == q`, `p is None`
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is use:
            return True
        if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is use:
            return True
        # `not p`, `f"{p}"`: read; anything else (returned, stored, aliased, rebound,
        # passed on) may change it
        return isinstance(parent, (cst.UnaryOperation, cst.FormattedStringExpression))


def _is_target(node: cst.CSTNode, parents: tuple[cst.CSTNode, ...]) -> bool:
    """`node` is (inside) what an assignment, augmented assignment or `del` writes."""
    for parent in reversed(parents):
        if isinstance(parent, cst.AssignTarget) and parent.target is node:
            return True
        if isinstance(parent, (cst.AugAssign, cst.AnnAssign)) and parent.target is node:
            return True
        if isinstance(parent, cst.Del):
            return True
        if isinstance(parent, (cst.Tuple, cst.List, cst.Element, cst.StarredElement)):
            node = parent  # `a, p[k] = ...`
            continue
        return False
    return False
