"""REL009 assert-for-validation: `assert` checking what a caller or the outside passed in."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import clip, code_of
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

_RECEIVERS = frozenset({"self", "cls", "mcs", "metacls"})
_OUTSIDE = frozenset({"os.environ", "os.getenv", "sys.argv", "builtins.input"})
"""Data from outside the program, validated wherever it is asserted on."""
_NARROWING_CALLS = frozenset({"builtins.isinstance", "builtins.issubclass"})


class _Reads(cst.CSTVisitor):
    """Names an expression reads (not attribute names or keyword labels) and outside sources."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__()
        self.context = context
        self.names: list[str] = []
        self.outside: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        if self.context.qualified_name(node) in _OUTSIDE:  # `input()`, an imported `getenv`
            self.outside.append(node.value)
        elif node.value not in self.names:
            self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if self.context.qualified_name(node) in _OUTSIDE:
            self.outside.append(code_of(node))
            return False
        walk(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)
        return False


def _narrows(test: cst.BaseExpression, context: RuleContext) -> bool:
    """Type narrowing a checker relies on: `isinstance`, `is not None`, `assert False`."""
    if isinstance(test, cst.BooleanOperation):
        return _narrows(test.left, context) and _narrows(test.right, context)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _narrows(test.expression, context)
    if isinstance(test, cst.Call):
        return context.qualified_name(test.func) in _NARROWING_CALLS
    if isinstance(test, cst.Comparison):  # `x is not None`; `x is None` demands, not narrows
        return all(
            isinstance(c.operator, cst.IsNot)
            and isinstance(c.comparator, cst.Name)
            and c.comparator.value == "None"
            for c in test.comparisons
        )
    # `assert False` / `assert 0`: marks a branch as unreachable, like `assert_never`
    return (isinstance(test, cst.Name) and test.value == "False") or (
        isinstance(test, cst.Integer) and test.value == "0"
    )


def _parameters(node: cst.FunctionDef) -> frozenset[str]:
    params = node.params
    every = (*params.posonly_params, *params.params, *params.kwonly_params)
    star = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return frozenset(p.name.value for p in (*every, *star)) - _RECEIVERS


class AssertForValidation(CstRule):
    META = RuleMeta(
        id="REL009",
        # Ruff's and bandit's codes for `assert`: their suppression comments silence
        # it when `foreign-suppressions` opts in
        foreign_codes=("S101", "B101"),
        name="assert-for-validation",
        category="reliability",
        severity="warning",
        summary="`assert` validates input: its test reads a parameter of the enclosing "
        "function, or `os.environ` / `sys.argv`.",
        why="Assertions are removed when Python runs with `-O`, so a check of what a caller "
        "passed silently disappears in optimised deployments, and a failing assert raises a bare "
        "AssertionError that callers cannot tell apart from a bug. Invariants on the function's "
        "own computed state and type narrowing (`isinstance`, `is not None`, `assert False` for "
        "an unreachable branch) are what `assert` is for, and are not reported.",
        instead="Validate with `if ...: raise ValueError(...)`, not `assert`.",
        remediation='Raise a specific exception: `if amount <= 0: raise ValueError(f"amount must '
        'be positive, got {amount}")`; for types, `raise TypeError(...)`. Keep `assert` for '
        "tests, internal invariants and type narrowing (`assert isinstance(x, Foo)`, "
        "`assert x is not None`).",
        bad=(
            Example(
                "def withdraw(balance: int, amount: int) -> int:\n"
                '    assert amount > 0, "amount must be positive"  # bad\n'
                "    return balance - amount\n"
            ),
            Example(
                "def load(config: dict) -> str:\n"
                '    assert "url" in config  # bad\n    return config["url"]\n'
            ),
            Example(
                "class Router:\n    def mount(self, prefix: str) -> None:\n"
                '        assert prefix.startswith("/"), "a prefix must start with /"  # bad\n'
                "        self.prefix = prefix\n"
            ),
        ),
        good=(
            Example(
                "def withdraw(balance: int, amount: int) -> int:\n    if amount <= 0:\n"
                '        raise ValueError(f"amount must be positive, got {amount}")\n'
                "    return balance - amount\n"
            ),
            Example(
                "from bank import withdraw\n\n\ndef test_withdraw() -> None:\n"
                "    assert withdraw(10, 3) == 7\n",
                path="tests/test_bank.py",
            ),
            Example(
                "def shortest(text: str | bytes, words: set[str] | None) -> str | None:\n"
                "    assert isinstance(text, str)\n    assert words is not None\n"
                "    found = [w for w in text.split() if w in words]\n"
                "    ranked = sorted(found, key=len)\n"
                "    assert len(ranked) == len(found)  # an invariant of its own work\n"
                "    return ranked[0] if ranked else None\n"
            ),
        ),
        references=(
            "https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement",
            "CWE-617",
        ),
        skip_tests=True,
    )
    TRIGGERS = ("assert",)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._parameters: list[frozenset[str]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._parameters.append(_parameters(node))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._parameters.pop()

    def visit_Assert(self, node: cst.Assert) -> None:
        if _narrows(node.test, self.context):
            return
        reads = _Reads(self.context)
        walk(node.test, reads)
        parameters = self._parameters[-1] if self._parameters else frozenset()
        checked = [f"the parameter `{n}`" for n in reads.names if n in parameters]
        checked += [f"`{source}`" for source in reads.outside]
        if checked:
            self.report(
                node,
                f"`assert {clip(code_of(node.test), 40)}` validates {checked[0]}, and "
                "`python -O` removes it; raise a specific exception instead",
            )
