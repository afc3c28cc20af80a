"""`guardrails check`, `rules` and `explain` as a user runs them."""

from __future__ import annotations

import subprocess

from conftest import SCRIPTS

BAD = """\
import subprocess


def restart(name: str) -> None:
    subprocess.run(f"systemctl restart {name}", shell=True, check=True)
"""
CLEAN = """\
import subprocess


def restart(name: str) -> None:
    subprocess.run(["systemctl", "restart", name], check=True)
"""


def test_findings_exit_1_with_remediation_and_summary(project) -> None:
    project.write("app/service.py", BAD)
    result = project.run("check")
    assert result.code == 1, result.err
    first, help_line = result.out.splitlines()[:2]
    assert first.startswith("app/service.py:5:5: SEC001 ")
    assert help_line.startswith("    help: Pass the command as a list")
    assert result.out.rstrip().endswith("Found 1 finding: 1 security (1 file checked).")
    assert "\x1b[" not in result.out  # no colour when not a terminal


def test_clean_tree_exits_0(project) -> None:
    project.write("app/service.py", CLEAN)
    result = project.run("check", ".")
    assert result.code == 0, result.out + result.err
    assert "All checks passed" in result.out


def test_exit_zero_and_fail_on(project) -> None:
    project.write("app/service.py", BAD)
    assert project.run("check", "--exit-zero").code == 0
    project.write(
        "pyproject.toml",
        """\
        [tool.guardrails]
        fail-on = "error"
        severity = { SEC001 = "warning" }
        """,
    )
    result = project.run("check", "--output-format", "json")
    assert result.code == 0
    assert result.json()["violations"][0]["severity"] == "warning"
    assert project.run("check", "--fail-on", "warning").code == 1


def test_json_shape(project) -> None:
    project.write("app/service.py", BAD)
    data = project.run("check", "--output-format", "json").json()
    assert set(data) == {"version", "violations", "suppressed", "summary"}
    assert data["suppressed"] == []  # only `foreign-suppressions` fills it
    (violation,) = data["violations"]
    assert violation["rule_id"] == "SEC001"
    assert violation["name"] == "subprocess-shell"
    assert violation["category"] == "security"
    assert violation["severity"] == "warning"  # measured on real code: see docs/precision.md
    assert violation["path"] == "app/service.py"
    assert (violation["line"], violation["column"]) == (5, 5)
    assert violation["end_line"] == 5 and violation["end_column"] > violation["column"]
    assert "shell" in violation["message"]
    assert violation["remediation"] and violation["docs"] == "guardrails explain SEC001"
    assert data["summary"]["total"] == 1
    assert data["summary"]["by_category"] == {"security": 1}


def test_paths_are_relative_to_cwd(project) -> None:
    project.write("app/service.py", BAD)
    result = project.run("check", "--output-format", "json", "service.py", cwd=project.root / "app")
    assert result.ids() == [("service.py", "SEC001", 5)]


def test_syntax_error_is_gr001_and_other_files_still_checked(project) -> None:
    project.write("a_broken.py", "def broken(:\n    pass\n")
    project.write("b_bad.py", BAD)
    result = project.run("check", "--output-format", "json")
    assert result.code == 1
    ids = result.ids()
    assert ("a_broken.py", "GR001", 1) in ids
    assert ("b_bad.py", "SEC001", 5) in ids
    broken = next(v for v in result.json()["violations"] if v["rule_id"] == "GR001")
    assert "syntax error" in broken["message"]


def test_a_tree_only_libcst_validation_rejects_is_gr001_not_a_crash(project) -> None:
    # Trees are built without LibCST's per-node validation; on this valid code the
    # parser builds a malformed tree that only validation caught (Instagram/LibCST#1061).
    project.write("odd.py", "x = () if 0 else(lambda:())\ny = eval(input())\n")
    project.write("fine.py", "y = eval(input())\n")
    result = project.run("check", "--output-format", "json", "--select", "GR,SEC002")
    assert result.ids() == [("fine.py", "SEC002", 1), ("odd.py", "GR001", 1)], result.err
    (odd,) = [v for v in result.json()["violations"] if v["path"] == "odd.py"]
    assert "cannot parse: TypeError" in odd["message"]


def test_undecodable_file_is_gr001(project) -> None:
    project.write("latin.py", b"# comment \xff\xfe\nx = 1\n")
    result = project.run("check", "--output-format", "json")
    assert result.code == 1
    (violation,) = result.json()["violations"]
    assert violation["rule_id"] == "GR001"
    assert "decode" in violation["message"]


