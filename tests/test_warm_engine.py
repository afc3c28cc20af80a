"""The warm engine agent hooks use (`guardrails engine`): the same bytes as a cold hook.

Every test runs the real command line in subprocesses: hooks as the agent
CLIs start them (`python -m guardrails hook --agent NAME`, the event on
stdin), and the engine a hook starts in the background. The suite's
environment switches engines off (tests/conftest.py); these tests switch
them on, and stop every engine they started.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from conftest import Project
from guardrails import engine_client

ON = {"GUARDRAILS_ENGINE": "on"}
OFF = {"GUARDRAILS_ENGINE": "off"}

NO_TIMEOUT = "import requests\n\n\ndef get(url):\n    return requests.get(url)\n"
CLEAN = "def add(a, b):\n    return a + b\n"
BROKEN = "def f(:\n    pass\n"
CRASHING_PLUGIN = """\
import os

from guardrails import CstRule, RuleMeta, hookimpl


class Aborts(CstRule):
    \"\"\"Dies as native code does, on files named for it.\"\"\"

    META = RuleMeta(
        id="TST001", name="aborts", category="reliability", severity="error",
        summary="s", why="w", remediation="r",
    )

    def visit_Module(self, node):
        if os.path.basename(self.context.path).startswith("abort"):
            os.abort()


@hookimpl
def guardrails_rules():
    return [Aborts]
"""


def _env(extra: Mapping[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}


def hook(
    root: Path, path: str, env: Mapping[str, str], agent: str = "claude-code"
) -> tuple[int, str, str]:
    """One hook process, as the agent CLI starts it after editing `path`."""
    tool = "Write" if agent == "claude-code" else "write_file"
    event = {"tool_name": tool, "tool_input": {"file_path": path}, "cwd": str(root)}
    proc = subprocess.run(
        [sys.executable, "-m", "guardrails", "hook", "--agent", agent],
        input=json.dumps(event).encode(),
        cwd=root,
        capture_output=True,
        env=_env(env),
        timeout=300,
        check=False,
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def state_of(root: Path) -> dict[str, object] | None:
    return engine_client.read_state(root / engine_client.STATE)


def status(root: Path) -> dict[str, object] | None:
    state = state_of(root)
    return None if state is None else engine_client.send(state, {"op": "status"})


def wait_for_engine(root: Path, seconds: float = 90) -> dict[str, object]:
    """The engine's status once it answers (it starts in the background)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = status(root)
        if answer is not None and answer.get("ok"):
            return answer
        time.sleep(0.1)
    raise AssertionError(f"no engine answered; its state file: {state_of(root)}")


