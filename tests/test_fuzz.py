"""The fuzz command (bench/fuzz.py) on 200 generated programs with a fixed seed.

The documented run is >= 10,000 programs (docs/fuzzing.md); this one keeps the same
properties in the default suite: one batch, two `check` (cold, warm) and two `fix`
runs of the real CLI. The seed is fixed, so a failure here reproduces with the command the assertion
message prints.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesmith", reason="the [test] extra installs hypothesmith")

FUZZ = Path(__file__).resolve().parents[1] / "bench" / "fuzz.py"
ARGS = [
    "--programs", "200", "--batch", "200", "--seed", "15",
    # from_grammar() draws are the slow part: a few, spliced into many fixable programs;
    # from_node() only for the node classes it builds quickly
    "--node-share", "0.007", "--mixed", "0.893", "--node-kinds", "FunctionDef,ClassDef",
]  # fmt: skip


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("fuzz")
    report = out / "report.json"
    proc = subprocess.run(
        [sys.executable, str(FUZZ), *ARGS, "--json", str(report), "--failures", str(out / "f")],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,  # the exit code is asserted below
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    data = json.loads(report.read_text())
    data["exit"] = proc.returncode
    data["stdout"] = proc.stdout
    data["folder"] = out
    return data


def test_the_run_generates_every_shape_and_really_fixes(fuzzed) -> None:
    assert fuzzed["programs"] == 200
    assert fuzzed["by_shape"] == {"grammar": 20, "node": 1, "mixed": 179}
    assert fuzzed["valid"] == 200  # every program is Python CPython compiles
    assert fuzzed["fixable"] >= 200 and fuzzed["files_fixed"] >= 100  # not only no-op files
    assert fuzzed["exit"] == (1 if fuzzed["failures"] else 0), fuzzed["stdout"]
    assert not list(fuzzed["folder"].glob(".hypothesis"))  # nothing left in the cwd


def _failures(fuzzed: dict[str, Any], kind: str) -> list[str]:
    return [
        f"{f['program']}: {f['detail']}" for f in fuzzed["failures"] if f["kind"] == kind
    ]


@pytest.mark.parametrize(
    "kind",
    [
        "gr003",
        "check-error",
        "fix-error",
        "position",
        "unparsable-write",
        "fix-refused",
        "lost-content",
        "not-idempotent",
        "cache-mismatch",
    ],
)
def test_no_failure_of_class(fuzzed, kind: str) -> None:
    found = _failures(fuzzed, kind)
    rerun = f"python bench/fuzz.py {' '.join(ARGS)}"
    assert not found, f"{len(found)} {kind} failures (reproduce: {rerun}): {found[:5]}"


def test_the_properties_catch_what_they_claim() -> None:
    """A lost comment, a moved line, a position past the end: the harness sees each."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("guardrails_fuzz", FUZZ)
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = fuzz  # its dataclasses look their module up
    spec.loader.exec_module(fuzz)
    before = "import os  # keep\n\ndef f(x=[]):\n    return x\n\nVALUE = 1\n"
    fixed = "import os  # keep\n\ndef f(x=None):\n    if x is None:\n        x = []\n" + (
        "    return x\n\nVALUE = 1\n"
    )
    edits = [((3, 9), (3, 11)), ((4, 1), (4, 1))]  # REL003's: the default, the guard
    assert fuzz._lost_content(before, fixed, edits) == []
    assert fuzz._lost_content(before, fixed.replace("  # keep", ""), edits)
    assert fuzz._lost_content(before, fixed.replace("VALUE = 1", "VALUE = 2"), edits)
    # bench/fuzz_failures/rel003_form_feeds_move_the_body_out.py: the guard at column 0
    # takes the rest of the body out of the function, and the file still compiles
    body = 'def add(items=[]):\n    """Doc."""\n    items.append(1)\n'
    moved = 'def add(items=None):\n    """Doc."""\nif items is None:\n    items = []\n' + (
        "    items.append(1)\n"
    )
    problems = fuzz._lost_content(body, moved, [((1, 15), (1, 17)), ((3, 1), (3, 1))])
    assert problems == ["statement at line 3 (FunctionDef add) lost, changed or moved"]
    assert fuzz.python_lines("a\x0cb\r\nc\rd\x1ce\n") == ["a\x0cb\r\n", "c\r", "d\x1ce\n"]
    lines = fuzz.python_lines(before)
    inside = {"rule_id": "X", "line": 3, "column": 1, "end_line": 3, "end_column": 13}
    assert fuzz._position_errors(inside, lines) == []
    assert fuzz._position_errors({**inside, "end_column": 14}, lines)
    assert fuzz._position_errors({**inside, "line": 7, "end_line": 7}, lines)
    edit = {"start_line": 9, "start_column": 1, "end_line": 9, "end_column": 1}
    assert fuzz._position_errors({**inside, "fix": {"edits": [edit]}}, lines)


REPRODUCERS = Path(__file__).resolve().parents[1] / "bench" / "fuzz_failures"


@pytest.mark.parametrize(
    "name",
    [
        "rel003_form_feeds_move_the_body_out.py",
        "rel003_form_feeds_write_uncompilable_code.py",
        "rel003_fix_refused_after_x1c.py",
        "rel003_odd_indent_and_lone_cr_first_line_end.py",
    ],
)
def test_kept_reproducer_is_fixed_inside_its_function(project, name) -> None:
    """Form feed & co. in a comment: the guard lands in the body, the body stays put."""
    source = (REPRODUCERS / name).read_bytes()
    project.write("case.py", source)
    run = project.run("fix", "--unsafe-fixes", "--no-cache", "--select", "REL003", "case.py")
    assert "Traceback" not in run.err and "does not parse" not in run.err, run.err
    fixed = (project.root / "case.py").read_bytes()
    assert fixed != source
    before, after = ast.parse(source), ast.parse(fixed)
    assert len(after.body) == len(before.body), fixed  # nothing moved out of the function
    functions = [node for node in ast.walk(after) if isinstance(node, ast.FunctionDef)]
    guarded = [f for f in functions if any(isinstance(node, ast.If) for node in f.body)]
    assert guarded, fixed  # the guard, inside the function whose default it replaced

def test_kept_reproducer_lone_cr_positions_are_pythons(project) -> None:
    """Semgrep counts lines at `\\n` only; findings use Python's lines (`\\r` alone breaks)."""
    project.write("case.py", (REPRODUCERS / "sec014_lone_cr_position_outside_line.py").read_bytes())
    run = project.run("check", "--no-cache", "--select", "SEC014", "--output-format", "json")
    found = [(v["line"], v["column"], v["end_line"], v["end_column"])
             for v in run.json()["violations"] if v["rule_id"] == "SEC014"]  # fmt: skip
    assert found == [(3, 1, 3, 20)], run.out
