"""The result cache: same findings, less work, never stale, never fatal."""

from __future__ import annotations

import contextlib
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import terminal_output

VIEW = """\
from django.db import connection
from django.http import HttpRequest, HttpResponse


def search(request: HttpRequest) -> HttpResponse:
    term = request.GET.get("q", "")
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM docs WHERE title = '%s'" % term)
        return HttpResponse(str(cur.fetchall()))
"""


def test_warm_run_is_identical_and_skips_the_backends(project, tmp_path) -> None:
    project.write("app/views.py", VIEW)
    cold = project.run("check", "--output-format", "json")
    assert cold.code == 1 and {i[1] for i in cold.ids()} == {"SEC015"}  # SEC006 merged in
    cache = project.root / ".guardrails_cache"
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    # Semgrep is not started when nothing changed: the cached findings are used.
    # (Semgrep missing altogether is a change: the run key names the executable.)
    log = tmp_path / "semgrep-started"
    wrapper = tmp_path / "semgrep-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{shutil.which("semgrep")}" "$@"\n')
    wrapper.chmod(0o755)
    env = {"GUARDRAILS_SEMGREP": str(wrapper)}
    first = project.run("check", "--output-format", "json", env=env)
    assert first.code == 1 and first.out == cold.out and log.read_text() == "run\n"
    warm = project.run("check", "--output-format", "json", env=env)
    assert warm.code == 1 and warm.out == cold.out
    assert log.read_text() == "run\n"  # not started again
    # a finding with a fix comes back from the cache with its edits
    project.write("app/defaults.py", "def f(items=[]):\n    return items\n")
    cold = project.run("check", "--output-format", "json", "app/defaults.py")
    assert any(v["fix"] for v in cold.json()["violations"]), cold.out
    assert project.run("check", "--output-format", "json", "app/defaults.py").out == cold.out


def test_edits_and_config_changes_invalidate(project) -> None:
    path = project.write("app/service/orders.py", "from app.ui import views\n")
    project.write("app/ui/views.py", "X = 1\n")
    layers = '[tool.guardrails.rules.ARC001]\nlayers = ["app.service", "app.ui"]\n'
    project.write("pyproject.toml", layers)
    assert project.run("check", "--output-format", "json", "--select", "ARC001").ids() == [
        ("app/service/orders.py", "ARC001", 1)
    ]
    project.write(
        "pyproject.toml", layers.replace('"app.service", "app.ui"', '"app.ui", "app.service"')
    )
    assert project.run("check", "--output-format", "json", "--select", "ARC001").ids() == []
    path.write_text("from app.ui import views\nimport os\nos.system('ls')\n")
    ids = project.run("check", "--output-format", "json", "--select", "ARC001,SEC001").ids()
    assert ids == [("app/service/orders.py", "SEC001", 3)]


def test_corrupt_entries_and_unwritable_cache_are_harmless(project) -> None:
    project.write("app.py", "import os\nos.system('ls')\n")
    first = project.run("check", "--output-format", "json")
    entries = list((project.root / ".guardrails_cache").rglob("*.json"))
    assert entries
    for content in (
        "{not json",
        '{"valid_until": null, "violations": [{"rule_id": "SEC001"}]}',  # an older format
        '{"valid_until": null, "violations": [["SEC001", "short row"]]}',
    ):
        for entry in entries:
            entry.write_text(content)
        again = project.run("check", "--output-format", "json")
        assert again.out == first.out, (content, again.err)
    project.write("blocked", "a file where the cache folder should be\n")
    blocked = project.run("check", "--output-format", "json", "--cache-dir", "blocked")
    assert blocked.out == first.out
    assert blocked.err.count("warning: cache disabled") == 1


def test_no_cache_and_clean(project) -> None:
    project.write("app.py", "x = 1\n")
    assert project.run("check", "--no-cache").code == 0
    assert not (project.root / ".guardrails_cache").exists()
    assert project.run("check").code == 0
    assert (project.root / ".guardrails_cache").exists()
    cleaned = project.run("clean")
    assert cleaned.code == 0 and not (project.root / ".guardrails_cache").exists()