def gone(pid: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # a zombie child of this test process: reap it
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        time.sleep(0.1)
    return False


@pytest.fixture
def warm_project(project: Project) -> Iterator[Project]:
    """A project whose engines are stopped (and waited for) when the test ends."""
    project.write("pyproject.toml", "[tool.guardrails]\n")
    yield project
    state = state_of(project.root)
    if state is not None:
        engine_client.send(state, {"op": "stop"})
        pid = state.get("pid")
        if isinstance(pid, int) and not gone(pid, 10):
            os.kill(pid, signal.SIGKILL)


def test_a_warm_hook_answers_byte_for_byte_as_a_cold_one(warm_project: Project) -> None:
    root = warm_project.root
    warm_project.write("tools/crashing.py", CRASHING_PLUGIN)
    warm_project.write(
        "pyproject.toml",
        '[tool.guardrails]\nplugins = ["tools.crashing"]\nextend-exclude = ["tools"]\n',
    )
    files = {
        "app/fetch.py": NO_TIMEOUT,
        "app/clean.py": CLEAN,
        "app/broken.py": BROKEN,
        "app/abort_me.py": CLEAN,  # the plugin's rule kills the process checking it
    }
    for name, text in files.items():
        warm_project.write(name, text)
    # every kind of answer for one agent; the other's format for one with findings
    cases = [(name, "claude-code") for name in files] + [("app/fetch.py", "gemini-cli")]
    cold = {case: hook(root, case[0], OFF, case[1]) for case in cases}
    assert cold[("app/fetch.py", "claude-code")][0] == 2
    assert "killed by SIGABRT" in cold[("app/abort_me.py", "claude-code")][2]
    assert cold[("app/clean.py", "claude-code")] == (0, "", "")
    assert state_of(root) is None  # switched off: none started

    first = hook(root, "app/fetch.py", ON)  # no engine yet: in-process, then one starts
    assert first == cold[("app/fetch.py", "claude-code")]
    served = wait_for_engine(root)["served"]
    for case in cases:
        assert hook(root, case[0], ON, case[1]) == cold[case], case
    assert wait_for_engine(root)["served"] == served + len(cases)  # the engine answered each

    # a changed config is the engine's next answer too
    warm_project.write(
        "pyproject.toml",
        '[tool.guardrails]\nplugins = ["tools.crashing"]\nextend-exclude = ["tools"]\n'
        'per-file-ignores = {"app/fetch.py" = ["REL001"]}\n',
    )
    quiet = hook(root, "app/fetch.py", OFF)
    assert quiet != cold[("app/fetch.py", "claude-code")]
    assert hook(root, "app/fetch.py", ON) == quiet
    # and the resident worker the crash killed was replaced
    assert hook(root, "app/abort_me.py", ON) == cold[("app/abort_me.py", "claude-code")]
    assert hook(root, "app/broken.py", ON) == cold[("app/broken.py", "claude-code")]


def test_one_engine_per_project_and_it_ends_when_idle(warm_project: Project) -> None:
    root = warm_project.root
    engine = subprocess.Popen(
        [sys.executable, "-m", "guardrails", "engine", "--idle-timeout", "3"],
        cwd=root,
        env=_env(ON),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        first = wait_for_engine(root)
        assert first["pid"] == engine.pid
        second = subprocess.run(
            [sys.executable, "-m", "guardrails", "engine"],
            cwd=root,
            env=_env(ON),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 0, second.stderr  # another one serves: nothing to do
        assert wait_for_engine(root)["pid"] == engine.pid
        _out, err = engine.communicate(timeout=60)  # idle for 3 s: it ends by itself
    finally:
        if engine.poll() is None:
            engine.kill()
    assert engine.returncode == 0, err
    assert not (root / engine_client.STATE).exists()  # it cleaned up after itself


def test_the_engine_refuses_what_it_should_not_answer(
    warm_project: Project, tmp_path: Path
) -> None:
    root = warm_project.root
    warm_project.write("app/fetch.py", NO_TIMEOUT)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "fetch.py").write_text(NO_TIMEOUT)
    hook(root, "app/fetch.py", ON)
    wait_for_engine(root)
    state = state_of(root)
    assert state is not None
    assert (root / engine_client.STATE).stat().st_mode & 0o077 == 0  # its owner's only
    event = json.dumps({"tool_name": "Write", "tool_input": {"file_path": "fetch.py"}})
    request = {"op": "hook", "agent": "claude-code", "cwd": str(root), "event": event}
    wrong_token = {**state, "token": "0" * 32}
    # without the token nothing is answered, and no answer can prove it came from the engine
    assert engine_client.send(wrong_token, request) is None
    assert engine_client.send(state, {**request, "cwd": str(outside)}) == {"ok": False}
    assert engine_client.send(state, {**request, "agent": "nobody"}) == {"ok": False}
    assert engine_client.send(state, {**request, "op": "shell"}) == {"ok": False}
    assert engine_client.send(state, {}) == {"ok": False}
    assert wait_for_engine(root)["ok"] is True  # still serving


def test_an_unreachable_or_foreign_engine_means_a_cold_answer(warm_project: Project) -> None:
    root = warm_project.root
    warm_project.write("app/fetch.py", NO_TIMEOUT)
    cold = hook(root, "app/fetch.py", OFF)
    # a state file left by a killed engine: nobody listens on its port
    (root / ".guardrails_cache").mkdir(exist_ok=True)  # the cold check's cache
    (root / engine_client.STATE).write_text(
        json.dumps({"protocol": 1, "pid": 1, "port": 9, "token": "t", "stamp": "x"})
    )
    assert hook(root, "app/fetch.py", ON) == cold
    started = wait_for_engine(root)  # the cold answer started a fresh engine: stop it
    engine_client.send(state_of(root) or {}, {"op": "stop"})
    assert gone(int(started["pid"]))
    # an engine running other code (here: another import path) is told to stop
    other = root.parent / "other-path"
    other.mkdir()
    paths = [os.environ.get("PYTHONPATH", ""), str(other)]
    env = {**ON, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    engine = subprocess.Popen(
        [sys.executable, "-m", "guardrails", "engine"], cwd=root, env=_env(env)
    )
    try:
        wait_for_engine(root)
        assert hook(root, "app/fetch.py", ON) == cold
        assert engine.wait(timeout=60) == 0
        wait_for_engine(root)  # the one that cold answer started: the fixture stops it
    finally:
        if engine.poll() is None:
            engine.kill()


def test_the_hook_client_imports_no_engine() -> None:
    """A warm answer must not pay for LibCST, pluggy or the rules: the client side is the
    standard library."""
    code = (
        "import sys, guardrails.launcher, guardrails.engine_client\n"
        "heavy = [m for m in ('libcst', 'pluggy', 'guardrails.cli', 'guardrails.config') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip() == "[]"


def test_a_listener_without_the_token_cannot_answer_for_the_engine(
    warm_project: Project,
) -> None:
    """Another process on a dead engine's port gets the request but cannot prove it holds
    the token, so its answer is not printed: the hook checks in-process."""
    import socket
    import threading

    root = warm_project.root
    warm_project.write("app/fetch.py", NO_TIMEOUT)
    cold = hook(root, "app/fetch.py", OFF)
    asked: list[dict[str, object]] = []
    with socket.create_server(("127.0.0.1", 0)) as impostor:
        port = impostor.getsockname()[1]

        def answer_once() -> None:
            conn, _ = impostor.accept()
            with conn:
                asked.append(json.loads(conn.recv(1 << 20)))
                forged = {"ok": True, "code": 0, "stdout": "all clear", "stderr": "", "proof": "0"}
                conn.sendall(json.dumps(forged).encode())

        thread = threading.Thread(target=answer_once, daemon=True)
        thread.start()
        (root / ".guardrails_cache").mkdir(exist_ok=True)
        # as a hook process computes it (this one's user site folder predates the test's HOME)
        stamp = subprocess.run(
            [
                sys.executable,
                "-c",
                "from guardrails import engine_client as c; print(c.code_stamp())",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
        (root / engine_client.STATE).write_text(
            json.dumps({"protocol": 1, "pid": 1, "port": port, "token": "t", "stamp": stamp})
        )
        assert hook(root, "app/fetch.py", ON) == cold
        thread.join(10)
    assert [request["op"] for request in asked] == ["hook"]  # it was asked, and not believed
    wait_for_engine(root)  # the one that cold answer started: the fixture stops it
