"""Hostile input that guardrails already survives (issue 15, point 6): keep it that way.

Each case runs the real CLI (or the real MCP server / hook process) and asserts the exit
code, the one-line error where one is expected, and that no traceback is printed. Cases
that share a setup are batched into one run and checked per case.

Cases of the issue's matrix that were covered before this file, and where:
- invalid UTF-8 -> GR001: tests/test_cli.py::test_undecodable_file_is_gr001
- a coding cookie is honoured: tests/test_cli.py::test_coding_cookie_is_honoured
- CRLF, latin-1 cookie and file mode kept by fix:
  tests/test_fix.py::test_permissions_encoding_and_line_endings_are_kept
- deep nesting (3,000 implicit concatenations):
  tests/test_cli.py::test_deeply_nested_file_is_checked_not_crashed
- bad config (unknown key, wrong type, unknown rule id, bad TOML, bad rule options):
  tests/test_cli.py::test_config_errors_exit_2_with_one_line,
  tests/test_catalog_config.py::test_bad_options_exit_2_naming_the_key
- semgrep or ruff missing: tests/test_backends.py::test_missing_semgrep_is_a_clear_error,
  ::test_missing_ruff_is_a_clear_error; Semgrep rejecting a rule or a malformed plugin
  rule file: ::test_semgrep_rejecting_a_rule_exits_2, ::test_malformed_yaml_in_a_plugin_exits_2
- corrupt cache entries (not JSON, an older format, a short row) and an unwritable cache:
  tests/test_cache.py::test_corrupt_entries_and_unwritable_cache_are_harmless
- SIGKILL at any point of a run: tests/test_cache.py::test_a_run_killed_at_any_point_...
- hook input that is not JSON, empty, a non-edit tool, a deleted file, a broken config:
  tests/test_agents.py::test_claude_code_hook_feeds_findings_back_with_exit_2,
  ::test_claude_hook_respects_excludes_and_never_blocks_on_broken_config,
  ::test_gemini_cli_hook_appends_findings_as_additional_context
- MCP: unknown rule id, unsaved source not written:
  tests/test_agents.py::test_mcp_server_serves_every_tool_through_the_sdk_client
- a plugin rule or hook that raises: tests/test_plugin_isolation.py
- generated programs through check and fix: tests/test_fuzz.py (and bench/fuzz.py)

Not here: a Semgrep or Ruff that hangs until guardrails' timeout (120 s + 2 s per file,
not configurable) would cost two minutes; a hanging Semgrep is covered by SIGINT below.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import mcp_server_env

SHELL = "import os\n\n\ndef run(cmd: str) -> None:\n    os.system(cmd)\n"


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# ------------------------------------------------------------------ files that are not text

# name -> (bytes, the GR001 message must contain)
UNREADABLE = {
    "binary": (bytes(range(256)) * 4, "cannot decode"),
    "png_named_py": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 8, "cannot decode"),
    "nul_bytes": (b"x = 1\x00\nimport os\nos.system('ls')\n", "null bytes"),
    "undeclared_latin1": (b"NAME = 'caf\xe9'\nimport os\nos.system(NAME)\n", "cannot decode"),
    "unknown_coding_cookie": (b"# -*- coding: klingon -*-\nx = 1\n", "unknown encoding"),
    "wrong_coding_cookie": (b"# coding: ascii\nNAME = '\xc3\xa9'\n", "cannot decode"),
    "bom_contradicting_cookie": (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "cannot decode"),
    "utf16_without_cookie": ("import os\nos.system('ls')\n".encode("utf-16"), "cannot decode"),
    "invalid_utf8_in_a_string": (b"NAME = '\xc3\x28'\n", "cannot decode"),
}
# Readable files whose findings and fixes must land where the text says.
BOM = b"\xef\xbb\xbfimport subprocess\n\nsubprocess.run(['ls'])\n"
CRLF = b"import subprocess\r\n\r\n# keep\r\nsubprocess.run(['ls'])\r\n"


@pytest.fixture(scope="module")
def unreadable(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One check and one fix over every hostile file plus two readable ones."""
    root = tmp_path_factory.mktemp("encodings")
    for name, (data, _) in UNREADABLE.items():
        (root / f"{name}.py").write_bytes(data)
    (root / "bom.py").write_bytes(BOM)
    (root / "crlf.py").write_bytes(CRLF)
    args = ["--isolated", "--no-cache", "--select", "GR,REL010"]
    checked = _cli(root, "check", "--output-format", "json", *args)
    fixed = _cli(root, "fix", "--unsafe-fixes", *args)
    after = {p.stem: p.read_bytes() for p in root.glob("*.py")}
    return {"check": checked, "fix": fixed, "after": after}


