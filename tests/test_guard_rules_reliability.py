"""Reliability rules (`rules/reliability/`): the scoping and shape boundaries of each rule.

Guards what the rules' mutation run found unguarded: which function's body decides that a
resource or a `run()` result is handled (a nested function, a sibling reusing the name, the
module itself), how a `finally` block is counted, which methods are HTTP calls, the shapes of a
re-raising handler, which parameter lists make a signal handler, and the fix REL010 offers.
"""

from __future__ import annotations

from test_guard_rules import lines, marked

from guardrails.fixer import apply_fixes
from guardrails.testing import run

# --- REL001 http-without-timeout ----------------------------------------------------------

REL001_NOT_HTTP = """\
import queue

import requests

URLS: queue.Queue[str] = queue.Queue()
SESSION = requests.Session()


def crawl() -> None:
    url = URLS.get(timeout=None)
    SESSION.get(url, timeout=None)  # bad
"""


def test_rel001_a_get_with_timeout_none_on_a_queue_is_not_an_http_call() -> None:
    # Only requests/httpx clients count: `get` on anything else is somebody else's API.
    assert lines(REL001_NOT_HTTP, "REL001") == marked(REL001_NOT_HTTP)


# --- REL002 bare-except -------------------------------------------------------------------


def test_rel002_a_one_line_handler_ending_in_raise_lets_everything_through() -> None:
    # The handler's last statement is the last one on its line, not the first.
    source = (
        "def save(conn, rows) -> None:\n    try:\n"
        '        conn.executemany("INSERT INTO t VALUES (?)", rows)\n'
        "    except: conn.rollback(); raise\n"
        "    try:\n        conn.close()\n"
        "    except: conn.rollback()  # bad\n"
    )
    assert lines(source, "REL002") == marked(source)


# --- REL004 unmanaged-resource ------------------------------------------------------------

REL004_SCOPES = """\
import threading


class Exporter:
    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.rows: list[str] = []
        self.sink = open(path, "a")

    def export(self, path: str) -> int:
        count = 0
        self.lock.acquire()
        try:
            snapshot = list(self.rows)
        finally:
            self.lock.release()
        out = open(path, "w")  # bad
        for row in snapshot:
            out.write(row)
            count += 1
        out.close()
        return count


def load_all(paths: list[str]) -> list[str]:
    def first_line(path: str) -> str:
        handle = open(path)  # bad
        return handle.readline()

    handle = open(paths[0])
    with handle:
        return [first_line(p) for p in paths]
"""


def test_rel004_a_close_after_an_earlier_finally_and_a_nested_function_are_judged_alone() -> None:
    # A `finally` that released a lock does not make a later plain `close()` safe, and a nested
    # function's handle is not closed by the `with` of a same-named one in its parent. A handle
    # stored on `self` is the object's to close.
    assert lines(REL004_SCOPES, "REL004") == marked(REL004_SCOPES)


# --- REL010 unchecked-subprocess ----------------------------------------------------------

REL010_SCOPES = """\
import os
import subprocess

DESCRIBE = subprocess.run(["git", "describe", "--tags"], capture_output=True, text=True)
VERSION = DESCRIBE.stdout.strip() if DESCRIBE.returncode == 0 else "unknown"


def build(target: str) -> str:
    env = {**os.environ, "LC_ALL": "C"}
    result = subprocess.run(["make", target], capture_output=True, env=env)  # bad
    if not result.stdout:
        return ""
    return result.stdout.decode()


def tests_pass() -> bool:
    result = subprocess.run(["make", "check"])
    return result.returncode == 0


class Builder:
    def build(self, target: str) -> None:
        self.last = result = subprocess.run(["make", target])  # bad
        print(result.stdout)
"""


def test_rel010_a_result_is_checked_only_in_its_own_scope() -> None:
    # A module-level result checked at module level is fine; `result.returncode` read in a
    # sibling function does not check this function's `result`; a result bound to two names
    # and never checked is still reported.
    assert lines(REL010_SCOPES, "REL010") == marked(REL010_SCOPES)


def test_rel010_fix_adds_check_true_after_the_last_argument() -> None:
    source = (
        "from subprocess import run\n\n\ndef sync(src: str, dst: str) -> None:\n"
        '    run(["rsync", "-a", src, dst], capture_output=True)\n'
    )
    violations = [v for v in run(source, select=["REL010"]) if v.rule_id == "REL010"]
    assert [v.line for v in violations] == [5]
    fixes = [v.fix for v in violations if v.fix is not None]
    assert apply_fixes(source, fixes) == (
        source.replace("capture_output=True)", "capture_output=True, check=True)"),
        1,
    )


# --- REL011 exit-in-library ---------------------------------------------------------------

REL011_HANDLERS = """\
import os
import signal
import sys


class Server:
    def stop(self, signum, frame) -> None:
        sys.exit(0)

    def terminate(self, _, frame) -> None:
        sys.exit(0)


def shutdown(signum, _) -> None:
    sys.exit(0)


def serve(app) -> None:
    def on_term(signum, frame) -> None:
        app.close()
        sys.exit(0)

    def on_hup(signum, frame) -> None:
        try:
            pid = os.fork()
        except OSError:
            sys.exit(1)
        if pid == 0:
            app.reload()

    def spawn_worker() -> int:
        pid = os.fork()
        if pid == 0:
            app.work()
            os._exit(0)
        return pid

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_hup)
    spawn_worker()
    app.run()
    sys.exit(0)  # bad


def supervise(job) -> None:
    try:
        job()
    except Exception:
        if os.fork() == 0:
            job()
            os._exit(0)
        raise
"""


def test_rel011_handlers_as_methods_closures_and_forks_in_nested_functions() -> None:
    # `(self, signum, frame)` and `(signum, _)` are handler signatures; a closure installed as a
    # handler owns its process though its parent does not; a fork in a nested function makes
    # that function, not its parent, the child; a child forked in an `except` block is a child.
    assert lines(REL011_HANDLERS, "REL011", path="lib/server.py") == marked(REL011_HANDLERS)
