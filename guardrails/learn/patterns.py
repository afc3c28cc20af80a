"""Semgrep patterns that might tell a fix's before from its after, most specific first.

What a fix changed decides the shape of a rule, not the fix's own names:

- a keyword added to a call (`timeout=`, `check=True`): the call without it;
- a call replaced (`yaml.load` by `yaml.safe_load`): the old call;
- a call's arguments reshaped (`execute("..." % x)` by `execute("...", (x,))`):
  the old shape, literals and names abstracted;
- anything else: the old statement, names and literals abstracted.

Each shape comes in variants from least to most general (the exact callee, then
any receiver of the method); `verify` decides which ones separate.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from guardrails.learn.changes import Fix

IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
"""What a metavariable that stood for a variable may match: a variable, not any expression
(`execute("..." % name)` is the mistake; `% quote_name(table)` may be the cure)."""


@dataclass(frozen=True)
class Candidate:
    """A proposed rule body: Semgrep `patterns`, and what it says in words."""

    kind: str  # keyword-added | call-replaced | arguments-reshaped | statement
    summary: str  # "`requests.get(...)` without `timeout=`"
    patterns: tuple[tuple[str, str], ...]  # (pattern | pattern-not, text)
    generality: int  # 0 = as specific as the fix; higher = matches more
    sources: tuple[int, ...] = field(default=(), compare=False)  # indexes of the fixes

    def semgrep(self) -> list[dict[str, Any]]:
        """The `patterns:` list of the Semgrep rule."""
        return [
            {key: {"metavariable": text, "regex": IDENTIFIER}}
            if key == "metavariable-regex"
            else {key: text}
            for key, text in self.patterns
        ]

    def rule(self, rule_id: str, message: str) -> dict[str, Any]:
        return {
            "id": rule_id,
            "languages": ["python"],
            "severity": "WARNING",
            "message": message,
            "patterns": self.semgrep(),
        }


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _callee(call: ast.Call) -> str | None:
    """The dotted name called (`requests.get`, `cur.execute`), None for anything else."""
    parts = []
    node: ast.AST = call.func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _callees(callee: str) -> list[str]:
    """The callee as written, then (for a method) with any receiver."""
    variants = [callee]
    if "." in callee:
        variants.append("$RECEIVER." + callee.rsplit(".", 1)[1])
    return variants


def _keywords(call: ast.Call) -> set[str]:
    return {k.arg for k in call.keywords if k.arg is not None}


class _Abstract(ast.NodeTransformer):
    """Names to metavariables (the same name, the same one), strings and numbers to
    `"..."` / a metavariable; called names keep their spelling."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.identifiers: set[str] = set()  # metavariables that stood for a variable

    def _metavariable(self, name: str) -> str:
        if name not in self.names:
            self.names[name] = f"$V{len(self.names) + 1}"
        return self.names[name]

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.func = self._callee(node.func)  # the dotted name called stays as written
        node.args = [self.visit(a) for a in node.args]
        node.keywords = [self.visit(k) for k in node.keywords]
        return node

    def _callee(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Name):
            return node
        if isinstance(node, ast.Attribute):
            node.value = self._callee(node.value)
            return node
        return self.visit(node)  # `requests.get(url).json`: the inner call's arguments

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._metavariable(node.arg)
        if node.annotation is not None:
            node.annotation = self.visit(node.annotation)
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        node.body = [self.visit(b) for b in node.body]
        return node  # the exception caught is part of the mistake: kept as written

    def visit_Name(self, node: ast.Name) -> ast.AST:
        metavariable = self._metavariable(node.id)
        self.identifiers.add(metavariable)
        return ast.copy_location(ast.Name(metavariable, node.ctx), node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str):
            return ast.copy_location(ast.Constant("..."), node)
        if isinstance(node.value, int | float) and not isinstance(node.value, bool):
            return ast.copy_location(
                ast.Name(self._metavariable(repr(node.value)), ast.Load()), node
            )
        return node


def _abstract(node: ast.AST) -> str | None:
    found = _abstracted(node)
    return found[0] if found else None


_PLACE = "__guardrails_callee__"


def _arguments(call: ast.Call) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """`(...)` of the call, abstracted, whatever its callee: `('...' % $V1)`."""
    bare = ast.Call(ast.Name(_PLACE, ast.Load()), call.args, call.keywords)
    shaped = _abstracted(bare)
    if shaped is None or not shaped[0].startswith(_PLACE):
        return None
    return shaped[0][len(_PLACE) :], shaped[1]


