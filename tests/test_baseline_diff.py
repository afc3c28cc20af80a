"""Adopting guardrails on an existing codebase: baselines and diff mode."""

from __future__ import annotations

import json

LEGACY = """\
import os


def restart(name: str) -> None:
    os.system("systemctl restart " + name)


def stop(name: str) -> None:
    os.system("systemctl stop " + name)
"""


def test_baseline_hides_old_findings_and_survives_edits(project) -> None:
    path = project.write("app/ops.py", LEGACY)
    made = project.run("baseline", "--out", "guardrails-baseline.json")
    assert made.code == 0 and "wrote 2 findings" in made.out
    baseline_file = project.root / "guardrails-baseline.json"
    first = baseline_file.read_bytes()
    assert project.run("baseline", "--out", "guardrails-baseline.json").code == 0
    assert baseline_file.read_bytes() == first  # deterministic
    data = json.loads(first)
    assert [e["path"] for e in data["findings"]] == ["app/ops.py", "app/ops.py"]

    clean = project.run("check", "--baseline", "guardrails-baseline.json")
    assert clean.code == 0, clean.out
    assert "2 findings hidden by the baseline" in clean.out

    # Lines inserted above, code reformatted elsewhere: nothing resurfaces.
    path.write_text(
        '"""Service control."""\n\nimport os\n\n\n# restart\n'
        + LEGACY.split("\n", 1)[1].replace(
            "def stop(name: str) -> None:", "def stop(name: str) -> None:  # stop it"
        )
    )
    assert project.run("check", "--baseline", "guardrails-baseline.json").code == 0

    # A second identical violation in the same file is new.
    path.write_text(
        path.read_text()
        + '\n\ndef again(name: str) -> None:\n    os.system("systemctl restart " + name)\n'
    )
    result = project.run(
        "check", "--baseline", "guardrails-baseline.json", "--output-format", "json"
    )
    assert result.code == 1
    assert [(v["rule_id"], v["line"]) for v in result.json()["violations"]] == [("SEC001", 18)]
    assert result.json()["summary"]["baseline"] == {"hidden": 2, "stale": 0}


def test_baseline_from_config_same_from_a_subdirectory(project) -> None:
    project.write("app/ops.py", LEGACY)
    project.write("pyproject.toml", '[tool.guardrails]\nbaseline = "baseline.json"\n')
    assert project.run("baseline").code == 0
    assert project.run("check").code == 0
    assert project.run("check", "ops.py", cwd=project.root / "app").code == 0


def test_stale_entries_are_reported_and_pruned(project) -> None:
    path = project.write("app/ops.py", LEGACY)
    project.write("app/other.py", LEGACY)
    project.run("baseline", "--out", "b.json")
    path.write_text(LEGACY.replace('os.system("systemctl stop " + name)', "pass"))
    # Checking only one file must not call the other file's entries stale.
    partial = project.run("check", "--baseline", "b.json", "app/other.py")
    assert partial.code == 0 and "no longer match" not in partial.out
    result = project.run("check", "--baseline", "b.json")
    assert result.code == 0
    assert "1 baseline entry no longer match (shrink it with --prune)" in result.out
    assert project.run("check", "--baseline", "b.json", "--prune").code == 0
    assert len(json.loads((project.root / "b.json").read_text())["findings"]) == 3
    assert "no longer match" not in project.run("check", "--baseline", "b.json").out


def test_broken_baseline_is_a_clear_error(project) -> None:
    project.write("app.py", "x = 1\n")
    project.write("b.json", "{not json")
    result = project.run("check", "--baseline", "b.json")
    assert result.code == 2 and "b.json: baseline is not valid JSON" in result.err
    missing = project.run("check", "--baseline", "nope.json")
    assert missing.code == 2 and "baseline file not found" in missing.err


def test_diff_mode_reports_only_changed_lines(project) -> None:
    path = project.write("app/ops.py", LEGACY)
    project.git("init", "-q")
    project.git("add", ".")
    project.git("commit", "-qm", "legacy")
    path.write_text(LEGACY + '\n\ndef kill(name: str) -> None:\n    os.system("pkill " + name)\n')
    project.write("app/new.py", "import os\n\nos.popen('ls')\n")
    result = project.run("check", "--diff-base", "HEAD", "--output-format", "json")
    assert result.code == 1
    assert result.ids() == [("app/new.py", "SEC001", 3), ("app/ops.py", "SEC001", 13)]
    project.git("add", ".")
    project.git("commit", "-qm", "more")
    assert project.run("check", "--diff-base", "HEAD").code == 0
    assert project.run("check", "--diff-base", "HEAD~1").code == 1


def test_diff_mode_errors(project, tmp_path) -> None:
    project.write("app.py", "x = 1\n")
    outside = project.run("check", "--diff-base", "HEAD")
    assert outside.code == 2 and "needs a git repository" in outside.err
    project.git("init", "-q")
    project.git("add", ".")
    project.git("commit", "-qm", "x")
    unknown = project.run("check", "--diff-base", "no-such-branch")
    assert unknown.code == 2
    assert "'no-such-branch' is not a commit, branch or tag" in unknown.err


def test_diff_mode_blames_a_branch_only_for_its_own_lines(project) -> None:
    # main edits a line after the branch point: the branch still has the old line, which
    # differs from main's tip, yet the branch never touched it (merge base, not the tip)
    path = project.write("app/ops.py", LEGACY)
    project.git("init", "-q", "-b", "main")
    project.git("add", ".")
    project.git("commit", "-qm", "legacy")
    project.git("checkout", "-qb", "feature")
    path.write_text(LEGACY + '\n\ndef kill(name: str) -> None:\n    os.system("pkill " + name)\n')
    project.git("commit", "-qam", "feature")
    project.git("checkout", "-q", "main")
    path.write_text(LEGACY.replace("systemctl restart", "service restart"))
    project.git("commit", "-qam", "main moves on")
    project.git("checkout", "-q", "feature")
    for ref in ("main", "main...HEAD", "main...", "main...feature"):
        result = project.run("check", "--diff-base", ref, "--output-format", "json")
        assert result.code == 1, (ref, result.err)
        assert result.ids() == [("app/ops.py", "SEC001", 13)], ref
    unknown = project.run("check", "--diff-base", "main...no-such-ref")
    assert unknown.code == 2 and "'no-such-ref' is not a commit" in unknown.err