def test_coding_cookie_is_honoured(project) -> None:
    project.write("latin.py", b"# -*- coding: latin-1 -*-\nNAME = '\xe9'\nx = eval(NAME)\n")
    # (Ruff reads only UTF-8: its rules' GR001 is in tests/test_hostile_files.py)
    result = project.run("check", "--output-format", "json", "--select", "GR,SEC002")
    assert result.ids() == [("latin.py", "SEC002", 3)]


def test_config_errors_exit_2_with_one_line(project) -> None:
    project.write("app.py", CLEAN)
    cases = {
        "selec = ['SEC']": "selec: unknown key",
        "select = 'SEC'": "select: expected a list of strings",
        "select = ['NOPE999']": "select: unknown rule id or prefix 'NOPE999'",
        "fail-on = 'fatal'": "fail-on: expected one of info, warning, error",
        "[tool.guardrails.rules.REL003]\nextend-mutable-calls = 'x'": (
            "rules.REL003.extend-mutable-calls: expected list of str"
        ),
        "[tool.guardrails.rules.REL003]\nunknown = 1": "rules.REL003.unknown: unknown option",
        "[tool.guardrails.rules.XYZ001]\nfoo = 1": "rules.XYZ001: unknown rule id",
        "select = [": "invalid TOML",
    }
    for body, expected in cases.items():
        project.write("pyproject.toml", f"[tool.guardrails]\n{body}\n")
        result = project.run("check")
        assert result.code == 2, (body, result.out, result.err)
        lines = result.err.strip().splitlines()
        assert len(lines) == 1, result.err
        assert lines[0].startswith("guardrails: error: ")
        assert "pyproject.toml" in lines[0]
        assert expected in lines[0], (expected, lines[0])
        assert "Traceback" not in result.err


def test_cli_selection_overrides_config(project) -> None:
    project.write("app.py", BAD + "\n\ndef f(x=[]):\n    return eval(x)\n")
    project.write("pyproject.toml", "[tool.guardrails]\nselect = ['SEC001']\n")
    assert {i[1] for i in project.run("check", "--output-format", "json").ids()} == {"SEC001"}
    result = project.run("check", "--output-format", "json", "--select", "REL,SEC002")
    assert {i[1] for i in result.ids()} == {"REL003", "SEC002"}
    result = project.run("check", "--output-format", "json", "--extend-select", "REL00")
    assert {i[1] for i in result.ids()} == {"SEC001", "REL003"}
    result = project.run("check", "--output-format", "json", "--ignore", "SEC")
    assert result.ids() == []
    bad = project.run("check", "--select", "ZZZ")
    assert bad.code == 2 and "--select: unknown rule id or prefix 'ZZZ'" in bad.err


def test_more_specific_selector_wins(project) -> None:
    project.write("app.py", BAD + "\n\ndef f(x):\n    return eval(x)\n")
    project.write("pyproject.toml", "[tool.guardrails]\nignore = ['SEC']\nselect = ['SEC001']\n")
    assert {i[1] for i in project.run("check", "--output-format", "json").ids()} == {"SEC001"}


def test_per_file_ignores_and_excludes(project) -> None:
    project.write("app/service.py", BAD)
    project.write("scripts/ops.py", BAD)
    project.write("generated/api_pb2.py", BAD)
    project.write(
        "pyproject.toml",
        """\
        [tool.guardrails]
        extend-exclude = ["*_pb2.py"]
        [tool.guardrails.per-file-ignores]
        "scripts/*" = ["SEC001"]
        """,
    )
    assert project.run("check", "--output-format", "json").ids() == [
        ("app/service.py", "SEC001", 5)
    ]
    # A file named explicitly is checked even when excluded...
    explicit = project.run("check", "--output-format", "json", "generated/api_pb2.py")
    assert explicit.ids() == [("generated/api_pb2.py", "SEC001", 5)]
    # ...unless --force-exclude (what pre-commit hooks use).
    forced = project.run(
        "check", "--force-exclude", "--output-format", "json", "generated/api_pb2.py"
    )
    assert forced.ids() == []


def test_gitignore_and_virtualenvs_are_skipped(project) -> None:
    project.write("app.py", BAD)
    project.write("ignored/gen.py", BAD)
    project.write("env3/pyvenv.cfg", "home = /usr/bin\n")
    project.write("env3/lib/site.py", BAD)
    project.write("build/lib/app.py", BAD)
    project.write(".gitignore", "ignored/\n")
    project.git("init", "-q")
    paths = {p for p, _, _ in project.run("check", "--output-format", "json").ids()}
    assert paths == {"app.py"}