def _cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "guardrails", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
        timeout=300,
        check=False,  # the exit code is what the tests assert
    )


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_file_is_gr001_and_left_untouched(unreadable, case: str) -> None:
    checked, fixed = unreadable["check"], unreadable["fix"]
    assert checked.returncode == 1 and checked.stderr == "", checked.stderr
    found = [v for v in json.loads(checked.stdout)["violations"] if v["path"] == f"{case}.py"]
    assert [(v["rule_id"], v["line"]) for v in found] == [("GR001", 1)]
    assert UNREADABLE[case][1] in found[0]["message"]
    assert fixed.returncode == 1 and "Traceback" not in fixed.stderr
    assert unreadable["after"][case] == UNREADABLE[case][0]  # byte for byte


@pytest.mark.parametrize(
    ("case", "line", "after"),
    [
        ("bom", 3, BOM.replace(b"['ls'])", b"['ls'], check=True)")),
        ("crlf", 4, CRLF.replace(b"['ls'])", b"['ls'], check=True)")),
    ],
)
def test_bom_and_crlf_findings_and_fixes_land_on_their_line(
    unreadable, case: str, line: int, after: bytes
) -> None:
    violations = json.loads(unreadable["check"].stdout)["violations"]
    found = [
        (v["rule_id"], v["line"], v["column"]) for v in violations if v["path"] == f"{case}.py"
    ]
    assert found == [("REL010", line, 1)]
    assert f"fixed 1 in {case}.py" in unreadable["fix"].stdout
    assert unreadable["after"][case] == after  # BOM and CRLF kept, nothing else changed


# ------------------------------------------------------------------ moderate nesting

NESTED = {
    "parentheses_150": "x = " + "(" * 150 + "eval(src)" + ")" * 150 + "\n",
    "lists_90": "x = " + "[" * 90 + "eval(src)" + "]" * 90 + "\n",
    "dicts_90": "x = " + "{1: " * 90 + "eval(src)" + "}" * 90 + "\n",
    "calls_100": "x = " + "f(" * 100 + "eval(src)" + ")" * 100 + "\n",
    "lambdas_100": "x = " + "lambda: " * 100 + "eval(src)\n",
    "ifs_90": "".join("    " * i + f"if x{i}:\n" for i in range(90)) + "    " * 90 + "eval(src)\n",
    "defs_60": "".join("    " * i + f"def f{i}():\n" for i in range(60))
    + "    " * 60
    + "eval(src)\n",
    "and_1000_terms": "x = " + " and ".join(["a"] * 1000) + "\ny = eval(src)\n",
}


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess:
    root = tmp_path_factory.mktemp("nested")
    for name, text in NESTED.items():
        (root / f"{name}.py").write_text(text)
    return _cli(root, "check", "--isolated", "--no-cache", "--select", "GR,SEC002",
                "--output-format", "json")  # fmt: skip


@pytest.mark.parametrize("case", sorted(NESTED))
def test_deep_nesting_is_checked_to_the_innermost_node(nested, case: str) -> None:
    assert nested.returncode == 1 and nested.stderr == "", nested.stderr
    text = NESTED[case]
    line = text[: text.index("eval(src)")].count("\n") + 1
    column = len(text[: text.index("eval(src)")].rsplit("\n", 1)[-1]) + 1
    found = [
        (v["rule_id"], v["line"], v["column"])
        for v in json.loads(nested.stdout)["violations"]
        if v["path"] == f"{case}.py"
    ]
    assert found == [("SEC002", line, column)]


