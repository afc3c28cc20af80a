"""Hostile matrix, engine part: a crash costs one file, a bad rule costs one rule.

Issue 15, points 3 and 4: a file LibCST's native parser crashes on, a rule
that aborts or is killed, a rule or plugin that raises `SystemExit` (or any
BaseException), a rule that fails in `__init__` or reports a node that is
not in the tree, a misspelt hook name. Every case runs the real CLI (or the
real hook / MCP server) and asserts the exit code, the findings and that
stderr holds no traceback.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Project, Run, mcp_server_env
from guardrails.model import FileResult

# Nested this deep, LibCST's native parser overflows an 8 MiB stack and the
# process dies with SIGSEGV within a second (LibCST 1.x); the runs below get
# that stack. (5,000 nested lambdas crash it too, but only after 25 s.)
DEPTH = 5000
DEEP = {
    "deep_brackets.py": "x = " + "[" * DEPTH + "]" * DEPTH + "\n",
    "deep_calls.py": "x = " + "f(" * DEPTH + ")" * DEPTH + "\n",
}
SEC001 = "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n"

HOSTILE_PLUGIN = """\
import ctypes
import os
import signal
import sys

import libcst as cst
from guardrails import CstRule, RuleMeta, hookimpl
from guardrails.cst.rule import NodeFix, replace


def meta(number, name):
    return RuleMeta(
        id=f"TST{number:03d}", name=name, category="reliability", severity="error",
        summary="s", why="w", remediation="r",
    )


class Custom(BaseException):
    pass


def raising(number, name, make):
    def visit_Name(self, node):
        raise make()

    return type(name.title(), (CstRule,), {"META": meta(number, name), "visit_Name": visit_Name})


class ExitsInInit(CstRule):
    META = meta(10, "exits-in-init")

    def __init__(self, context):
        sys.exit(0)


class RaisesInInit(CstRule):
    META = meta(11, "raises-in-init")

    def __init__(self, context):
        raise ValueError("no context for me")


class ForeignNode(CstRule):
    META = meta(12, "foreign-node")

    def visit_Call(self, node):
        self.report(cst.Name("elsewhere"), "a node built by the rule")


class NotANode(CstRule):
    META = meta(13, "not-a-node")

    def visit_Call(self, node):
        self.report("os.system", "a string, not a node")


class ForeignFix(CstRule):
    META = meta(14, "foreign-fix")

    def visit_Call(self, node):
        self.report(node, "fix anchored elsewhere", fix=NodeFix((replace(cst.Name("y"), "z"),)))


class NoSuperInit(CstRule):
    META = meta(15, "no-super-init")

    def __init__(self, context):
        self.seen = 0

    def visit_Call(self, node):
        self.report(node, "no context to report through")


class HandlerProperty(CstRule):
    META = meta(16, "handler-property")

    @property
    def visit_Call(self):
        raise SystemExit("not a handler")


class Native(CstRule):
    \"\"\"Dies the way native code does, on files named for it.\"\"\"

    META = meta(20, "native")

    def visit_Module(self, node):
        name = os.path.basename(self.context.path)
        if name.startswith("segv"):
            ctypes.string_at(0)
        if name.startswith("abort"):
            os.abort()
        if name.startswith("oom"):
            os.kill(os.getpid(), signal.SIGKILL)


class Sleeper(CstRule):
    META = meta(21, "sleeper")

    def visit_Module(self, node):
        if os.path.basename(self.context.path).startswith("slow"):
            open("started", "w").write(str(os.getpid()))
            import time
            time.sleep(60)


RAISING = [
    raising(1, "system-exit", lambda: SystemExit(3)),
    raising(2, "sys-exit-zero", lambda: SystemExit(0)),
    raising(3, "generator-exit", GeneratorExit),
    raising(4, "custom-base-exception", lambda: Custom("mine")),
    raising(5, "keyboard-interrupt", KeyboardInterrupt),
    raising(6, "key-error", lambda: KeyError(1405)),
]


@hookimpl
def guardrails_rules():
    return [
        *RAISING, ExitsInInit, RaisesInInit, ForeignNode, NotANode, ForeignFix, NoSuperInit,
        HandlerProperty, Native, Sleeper,
    ]
