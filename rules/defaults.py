"""REL003 mutable-default-argument: a default object shared by every call, that can change."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._param_use import only_read

from guardrails.cst.helpers import clip, code_of
from guardrails.cst.rule import CstRule, NodeFix, insert_lines_before, replace
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
