"""`python -m guardrails ARGS` for the tests, started from a warm interpreter.

Most tests run the real command line in a child process (`Project.run`), and most of
each run used to be the interpreter importing guardrails and LibCST again: about half a
second, a thousand times a session. A zygote process imports them once; each run is a
fork of it that takes the test's working directory, environment and output files, then
runs `guardrails` exactly as `python -m guardrails` does (`runpy`, `sys.argv`, the
working directory first on `sys.path`), and exits with its exit code.

What a fork cannot reproduce falls back to a fresh interpreter: another Python, an
environment that changes how an interpreter starts (`PYTHON*`, the locale), or
`GUARDRAILS_TEST_FRESH=1` for the whole session. Nothing here is used by guardrails
itself.
"""

from __future__ import annotations

import json
import locale
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

FRESH_ENV = "GUARDRAILS_TEST_FRESH"
FRESH = bool(os.environ.get(FRESH_ENV))
"""Read when conftest.py imports this module, before the session's environment is rebuilt."""
_STARTUP = ("PYTHON", "LC_", "LANG")
"""Variables that change how an interpreter starts: a run that sets them starts afresh."""

_SERVER = r"""
import io, json, os, runpy, sys, traceback
import guardrails.cli, guardrails.service, guardrails.engine, guardrails.plugins
import guardrails.rules, libcst

ENCODING = sys.stdout.encoding

def child(request):
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    stdin = os.open(os.devnull, os.O_RDONLY)
    out = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(request["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for fd, target in ((stdin, 0), (out, 1), (err, 2)):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=ENCODING)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=ENCODING)
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding=ENCODING, errors="backslashreplace",
        line_buffering=True,
    )
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    sys.path[0] = os.getcwd()  # what `python -m` puts first
    sys.argv = ["-m", *request["argv"]]
    code = 0
    try:
        runpy.run_module("guardrails", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        import atexit
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code & 0xFF)

for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(request)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class Zygote:
    """One warm interpreter per test process; runs one command at a time."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.lock = threading.Lock()
        self.folder = ""  # made with the process: a session that runs no CLI leaves none

    def _start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.folder = self.folder or tempfile.mkdtemp(prefix="guardrails-zygote-")
            self.process = subprocess.Popen(
                [sys.executable, "-c", _SERVER],
                cwd=self.folder,  # `-c` puts the working directory first on sys.path
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        return self.process

    def close(self) -> None:
        """Stop the zygote and remove its folder (the session's end)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = ""

    def run(
        self, argv: list[str], cwd: Path, env: Mapping[str, str], timeout: float
    ) -> tuple[int, str, str] | None:
        """(exit code, stdout, stderr) of `guardrails ARGV`; None when busy or broken."""
        if not self.lock.acquire(blocking=False):
            return None  # another thread's run: that one gets a fresh interpreter
        try:
            return self._run(argv, cwd, env, timeout)
        finally:
            self.lock.release()

    def _run(
        self, argv: list[str], cwd: Path, env: Mapping[str, str], timeout: float
    ) -> tuple[int, str, str] | None:
        process = self._start()
        out, err = Path(self.folder, "out"), Path(self.folder, "err")
        assert process.stdin is not None and process.stdout is not None
        request = {"argv": argv, "cwd": str(cwd), "env": dict(env)}
        request.update(out=str(out), err=str(err))
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            started = json.loads(process.stdout.readline())
        except (OSError, ValueError):
            self.close()
            return None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                os.kill(started["pid"], signal.SIGKILL)
                process.stdout.readline()
                raise subprocess.TimeoutExpired(["guardrails", *argv], timeout)
        code = json.loads(process.stdout.readline())["code"]
        return code, _text(out.read_bytes()), _text(err.read_bytes())


def _text(data: bytes) -> str:
    """What `subprocess.run(..., text=True)` makes of a stream's bytes."""
    text = data.decode(locale.getpreferredencoding(False))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def usable(python: Path | str, env: Mapping[str, str | None]) -> bool:
    """Whether a fork of the zygote runs this command as a fresh interpreter would."""
    if FRESH or str(python) != sys.executable:
        return False
    return not any(key.startswith(_STARTUP) for key in env)


ZYGOTE = Zygote()
