"""Which rules a Python file touches: the names it uses against the names a rule looks at.

MCP `policies` answers "what applies to this file" within a small budget, so
the rules the file can actually trip must come first. What a rule looks at
is read from its own flagged examples, not from a table kept per rule: the
modules a bad example imports and the qualified names (`requests.get`,
`subprocess.run`) and builtins (`print`, `eval`) on its `# bad` lines. That
holds for plugin rules too, whatever their backend. A file's names come from
the same extraction over its whole text, parsed once with `ast`.

A name shared by many rules (`os`, `open`) says less than one only a single
rule looks at (`boto3.client`), so each shared name counts one over the
number of candidate rules that look at it.
"""

from __future__ import annotations

import ast
import builtins
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from guardrails.model import Example, RuleMeta

if TYPE_CHECKING:
    from guardrails.plan import ActiveRule

_BUILTINS = frozenset(dir(builtins))
_SEVERITY = {"error": 0, "warning": 1, "info": 2}


def names_used(source: str, lines: frozenset[int] | None = None) -> frozenset[str]:
    """Modules `source` imports, the qualified names it reaches through them, and the
    builtins it calls; with `lines`, names and calls only on those lines (imports always).

    Unparsable source uses no names: ranking then falls back to the path.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return frozenset()
    bound, found = _imports(tree)
    defined = _defined(tree)

    def counts(node: ast.AST) -> bool:
        if lines is None:
            return True
        start = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", None) or start
        return any(line in lines for line in range(start, end + 1))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Name)) and counts(node):
            qualified = _qualified(node, bound)
            if qualified:
                found.add(qualified)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and counts(node):
            name = node.func.id
            if name in _BUILTINS and name not in bound and name not in defined:
                found.add(name)
    return frozenset(found)


def _imports(tree: ast.AST) -> tuple[dict[str, str], set[str]]:
    """(local name -> what it is bound to, the imported modules and names)."""
    bound: dict[str, str] = {}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:  # `import a.b` binds `a`
                    root = alias.name.split(".")[0]
                    bound[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            for alias in node.names:
                if alias.name != "*":
                    target = f"{node.module}.{alias.name}"
                    found.add(target)
                    bound[alias.asname or alias.name] = target
    return bound, found


def _defined(tree: ast.AST) -> set[str]:
    """Names the code binds itself (functions, classes, parameters, assignments)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _qualified(node: ast.AST, bound: dict[str, str]) -> str:
    """`requests.get` for `requests.get` or `r.get` after `import requests as r`; ""
    when the chain does not start at an imported name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in bound:
        return ""
    return ".".join([bound[node.id], *reversed(parts)])


def rule_names(meta: RuleMeta) -> frozenset[str]:
    """What a rule looks at: the names of its flagged examples (see the module docstring)."""
    return _example_names(meta.bad)


@functools.lru_cache(maxsize=1024)
def _example_names(examples: tuple[Example, ...]) -> frozenset[str]:
    found: set[str] = set()
    for example in examples:
        marked = frozenset(example.flagged_lines())
        found |= names_used(example.code, marked or None)  # unmarked: the whole example counts
    return frozenset(found)


@dataclass(frozen=True)
class Ranked:
    """One rule in `policies` order, with why it is there."""

    rule: ActiveRule
    score: float  # > 0: the file uses what the rule looks at, or the rule is about its place
    kind: bool  # a rule written for this kind of file (test code or not)


def rank(
    rules: Sequence[ActiveRule],
    used: Iterable[str],
    is_test: bool,
    placed: Callable[[ActiveRule], bool],
    test_path: Callable[[str], bool],
) -> list[Ranked]:
    """`rules` most relevant first: those whose names the file `used` (most specific first)
    or that `placed` says concern where the file is (ARC001's layer), then rules of the
    file's kind, then the rest; each group by severity, then id."""
    used = frozenset(used)
    looked_at = {rule.id: rule_names(rule.meta) & used for rule in rules}
    spread: dict[str, int] = {}
    for names in looked_at.values():
        for name in names:
            spread[name] = spread.get(name, 0) + 1
    ranked = []
    for rule in rules:
        score = sum(1 / spread[name] for name in looked_at[rule.id])
        if placed(rule):
            score += 1.0
        ranked.append(Ranked(rule, score, _of_kind(rule.meta, is_test, test_path)))
    return sorted(
        ranked,
        key=lambda r: (
            r.score <= 0,
            -r.score,
            not r.kind,
            _SEVERITY.get(r.rule.severity, 3),
            r.rule.id,
        ),
    )


def _of_kind(meta: RuleMeta, is_test: bool, test_path: Callable[[str], bool]) -> bool:
    """Whether the rule is written for this kind of file: non-test rules (`skip_tests`) for
    code, rules with an example placed in test code for tests."""
    if not is_test:
        return meta.skip_tests
    return any(example.path and test_path(example.path) for example in (*meta.bad, *meta.good))
