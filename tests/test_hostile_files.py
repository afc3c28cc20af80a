"""Hostile files and broken backends: whatever a file or tool does, no false clean.

A file no rule could check is a finding (GR001/GR003) that fails the run; a
path that cannot be a file to check, named on the command line, is a
one-line usage error; a broken or hung Semgrep or Ruff is a one-line error
and exit 2. Every run here is the real CLI with the real Semgrep and Ruff
(wrapped in small shell scripts only where a failure must be staged).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import sys
import time
from pathlib import Path

import pytest

from guardrails.backends.process import executable_identity

SQL = """\
def find_user(cur, email: str):
    cur.execute(f"SELECT id FROM users WHERE email = '{email}'")
    return cur.fetchone()
"""

SHELL = "import os\n\nos.system(input())\n"


def _real_tool(tool: str) -> str:
    """`tool` itself, not a version manager's shim (which needs bash and more on PATH)."""
    for prefix in (sys.prefix, sys.base_prefix):
        candidate = Path(prefix) / "bin" / tool
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(tool)
    assert found, f"{tool} is needed for these tests"
    return found


def _wrapper(tmp_path: Path, name: str, body: str) -> str:
    """A shell script standing in for a backend: `body`, with $REAL the real tool."""
    script = tmp_path / f"{name}-wrapper"
    script.write_text(f'#!/bin/sh\nREAL="{_real_tool(name)}"\n{body}\n')
    script.chmod(0o755)
    return str(script)


def _one_error_line(run, code: int = 2) -> str:
    assert run.code == code, (run.code, run.out, run.err)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("guardrails: error: ")
    return lines[0]


def _findings(run) -> dict[str, list[tuple[str, str]]]:
    """path -> [(rule id, message)] from JSON output."""
    assert "Traceback" not in run.err, run.err
    found: dict[str, list[tuple[str, str]]] = {}
    for v in run.json()["violations"]:
        found.setdefault(v["path"], []).append((v["rule_id"], v["message"]))
    return found


# ------------------------------------------------------------ special files


def test_special_files_found_while_walking_are_findings(project) -> None:
    """Outside git: a FIFO, a socket, /dev/zero, a loop and a dangling link named
    like Python are reported unchecked, never opened (no hang, no memory blow-up)."""
    project.write("ok.py", SHELL)
    os.mkfifo(project.root / "fifo.py")
    (project.root / "loop.py").symlink_to("loop.py")
    (project.root / "zero.py").symlink_to("/dev/zero")
    (project.root / "dangling.py").symlink_to("nowhere.py")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(project.root / "sock.py"))
    try:
        started = time.monotonic()
        result = project.run("check", "--select", "SEC001", "--output-format", "json")
    finally:
        server.close()
    assert time.monotonic() - started < 60
    assert result.code == 1, result.err
    found = _findings(result)
    assert [rule for rule, _ in found["ok.py"]] == ["SEC001"]
    expected = {
        "fifo.py": "a FIFO",
        "loop.py": "a symlink loop",
        "zero.py": "a character device",
        "dangling.py": "a broken symlink",
        "sock.py": "a socket",
    }
    for path, what in expected.items():
        ((rule, message),) = found[path]
        assert rule == "GR001" and message.startswith("not checked: ") and what in message


def test_special_files_tracked_by_git_are_findings(project) -> None:
    project.git("init", "-q")
    project.write("ok.py", "X = 1\n")
    (project.root / "loop.py").symlink_to("loop.py")
    (project.root / "zero.py").symlink_to("/dev/zero")
    project.git("add", "-A")
    result = project.run("check", "--select", "SEC001", "--output-format", "json")
    assert result.code == 1, result.err
    found = _findings(result)
    assert set(found) == {"loop.py", "zero.py"}
    assert all(rule == "GR001" for items in found.values() for rule, _ in items)