# ------------------------------------------------------------------ bad configuration

BAD_CONFIG = {
    "table_is_a_number": ("[tool]\nguardrails = 3\n", "[tool.guardrails] must be a table"),
    "per_file_ignores_not_a_table": (
        '[tool.guardrails]\nper-file-ignores = "x"\n',
        "per-file-ignores: expected a table",
    ),
    "exclude_holds_a_number": ("[tool.guardrails]\nexclude = [1]\n", "exclude: expected a list"),
    "severity_unknown_level": (
        '[tool.guardrails]\nseverity = {SEC001 = "fatal"}\n',
        "severity.SEC001: expected one of info, warning, error",
    ),
    "rules_not_tables": ("[tool.guardrails.rules]\nREL003 = 5\n", "rules: expected tables"),
    "table_declared_twice": ("[tool.guardrails]\n[tool.guardrails]\n", "invalid TOML"),
    "plugin_not_importable": (
        '[tool.guardrails]\nplugins = ["no_such_module_xyz"]\n',
        "no_such_module_xyz",
    ),
    "baseline_missing": ('[tool.guardrails]\nbaseline = "gone.json"\n', "baseline file not found"),
    "not_utf8": (
        b"\xff\xfe[tool.guardrails]\n",
        "pyproject.toml",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIG))
def test_bad_config_variant_exits_2_with_one_line(project, case: str) -> None:
    body, expected = BAD_CONFIG[case]
    project.write("app.py", "x = 1\n")
    project.write("pyproject.toml", body)
    result = project.run("check")
    assert result.code == 2, (result.out, result.err)
    line = _one_error_line(result.err)
    assert line.startswith("guardrails: error: ") and expected in line, line
    assert "All checks passed" not in result.out


def test_bad_command_line_config_exits_2_with_one_line(project) -> None:
    project.write("app.py", "x = 1\n")
    for args, expected in (
        (("--config", "nope.toml"), "nope.toml: config file not found"),
        (("--select", "NOPE999"), "--select: unknown rule id or prefix 'NOPE999'"),
    ):
        result = project.run("check", *args)
        assert result.code == 2
        assert expected in _one_error_line(result.err)


# ------------------------------------------------------------------ broken Semgrep and Ruff

VIEW = (
    "import datetime\n\nfrom django.db import connection\n\n\ndef search(request):\n"
    '    term = request.GET.get("q", "")\n    with connection.cursor() as cur:\n'
    "        cur.execute(\"SELECT id FROM docs WHERE title = '%s'\" % term)\n"
    "    return datetime.datetime.now()\n"
)
# what the fake tool does (after answering `--version` as the real one does)
BROKEN_TOOL = {
    "exits_1": 'echo "boom: something broke" >&2; exit 1',
    "prints_garbage": 'echo "%%% not json {"; exit 0',
    "prints_nothing": "exit 0",
    "killed_by_a_signal": "kill -9 $$",
}
WRONG_SHAPE = {"semgrep": '{"results": 5}', "ruff": "[1]"}


def _fake_tool(directory: Path, tool: str, body: str) -> dict[str, str]:
    """A `tool` that runs `body` (for a scan) or the real one (for --version), first on PATH
    and named by its override variable (guardrails prefers the tool beside its own Python)."""
    real = shutil.which(tool)
    assert real, f"{tool} is needed for this test"
    directory.mkdir(exist_ok=True)
    script = directory / tool
    script.write_text(f'#!/bin/sh\ncase "$*" in *--version*) exec {real} "$@";; esac\n{body}\n')
    script.chmod(0o755)
    return {
        "PATH": f"{directory}{os.pathsep}{os.environ['PATH']}",
        f"GUARDRAILS_{tool.upper()}": str(script),
    }


def _broken_run(project, tmp_path: Path, tool: str, body: str):
    project.write("app/views.py", VIEW)
    env = _fake_tool(tmp_path / "bin", tool, body)
    selected = "SEC006" if tool == "semgrep" else "REL005"
    return project.run("check", "--no-cache", "--select", selected, env=env)