"""


def _limited_stack() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_STACK)
    soft = 8 * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))


def run(project: Project, *args: str, env: dict[str, str] | None = None) -> Run:
    """`project.run` with the 8 MiB stack the deep files are sized for."""
    environment = {**os.environ, **(env or {})}
    environment.pop("GUARDRAILS_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "guardrails", *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
        preexec_fn=_limited_stack,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def hostile_project(project: Project, select: str) -> None:
    project.write("tools/hostile.py", HOSTILE_PLUGIN)
    project.write(
        "pyproject.toml",
        f'[tool.guardrails]\nplugins = ["tools.hostile"]\nselect = [{select}]\n'
        'extend-exclude = ["tools"]\n',
    )


def by_path(result: Run) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = {}
    for v in result.json()["violations"]:
        found.setdefault(v["path"], []).append(v)
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_native_crash_costs_one_file_and_the_run_goes_on(project, jobs: str) -> None:
    """Parser SIGSEGV on deep nesting, a rule's SIGSEGV/SIGABRT, the OOM killer's SIGKILL."""
    hostile_project(project, '"SEC001", "TST020"')
    for name, text in DEEP.items():
        project.write(name, text)
    crashing = {"segv_rule.py": "SIGSEGV", "abort_rule.py": "SIGABRT", "oom_rule.py": "SIGKILL"}
    for name in crashing:
        project.write(name, SEC001)
    healthy = [f"app{i}.py" for i in range(3)]  # with --jobs 2, 8 files: enough for the pool
    for name in healthy:
        project.write(name, SEC001)
    result = run(project, "check", "--jobs", jobs, "--output-format", "json")
    assert result.code == 1, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    # A crash may not repeat (OOM killer, a larger stack): it is never cached.
    cached = [p.read_bytes() for p in (project.root / ".guardrails_cache").rglob("*.*")]
    assert any(b"SEC001" in entry for entry in cached)
    assert not any(b"killed by" in entry for entry in cached)
    found = by_path(result)
    expected = {**dict.fromkeys(DEEP, "SIGSEGV"), **crashing}
    for name, signal_name in expected.items():
        (crash,) = found.pop(name)
        assert crash["rule_id"] == "GR001" and crash["line"] == 1
        assert f"killed by {signal_name}" in crash["message"], crash["message"]
    assert sorted(found) == healthy
    assert all([v["rule_id"] for v in found[name]] == ["SEC001"] for name in healthy)
    assert result.json()["summary"]["files"] == len(expected) + len(healthy)


def test_native_crash_in_fix_agent_hook_and_mcp(project) -> None:
    """The other callers of the engine: `fix`, an edit-time hook, the MCP server."""
    project.write("pyproject.toml", '[tool.guardrails]\nselect = ["SEC001", "OBS"]\n')
    project.write("deep.py", DEEP["deep_calls.py"])
    fixable = (
        "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
        "def parse(text: str) -> int:\n    try:\n        return int(text)\n"
        '    except ValueError as err:\n        logger.error("bad %s: %s", text, err)\n'
        "        return 0\n"
    )
    project.write("parse.py", fixable)
    fixed = run(project, "fix", "--jobs", "1", "deep.py", "parse.py")
    assert fixed.code == 1, fixed.err
    assert "deep.py:1:1: GR001" in fixed.out and "killed by SIGSEGV" in fixed.out
    assert "logger.exception(" in (project.root / "parse.py").read_text()
    assert (project.root / "deep.py").read_text() == DEEP["deep_calls.py"]

    event = {
        "hook_event_name": "PostToolUse",
        "cwd": str(project.root),
        "tool_name": "Write",
        "tool_input": {"file_path": str(project.root / "deep.py")},
    }
    hook = subprocess.run(
        [sys.executable, "-m", "guardrails", "hook", "--agent", "claude-code"],
        input=json.dumps(event),
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limited_stack,
    )
    assert hook.returncode == 2 and "GR001" in hook.stderr and "SIGSEGV" in hook.stderr
    assert "Traceback" not in hook.stderr

    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    project.write("app.py", SEC001)

    async def calls() -> list[str]:
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "guardrails", "mcp"],
            cwd=str(project.root),
            env=mcp_server_env(),
        )
        answers = []
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            for arguments in (
                {"paths": ["deep.py", "app.py"]},
                {"source": DEEP["deep_brackets.py"], "path": "unsaved.py"},
                {"paths": ["app.py"]},  # the server is still there after both
            ):
                result = await session.call_tool("check", arguments)
                answers.append("".join(c.text for c in result.content if hasattr(c, "text")))
        return answers

    both, unsaved, after = asyncio.run(calls())
    assert "GR001" in both and "deep.py:1" in both and "SEC001" in both and "app.py:5" in both
    assert "GR001" in unsaved and "unsaved.py:1" in unsaved
    assert "SEC001" in after


def test_rule_base_exceptions_and_bad_reports_cost_one_rule(project) -> None:
    """SystemExit / sys.exit(0) / GeneratorExit / custom BaseException / KeyboardInterrupt
    raised by a rule, a rule failing in __init__, reports of nodes not in the tree."""
    hostile_project(project, '"SEC001", "TST0"')
    project.write("one.py", SEC001)
    project.write("two.py", SEC001)
    result = run(project, "check", "--no-cache", "--jobs", "1", "--output-format", "json")
    assert result.code == 2, result.err  # GR003: the run was incomplete
    assert result.err == ""
    expected = {
        "TST001": "system-exit, plugin tools.hostile) crashed here and did not check the rest "
        "of the file: SystemExit: 3",
        "TST002": "sys-exit-zero, plugin tools.hostile) crashed here",
        "TST003": "generator-exit, plugin tools.hostile) crashed here",
        "TST004": "custom-base-exception, plugin tools.hostile) crashed here",
        "TST005": "keyboard-interrupt, plugin tools.hostile) crashed here",
        "TST006": "key-error, plugin tools.hostile) crashed here and did not check the rest of "
        "the file: KeyError: 1405",
        "TST010": "exits-in-init, plugin tools.hostile) failed to start, so it did not check "
        "this file: SystemExit: 0",
        "TST011": "raises-in-init, plugin tools.hostile) failed to start, so it did not check "
        "this file: ValueError: no context for me",
        "TST012": "foreign-node, plugin tools.hostile) made a finding here that could not be "
        "reported, so it is missing: LookupError: it reported a node that is not in this "
        "file's syntax tree",
        "TST013": "not-a-node, plugin tools.hostile) crashed here and did not check the rest "
        "of the file: TypeError: report() needs a LibCST node, not str",
        "TST014": "foreign-fix, plugin tools.hostile) made a finding here that could not be "
        "reported",
        "TST015": "no-super-init, plugin tools.hostile) crashed here and did not check the rest "
        "of the file: AttributeError:",
        "TST016": "handler-property, plugin tools.hostile) failed to start, so it did not check "
        "this file: SystemExit: not a handler",
    }
    found = by_path(result)
    assert sorted(found) == ["one.py", "two.py"]
    for path, violations in found.items():
        crashes = sorted(v["message"] for v in violations if v["rule_id"] == "GR003")
        assert len(crashes) == len(expected), crashes
        for rule_id, text in expected.items():
            assert sum(f"rule {rule_id} ({text}" in m for m in crashes) == 1, (rule_id, crashes)
        # every other rule's findings stand
        assert [(v["rule_id"], v["line"]) for v in violations if v["rule_id"] != "GR003"] == [
            ("SEC001", 5)
        ], path
    positions = {v["message"][5:11]: v["line"] for v in found["one.py"] if v["rule_id"] == "GR003"}
    assert positions["TST001"] == 1 and positions["TST010"] == 1 and positions["TST012"] == 5


ENTRY_POINT_PLUGIN = """\
from guardrails import CstRule, RuleMeta, hookimpl