@pytest.mark.parametrize(
    ("name", "make", "what"),
    [
        ("fifo.py", lambda p: os.mkfifo(p), "a FIFO"),
        ("loop.py", lambda p: p.symlink_to(p.name), "a symlink loop"),
        ("zero.py", lambda p: p.symlink_to("/dev/zero"), "a character device"),
        ("dangling.py", lambda p: p.symlink_to("nowhere.py"), "a broken symlink"),
    ],
)
def test_special_file_named_on_the_command_line_is_a_usage_error(
    project, name, make, what
) -> None:
    make(project.root / name)
    line = _one_error_line(project.run("check", "--select", "SEC001", name))
    assert name in line and what in line


# ------------------------------------------------------------- size limit


def test_file_over_the_size_limit_is_reported_not_read(project, tmp_path) -> None:
    # 2 MB of generated code: over the default limit, reported in well under the
    # minutes LibCST would need, and never given to Semgrep or Ruff.
    project.write("generated.py", "x = 1\n" * 350_000)
    project.write("app.py", SQL)
    log = tmp_path / "semgrep-args"
    semgrep = _wrapper(tmp_path, "semgrep", f'echo "$@" > "{log}"\nexec "$REAL" "$@"')
    started = time.monotonic()
    args = ("check", "--select", "SEC006", "--output-format", "json")
    result = project.run(*args, env={"GUARDRAILS_SEMGREP": semgrep})
    assert time.monotonic() - started < 60
    assert result.code == 1, result.err
    found = _findings(result)
    ((rule, message),) = found["generated.py"]
    assert rule == "GR001" and "2100000 bytes, over the limit of 1048576" in message
    assert "max-file-size" in message
    assert [r for r, _ in found["app.py"]] == ["SEC006"]
    given = log.read_text()
    assert "--max-target-bytes=1048576" in given and "generated.py" not in given
    # The limit is configurable, and Semgrep is told the same limit.
    project.write("pyproject.toml", "[tool.guardrails]\nmax-file-size = 10000\n")
    result = project.run(*args, env={"GUARDRAILS_SEMGREP": semgrep})
    found = _findings(result)
    assert result.code == 1 and "over the limit of 10000" in found["generated.py"][0][1]
    assert [r for r, _ in found["app.py"]] == ["SEC006"]
    assert "--max-target-bytes=10000" in log.read_text()


def test_max_file_size_limits_every_file_and_is_validated(project) -> None:
    project.write("small.py", SHELL)
    project.write("large.py", SHELL + "# padding\n" * 20)
    project.write("pyproject.toml", "[tool.guardrails]\nmax-file-size = 100\n")
    result = project.run("check", "--select", "SEC001", "--output-format", "json")
    found = _findings(result)
    assert result.code == 1
    assert [r for r, _ in found["small.py"]] == ["SEC001"]
    ((rule, message),) = found["large.py"]
    assert rule == "GR001" and "over the limit of 100" in message
    for bad in ('"1MB"', "0", "true", "1" + "0" * 30):
        project.write("pyproject.toml", f"[tool.guardrails]\nmax-file-size = {bad}\n")
        line = _one_error_line(project.run("check", "--select", "SEC001"))
        assert "max-file-size" in line and "positive number of bytes" in line


# ------------------------------------------------- Semgrep partial analysis


