"""A long-lived LibCST worker process for long-lived callers: warm checks, no forks.

`guardrails check` forks a child per run (`guardrails.isolation`): cheap for
one run, but a process that lives for hours and checks on every keystroke
(the language server, the engine agent hooks use) pays the child's cold
start each time (measured: a 1,000-line file 130-180 ms in a fresh fork,
60 ms in a warm process), and forking a process that runs threads can
deadlock the child on a lock another thread held. So such a caller keeps one
spawned worker per plan: started once, warm after its first file, and ended
with the plan. A crash in it still costs one file only: that file is
reported as crashed (GR001, as `isolation` reports it) and the next check
starts a new worker.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

from guardrails.backends.libcst.checker import crashed
from guardrails.backends.libcst.workers import _check_in_worker, _init_worker
from guardrails.isolation import how_it_ended
from guardrails.model import FileResult
from guardrails.plan import Plan
from guardrails.source import SourceFile, in_memory

WARM_UP = b"import os\n\n\ndef main(path):\n    with open(path) as f:\n        return f.read()\n"
"""A few lines that make the worker import and run every rule once."""


def _serve(plan: Plan, conn: Connection) -> None:
    """The worker: check each file sent until the other end closes (its parent is done,
    or dead: then the pipe closes too, and the worker never outlives it)."""
    _init_worker(plan, None)
    while True:
        try:
            source = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_check_in_worker(source))


class ResidentWorker:
    """One spawned process holding `plan`, checking files one at a time (thread-safe)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._process: Any = None  # a multiprocessing process of the spawn context
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def _started(self) -> Connection:
        if self._conn is None:
            # spawn: a fork would copy the caller's threads' locks mid-use
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            self._process = context.Process(
                target=_serve, args=(self.plan, theirs), name="guardrails-libcst", daemon=True
            )
            self._process.start()
            theirs.close()
            self._conn = ours
        return self._conn

    def check(self, source: SourceFile) -> FileResult:
        """The file's LibCST result; a crash of the worker is the file's finding."""
        with self._lock:
            conn = self._started()
            try:
                conn.send(source)
                result: FileResult = conn.recv()
                return result
            except (EOFError, OSError):
                how = self._ended()
                return crashed(source, how)

    def results(self, files: Sequence[SourceFile]) -> Iterator[tuple[int, FileResult]]:
        """(index, result) per file, in order: what `libcst_pass` yields."""
        for index, source in enumerate(files):
            yield index, self.check(source)

    def warm_up(self) -> None:
        """Start the worker and pay its imports now, not on the first keystroke."""
        root = self.plan.settings.root
        sample = in_memory(root / "_guardrails_warm_up.py", root, (root,), WARM_UP)
        self.check(sample)

    def _ended(self) -> str:
        """Reap the dead worker (the next check starts another); how it ended, in words."""
        process, self._process = self._process, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        process.join(5)
        code = process.exitcode
        if code is None:  # alive but not answering: not ours to wait for
            process.kill()
            process.join()
            return "the worker stopped answering"
        # a wait status: a signal number as is, an exit code shifted (os.waitstatus_to_exitcode)
        return how_it_ended(-code if code < 0 else code << 8)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()  # the worker sees EOF and exits
                self._conn = None
            if self._process is not None:
                self._process.join(2)
                if self._process.exitcode is None:
                    self._process.kill()
                self._process = None