class Crashy(CstRule):
    META = RuleMeta(
        id="EPT001", name="crashy", category="reliability", severity="error",
        summary="s", why="w", remediation="r",
    )

    def visit_Name(self, node):
        raise SystemExit(0)


@hookimpl
def guardrails_rules():
    return [Crashy]
"""


def test_gr003_names_the_plugin_for_every_kind_of_source(project, entry_point_plugins) -> None:
    """`plugin )` was printed: the rule class's META, not the registry's, was read."""
    site = project.root.parent / "site"
    (site / "hostile_ep-1.0.dist-info").mkdir(parents=True)
    (site / "hostile_ep.py").write_text(ENTRY_POINT_PLUGIN)
    (site / "hostile_ep-1.0.dist-info/METADATA").write_text(
        "Metadata-Version: 2.1\nName: hostile-ep\nVersion: 1.0\n"
    )
    (site / "hostile_ep-1.0.dist-info/entry_points.txt").write_text(
        "[guardrails]\nhostile_ep = hostile_ep\n"
    )
    hostile_project(project, '"EPT", "TST006"')
    project.write("app.py", "x = 1\n")
    result = run(
        project, "check", "--no-cache", "--output-format", "json", env={"PYTHONPATH": str(site)}
    )
    assert result.code == 2, result.err
    messages = sorted(v["message"] for v in result.json()["violations"])
    assert messages[0].startswith("rule EPT001 (crashy, plugin hostile_ep) crashed here")
    assert messages[1].startswith("rule TST006 (key-error, plugin tools.hostile) crashed here")

    # Built-in rules are labelled the same way, from the registry.
    from guardrails.config import load_settings
    from guardrails.plugins import load_plan

    plan = load_plan(load_settings(project.root.parent, isolated=True))
    builtin = [
        r
        for r in plan.rules
        if r.implementation("libcst") is not None
        and r.implementation("libcst").__module__.startswith("guardrails.rules")
    ]
    assert builtin and all(r.meta.plugin == "guardrails.rules" for r in builtin)


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        pytest.param(
            "import sys\nsys.exit(0)\n",
            "plugin 'tools.bad' listed in pyproject.toml: [tool.guardrails] plugins failed to "
            "import: SystemExit: 0",
            id="sys-exit-0-at-import",
        ),
        pytest.param(
            "raise KeyboardInterrupt\n",
            "plugin 'tools.bad' listed in pyproject.toml: [tool.guardrails] plugins failed to "
            "import: KeyboardInterrupt",
            id="keyboard-interrupt-at-import",
        ),
        pytest.param(
            "from guardrails import hookimpl\n\n@hookimpl\ndef guardrails_rules():\n"
            "    raise SystemExit(0)\n",
            "plugin 'tools.bad': hook guardrails_rules raised SystemExit: 0",
            id="system-exit-in-hook",
        ),
        pytest.param(
            "import sys\nfrom guardrails import hookimpl\n\n@hookimpl\n"
            "def guardrails_semgrep_rule_dirs():\n    yield from ()\n    sys.exit(0)\n",
            "plugin 'tools.bad': hook guardrails_semgrep_rule_dirs raised SystemExit: 0",
            id="sys-exit-in-generator-hook",
        ),
        pytest.param(
            "def guardrails_rules():\n    return []\n",
            "plugin 'tools.bad' implements no guardrails hook; guardrails_rules lacks the "
            "@guardrails.hookimpl decorator",
            id="hook-without-decorator",
        ),
        pytest.param(
            "from guardrails import hookimpl\n\n@hookimpl\ndef guardrails_semgrep_rule_dirs():\n"
            "    return 'rules'\n",
            "plugin 'tools.bad': hook guardrails_semgrep_rule_dirs returned str, not a list",
            id="hook-returns-a-string",
        ),
        pytest.param(
            "from guardrails import hookimpl\n\n@hookimpl\ndef guardrails_rule():\n    return []\n",
            "plugin 'tools.bad' implements unknown hook 'guardrails_rule'; did you mean "
            "'guardrails_rules'?",
            id="misspelled-hook-name",
        ),
        pytest.param(
            "from guardrails import CstRule, RuleMeta, hookimpl\n\n"
            "class R(CstRule):\n    META = RuleMeta(id='TST001', name='r', category='reliability',"
            " severity='error', summary='s', why='w', remediation='r')\n    TRIGGERS = (b'os',)\n\n"
            "@hookimpl\ndef guardrails_rules():\n    return [R]\n",
            "plugin 'tools.bad': rule TST001: TRIGGERS must be a tuple of strings",
            id="triggers-not-strings",
        ),
    ],
)
def test_plugin_failing_at_load_time_is_one_line_exit_2(project, plugin: str, message: str) -> None:
    project.write("tools/bad.py", plugin)
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.bad"]\n')
    project.write("app.py", SEC001)
    result = project.run("check", "--no-cache", "--select", "SEC001")
    assert result.code == 2, result.err
    assert result.err.splitlines() == [f"guardrails: error: {message}"]
    assert result.out == ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return (
        Path(f"/proc/{pid}/status").exists()
        and "zombie" not in Path(f"/proc/{pid}/status").read_text()
    )


@pytest.mark.parametrize("target", ["process", "process-group"])
def test_real_ctrl_c_still_stops_the_run(project, target: str) -> None:
    """Rules' own KeyboardInterrupts are findings; a real SIGINT is exit 130, one line."""
    hostile_project(project, '"SEC001", "TST021"')
    project.write("slow.py", SEC001)
    project.write("app.py", SEC001)
    environment = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DEBUG"}
    process = subprocess.Popen(
        [sys.executable, "-m", "guardrails", "check", "--no-cache", "--jobs", "1"],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=True,
    )
    started = project.root / "started"
    deadline = time.monotonic() + 60
    while not started.exists() or not started.read_text():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    checker = int(started.read_text())
    if target == "process":
        process.send_signal(signal.SIGINT)
    else:
        os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == "guardrails: interrupted\n" and out == ""
    time.sleep(0.2)
    assert not _alive(checker)