def test_changed_in_repo_plugin_invalidates(project) -> None:
    rule = (
        "import libcst as cst\nfrom guardrails import CstRule, RuleMeta, hookimpl\n\n\n"
        "class NoX(CstRule):\n"
        "    META = RuleMeta(id='TST020', name='no-x', category='reliability',\n"
        "        severity='error', summary='s', why='w', remediation='r')\n\n"
        "    def visit_Name(self, node: cst.Name) -> None:\n"
        "        if node.value == 'WORD':\n            self.report(node, 'no')\n\n\n"
        "@hookimpl\ndef guardrails_rules():\n    return [NoX]\n"
    )
    plugin = project.write("tools/local.py", rule.replace("WORD", "x"))
    project.write(
        "pyproject.toml", '[tool.guardrails]\nplugins = ["tools.local"]\nselect = ["TST"]\n'
    )
    project.write("app.py", "x = 1\ny = 2\n")
    assert project.run("check", "--output-format", "json", "app.py").ids() == [
        ("app.py", "TST020", 1)
    ]
    # the same size, within the same second: only the source itself can tell
    plugin.write_text(rule.replace("WORD", "y"))
    assert project.run("check", "--output-format", "json", "app.py").ids() == [
        ("app.py", "TST020", 2)
    ]
    assert not (project.root / "tools" / "__pycache__").exists()  # nothing written there


def _many_files(project, count: int) -> None:
    for index in range(count):
        project.write(
            f"pkg/mod{index}.py", f"import os\n\n\ndef f{index}(cmd):\n    os.system(cmd)\n"
        )


def _children(pid: int) -> list[str]:
    """Processes whose parent is `pid` (empty where /proc does not exist)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            status = (entry / "status").read_text()
            if f"\nPPid:\t{pid}\n" in status:
                found.append(entry.name)
    return found


def _assert_no_process_left_in(directory: Path) -> None:
    """The killed run's pool workers end on their own (checked where /proc exists)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    deadline = time.monotonic() + 10
    while True:
        left = []
        for entry in proc.iterdir():
            with contextlib.suppress(OSError):
                if entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == directory:
                    left.append(entry.name)
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not left, f"processes still running in {directory}: {left}"


def test_a_run_killed_at_any_point_leaves_a_usable_cache(project) -> None:
    _many_files(project, 200)
    expected = project.run("check", "--output-format", "json", "--no-cache").out
    cache = project.root / ".guardrails_cache"
    argv = [sys.executable, "-m", "guardrails", "check", "--output-format", "json"]
    # Early (before any entry exists), while the worker pool runs, and while
    # entries are being written.
    for kill_when in ("early", "workers", "writing"):
        shutil.rmtree(cache, ignore_errors=True)  # a cold run each time
        process = subprocess.Popen(
            argv, cwd=project.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # The kill point is a state seen, never a time waited: the outcome cannot hang on load.
        deadline = time.monotonic() + 120
        while kill_when != "early" and time.monotonic() < deadline:
            if _children(process.pid) if kill_when == "workers" else any(cache.rglob("*.json")):
                break
            assert process.poll() is None, f"the run ended before the {kill_when} point"
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)
        process.wait()
        _assert_no_process_left_in(project.root)
        again = project.run("check", "--output-format", "json")
        assert again.out == expected
        # and the entries it left (or wrote again) are the right ones
        assert project.run("check", "--output-format", "json").out == expected


def test_progress_bar_only_at_a_terminal_in_text_format(project) -> None:
    _many_files(project, 60)

    def stderr_at_terminal(*args: str) -> str:
        leader, follower = pty.openpty()
        env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
        for name in ("CLAUDECODE", "GEMINI_CLI", "GUARDRAILS_OUTPUT_FORMAT", "NO_COLOR"):
            env.pop(name, None)
        process = subprocess.Popen(
            [sys.executable, "-m", "guardrails", "check", "--no-cache", *args],
            cwd=project.root,
            stdout=subprocess.DEVNULL,
            stderr=follower,
            env=env,
        )
        os.close(follower)
        chunks = []
        while chunk := terminal_output(leader):
            chunks.append(chunk)
        process.wait()
        os.close(leader)
        return b"".join(chunks).decode("utf-8", "replace")

    shown = stderr_at_terminal()
    assert "checking" in shown and "/60" in shown and "files" in shown
    assert "checking" not in stderr_at_terminal("--output-format", "json")
    piped = project.run("check", "--no-cache")
    assert piped.err == ""
