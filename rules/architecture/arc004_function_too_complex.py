"""ARC004 function-too-complex: a function with too many statements or branches."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from guardrails.rules._shared.options import positive

from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, Option, RuleMeta


@dataclass
class _Measure:
    """Statements and cyclomatic complexity of one function, nested functions excluded.

    McCabe's decision points as Ruff's C901 counts them, so numbers match what
    teams know: if/elif, loops, except handlers and match cases (not boolean
    operators or comprehensions).
    """

    statements: int = 0
    complexity: int = 1


class FunctionTooComplex(CstRule):
    META = RuleMeta(
        id="ARC004",
        foreign_codes=("C901", "PLR0912", "PLR0915"),
        name="function-too-complex",
        category="architecture",
        severity="warning",
        summary="A function has more than `max-statements` statements (60) or a cyclomatic "
        "complexity above `max-complexity` (15).",
        why="Every branch is a path to test and to reason about; past a point nobody holds the "
        "function in their head, and changes to it break paths nobody tested.",
        instead="Extract helpers, use a dispatch table, and return early.",
        remediation="Extract the branches into well-named helper functions, replace flag "
        "chains with a dispatch table, and return early instead of nesting.",
        bad=(
            Example(
                "def route(kind: str, x: int) -> int:  # bad\n"
                + "".join(f'    if kind == "k{i}":\n        return x + {i}\n' for i in range(4))
                + "    return x\n",
                options={"max-complexity": 4},
            ),
            Example(
                "def tally(rows: list) -> int:  # bad\n    total = 0\n    total += 1\n"
                "    total += 2\n    total += 3\n    return total\n",
                options={"max-statements": 4},
            ),
        ),
        good=(
            Example(
                'HANDLERS = {"k0": 0, "k1": 1, "k2": 2, "k3": 3}\n\n\n'
                "def route(kind: str, x: int) -> int:\n    return x + HANDLERS.get(kind, 0)\n",
                options={"max-complexity": 4},
            ),
            Example(
                "def tally(rows: list) -> int:\n    return sum(rows)\n",
                options={"max-statements": 4},
            ),
        ),
        options=(
            Option("max-statements", int, 60, "most statements in one function", check=positive),
            Option("max-complexity", int, 15, "highest cyclomatic complexity", check=positive),
        ),
    )

    # Counted during the engine's single traversal: a frame per function (None
    # for a class body, whose statements belong to no function), so nothing
    # walks a function's subtree a second time.
    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._frames: list[_Measure | None] = []

    def _count(self, statements: int = 1, branches: int = 0) -> None:
        if self._frames and self._frames[-1] is not None:
            self._frames[-1].statements += statements
            self._frames[-1].complexity += branches

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._count()
        self._frames.append(_Measure())

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._count()
        self._frames.append(None)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._frames.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._count(len(node.body))

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._count(len(node.body))

    def visit_If(self, node: cst.If) -> None:
        self._count(branches=1)  # `elif` is a nested If: a statement and a branch

    def visit_For(self, node: cst.For) -> None:
        self._count(branches=1)

    def visit_While(self, node: cst.While) -> None:
        self._count(branches=1)

    def visit_Try(self, node: cst.Try) -> None:
        self._count()

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._count()

    def visit_With(self, node: cst.With) -> None:
        self._count()

    def visit_Match(self, node: cst.Match) -> None:
        self._count()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._count(0, 1)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._count(0, 1)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        self._count(0, 1)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        measure = self._frames.pop()
        if measure is None:  # unreachable: a function always pushed a frame
            return
        too_many = measure.statements > self.options["max-statements"]
        too_complex = measure.complexity > self.options["max-complexity"]
        if too_many or too_complex:
            parts = []
            if too_complex:
                parts.append(f"complexity {measure.complexity} > {self.options['max-complexity']}")
            if too_many:
                parts.append(f"{measure.statements} statements > {self.options['max-statements']}")
            self.report(node.name, f"`{node.name.value}` is too complex: {', '.join(parts)}")
