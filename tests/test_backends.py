"""Semgrep and Ruff backends, run for real: one tool, one id scheme, honest failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VIEW = """\
import os

from django.db import connection
from django.http import HttpRequest, HttpResponse


def search(request: HttpRequest) -> HttpResponse:
    term = request.GET.get("q", "")
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM docs WHERE title = '%s'" % term)
        return HttpResponse(str(cur.fetchall()))
"""


def _real_tool(tool: str) -> str | None:
    """`tool` itself, not a version manager's shim (which needs bash and more on PATH)."""
    for prefix in (sys.prefix, sys.base_prefix):
        candidate = Path(prefix) / "bin" / tool
        if candidate.is_file():
            return str(candidate)
    return shutil.which(tool)


def _bin_without(tmp_path: Path, *excluded: str) -> str:
    """A PATH holding git, ruff and semgrep links, minus `excluded`."""
    directory = tmp_path / "bin"
    directory.mkdir()
    for tool in ("git", "ruff", "semgrep"):
        found = _real_tool(tool)
        if found and tool not in excluded:
            (directory / tool).symlink_to(found)
    return str(directory)


def test_semgrep_findings_are_guardrails_findings(project) -> None:
    project.write("app/views.py", VIEW)
    result = project.run("check", "--output-format", "json")
    assert result.code == 1, result.err
    found = {(v["rule_id"], v["line"]): v for v in result.json()["violations"]}
    # one construct, one finding: the taint finding stands for the string-built query
    assert set(found) == {("SEC015", 10)}
    assert "(also sql-string-building SEC006)" in found[("SEC015", 10)]["message"]
    result = project.run("check", "--output-format", "json", "--ignore", "SEC015")
    found = {(v["rule_id"], v["line"]): v for v in result.json()["violations"]}
    assert set(found) == {("SEC006", 10)}
    sql = found[("SEC006", 10)]
    assert sql["name"] == "sql-string-building" and sql["category"] == "security"
    assert "built with string formatting" in sql["message"]
    assert sql["remediation"].startswith("Keep the SQL constant")


def test_semgrep_scans_exactly_what_guardrails_discovered(project) -> None:
    # Semgrep's own defaults skip tests/ and honour .semgrepignore; guardrails must not.
    project.write("tests/test_views.py", VIEW)
    project.write(".semgrepignore", "*.py\n")
    project.write("app/views.py", VIEW + "\n# nosemgrep\n")
    ids = project.run("check", "--output-format", "json").ids()
    assert ("tests/test_views.py", "SEC015", 10) in ids
    assert ("app/views.py", "SEC015", 10) in ids


def test_backend_native_comments_do_not_hide_findings(project) -> None:
    project.write(
        "app.py",
        """\
        import datetime

        def stamp(cur: object, name: str) -> object:
            cur.execute(f"SELECT * FROM t WHERE name = '{name}'")  # nosemgrep
            return datetime.datetime.utcnow()  # noqa: DTZ003
        """,
    )
    ids = {(i[1], i[2]) for i in project.run("check", "--output-format", "json").ids()}
    assert ids == {("SEC006", 4), ("REL005", 5)}


def test_same_suppression_syntax_for_every_backend(project) -> None:
    project.write(
        "app.py",
        """\
        import datetime

        def stamp(cur: object, name: str) -> object:
            # guardrails: ignore[SEC006] name is an enum value checked by the caller
            cur.execute(f"SELECT * FROM t WHERE name = '{name}'")
            return datetime.datetime.utcnow()  # guardrails: ignore[REL005] legacy wire format
        """,
    )
    result = project.run("check", "--output-format", "json")
    assert result.code == 0, result.out
    project.write("other.py", "x = 1  # guardrails: ignore[SEC006] stale\n")
    ids = project.run("check", "--output-format", "json").ids()
    assert ids == [("other.py", "GR002", 1)]