def test_pep695_files_semgrep_cannot_fully_parse_are_gr001(project) -> None:
    """Semgrep falls back to another parser on PEP 695 syntax (and a BOM, lone
    CRs), silently, and then misses f-string SQL: each such file is a GR001
    naming the rules."""
    variants = {
        "alias.py": "type UserId = int\n\n\n" + SQL,
        "generic_class.py": SQL + "\n\nclass Box[T]:\n    item: T\n",
        "generic_def.py": SQL + "\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n",
        # PEP 696 defaults: Semgrep reports a PartialParsing error for these
        "default.py": SQL + "\n\nclass Box[T = int]:\n    item: T\n",
        # valid Python its parser rejects as well: a UTF-8 BOM, lone-CR line ends
        "bom.py": "\ufeff" + SQL,
        "lone_cr.py": SQL.replace("\n", "\r"),
    }
    for name, source in variants.items():
        project.write(name, source.encode())
    project.write("plain.py", SQL)
    # a file the Semgrep-backed rules do not apply to is not theirs to report
    project.write("legacy/alias.py", variants["alias.py"].encode())
    project.write(
        "pyproject.toml", '[tool.guardrails.per-file-ignores]\n"legacy/*" = ["SEC006"]\n'
    )
    result = project.run("check", "--select", "SEC006", "--output-format", "json")
    assert result.code == 1, result.err
    found = _findings(result)
    assert found["plain.py"][0][0] == "SEC006"
    assert "legacy/alias.py" not in found
    for name in variants:
        messages = [m for rule, m in found[name] if rule == "GR001"]
        assert messages and "SEC006" in messages[0], (name, found[name])


def test_file_in_another_encoding_is_checked_by_ruff_through_a_utf8_copy(project) -> None:
    # valid Python (a coding cookie), but Ruff reads only UTF-8: it is given the
    # file's one decoding, and the finding lands on the real file
    latin = (
        b"# -*- coding: latin-1 -*-\nimport datetime\nNAME = '\xe9'\n"
        b"NOW = datetime.datetime.now()\n"
    )
    project.write("latin.py", latin)
    project.write("legacy/latin.py", latin)
    project.write(
        "pyproject.toml", '[tool.guardrails.per-file-ignores]\n"legacy/*" = ["REL005"]\n'
    )
    result = project.run("check", "--select", "REL005", "--output-format", "json")
    assert result.code == 0, result.err  # REL005 is info
    assert result.ids() == [("latin.py", "REL005", 4)]


def test_file_ruff_cannot_read_is_gr001_naming_its_rules(project) -> None:
    from guardrails.backends.ruff import start_ruff
    from guardrails.config import load_settings
    from guardrails.plugins import load_plan
    from guardrails.source import in_memory

    # read by the run, gone before Ruff reads it (E902)
    settings = load_settings(project.root, isolated=True)
    plan = load_plan(settings)
    rules = [rule for rule in plan.rules if rule.id == "REL005"]
    gone = in_memory(project.root / "gone.py", project.root, (project.root,), b"X = 1\n")
    job = start_ruff(rules, [gone], project.root, lambda given: {"REL005"})
    assert job is not None
    ((finding,),) = job.collect().values()
    assert finding.rule_id == "GR001" and "Ruff could not read this file" in finding.message
    assert "REL005" in finding.message


def test_named_script_without_py_suffix_is_scanned_by_semgrep_too(project) -> None:
    project.write("bin/report", "#!/usr/bin/env python3\n" + SQL)
    result = project.run("check", "--select", "SEC006", "--output-format", "json", "bin/report")
    assert result.code == 1, result.err
    assert [rule for rule, _ in _findings(result)["bin/report"]] == ["SEC006"]


