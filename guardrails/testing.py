"""Helpers for testing rules with the real engine, every backend included.

Turn every example of every rule into a pytest case in one line::

    from guardrails.testing import example_tests

    test_examples = example_tests(plugin="acme")   # or rule_ids=["ACME001"]

and assert exactly which ids a source yields on which lines::

    from guardrails.testing import assert_findings

    assert_findings("import os\\nos.system(cmd)\\n", {("SEC001", 2)})

Sources are written to a temporary project and checked by the same pipeline
as `guardrails check` (LibCST, Semgrep and Ruff, suppressions), so a rule is
tested exactly as users run it. A bad example must be reported exactly on
its lines marked `# bad`; a good example must produce no finding of its
rule. `example_tests` checks all examples in one run, so Semgrep and Ruff
start once per test session rather than once per example.
"""

from __future__ import annotations

import functools
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from guardrails.config import Settings
from guardrails.discovery import display_path
from guardrails.engine import check_paths
from guardrails.model import Example, RuleMeta, Violation
from guardrails.plan import build_plan
from guardrails.plugins import build_registry
from guardrails.registry import Registry, SelectionLayer


@functools.lru_cache(maxsize=4)
def _registry(cwd: Path) -> Registry:
    return build_registry(Settings(root=cwd, src=(cwd,)))


def run_many(
    sources: Mapping[str, str],
    select: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, object]] | None = None,
) -> dict[str, list[Violation]]:
    """Findings per relative path for several files checked in one run."""
    registry = _registry(Path.cwd().resolve())
    with tempfile.TemporaryDirectory(prefix="guardrails-test-") as tmp:
        root = Path(tmp).resolve()
        files = []
        for relative, source in sources.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source), encoding="utf-8")
            files.append(path)
        settings = Settings(
            root=root,
            src=(root,),
            layers=(SelectionLayer(select=tuple(select) if select is not None else None),),
            rule_options={rid: dict(values) for rid, values in (options or {}).items()},
        )
        plan = build_plan(settings, registry)
        shown = {display_path(path): path.relative_to(root).as_posix() for path in files}
        found: dict[str, list[Violation]] = {relative: [] for relative in sources}
        for violation in check_paths(plan, files, jobs=1).violations:
            found[shown[violation.path]].append(violation)
    return found


def run(
    source: str,
    path: str = "example.py",
    select: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, object]] | None = None,
) -> list[Violation]:
    """Findings for `source` (dedented) checked as the file `path` of a project."""
    return run_many({path: source}, select, options)[path]


def assert_findings(
    source: str,
    expected: Iterable[tuple[str, int]],
    path: str = "example.py",
    select: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, object]] | None = None,
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

    @property
    def relative_path(self) -> str:
        """Where the example is written: its own folder, its declared path inside."""
        return f"{self}/{self.example.path or 'example.py'}"

    def check(self, findings: list[Violation] | None = None) -> None:
        """Assert the example behaves as documented (runs it alone if not given findings)."""
        if findings is None:
            findings = run(self.example.code, self.example.path or "example.py", [self.meta.id])
        broken = [v for v in findings if v.rule_id in ("GR001", "GR003")]
        assert not broken, f"{self}: {broken[0].rule_id} {broken[0].message}"
        lines = sorted(v.line for v in findings if v.rule_id == self.meta.id)
        if self.kind == "good":
            assert not lines, f"{self}: good example reported on lines {lines}"
            return
        marked = self.example.flagged_lines()
        assert marked, f"{self}: bad example marks no line with `# bad`"
        assert sorted(set(lines)) == marked, (
            f"{self}: expected findings on lines {marked}, got {lines}"
        )


def _selected(rule_ids: Iterable[str] | None, plugin: str | None) -> list[RuleMeta]:
    registry = _registry(Path.cwd().resolve())
    wanted = set(rule_ids) if rule_ids is not None else None
    return [
        meta
        for meta in registry.sorted()
        if meta.backend != "engine"
        and (wanted is None or meta.id in wanted)
        and (plugin is None or meta.plugin == plugin)
    ]


def example_cases(
    rule_ids: Iterable[str] | None = None, plugin: str | None = None
) -> list[ExampleCase]:
    """Every example of the selected loaded rules."""
    cases = []
    for meta in _selected(rule_ids, plugin):
        for kind, examples in (("bad", meta.bad), ("good", meta.good)):
            for index, example in enumerate(examples):
                cases.append(ExampleCase(meta, kind, index, example))
    return cases


def run_cases(cases: list[ExampleCase]) -> dict[str, list[Violation]]:
    """Findings for every case, from one run of the engine over all of them."""
    select = sorted({case.meta.id for case in cases})
    found = run_many({case.relative_path: case.example.code for case in cases}, select)
    return {str(case): found[case.relative_path] for case in cases}


def missing_examples(rule_ids: Iterable[str] | None = None, plugin: str | None = None) -> list[str]:
    """Rules with fewer than two bad or two good examples (ids with what is missing)."""
    return [
        f"{meta.id}: {len(meta.bad)} bad / {len(meta.good)} good examples"
        for meta in _selected(rule_ids, plugin)
        if len(meta.bad) < 2 or len(meta.good) < 2
    ]


def example_tests(
    rule_ids: Iterable[str] | None = None, plugin: str | None = None
) -> Callable[..., None]:
    """A parametrized pytest test running every example; assign it to `test_examples`."""
    import pytest

    cases = example_cases(rule_ids, plugin)
    results: dict[str, list[Violation]] = {}

    @pytest.mark.parametrize("case", cases, ids=str)
    def test_example(case: ExampleCase) -> None:
        if not results:
            results.update(run_cases(cases))
        case.check(results[str(case)])

    return test_example