def test_ruff_runs_isolated_from_user_config(project) -> None:
    project.write("pyproject.toml", '[tool.ruff]\nlint.ignore = ["S101", "DTZ005"]\n')
    project.write("ruff.toml", 'lint.ignore = ["B904"]\n')
    project.write(
        "svc.py",
        """\
        from datetime import datetime

        def check(x: int) -> object:
            assert x
            try:
                return datetime.now()
            except ValueError:
                raise RuntimeError("bad")
        """,
    )
    project.write("tests/test_svc.py", "def test_x():\n    assert True\n")
    ids = project.run("check", "--output-format", "json").ids()
    assert ids == [("svc.py", "REL009", 4), ("svc.py", "REL005", 6), ("svc.py", "OBS007", 8)]
    assert not (project.root / ".ruff_cache").exists()


def test_semgrep_not_started_when_no_semgrep_rule_is_active(project, tmp_path, bare_python) -> None:
    project.write("app/views.py", VIEW)
    env = {"PATH": _bin_without(tmp_path, "semgrep")}
    result = project.run(
        "check", "--output-format", "json", "--select", "SEC001,REL", env=env, python=bare_python
    )
    assert result.code == 0, result.err
    # ...nor when no file could match an active Semgrep rule.
    project.write("app/views.py", "import json\n\nDATA = json.dumps({})\n")
    assert project.run("check", env=env, python=bare_python).code == 0


def test_missing_semgrep_is_a_clear_error(project, tmp_path, bare_python) -> None:
    project.write("app/views.py", VIEW)
    env = {"PATH": _bin_without(tmp_path, "semgrep")}
    result = project.run("check", env=env, python=bare_python)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    assert lines[0].startswith("guardrails: error: semgrep is not on PATH")
    assert "SEC006" in lines[0] and "--ignore" in lines[0]
    assert "All checks passed" not in result.out


def test_missing_ruff_is_a_clear_error(project, tmp_path, bare_python) -> None:
    project.write("app.py", "def f(x):\n    assert x\n")
    env = {"PATH": _bin_without(tmp_path, "ruff")}
    result = project.run("check", env=env, python=bare_python)
    assert result.code == 2
    assert "ruff is not on PATH nor beside this Python" in result.err
    assert "so the Ruff-backed rules" in result.err


PLUGIN = """\
from pathlib import Path

from guardrails import RuffMapping, hookimpl


@hookimpl
def guardrails_semgrep_rule_dirs():
    return [Path(__file__).parent / "semgrep"]


@hookimpl
def guardrails_ruff_mappings():
    return [RuffMapping("REL002", ("E722",))]
"""

PLUGIN_RULE = """\
rules:
  - id: acme-no-print
    languages: [python]
    severity: WARNING
    message: "`print($X)` in service code"
    pattern: print($X)
    fix: logger.info($X)
    metadata:
      guardrails:
        id: ACME010
        name: no-print
        category: observability
        severity: warning
        summary: print in service code
        why: stdout is not collected
        remediation: use the logger
        fix: unsafe
"""


def test_plugin_semgrep_rules_ruff_mappings_fixes_and_dedup(project) -> None:
    project.write("tools/acme.py", PLUGIN)
    project.write("tools/semgrep/acme.yaml", PLUGIN_RULE)
    project.write(
        "pyproject.toml",
        '[tool.guardrails]\nplugins = ["tools.acme"]\nselect = ["ACME", "REL002"]\n',
    )
    project.write(
        "app.py",
        "def f(x):\n    try:\n        print(x)\n    except:\n        return None\n",
    )
    result = project.run("check", "--output-format", "json", "app.py")
    violations = result.json()["violations"]
    assert [(v["rule_id"], v["line"]) for v in violations] == [("ACME010", 3), ("REL002", 4)]
    fix = violations[0]["fix"]
    assert fix["applicability"] == "unsafe"
    assert fix["edits"][0]["content"] == "logger.info(x)"
    rows = {r["id"]: r for r in project.run("rules", "--output-format", "json").json()}
    assert rows["ACME010"]["backend"] == "semgrep" and rows["ACME010"]["plugin"] == "tools.acme"
    assert rows["REL002"]["backend"] == "libcst+ruff"
    explained = project.run("explain", "ACME010")
    assert explained.code == 0 and "use the logger" in explained.out