def test_every_way_semgrep_reports_a_partial_analysis_is_a_finding(project, tmp_path) -> None:
    """Staged Semgrep output (these need minutes of real analysis to happen):
    timeouts, memory, a taint fixpoint given up, a target it did not scan."""
    for index in range(1, 6):
        project.write(f"app{index}.py", SQL)
    location = {"path": "app2.py", "start": {"line": 2, "col": 1, "offset": 0}}
    output = {
        "results": [],
        "errors": [
            {"type": "Timeout", "path": "app1.py", "rule_id": "sec006", "message": "slow"},
            {"type": "OutOfMemory", "path": "app3.py", "message": "heap"},
            {"type": ["PartialParsing", []], "path": "app4.py", "message": "odd"},
        ],
        "paths": {"scanned": ["app1.py", "app2.py", "app3.py", "app4.py"]},
        "time": {"fixpoint_timeouts": [{"location": location, "rule_id": "sec006"}]},
    }
    log = "[00.10][INFO](semgrep.parsing): trying to parse with Pfff parser the pattern"
    (tmp_path / "out.json").write_text(json.dumps(output))
    semgrep = _wrapper(tmp_path, "semgrep", f'echo "{log}" >&2\ncat "{tmp_path / "out.json"}"')
    result = project.run(
        "check", "--select", "SEC006", "--output-format", "json", "--no-cache",
        env={"GUARDRAILS_SEMGREP": semgrep},
    )  # fmt: skip
    assert result.code == 2, result.err  # GR003: the run could not complete
    found = _findings(result)
    expected = {
        "app1.py": ("GR003", "Timeout in rule sec006"),
        "app2.py": ("GR003", "fixpoint timeout in rule sec006"),
        "app3.py": ("GR003", "OutOfMemory"),
        "app4.py": ("GR001", "Semgrep cannot parse this file"),
        "app5.py": ("GR003", "semgrep did not scan this file"),
    }
    for path, (rule, words) in expected.items():
        ((got, message),) = found[path]
        assert got == rule and words in message and "SEC006" in message, (path, message)


# ------------------------------------------------------- vanishing files


def test_file_deleted_before_the_scans_costs_only_that_file(project, tmp_path) -> None:
    project.write("stays.py", SQL + "\n\nimport datetime\n\nNOW = datetime.datetime.now()\n")
    project.write("semgrep_gone.py", SQL)
    project.write("ruff_gone.py", "import datetime\n\nNOW = datetime.datetime.now()\n")
    semgrep = _wrapper(tmp_path, "semgrep", 'rm -f semgrep_gone.py\nexec "$REAL" "$@"')
    ruff = _wrapper(tmp_path, "ruff", 'rm -f ruff_gone.py\nexec "$REAL" "$@"')
    result = project.run(
        "check",
        "--select",
        "SEC006,REL005",
        "--output-format",
        "json",
        "--no-cache",
        env={"GUARDRAILS_SEMGREP": semgrep, "GUARDRAILS_RUFF": ruff},
    )
    assert result.code == 1, result.err
    assert result.err == ""
    found = _findings(result)
    assert sorted(r for r, _ in found["stays.py"]) == ["REL005", "SEC006"]
    for gone in ("semgrep_gone.py", "ruff_gone.py"):
        engine = [(r, m) for r, m in found[gone] if r == "GR001"]
        assert engine, found[gone]
            # whichever backend noticed first says the file could not be read
        assert any(
            "vanished" in m or "could not read" in m or "cannot read" in m for _, m in engine
        ), engine


# ----------------------------------------------------------- backend cache


def test_replaced_backend_executable_invalidates_the_cache(project, tmp_path) -> None:
    project.write("app.py", SQL + "\n\nimport datetime\n\nNOW = datetime.datetime.now()\n")
    log = tmp_path / "started"
    body = f'echo "$0" >> "{log}"\nexec "$REAL" "$@"'
    env = {
        "GUARDRAILS_SEMGREP": _wrapper(tmp_path, "semgrep", body),
        "GUARDRAILS_RUFF": _wrapper(tmp_path, "ruff", body),
    }
    args = ("check", "--select", "SEC006,REL005", "--output-format", "json")
    cold = project.run(*args, env=env)
    assert cold.code == 1 and len(log.read_text().splitlines()) == 2
    assert project.run(*args, env=env).out == cold.out
    assert len(log.read_text().splitlines()) == 2  # warm: neither started
    for count, tool in ((4, "semgrep"), (6, "ruff")):
        _wrapper(tmp_path, tool, body + "\n")  # the same path, a new binary
        again = project.run(*args, env=env)
        assert again.out == cold.out
        assert len(log.read_text().splitlines()) == count  # checked again, by both


