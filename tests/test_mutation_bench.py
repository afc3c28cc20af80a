"""bench/mutation.py: what it skips, how it scores, and that the published page is its numbers.

The mutation run itself takes an hour (docs/testing.md); these check the parts that decide the
published score, in-process.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from conftest import REPO

SCRIPT = REPO / "bench" / "mutation.py"


def _bench():
    spec = importlib.util.spec_from_file_location("mutation_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SOURCE = """\
from __future__ import annotations

LIMIT: int | None = 3


def f(a: dict[str, int] | None, b=1) -> list[int] | None:
    x: int = a | b
    return [x | 2]
"""


def test_only_mutants_wholly_inside_an_annotation_are_skipped() -> None:
    bench = _bench()
    spans = bench._annotation_lines(SOURCE)
    inside = bench._inside
    assert inside((3, 7), (3, 17), spans)  # LIMIT: int | None
    assert inside((6, 9), (6, 30), spans)  # a: dict[str, int] | None
    assert inside((6, 40), (6, 56), spans)  # -> list[int] | None
    assert inside((7, 7), (7, 10), spans)  # x: int
    assert not inside((7, 13), (7, 18), spans)  # = a | b (runs)
    assert not inside((8, 12), (8, 17), spans)  # x | 2 (runs)
    assert not inside((3, 7), (3, 22), spans)  # reaches past the annotation
    assert not inside((6, 32), (6, 35), spans)  # b=1


def test_score_counts_killed_over_mutants_that_could_be_told_apart() -> None:
    bench = _bench()
    source = "a = 1\nif a < 2:\n    b = a + 1\n"
    outcomes = [
        ("core/NumberReplacer", 1, "killed"),
        ("core/ReplaceComparisonOperator_Lt_LtE", 2, "survived"),
        ("core/ReplaceBinaryOperator_Add_Sub", 3, "survived"),
        ("core/ReplaceBinaryOperator_Add_Mul", 3, "skipped"),
        ("core/NumberReplacer", 3, "killed"),
    ]
    equivalent = {("m.py", "core/ReplaceBinaryOperator_Add_Sub", "b = a + 1"): "no reader"}
    score = bench.tally("m.py", "core", outcomes, source, equivalent)
    assert (score.mutants, score.skipped, score.killed, score.equivalent) == (5, 1, 2, 1)
    assert score.score == 2 / 3
    assert score.survivors == [
        {"operator": "core/ReplaceComparisonOperator_Lt_LtE", "line": 2, "text": "if a < 2:"}
    ]
    nothing = bench.tally("m.py", "core", [("core/X", 1, "skipped")], source, {})
    assert nothing.score == 1.0


def test_equivalents_file_is_well_formed_and_every_entry_has_a_reason() -> None:
    bench = _bench()
    for (module, operator, text), reason in bench._equivalents().items():
        assert (REPO / module).is_file(), module
        assert operator.startswith("core/") and text and reason.strip(), (module, operator)
        assert text in {line.strip() for line in (REPO / module).read_text().splitlines()}, (
            f"{module}: no line {text!r} any more; drop or update the entry"
        )


def test_published_page_is_the_committed_results() -> None:
    bench = _bench()
    data = json.loads(bench.RESULTS.read_text())
    assert bench.PAGE.read_text() == bench.page_from(data)
    known = set(bench.CORE) | set(bench.RULES) | bench.SPLIT_RULE_MODULES
    assert {m["module"] for m in data["modules"]} <= known
    for module in data["modules"]:
        assert (
            module["killed"] + module["skipped"] + module["equivalent"] + len(module["survivors"])
            == module["mutants"]
        ), module["module"]


def test_a_wrapped_line_belongs_to_the_statement_coverage_counts() -> None:
    owner = _bench().statement_lines("if (a\n    and b):\n    x = [\n        1,\n    ]\ny = 2\n")
    assert owner == {1: 1, 2: 1, 3: 3, 4: 3, 5: 3, 6: 6}


def test_a_rule_module_meets_the_tests_of_a_rule_whose_meta_it_borrows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a rule whose META is built from one declared in another rule's module: without that
    # one's id, its tests would not run against the borrowing module's mutants
    bench = _bench()
    (tmp_path / "rules" / "reliability").mkdir(parents=True)
    (tmp_path / "rules" / "observability").mkdir()
    (tmp_path / "rules" / "reliability" / "rel100_base.py").write_text(
        'BASE = RuleMeta(\n    id="REL100",\n    name="base",\n)\n'
    )
    (tmp_path / "rules" / "observability" / "obs100_derived.py").write_text(
        "from guardrails.rules.reliability.rel100_base import BASE\n"
        "from guardrails.rules._shared.loggers import logging_call\n\n\n"
        "class Derived(CstRule):\n"
        '    META = dataclasses.replace(BASE, id="OBS100")\n'
    )
    monkeypatch.setattr(bench, "REPO", tmp_path)
    assert bench._keyword("rules/observability/obs100_derived.py", "rules") == [
        "-k",
        "OBS100 or REL100",
    ]


def test_rule_modules_meet_their_own_tests_and_shared_helpers_meet_all() -> None:
    bench = _bench()
    assert "rules/observability/obs007_raise_without_cause.py" in bench.RULES
    assert "rules/_shared/loggers.py" in bench.RULES
    assert not any(module.endswith("__init__.py") for module in bench.RULES)
    assert bench._keyword("rules/observability/obs007_raise_without_cause.py", "rules") == [
        "-k",
        "OBS007",
    ]
    assert bench._keyword("rules/_shared/loggers.py", "rules") == []
    assert bench._keyword("guardrails/fixer.py", "core") == []