def test_malformed_yaml_in_a_plugin_exits_2(project) -> None:
    project.write("tools/acme.py", PLUGIN)
    project.write("tools/semgrep/acme.yaml", "rules:\n  - id: x\n    pattern: [unclosed\n")
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.acme"]\n')
    project.write("app.py", "x = 1\n")
    result = project.run("check")
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert line.startswith("guardrails: error: plugin 'tools.acme': ")
    assert "acme.yaml: invalid YAML" in line


def _plugin_with_triggers(project, triggers: str) -> None:
    """The example plugin, its Semgrep rule given `triggers` (YAML flow list)."""
    project.write("tools/acme.py", PLUGIN)
    rule = PLUGIN_RULE.replace("fix: unsafe\n", f"fix: unsafe\n        triggers: {triggers}\n")
    project.write("tools/semgrep/acme.yaml", rule)
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.acme"]\n')


def test_regex_triggers_pick_the_files_semgrep_scans(project) -> None:
    _plugin_with_triggers(project, "[{regex: 'print\\s*\\('}]")
    project.write("app.py", "print (1)\n")
    project.write("other.py", "printer = 1\n")
    result = project.run("check", "--select", "ACME010", "--output-format", "json")
    assert [(v["path"], v["rule_id"]) for v in result.json()["violations"]] == [
        ("app.py", "ACME010")
    ]


PRINT_RULES = """\
rules:
  - id: acme-alpha-print
    languages: [python]
    severity: WARNING
    message: print
    pattern: print(...)
    metadata:
      guardrails:
        id: ACME011
        name: alpha-print
        category: observability
        severity: warning
        summary: print near alpha
        why: w
        remediation: r
        triggers: [alpha]
  - id: acme-beta-print
    languages: [python]
    severity: WARNING
    message: print
    pattern: print(...)
    paths:
      exclude: ["/skipped/**"]
    metadata:
      guardrails:
        id: ACME012
        name: beta-print
        category: observability
        severity: warning
        summary: print near beta
        why: w
        remediation: r
        triggers: [beta]
  - id: acme-settings-print
    languages: [python]
    severity: WARNING
    message: print
    pattern: print(...)
    paths:
      include: ["/conf/settings*.py"]
    metadata:
      guardrails:
        id: ACME013
        name: settings-print
        category: observability
        severity: warning
        summary: print in settings
        why: w
        remediation: r
        triggers: [gamma]
"""


def _print_rules_project(project) -> None:
    project.write("tools/acme.py", PLUGIN)
    project.write("tools/semgrep/acme.yaml", PRINT_RULES)
    project.write(
        "pyproject.toml",
        '[tool.guardrails]\nplugins = ["tools.acme"]\nselect = ["ACME011", "ACME012", "ACME013"]\n',
    )
    for name, words in {
        "a.py": "alpha",
        "b.py": "beta",
        "[odd] n*me?.py": "alpha beta",
        "sub dir/\u00e9t\u00e9.py": "beta",
        "skipped/b.py": "beta",
        "conf/settings_prod.py": "gamma",
        "conf/other.py": "gamma",
    }.items():
        project.write(name, f"{words.split()[0]} = {words.split()!r}\nprint({words.split()[0]})\n")


def test_each_semgrep_rule_reports_only_where_its_triggers_are(project) -> None:
    # One process runs every rule, each limited to the files holding its triggers:
    # globs of odd names still reach their file, a rule's own `paths` still apply,
    # and a file no rule's own include picks is not "unscanned".
    _print_rules_project(project)
    expected = [
        ("[odd] n*me?.py", "ACME011", 2),
        ("[odd] n*me?.py", "ACME012", 2),
        ("a.py", "ACME011", 2),
        ("b.py", "ACME012", 2),
        ("conf/settings_prod.py", "ACME013", 2),
        ("sub dir/\u00e9t\u00e9.py", "ACME012", 2),
    ]
    result = project.run("check", "--output-format", "json", "--no-cache")
    assert sorted(result.ids()) == expected, result.err
    # the same from a subfolder, and with a target outside the project root
    # (Semgrep's paths cannot be anchored there, so every rule runs on every file)
    conf = project.root / "conf"
    inside = project.run("check", "--output-format", "json", "--no-cache", "..", cwd=conf)
    shown = [(os.path.relpath(conf / p, project.root), r, n) for p, r, n in inside.ids()]
    assert sorted(shown) == expected, inside.err
    outside = project.root.parent / "outside.py"
    outside.write_text("beta = 1\nprint(beta)\n")
    mixed = project.run(
        "check", "--output-format", "json", "--no-cache", "a.py", "b.py", str(outside)
    )
    assert sorted(mixed.ids()) == sorted(
        [("a.py", "ACME011", 2), ("b.py", "ACME012", 2), (str(outside), "ACME012", 2)]
    ), mixed.err