def test_upgrade_behind_a_pyenv_shim_changes_the_identity(tmp_path, monkeypatch) -> None:
    root = tmp_path / "pyenv"
    real = root / "versions" / "3.12.1" / "bin" / "ruff"
    real.parent.mkdir(parents=True)
    real.write_text("#!/bin/sh\n")
    dist = root / "versions" / "3.12.1" / "lib" / "python3.12" / "site-packages"
    (dist / "ruff-0.5.0.dist-info").mkdir(parents=True)
    shim = tmp_path / "shims" / "ruff"
    shim.parent.mkdir()
    shim.write_text('#!/usr/bin/env bash\nexec "/x/pyenv/libexec/pyenv" exec "$program" "$@"\n')
    monkeypatch.setenv("PYENV_ROOT", str(root))
    monkeypatch.setenv("GUARDRAILS_RUFF", str(shim))
    before = executable_identity("ruff", "GUARDRAILS_RUFF")
    assert "ruff-0.5.0.dist-info" in before
    (dist / "ruff-0.5.0.dist-info").rename(dist / "ruff-0.6.0.dist-info")
    real.unlink()
    real.write_text("#!/bin/sh\n# another build\n")
    after = executable_identity("ruff", "GUARDRAILS_RUFF")
    assert after != before and "ruff-0.6.0.dist-info" in after


def test_cache_rows_with_wrong_types_are_misses(project) -> None:
    fix = {"edits": [{"start_line": 1}], "applicability": "safe", "description": ""}
    corrupt = [
        lambda row: [str(v) if isinstance(v, int) else v for v in row],  # numbers as text
        lambda row: [5, *row[1:]],  # rule id as a number
        lambda row: [*row[:12], "a fix", *row[13:]],  # fix as a string
        lambda row: [*row[:12], fix, *row[13:]],  # an edit without its fields
        lambda row: [None] * len(row),
    ]
    for index in range(len(corrupt) + 2):
        project.write(f"app{index}.py", f"import os\nos.system('ls {index}')\n")
    args = ("check", "--select", "SEC001", "--output-format", "json")
    first = project.run(*args)
    assert first.code == 1 and len(first.json()["violations"]) == len(corrupt) + 2
    entries = sorted((project.root / ".guardrails_cache").rglob("*.json"))
    assert len(entries) == len(corrupt) + 2
    for entry, change in zip(entries, corrupt, strict=False):
        good = json.loads(entry.read_text())
        good["violations"] = [change(good["violations"][0])]
        entry.write_text(json.dumps(good))
    entries[-2].write_text(json.dumps({"valid_until": 7, "violations": []}))
    entries[-1].write_text(json.dumps({"valid_until": None, "violations": {}}))
    # an entry that is a FIFO or a link to a device is a miss too, not a hang
    entries[0].unlink()
    os.mkfifo(entries[0])
    entries[1].unlink()
    entries[1].symlink_to("/dev/zero")
    result = project.run(*args)
    assert (result.code, result.out, result.err) == (1, first.out, "")


# ------------------------------------------------------- broken backends


def test_missing_semgrep_hint_can_be_pasted_into_a_shell(project, tmp_path, bare_python) -> None:
    project.write("app.py", SQL)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git", "ruff"):
        (bin_dir / tool).symlink_to(_real_tool(tool))
    env = {"PATH": str(bin_dir)}
    line = _one_error_line(project.run("check", env=env, python=bare_python))
    hint = re.search(r"`(--ignore [^`]+)`", line)
    assert hint, line
    pasted = project.run("check", *shlex.split(hint.group(1)), env=env, python=bare_python)
    assert pasted.code in (0, 1), pasted.err
    assert "semgrep" not in pasted.err