def test_default_excludes_without_git(project) -> None:
    project.write("app.py", BAD)
    project.write(".venv/lib/x.py", BAD)
    project.write("node_modules/pkg/x.py", BAD)
    project.write("pkg/_vendor/six.py", BAD)  # other projects' code copied in
    project.write("pkg/vendored/pint/x.py", BAD)
    project.write("shop/vendor/orders.py", BAD)  # a domain module named vendor stays checked
    project.write("stubs/app.pyi", "import os\ndef f() -> None: ...\nos.system('x')\n")
    paths = {p for p, _, _ in project.run("check", "--output-format", "json").ids()}
    assert paths == {"app.py", "stubs/app.pyi", "shop/vendor/orders.py"}


def test_missing_path_is_usage_error(project) -> None:
    result = project.run("check", "nope.py")
    assert result.code == 2
    assert result.err.strip() == "guardrails: error: nope.py: no such file or directory"


def test_jobs_give_identical_output(project) -> None:
    for index in range(60):
        body = BAD if index % 3 == 0 else CLEAN
        project.write(
            f"pkg/mod_{index:02d}.py",
            body + ("\ndef f(x: list = []) -> None:\n    x.append(1)\n" * (index % 2)),
        )
    serial = project.run("check", "--output-format", "json", "--jobs", "1")
    parallel = project.run("check", "--output-format", "json", "--jobs", "2")
    assert serial.code == parallel.code == 1
    assert serial.out == parallel.out
    assert len(serial.json()["violations"]) == 20 + 30


def test_rules_listing(project) -> None:
    text = project.run("rules")
    assert text.code == 0
    line = next(row for row in text.out.splitlines() if row.startswith("SEC001"))
    assert line.split() == [
        "SEC001",
        "subprocess-shell",
        "security",
        "warning",
        "libcst",
        "guardrails.rules",
    ]
    rows = project.run("rules", "--output-format", "json").json()
    by_id = {row["id"]: row for row in rows}
    assert {"SEC001", "SEC002", "SEC003", "REL001", "REL002", "REL003", "OBS002", "OBS005"} <= set(
        by_id
    )
    assert {"id", "name", "category", "severity", "backend", "plugin"} <= set(by_id["REL001"])


def test_explain(project) -> None:
    result = project.run("explain", "rel003")
    assert result.code == 0
    for section in (
        "What it does",
        "Why it matters",
        "What to do instead",
        "Example (flagged)",
        "Use instead",
        "Options",
        "References",
    ):
        assert section in result.out
    assert "extend-mutable-calls (list" in result.out
    missing = project.run("explain", "SEC999")
    assert missing.code == 2 and "unknown rule id 'SEC999'" in missing.err


def test_console_script_is_installed(project) -> None:
    exe = SCRIPTS / "guardrails"  # this interpreter's, never another one earlier on PATH
    assert exe.is_file()
    project.write("app.py", BAD)
    proc = subprocess.run(
        [exe, "check", "--output-format", "json"],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert '"SEC001"' in proc.stdout


def test_readme_example_reports_each_rule_it_demonstrates() -> None:
    from pathlib import Path

    from guardrails.testing import run

    example = Path(__file__).resolve().parents[1] / "examples" / "service" / "billing.py"
    found = {(v.rule_id, v.line) for v in run(example.read_text(), path="billing.py")}
    assert found == {
        ("SEC003", 17),
        ("SEC003", 25),
        ("REL003", 28),
        ("OBS002", 29),
        ("REL001", 30),
        ("SEC001", 43),
        ("OBS005", 49),
    }


def test_deeply_nested_file_is_checked_not_crashed(project) -> None:
    # Implicit string concatenation nests one LibCST node per string.
    parts = "\n".join(f'    "part {i} "' for i in range(3000))
    project.write("generated.py", f"TEXT = (\n{parts}\n)\nRESULT = eval(TEXT)\n")
    result = project.run("check", "--output-format", "json", "--ignore", "ARC003")
    assert result.ids() == [("generated.py", "SEC002", 3003)], result.out[:500] + result.err


def test_colour_only_when_asked(project) -> None:
    project.write("app.py", BAD)
    coloured = project.run("check", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.out and "SEC001" in coloured.out
    plain = project.run("check", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.out