def test_a_file_no_backend_can_parse_gets_one_gr001(project) -> None:
    # Passes SEC015's triggers, so Semgrep is asked too and fails on it as well.
    project.write(
        "app.py",
        "import os\nfrom flask import request\n\nos.system(request.args['cmd']\nx = (\n",
    )
    result = project.run("check", "--select", "SEC015,GR", "--output-format", "json")
    found = [(v["rule_id"], v["message"]) for v in result.json()["violations"]]
    assert len(found) == 1 and found[0][0] == "GR001"
    assert found[0][1].startswith("syntax error")  # CPython's wording, not Semgrep's


def test_invalid_trigger_regex_exits_2(project) -> None:
    _plugin_with_triggers(project, "[{regex: 'print('}]")
    project.write("app.py", "print(1)\n")
    result = project.run("check")
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "trigger regex 'print('" in line and "missing )" in line


def test_semgrep_rejecting_a_rule_exits_2(project) -> None:
    project.write("tools/acme.py", PLUGIN)
    project.write(
        "tools/semgrep/acme.yaml", PLUGIN_RULE.replace("pattern: print($X)", "pattern: print($X")
    )
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.acme"]\n')
    project.write("app.py", "print(1)\n")
    result = project.run("check")
    assert result.code == 2
    assert "semgrep rejected the rules" in result.err
    assert "acme-no-print" in result.err


def test_metadata_without_documentation_is_rejected(project) -> None:
    project.write("tools/acme.py", PLUGIN)
    project.write(
        "tools/semgrep/acme.yaml",
        "rules:\n  - id: x\n    languages: [python]\n    severity: ERROR\n    message: m\n"
        "    pattern: print(1)\n    metadata:\n      guardrails: {id: ACME011}\n",
    )
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.acme"]\n')
    result = project.run("rules")
    assert result.code == 2
    assert "no Semgrep rule documents ACME011" in result.err


def test_semgrep_writes_nothing_to_home(project, tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    project.write("app/views.py", VIEW)
    result = project.run("check", env={"HOME": str(home)})
    assert result.code == 1
    assert list(home.iterdir()) == []


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("unshare") is None or os.geteuid() != 0,
    reason="needs root and unshare to make a network namespace",
)
def test_runs_offline_in_a_network_namespace(project) -> None:
    project.write("app/views.py", VIEW)
    online = project.run("check", "--output-format", "json")
    proc = subprocess.run(
        [
            "unshare",
            "--net",
            sys.executable,
            "-m",
            "guardrails",
            "check",
            "--output-format",
            "json",
        ],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == online.code == 1, proc.stderr
    assert proc.stdout == online.out


def test_tools_beside_the_interpreter_are_found_without_path(project, tmp_path) -> None:
    # `venv/bin/guardrails` run without activating the venv (or a pipx / uv tool
    # install): semgrep and ruff sit beside its Python, not on PATH
    project.write("app/views.py", VIEW)
    project.write("app/stamp.py", "import datetime\n\nNOW = datetime.datetime.now()\n")
    system = [p for p in ("/usr/bin", "/bin") if not (Path(p) / "semgrep").exists()]
    env = {"PATH": os.pathsep.join([_bin_without(tmp_path, "semgrep", "ruff"), *system])}
    assert not any(shutil.which(tool, path=env["PATH"]) for tool in ("semgrep", "ruff"))
    result = project.run("check", "--output-format", "json", "--select", "SEC006,REL005", env=env)
    assert result.code == 1, result.err
    assert {rule for _, rule, _ in result.ids()} == {"SEC006", "REL005"}