MALFORMED_SEMGREP = (
    "echo '{\"results\": [{\"path\": \"app.py\", \"extra\": "
    "{\"metadata\": {\"guardrails\": {\"id\": \"SEC006\"}}}}], \"errors\": []}'"
)
BROKEN = {
    ("semgrep", "garbage output"): 'echo "not json"; exit 0',
    ("semgrep", "killed"): "kill -9 $$",
    ("semgrep", "malformed result"): MALFORMED_SEMGREP,
    ("semgrep", "hang"): "sleep 60",
    # a clean-looking result without the parsing log: fallbacks could not be seen
    ("semgrep", "no parsing log"): (
        "echo '{\"results\": [], \"errors\": [], \"paths\": {\"scanned\": [\"app.py\"]}}'"
    ),
    ("ruff", "exit code without output"): "exit 3",
    ("ruff", "malformed result"): "echo '[{\"filename\": \"app.py\", \"code\": \"DTZ005\"}]'",
    ("ruff", "hang"): "sleep 60",
}


@pytest.mark.parametrize(("tool", "case"), list(BROKEN))
def test_broken_or_hanging_backend_is_one_line_exit_2(project, tmp_path, tool, case) -> None:
    project.write("app.py", SQL + "\n\nimport datetime\n\nNOW = datetime.datetime.now()\n")
    env = {
        f"GUARDRAILS_{tool.upper()}": _wrapper(tmp_path, tool, BROKEN[tool, case]),
        "GUARDRAILS_BACKEND_TIMEOUT": "1",
    }
    select = "SEC006" if tool == "semgrep" else "REL005"
    started = time.monotonic()
    result = project.run("check", "--select", select, "--no-cache", env=env)
    assert time.monotonic() - started < 40
    line = _one_error_line(result)
    assert tool in line
    if case == "hang":
        assert "did not finish within 1 s" in line



def test_a_file_ruff_crashes_on_costs_that_file(project, tmp_path):
    """Ruff aborting (its stack overflows on some deep nesting) is pinned on the file.

    The stand-in aborts whenever `crash.py` is among its targets, as the real
    Ruff does on a file nested a few thousand levels deep; the files it was
    not given alone are checked again in halves until the culprit is found.
    """
    ruff = _wrapper(
        tmp_path,
        "ruff",
        'for arg in "$@"; do case "$arg" in *crash.py) kill -ABRT $$;; esac; done\n'
        'exec "$REAL" "$@"',
    )
    for name in ("a.py", "b.py", "c.py", "d.py"):
        project.write(name, "import datetime\n\nNOW = datetime.datetime.now()\n")
    project.write("crash.py", "import datetime\n\nTHEN = datetime.datetime.now()\n")
    run = project.run(
        "check", "--no-cache", "--select", "REL005", "--output-format", "json", ".",
        env={"GUARDRAILS_RUFF": ruff},
    )  # fmt: skip
    assert run.code == 1, (run.code, run.err)
    assert "Traceback" not in run.err
    found = {(v["path"], v["rule_id"]) for v in run.json()["violations"]}
    expected = {(name, "REL005") for name in ("a.py", "b.py", "c.py", "d.py")}
    assert found == expected | {("crash.py", "GR001")}
    crash = next(v for v in run.json()["violations"] if v["path"] == "crash.py")
    assert "Ruff" in crash["message"] and "SIGABRT" in crash["message"], crash


def test_a_special_file_named_as_the_baseline_is_one_error_line(project):
    """A FIFO or `/dev/zero` as the baseline (flag or config) is refused, never waited on."""
    project.write("app.py", SHELL)
    os.mkfifo(project.root / "fifo.json")
    (project.root / "zero.json").symlink_to("/dev/zero")
    for name, kind in (("fifo.json", "a FIFO (named pipe)"), ("zero.json", "a character device")):
        line = _one_error_line(project.run("check", "--select", "SEC", "--baseline", name))
        assert line.endswith(f"{name}: cannot read baseline: {kind}"), line
    project.write("pyproject.toml", '[tool.guardrails]\nbaseline = "fifo.json"\n')
    line = _one_error_line(project.run("check", "--select", "SEC"))
    assert "cannot read baseline: a FIFO" in line
