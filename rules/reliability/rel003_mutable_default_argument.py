"""REL003 mutable-default-argument: a default object shared by every call, that can change.

A mutable default is a bug only when the shared object can change: the
function mutates it, or lets it escape (returns it, stores it, hands it to
code that might). `def render(ctx={}): return ctx.get("x")` shares nothing
anyone can see, and flagging it taught users to ignore REL003. `only_read`
answers conservatively: any use not known to be a read — a call with the
object as an argument, an alias, a rebinding, a closure — counts as a
possible change.
"""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import clip, code_of
from guardrails.cst.rule import CstRule, NodeFix, insert_lines_before, replace
from guardrails.cst.traverse import children
from guardrails.model import Example, Option, RuleMeta

_MUTABLE_CALLS = frozenset(
    {
        "builtins.list",
        "builtins.dict",
        "builtins.set",
        "builtins.bytearray",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
        "collections.deque",
        "collections.ChainMap",
    }
)
_MUTABLE_LITERALS = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)


class MutableDefaultArgument(CstRule):
    META = RuleMeta(
        id="REL003",
        foreign_codes=("B006", "B008"),
        name="mutable-default-argument",
        category="reliability",
        severity="warning",
        severity_note=(
            "Warning, not an error: the rule reports only defaults the function changes or lets "
            "out, but on the precision ledger's real projects a third of those were handed to "
            "code that only read them; whether a callee mutates cannot be seen from one function."
        ),
        summary="A parameter's default is a mutable object (list, dict, set, ...), created "
        "once and shared by every call, and the function may change it or let it out "
        "(mutates, returns, stores or passes it on).",
        why="Defaults are evaluated once, when the function is defined; a list or dict default "
        "that is mutated keeps the changes for the next caller, so results depend on call "
        "history and leak data between requests. A default the function only reads "
        "(`.get`, `in`, iteration, `len`) is not reported: nothing can change it.",
        instead="Default to `None` and create the object inside the function.",
        remediation="Default to `None` and create the object inside the function: "
        "`def add(item, items: list[str] | None = None):` then "
        "`items = [] if items is None else items`.",
        bad=(
            Example(
                "def add(item: str, items: list[str] = []) -> list[str]:  # bad\n"
                "    items.append(item)\n    return items\n"
            ),
            Example(
                "from collections import defaultdict\n\n\n"
                "def tally(words: list[str], counts=defaultdict(int)) -> dict:  # bad\n"
                "    for word in words:\n        counts[word] += 1\n    return counts\n"
            ),
            Example(
                "class Cache:\n"
                "    def __init__(self, entries: dict[str, bytes] = {}) -> None:  # bad\n"
                "        self.entries = entries\n"
            ),
        ),
        good=(
            Example(
                "def add(item: str, items: list[str] | None = None) -> list[str]:\n"
                "    items = [] if items is None else items\n"
                "    items.append(item)\n    return items\n"
            ),
            Example(
                "def tally(words: tuple[str, ...] = (), seen: frozenset[str] = frozenset()) "
                "-> int:\n    return len(set(words) - seen)\n"
            ),
            Example(
                "def label(key: str, names: dict[str, str] = {}) -> str:\n"
                "    return names.get(key, key)\n"
            ),
        ),
        references=(
            "https://docs.python.org/3/reference/compound_stmts.html#function-definitions",
        ),
        fix="unsafe",
        options=(
            Option(
                "extend-mutable-calls",
                list,
                [],
                "qualified names of further callables that return mutable objects, "
                'e.g. ["app.cache.LRUCache"]',
                item_kind=str,
            ),
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._check(node.params, node.body, _first_statement(node.body))

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._check(node.params, node.body, None)

    def _check(
        self, params: cst.Parameters, body: cst.CSTNode, first: cst.BaseStatement | None
    ) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            default = param.default
            if default is None or not self._mutable(default):
                continue
            if only_read(body, param.name.value):
                continue  # `ctx={}` only looked into: the shared object never changes
            self.report(
                default,
                f"`{param.name.value}` defaults to the mutable `{clip(code_of(default), 30)}`, "
                "which is created once and shared by every call",
                fix=self._fix(param, default, first),
            )

    def _mutable(self, default: cst.BaseExpression) -> bool:
        if isinstance(default, _MUTABLE_LITERALS):
            return True
        if isinstance(default, cst.Call):
            name = self.context.qualified_name(default.func)
            return name in _MUTABLE_CALLS or name in self.options["extend-mutable-calls"]
        return False

    def _fix(
        self, param: cst.Param, default: cst.BaseExpression, first: cst.BaseStatement | None
    ) -> NodeFix | None:
        """`= None`, `| None` on the annotation, and the default built in the body.

        Unsafe: callers that relied on the shared object see a fresh one.
        """
        if first is None:  # one-line bodies and lambdas: no statement to put it before
            return None
        name = param.name.value
        edits = [
            replace(default, "None"),
            insert_lines_before(
                first,
                f"if {name} is None:\n{self.context.indent}{name} = {code_of(default)}",
            ),
        ]
        annotation = param.annotation
        if annotation is not None and not _allows_none(annotation.annotation):
            if isinstance(annotation.annotation, (cst.SimpleString, cst.ConcatenatedString)):
                return None
            edits.append(replace(annotation.annotation, f"{code_of(annotation.annotation)} | None"))
        return NodeFix(tuple(edits), "unsafe", f"default `{name}` to None and build it per call")


def _first_statement(body: cst.BaseSuite) -> cst.BaseStatement | None:
    """The first statement after a docstring, in an indented body."""
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return None
    statements = list(body.body)
    first = statements[0]
    if (
        isinstance(first, cst.SimpleStatementLine)
        and len(first.body) == 1
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        return statements[1] if len(statements) > 1 else None
    return first


def _allows_none(annotation: cst.BaseExpression) -> bool:
    text = code_of(annotation).replace(" ", "")
    return "None" in text or text.startswith(("Optional[", "typing.Optional[", "Any", "typing.Any"))


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
