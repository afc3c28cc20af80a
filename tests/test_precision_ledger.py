"""The precision ledger: its labels are well formed, its page is the committed numbers, and the
command scores a project end to end (on a stand-in tree, so no download happens in tests)."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from guardrails.docs_gen import precision as precision_docs
from guardrails.docs_gen import rule_page

from guardrails.config import Settings
from guardrails.plugins import build_registry

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "precision.py"


def _ledger():
    spec = importlib.util.spec_from_file_location("precision_ledger", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ledger = _ledger()


def test_labels_are_well_formed_and_name_builtin_rules() -> None:
    labels = ledger.read_labels()
    assert len(labels) >= 400
    registry = build_registry(Settings(root=REPO, src=(REPO,)))
    projects = {p.name for p in ledger.PROJECTS}
    for (project, path, line, rule), row in labels.items():
        assert project in projects, row
        assert rule in registry.rules, row
        assert line > 0 and path and not path.startswith("/"), row
        assert row["note"].strip(), f"every verdict says why: {row}"


def test_docs_page_is_the_committed_numbers() -> None:
    results = json.loads((REPO / "rules" / "precision.json").read_text(encoding="utf-8"))
    page = (REPO / "docs" / "precision.md").read_text(encoding="utf-8")
    assert page == precision_docs.precision_page(results), "run python bench/precision.py --write"


def test_committed_numbers_meet_the_bars() -> None:
    results = json.loads((REPO / "rules" / "precision.json").read_text(encoding="utf-8"))
    assert ledger.problems(results) == []


def test_builtin_rule_pages_link_the_ledger_and_plugin_pages_do_not(entry_point_plugins) -> None:
    registry = build_registry(Settings(root=REPO, src=(REPO,)))
    sec001 = rule_page(registry.rules["SEC001"])
    assert "## Measured precision" in sec001
    assert "../precision.md#sec001" in sec001
    plugin_rule = next(
        m for m in registry.rules.values() if m.plugin not in ("guardrails.rules", "guardrails")
    )
    assert "Measured precision" not in rule_page(plugin_rule)


def _results(verdicts: dict[tuple[str, int, str], str]) -> dict:
    project = ledger.Project("demo", "1.0")
    findings = [
        {"rule_id": "SEC004", "severity": "error", "path": "a.py", "line": 1, "message": "m"},
        {"rule_id": "SEC004", "severity": "error", "path": "a.py", "line": 5, "message": "m"},
        {"rule_id": "OBS001", "severity": "warning", "path": "b.py", "line": 2, "message": "m"},
    ]
    labels = {
        ("demo", path, line, rule): {"verdict": verdict, "note": f"because {line}"}
        for (path, line, rule), verdict in verdicts.items()
    }
    return ledger.score({project: (1000, findings)}, labels)


def test_score_counts_verdicts_and_names_stale_labels() -> None:
    results = _results(
        {("a.py", 1, "SEC004"): "tp", ("a.py", 5, "SEC004"): "fp", ("gone.py", 9, "SEC005"): "fp"}
    )
    sec004 = results["rules"]["SEC004"]
    assert (sec004["tp"], sec004["fp"], sec004["judged"], sec004["precision"]) == (1, 1, 2, 0.5)
    assert sec004["notes"] == [
        {"verdict": "fp", "project": "demo", "path": "a.py", "line": 5, "note": "because 5"}
    ]
    assert results["totals"]["per_kloc"] == 3.0
    assert results["totals"]["stale_labels"] == {"SEC005 fp": 1}
    missed = ledger.problems(results)
    assert any("SEC004: precision 0.5" in m for m in missed)
    assert any("error precision 0.5" in m for m in missed)


def test_an_unjudged_error_finding_is_a_missed_bar() -> None:
    results = _results({("a.py", 1, "SEC004"): "tp"})
    assert "SEC004: 1 error finding(s) not judged" in ledger.problems(results)
    judged = _results({("a.py", 1, "SEC004"): "tp", ("a.py", 5, "SEC004"): "tp"})
    assert ledger.problems(judged) == []


@pytest.mark.parametrize("verdict", ["maybe", ""])
def test_a_bad_verdict_is_refused(tmp_path: Path, verdict: str) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(f"project,path,line,rule,verdict,note\nflask,a.py,1,SEC004,{verdict},x\n")
    with pytest.raises(SystemExit, match="verdict must be one of"):
        ledger.read_labels(labels)


def test_the_command_scores_an_unpacked_project(tmp_path: Path) -> None:
    flask = next(p for p in ledger.PROJECTS if p.name == "flask")
    tree = tmp_path / "work" / "src" / f"flask-{flask.version}" / "flask"
    tree.mkdir(parents=True)
    (tree / "views.py").write_text(
        textwrap.dedent(
            """\
            import subprocess


            def run(cmd: str) -> None:
                subprocess.run(cmd, shell=True, check=True)
            """
        )
    )
    labels = tmp_path / "labels.csv"
    with labels.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ledger.FIELDS)
        writer.writerow(
            ["flask", "flask/views.py", 5, "SEC001", "tp", "shell=True on a caller's value"]
        )
    todo = tmp_path / "todo.csv"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--work", str(tmp_path / "work"), "--labels", str(labels),
         "--project", "flask", "--todo", str(todo)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    row = next(line for line in proc.stdout.splitlines() if line.startswith("SEC001"))
    assert row.split() == ["SEC001", "warning", "1", "200.00", "1", "1", "0", "0", "1.00"]
    assert "1 judged in all" in proc.stdout
    assert list(csv.DictReader(todo.open())) == []