@pytest.mark.parametrize("tool", ["semgrep", "ruff"])
@pytest.mark.parametrize("behaviour", sorted(BROKEN_TOOL))
def test_broken_backend_exits_2_with_one_line(project, tmp_path, tool, behaviour) -> None:
    result = _broken_run(project, tmp_path, tool, BROKEN_TOOL[behaviour])
    assert result.code == 2, (result.out, result.err)
    line = _one_error_line(result.err)
    assert line.startswith(f"guardrails: error: {tool} failed"), line
    assert result.out == ""


@pytest.mark.parametrize("tool", ["semgrep", "ruff"])
def test_backend_json_of_the_wrong_shape_exits_2_with_one_line(project, tmp_path, tool) -> None:
    result = _broken_run(project, tmp_path, tool, f"echo '{WRONG_SHAPE[tool]}'")
    assert result.code == 2
    assert _one_error_line(result.err).startswith(f"guardrails: error: {tool}")


def test_unreadable_ruff_result_is_not_a_clean_run(project, tmp_path) -> None:
    result = _broken_run(project, tmp_path, "ruff", """echo '[{"code": 5}]'""")
    assert result.code != 0 and "All checks passed" not in result.out


# ------------------------------------------------------------------ corrupt cache entries

CORRUPTION = {
    "random_bytes": lambda path: path.write_bytes(bytes(range(256))[::-1] * 2),
    "empty": lambda path: path.write_bytes(b""),
    "json_null": lambda path: path.write_text("null"),
    "infinite_expiry": lambda path: path.write_text('{"valid_until": 1e999, "violations": []}'),
    "a_folder": lambda path: (path.unlink(), path.mkdir()),
}


def test_corrupt_cache_entries_are_recomputed(project) -> None:
    for name in sorted(CORRUPTION):  # one entry per kind of corruption
        project.write(f"{name}.py", SHELL + f"\n\nNAME = {name!r}\n")
    args = ("check", "--output-format", "json", "--select", "SEC001")
    first = project.run(*args)
    assert first.code == 1 and len(first.json()["violations"]) == len(CORRUPTION)
    entries = sorted((project.root / ".guardrails_cache").rglob("*.json"))
    assert len(entries) == len(CORRUPTION)
    for entry, corrupt in zip(entries, CORRUPTION.values(), strict=True):
        corrupt(entry)
    again = project.run(*args)
    assert (again.code, again.out) == (1, first.out)
    # the folder cannot be replaced by an entry: said once, the run goes on
    assert "warning: cache disabled" in _one_error_line(again.err)
    assert not list((project.root / ".guardrails_cache").rglob("*.tmp"))  # no write left over
    assert project.run(*args).out == first.out  # and the rewritten entries are right


# ------------------------------------------------------------------ concurrent runs


