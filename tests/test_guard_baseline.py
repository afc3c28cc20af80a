"""Baselines: engine findings are never hidden, the hidden count is exact, broken files exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import violation
from guardrails import baseline
from guardrails.model import Violation

ROOT = Path("/project")


def _v(rule_id: str, line: int, fingerprint: str, path: str = "/project/a.py") -> Violation:
    return violation(rule_id, line, path, fingerprint=fingerprint)


def _e(fingerprint: str, path: str = "a.py", rule_id: str = "SEC001") -> dict[str, Any]:
    return {"fingerprint": fingerprint, "rule_id": rule_id, "path": path, "line": 1, "message": "m"}


# --- in-process: what `apply` hides and counts ------------------------------------------------


def test_apply_hides_exactly_the_baselined_findings_and_counts_them() -> None:
    found = [_v("SEC001", 1, "a"), _v("SEC001", 2, "b"), _v("SEC002", 3, "c")]
    outcome = baseline.apply(found, [_e("a"), _e("b")], ROOT, {"a.py"})
    assert [v.fingerprint for v in outcome.kept] == ["c"]
    assert outcome.hidden == 2
    assert outcome.stale == []


def test_apply_never_hides_a_baselined_engine_finding() -> None:
    found = [_v("GR001", 1, "g1"), _v("SEC001", 2, "a"), _v("GR003", 3, "g3"), _v("GR002", 4, "g2")]
    entries = [_e("g1", rule_id="GR001"), _e("a"), _e("g3"), _e("g2"), _e("old")]
    outcome = baseline.apply(found, entries, ROOT, {"a.py"})
    assert [(v.rule_id, v.line) for v in outcome.kept] == [("GR001", 1), ("GR003", 3), ("GR002", 4)]
    assert outcome.hidden == 1  # only SEC001: engine findings are not counted as hidden
    assert [e["fingerprint"] for e in outcome.stale] == ["old"]


def test_apply_judges_staleness_only_for_checked_files() -> None:
    entries = [_e("x", path="a.py"), _e("y", path="b.py"), _e("z", path="a.py")]
    outcome = baseline.apply([_v("SEC001", 1, "z")], entries, ROOT, {"a.py"})
    assert [e["fingerprint"] for e in outcome.stale] == ["x"]
    assert outcome.hidden == 1 and outcome.kept == []


def test_apply_with_empty_baseline_hides_nothing() -> None:
    found = [_v("SEC001", 1, "a")]
    outcome = baseline.apply(found, [], ROOT, {"a.py"})
    assert outcome.kept == found and outcome.hidden == 0 and outcome.stale == []


# --- the CLI: engine findings, counts and exit codes ----------------------------------------

THREE = """\
import os
os.system("a" + x)
os.system("b" + x)
os.system("c" + x)
"""


def test_baselined_engine_finding_is_still_reported_and_fails_the_run(project) -> None:
    project.write("app.py", THREE)
    project.write("broken.py", "def broken(:\n    pass\n")
    first = project.run("check", "--no-cache", "--output-format", "json")
    assert first.code == 1, first.err
    violations = first.json()["violations"]
    assert sorted((v["path"], v["rule_id"], v["line"]) for v in violations) == [
        ("app.py", "SEC001", 2),
        ("app.py", "SEC001", 3),
        ("app.py", "SEC001", 4),
        ("broken.py", "GR001", 1),
    ]
    # `guardrails baseline` never records engine findings
    made = project.run("baseline", "--no-cache", "--out", "b.json")
    assert made.code == 0 and "wrote 3 findings" in made.out, made.out + made.err
    recorded = json.loads((project.root / "b.json").read_text())["findings"]
    assert sorted(e["rule_id"] for e in recorded) == ["SEC001"] * 3
    # a hand-edited baseline that lists GR001 and two of the three SEC001 findings
    keep = [v for v in violations if (v["rule_id"], v["line"]) != ("SEC001", 4)]
    entries = [
        {k: v[k] for k in ("fingerprint", "rule_id", "path", "line", "message")} for v in keep
    ]
    (project.root / "b.json").write_text(json.dumps({"version": 1, "findings": entries}))
    result = project.run("check", "--no-cache", "--baseline", "b.json", "--output-format", "json")
    assert result.code == 1, result.err
    assert sorted(result.ids()) == [("app.py", "SEC001", 4), ("broken.py", "GR001", 1)]
    assert result.json()["summary"]["baseline"] == {"hidden": 2, "stale": 0}
    text = project.run("check", "--no-cache", "--baseline", "b.json")
    assert text.code == 1
    assert "2 findings hidden by the baseline" in text.out


def test_only_a_baselined_engine_finding_still_fails(project) -> None:
    project.write("broken.py", "def broken(:\n    pass\n")
    first = project.run("check", "--no-cache", "--output-format", "json")
    (gr001,) = first.json()["violations"]
    entry = {k: gr001[k] for k in ("fingerprint", "rule_id", "path", "line", "message")}
    project.write("b.json", json.dumps({"version": 1, "findings": [entry]}))
    result = project.run("check", "--no-cache", "--baseline", "b.json", "--output-format", "json")
    assert result.code == 1
    assert result.ids() == [("broken.py", "GR001", 1)]
    assert result.json()["summary"]["baseline"] == {"hidden": 0, "stale": 0}


# --- malformed baselines: one line on stderr, exit 2 ----------------------------------------

ENTRY = {"fingerprint": "0" * 32, "rule_id": "SEC001", "path": "app.py", "line": 2, "message": "m"}


def _with(**changes: Any) -> str:
    entry = {k: v for k, v in {**ENTRY, **changes}.items() if v is not None}
    return json.dumps({"version": 1, "findings": [entry]})


MALFORMED: dict[str, str | bytes] = {
    "not JSON": "{not json",
    "empty file": "",
    "a list": "[]",
    "null": "null",
    "a string": '"baseline"',
    "findings not a list": '{"findings": {}}',
    "findings missing": '{"version": 1}',
    "an entry not an object": '{"findings": [1]}',
    "fingerprint not a string": _with(fingerprint=5),
    "fingerprint missing": _with(fingerprint=None),
    "path missing": _with(path=None),
    "path a list": _with(path=["app.py"]),
    "path a number": _with(path=3),
    "rule_id missing": _with(rule_id=None),
    "line a string": _with(line="2"),
    "line NaN": _with(line=float("nan")),
    "not UTF-8": b'{"findings": [\xff]}',
    "byte order mark": '\ufeff{"version": 1, "findings": []}',
    "nested too deep": "[" * 100_000 + "]" * 100_000,
    "findings nested too deep": '{"findings": ' + "[" * 100_000 + "]" * 100_000 + "}",
}


@pytest.mark.parametrize("content", MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_baseline_is_a_config_error_not_a_crash(
    tmp_path: Path, content: str | bytes
) -> None:
    path = tmp_path / "b.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(baseline.ConfigError) as raised:
        baseline.load(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and "\n" not in message


def test_malformed_baselines_exit_2_with_one_line_on_stderr(project) -> None:
    project.write("app.py", 'import os\nos.system("a" + x)\n')
    cases = {"path missing": (), "line a string": ("--prune",), "nested too deep": ()}
    for name, extra in {**cases, "a list": ("--prune",)}.items():
        project.write("b.json", MALFORMED[name])
        result = project.run("check", "--no-cache", "--baseline", "b.json", *extra)
        assert result.code == 2, (name, result.out, result.err)
        assert len(result.err.splitlines()) == 1, (name, result.err)
        assert result.err.startswith("guardrails: error: b.json: "), (name, result.err)
        assert "internal error" not in result.err and "Traceback" not in result.err


def test_a_well_formed_baseline_loads(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(_with(), encoding="utf-8")
    assert baseline.load(path) == [ENTRY]


# --- the file itself: its exact format, and places it cannot be read from or written to --------


def test_dump_is_sorted_one_entry_per_line_with_the_format_version() -> None:
    entries = [
        {"path": "b.py", "rule_id": "SEC001", "line": 2, "fingerprint": "f2", "message": "m"},
        {"path": "a.py", "rule_id": "SEC001", "line": 9, "fingerprint": "f1", "message": "m"},
    ]
    assert baseline.dump(entries) == (
        "{\n"
        '  "version": 1,\n'
        '  "findings": [\n'
        '    {"fingerprint": "f1", "line": 9, "message": "m", "path": "a.py", '
        '"rule_id": "SEC001"},\n'
        '    {"fingerprint": "f2", "line": 2, "message": "m", "path": "b.py", '
        '"rule_id": "SEC001"}\n'
        "  ]\n"
        "}\n"
    )
    assert baseline.dump([]) == '{\n  "version": 1,\n  "findings": []\n}\n'


def test_an_unreadable_baseline_is_a_one_line_error(project) -> None:
    project.write("app.py", "x = 1\n")
    (project.root / "folder.json").mkdir()
    read = project.run("check", "--baseline", "folder.json")
    assert read.code == 2
    assert read.err.strip().splitlines() == [
        "guardrails: error: folder.json: cannot read baseline: a directory"
    ]