def _abstracted(node: ast.AST) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The node's text with names and literals abstracted, and the constraints that keep
    each variable's metavariable a variable."""
    transformer = _Abstract()
    try:
        text = ast.unparse(transformer.visit(ast.parse(ast.unparse(node))))
    except (SyntaxError, ValueError, RecursionError):
        return None
    constraints = tuple(("metavariable-regex", m) for m in sorted(transformer.identifiers))
    return text, constraints


_BODIES = ("body", "orelse", "finalbody")


def _kept_bodies(before: ast.stmt, after: ast.stmt) -> ast.stmt | None:
    """`before` with every block the fix left as it was reduced to `...`; None if none."""
    copy = ast.parse(ast.unparse(before)).body[0]
    pairs = [(copy, after, name) for name in _BODIES]
    if isinstance(copy, ast.Try) and isinstance(after, ast.Try):
        pairs += [
            (mine, theirs, "body")
            for mine, theirs in zip(copy.handlers, after.handlers, strict=False)
        ]
    reduced = False
    for mine, theirs, name in pairs:
        block, other = getattr(mine, name, None), getattr(theirs, name, None)
        if block and other and ast.dump(ast.Module(block, [])) == ast.dump(ast.Module(other, [])):
            setattr(mine, name, [ast.Expr(ast.Constant(...))])
            reduced = True
    return copy if reduced else None


def _statements(before: ast.stmt, after: ast.stmt) -> list[Candidate]:
    """The old statement, names and literals abstracted; then with the blocks the fix did
    not touch reduced to `...` (a `try` whose handler swallowed the error, whatever it
    tried)."""
    found = []
    for level, node in enumerate((before, _kept_bodies(before, after))):
        shaped = _abstracted(node) if node is not None else None
        if shaped:
            text, constraints = shaped
            summary = f"`{text.splitlines()[0]}`"
            found.append(Candidate("statement", summary, (("pattern", text), *constraints), level))
    return found


def candidates(fix: Fix) -> list[Candidate]:
    """Every candidate for one fix, least general first; none for an unparsable one."""
    try:
        return _candidates(ast.parse(fix.before), ast.parse(fix.after))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # too deep or not Python: nothing a pattern can be made of


def _candidates(before: ast.Module, after: ast.Module) -> list[Candidate]:
    found: list[Candidate] = []
    after_calls = [(c, _callee(c)) for c in _calls(after)]
    after_names = {name for _c, name in after_calls if name}
    for call in _calls(before):
        name = _callee(call)
        if name is None:
            continue
        same = [c for c, n in after_calls if n == name]
        if same:
            added = len(found)
            for other in same:
                for keyword in sorted(_keywords(other) - _keywords(call)):
                    for level, callee in enumerate(_callees(name)):
                        found.append(
                            Candidate(
                                "keyword-added",
                                f"`{callee}(...)` without `{keyword}=`",
                                (
                                    ("pattern", f"{callee}(...)"),
                                    ("pattern-not", f"{callee}(..., {keyword}=$VALUE, ...)"),
                                    # `**options` may carry it: not a call that surely lacks it
                                    ("pattern-not", f"{callee}(..., **$OPTIONS, ...)"),
                                ),
                                level,
                            )
                        )
            shape = _arguments(call)
            reshaped = all(_arguments(c) != shape for c in same) and call.args
            if shape and reshaped and len(found) == added:  # a keyword added says it better
                arguments, constraints = shape
                for level, callee in enumerate(_callees(name)):
                    text = callee + arguments
                    found.append(
                        Candidate(
                            "arguments-reshaped",
                            f"`{text}`",
                            (("pattern", text), *constraints),
                            level,
                        )
                    )
        elif after_calls and name not in after_names:
            for level, callee in enumerate(_callees(name)):
                found.append(
                    Candidate(
                        "call-replaced", f"`{callee}(...)`", (("pattern", f"{callee}(...)"),), level
                    )
                )
    if not found and len(before.body) == 1 and len(after.body) == 1:
        found += _statements(before.body[0], after.body[0])
    unique: list[Candidate] = []
    for candidate in found:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def same_shape(fix: Fix) -> bool:
    """Whether before and after are one statement once names and literals are abstracted:
    a rename, a new literal, a comment; no rule tells them apart."""
    try:
        before, after = ast.parse(fix.before), ast.parse(fix.after)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return [_abstract(n) for n in before.body] == [_abstract(n) for n in after.body]
