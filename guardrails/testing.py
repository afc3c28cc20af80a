"""Helpers for testing rules with the real engine.

Turn every example of every rule into a pytest case in one line::

    from guardrails.testing import example_tests

    test_examples = example_tests(plugin="acme")   # or rule_ids=["ACME001"]

and assert exactly which ids a source yields on which lines::

    from guardrails.testing import assert_findings

    assert_findings("import os\\nos.system(cmd)\\n", {("SEC001", 2)})

A bad example must be reported exactly on its lines marked `# bad`; a good
example must produce no finding of its rule. Sources go through the same
pipeline as `guardrails check` (parse, one traversal, suppressions).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from guardrails.config import Settings
from guardrails.engine import Plan, build_plan, check_source
from guardrails.model import Example, RuleMeta, Violation
from guardrails.plugins import build_registry
from guardrails.registry import Registry, SelectionLayer


@functools.lru_cache(maxsize=1)
def _registry(root: Path) -> Registry:
    return build_registry(Settings(root=root, src=(root,)))


def _plan(select: tuple[str, ...] | None, root: Path, options: tuple = ()) -> Plan:
    layer = SelectionLayer(select=select)
    settings = Settings(
        root=root,
        src=(root,),
        layers=(layer,),
        rule_options={rid: dict(values) for rid, values in options},
    )
    return build_plan(settings, _registry(root))


def run(
    source: str,
    path: str = "example.py",
    select: Iterable[str] | None = None,
    options: dict[str, dict] | None = None,
) -> list[Violation]:
    """Findings for `source` as if it were the file `path` (dedented first)."""
    root = Path.cwd().resolve()
    frozen = tuple((k, tuple(v.items())) for k, v in (options or {}).items())
    plan = _plan(tuple(select) if select is not None else None, root, frozen)
    text = textwrap.dedent(source)
    return check_source(plan, text, root / path, path).violations


def assert_findings(
    source: str,
    expected: Iterable[tuple[str, int]],
    path: str = "example.py",
    select: Iterable[str] | None = None,
    options: dict[str, dict] | None = None,
) -> None:
    """Assert that `source` yields exactly the (rule id, line) pairs in `expected`."""
    found = sorted({(v.rule_id, v.line) for v in run(source, path, select, options)})
    wanted = sorted(set(expected))
    assert found == wanted, f"expected {wanted}, found {found}"


@dataclass(frozen=True)
class ExampleCase:
    """One example of one rule, runnable as a test."""

    meta: RuleMeta
    kind: str  # bad | good
    index: int
    example: Example

    def __str__(self) -> str:
        return f"{self.meta.id}-{self.kind}{self.index}"

    def check(self) -> None:
        findings = run(self.example.code, select=[self.meta.id])
        broken = [v for v in findings if v.rule_id == "GR001"]
        assert not broken, f"{self}: example does not parse: {broken[0].message}"
        lines = sorted(v.line for v in findings if v.rule_id == self.meta.id)
        if self.kind == "good":
            assert not lines, f"{self}: good example reported on lines {lines}"
            return
        marked = self.example.flagged_lines()
        assert marked, f"{self}: bad example marks no line with `# bad`"
        assert sorted(set(lines)) == marked, (
            f"{self}: expected findings on lines {marked}, got {lines}"
        )


def example_cases(
    rule_ids: Iterable[str] | None = None, plugin: str | None = None
) -> list[ExampleCase]:
    """Every example of the selected loaded rules; a rule without ≥2 of each fails."""
    registry = _registry(Path.cwd().resolve())
    wanted = set(rule_ids) if rule_ids is not None else None
    cases = []
    for meta in registry.sorted():
        if meta.backend == "engine" or (wanted is not None and meta.id not in wanted):
            continue
        if plugin is not None and meta.plugin != plugin:
            continue
        for kind, examples in (("bad", meta.bad), ("good", meta.good)):
            for index, example in enumerate(examples):
                cases.append(ExampleCase(meta, kind, index, example))
    return cases


def missing_examples(rule_ids: Iterable[str] | None = None, plugin: str | None = None) -> list[str]:
    """Rules with fewer than two bad or two good examples (ids with what is missing)."""
    registry = _registry(Path.cwd().resolve())
    wanted = set(rule_ids) if rule_ids is not None else None
    problems = []
    for meta in registry.sorted():
        if meta.backend == "engine" or (wanted is not None and meta.id not in wanted):
            continue
        if plugin is not None and meta.plugin != plugin:
            continue
        if len(meta.bad) < 2 or len(meta.good) < 2:
            problems.append(f"{meta.id}: {len(meta.bad)} bad / {len(meta.good)} good examples")
    return problems


def example_tests(
    rule_ids: Iterable[str] | None = None, plugin: str | None = None
) -> Callable[..., None]:
    """A parametrized pytest test running every example; assign it to `test_examples`."""
    import pytest

    cases = example_cases(rule_ids, plugin)

    @pytest.mark.parametrize("case", cases, ids=str)
    def test_example(case: ExampleCase) -> None:
        case.check()

    return test_example