def _check_or_die(path: Path) -> FileResult:
    """Dies the way the name says, as native code would; else a result naming the file."""
    how = path.name.split("_")[0]
    if how == "segv":
        import ctypes

        ctypes.string_at(0)
    if how in ("abrt", "kill"):
        os.kill(os.getpid(), getattr(signal, f"SIG{how.upper()}"))
    if how == "exit":
        raise SystemExit(0)  # not a rule's: guardrails' own code failing in the child
    return FileResult(path.name)


@pytest.mark.parametrize("lanes", [1, 3])
def test_isolated_children_pin_each_crash_on_its_file(tmp_path: Path, lanes: int) -> None:
    """Several crashes in one lane, crashes in a row, a crash on the last file."""
    from guardrails.isolation import check_isolated

    names = ["ok_0", "segv_1", "abrt_2", "ok_3", "kill_4", "segv_5", "ok_6", "exit_7", "ok_8"]
    names += ["segv_9"]
    files = [tmp_path / f"{name}.py" for name in names]

    def crashed(path: Path, how: str) -> FileResult:
        return FileResult(path.name, parsed=False, suppressions=[how])

    results = dict(check_isolated(_check_or_die, files, crashed, lanes))
    assert sorted(results) == list(range(len(files)))
    for index, name in enumerate(names):
        result = results[index]
        assert result.path == f"{name}.py"
        how = {
            "ok": None,
            "segv": "killed by SIGSEGV",
            "abrt": "killed by SIGABRT",
            "kill": "killed by SIGKILL",
            "exit": "guardrails failed: SystemExit: 0",
        }[name.split("_")[0]]
        if how is None:
            assert result.parsed
        else:
            assert not result.parsed and result.suppressions[0].startswith(how), result


def test_a_killed_run_leaves_no_checking_child(project) -> None:
    """SIGKILL cannot be handled by the run: its forked child must notice and end."""
    hostile_project(project, '"SEC001", "TST021"')
    project.write("slow.py", SEC001)
    process = subprocess.Popen(
        [sys.executable, "-m", "guardrails", "check", "--no-cache", "--jobs", "1"],
        cwd=project.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = project.root / "started"
    deadline = time.monotonic() + 60
    while not started.exists() or not started.read_text():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    checker = int(started.read_text())
    process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while _alive(checker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(checker)
