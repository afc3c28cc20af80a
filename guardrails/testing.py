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

Every helper also takes `rules=[MyRule]`, `semgrep_dirs=[path]` and
`ruff_mappings=[RuffMapping(...)]`, to test rules that no installed plugin
provides yet (they are registered as a plugin named `inline`)::

    test_examples = example_tests(rules=[MyRule])
"""

from __future__ import annotations

import datetime
import functools
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardrails.config import Settings
from guardrails.cst.rule import CstRule
from guardrails.engine import check_paths
from guardrails.hookspecs import hookimpl
from guardrails.model import Example, RuffMapping, RuleMeta, Violation
from guardrails.paths import display_path
from guardrails.plan import build_plan
from guardrails.plugins import autoload_enabled, build_registry
from guardrails.registry import Registry, SelectionLayer

INLINE = "inline"


@dataclass(frozen=True)
class Inline:
    """Rules under test, registered as the plugin `inline`."""

    rules: tuple[type[CstRule], ...] = ()
    semgrep_dirs: tuple[str, ...] = ()
    ruff_mappings: tuple[RuffMapping, ...] = ()
    categories: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        rules: Iterable[type[CstRule]] = (),
        semgrep_dirs: Iterable[str | Path] = (),
        ruff_mappings: Iterable[RuffMapping] = (),
        categories: Iterable[str] = (),
    ) -> Inline:
        return cls(
            tuple(rules),
            tuple(str(d) for d in semgrep_dirs),
            tuple(ruff_mappings),
            tuple(categories),
        )

    def __bool__(self) -> bool:
        return bool(self.rules or self.semgrep_dirs or self.ruff_mappings)

    @hookimpl
    def guardrails_rules(self) -> list[type[CstRule]]:
        return list(self.rules)

    @hookimpl
    def guardrails_semgrep_rule_dirs(self) -> list[str]:
        return list(self.semgrep_dirs)

    @hookimpl
    def guardrails_ruff_mappings(self) -> list[RuffMapping]:
        return list(self.ruff_mappings)

    @hookimpl
    def guardrails_categories(self) -> list[str]:
        return list(self.categories)


def _registry(cwd: Path, inline: Inline = Inline()) -> Registry:
    """The rules a test sees: keyed on everything that decides which plugins load.

    The autoload switch is part of the key: a registry built while entry-point
    plugins were off must not answer a later test that expects them.
    """
    return _cached_registry(cwd, inline, autoload_enabled())


@functools.lru_cache(maxsize=8)
def _cached_registry(cwd: Path, inline: Inline, autoload: bool) -> Registry:
    del autoload  # only part of the cache key; build_registry reads the variable itself
    extra = [(INLINE, inline)] if inline else []
    return build_registry(Settings(root=cwd, src=(cwd,)), extra)


def run_many(
    sources: Mapping[str, str],
    select: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, object]] | None = None,
    inline: Inline = Inline(),
    src: Iterable[str] = (),
    today: datetime.date | None = None,
) -> dict[str, list[Violation]]:
    """Findings per relative path for several files checked in one run.

    `src` names extra source roots (relative folders), so a file at
    `case/acme/api/x.py` can be the module `acme.api.x`. `today` is the day
    `until=` dates are judged on (default: the real one).
    """
    registry = _registry(Path.cwd().resolve(), inline)
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
            src=(root, *(root / folder for folder in src)),
            layers=(SelectionLayer(select=tuple(select) if select is not None else None),),
            rule_options={rid: dict(values) for rid, values in (options or {}).items()},
        )
        plan = build_plan(settings, registry)
        shown = {display_path(path): path.relative_to(root).as_posix() for path in files}
        found: dict[str, list[Violation]] = {relative: [] for relative in sources}
        for violation in check_paths(plan, files, jobs=1, today=today).violations:
            found[shown[violation.path]].append(violation)
    return found


def run(
    source: str,
    path: str = "example.py",
    select: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, object]] | None = None,
    rules: Iterable[type[CstRule]] = (),
    semgrep_dirs: Iterable[str | Path] = (),
    ruff_mappings: Iterable[RuffMapping] = (),
    today: datetime.date | None = None,
) -> list[Violation]:
    """Findings for `source` (dedented) checked as the file `path` of a project, on `today`."""
    inline = Inline.of(rules, semgrep_dirs, ruff_mappings)
    return run_many({path: source}, select, options, inline, today=today)[path]


def assert_findings(
    source: str,
    expected: Iterable[tuple[str, int]],
    path: str = "example.py",
    select: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, object]] | None = None,
    rules: Iterable[type[CstRule]] = (),
    semgrep_dirs: Iterable[str | Path] = (),
    ruff_mappings: Iterable[RuffMapping] = (),
) -> None:
    """Assert that `source` yields exactly the (rule id, line) pairs in `expected`."""
    found = run(source, path, select, options, rules, semgrep_dirs, ruff_mappings)
    found = sorted({(v.rule_id, v.line) for v in found})
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

    def check(self, findings: list[Violation]) -> None:
        """Assert the example behaves as documented, given its findings."""
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


def _selected(rule_ids: Iterable[str] | None, plugin: str | None, inline: Inline) -> list[RuleMeta]:
    registry = _registry(Path.cwd().resolve(), inline)
    wanted = set(rule_ids) if rule_ids is not None else None
    if inline and wanted is None and plugin is None:
        plugin = INLINE
    return [
        meta
        for meta in registry.sorted()
        if meta.backend != "engine"
        and (wanted is None or meta.id in wanted)
        and (plugin is None or meta.plugin == plugin)
    ]


def example_cases(
    rule_ids: Iterable[str] | None = None,
    plugin: str | None = None,
    inline: Inline = Inline(),
) -> list[ExampleCase]:
    """Every example of the selected loaded rules."""
    cases = []
    for meta in _selected(rule_ids, plugin, inline):
        for kind, examples in (("bad", meta.bad), ("good", meta.good)):
            for index, example in enumerate(examples):
                cases.append(ExampleCase(meta, kind, index, example))
    return cases


def run_cases(cases: list[ExampleCase], inline: Inline = Inline()) -> dict[str, list[Violation]]:
    """Findings for every case: one engine run for all cases that share rule options."""
    groups: dict[str, list[ExampleCase]] = {}
    for case in cases:
        key = repr(sorted((case.example.options or {}).items())) + case.meta.id * bool(
            case.example.options
        )
        groups.setdefault(key, []).append(case)
    results: dict[str, list[Violation]] = {}
    for group in groups.values():
        select = sorted({case.meta.id for case in group})
        options = group[0].example.options
        sources = {case.relative_path: case.example.code for case in group}
        found = run_many(
            sources,
            select,
            options={group[0].meta.id: options} if options else None,
            inline=inline,
            src=[str(case) for case in group],
        )
        results.update({str(case): found[case.relative_path] for case in group})
    return results


def missing_examples(
    rule_ids: Iterable[str] | None = None,
    plugin: str | None = None,
    rules: Iterable[type[CstRule]] = (),
    semgrep_dirs: Iterable[str | Path] = (),
    ruff_mappings: Iterable[RuffMapping] = (),
) -> list[str]:
    """Rules with fewer than two bad or two good examples (ids with what is missing)."""
    inline = Inline.of(rules, semgrep_dirs, ruff_mappings)
    return [
        f"{meta.id}: {len(meta.bad)} bad / {len(meta.good)} good examples"
        for meta in _selected(rule_ids, plugin, inline)
        if len(meta.bad) < 2 or len(meta.good) < 2
    ]


def example_tests(
    rule_ids: Iterable[str] | None = None,
    plugin: str | None = None,
    rules: Iterable[type[CstRule]] = (),
    semgrep_dirs: Iterable[str | Path] = (),
    ruff_mappings: Iterable[RuffMapping] = (),
) -> Callable[..., None]:
    """A parametrized pytest test running every example; assign it to `test_examples`.

    Fails (rather than passing vacuously) when the selection has no examples.
    """
    import pytest

    inline = Inline.of(rules, semgrep_dirs, ruff_mappings)
    cases = example_cases(rule_ids, plugin, inline)
    results: dict[str, list[Violation]] = {}

    @pytest.mark.parametrize("case", cases or [None], ids=lambda c: str(c) if c else "none")
    def test_example(case: ExampleCase | None, request: pytest.FixtureRequest) -> None:
        assert case is not None, "no rule examples selected: add bad and good examples"
        if str(case) not in results:
            results.update(run_cases(_batch(request, cases, results, case), inline))
        case.check(results[str(case)])

    return test_example


def _batch(
    request: Any, cases: list[ExampleCase], done: Mapping[str, object], case: ExampleCase
) -> list[ExampleCase]:
    """The cases of this test that this session will run and that have not run yet.

    Run together, they share one Semgrep and one Ruff process; limited to the selected ones,
    `pytest -k SEC001` runs SEC001's examples only, not the whole catalog's.
    """
    chosen = {
        str(item.callspec.params["case"])
        for item in request.session.items
        if getattr(item, "function", None) is request.function and hasattr(item, "callspec")
    }
    chosen.add(str(case))
    return [c for c in cases if str(c) in chosen and str(c) not in done]