def test_concurrent_runs_share_a_cold_cache(project) -> None:
    for index in range(20):
        project.write(f"pkg/mod{index}.py", SHELL.replace("run(", f"run{index}("))
    argv = [sys.executable, "-m", "guardrails", "check", "--output-format", "json"]
    argv += ["--select", "SEC001,ARC", "--jobs", "1"]
    expected = project.run(*argv[3:], "--no-cache").out
    runs = [
        subprocess.Popen(argv, cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert (run.returncode, out.decode(), err.decode()) == (1, expected, "")
    warm = project.run(*argv[3:])
    assert (warm.code, warm.out) == (1, expected)


# ------------------------------------------------------------------ SIGINT


def test_sigint_while_semgrep_hangs_exits_130_and_stops_it(project, tmp_path) -> None:
    project.write("app/views.py", VIEW)
    started = tmp_path / "semgrep-pid"
    env = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DEBUG"}
    # `exec` keeps the PID the fake semgrep wrote down
    env.update(_fake_tool(tmp_path / "bin", "semgrep", f'echo $$ > "{started}"\nexec sleep 300'))
    process = subprocess.Popen(
        [sys.executable, "-m", "guardrails", "check", "--no-cache", "--select", "SEC006"],
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's background job ignores SIGINT; a user's terminal does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not (started.exists() and started.read_text().strip()):
        assert time.monotonic() < deadline, "the fake semgrep never started"
        time.sleep(0.05)
    semgrep_pid = int(started.read_text())
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert _one_error_line(err) == "guardrails: interrupted"
    assert "All checks passed" not in out
    deadline = time.monotonic() + 10
    while _running(semgrep_pid):
        assert time.monotonic() < deadline, "the hanging semgrep outlived the interrupted run"
        time.sleep(0.05)


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


# ------------------------------------------------------------------ malicious agent input

HOOK_INPUT = {
    "json_array": "[1, 2]",
    "json_number": "5",
    "tool_input_not_an_object": '{"tool_name": "Edit", "tool_input": 5}',
    "file_path_a_number": '{"tool_name": "Edit", "tool_input": {"file_path": 5}}',
    "file_path_with_nul": '{"tool_name": "Edit", "tool_input": {"file_path": "app.py\\u0000x"}}',
    "not_utf8": b"\xff\xfe{\x00\x80",
    "megabyte_string": json.dumps({"tool_name": "Edit", "x": "a" * 1_000_000}),
}


@pytest.mark.parametrize(
    ("agent", "cases"),
    [
        ("claude-code", sorted(HOOK_INPUT)),
        ("gemini-cli", ["json_array", "file_path_a_number", "not_utf8"]),
    ],
    ids=["claude-code", "gemini-cli"],
)
def test_malicious_hook_input_is_ignored_quietly(project, agent: str, cases: list[str]) -> None:
    project.write("app.py", SHELL)
    env = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DEBUG"}
    quiet = "" if agent == "claude-code" else "{}"
    for case in cases:
        data = HOOK_INPUT[case]
        proc = subprocess.run(
            [sys.executable, "-m", "guardrails", "hook", "--agent", agent],
            input=data if isinstance(data, bytes) else data.encode(),
            cwd=project.root,
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
        result = (proc.returncode, proc.stdout.decode().strip(), proc.stderr.decode())
        assert result == (0, quiet, ""), (case, result)
    assert (project.root / "app.py").read_text() == SHELL



MCP_CALLS = [
    ("paths_not_a_list", "check", {"paths": 5}),
    ("no_arguments", "check", {}),
    ("empty_paths", "check", {"paths": []}),
    ("missing_file", "check", {"paths": ["nope.py"]}),
    ("nul_in_path", "check", {"paths": ["app.py\x00x"]}),
    ("rule_id_not_a_string", "explain", {"rule_id": 5}),
    ("huge_rule_id", "explain", {"rule_id": "A" * 100_000}),
    ("apply_to_a_missing_file", "fix", {"paths": ["nope.py"], "apply": True}),
    ("unknown_tool", "no_such_tool", {}),
]


async def _mcp_answers(root: Path) -> list[tuple[bool, str]]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "guardrails", "mcp"],
        cwd=str(root),
        env=mcp_server_env(),
    )
    answers = []
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        for _, tool, arguments in [*MCP_CALLS, ("still_serving", "check", {"paths": ["."]})]:
            result = await session.call_tool(tool, arguments)
            text = "".join(c.text for c in result.content if hasattr(c, "text"))
            answers.append((bool(result.isError), text))
    return answers


def test_malicious_mcp_arguments_get_an_error_and_the_server_keeps_serving(project) -> None:
    project.write("app.py", SHELL)
    *answers, last = asyncio.run(_mcp_answers(project.root))
    for (case, *_), (is_error, text) in zip(MCP_CALLS, answers, strict=True):
        assert is_error and text.startswith("error:"), (case, text[:300])
        assert "Traceback" not in text, case
    assert last[0] is False and "SEC001" in last[1]
    assert sorted(p.name for p in project.root.iterdir() if p.name != ".guardrails_cache") == [
        "app.py"
    ]
    assert (project.root / "app.py").read_text() == SHELL
