"""Check files in a forked child process, so a crash there costs one file.

LibCST's parser is native code: on absurd input (a 10,000-term sum, brackets
or calls nested thousands deep) it overflows its stack and the process dies
with SIGSEGV; a plugin's native code can abort, and the out-of-memory killer
ends whichever process it picks. None of that can be caught inside the
process it happens in, and in-process it ended the whole run with no output.

So the files are checked in order by a forked child that streams each result
back as it finishes. When the child dies, the first file it did not answer
for is the one it died on: that file gets a finding saying how the child
ended, and a new child goes on with the rest. A fork of the running process
costs about a millisecond, needs no re-import and no plugin reloading, and
lets the parent start Semgrep and Ruff while the child parses; that is why
even one-file runs (pre-commit, agent hooks) take this path.

Where `os.fork` does not exist (Windows) the files are checked in-process,
without this protection.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path
from typing import NoReturn

from guardrails import interrupts
from guardrails.model import FileResult

CAN_FORK = hasattr(os, "fork")

_INTERRUPTED = 130  # a child's exit status after a real Ctrl-C
_FAILED = 70  # a child's exit status after an error in guardrails itself


def exit_when_orphaned(parent: int) -> None:
    """End this worker once the run that started it is gone.

    A run killed with SIGKILL cannot stop its workers, and a worker busy on
    a file (or holding pipes open) would otherwise outlive it.
    """
    while os.getppid() == parent:
        time.sleep(0.5)
    # guardrails: ignore[REL011] a worker whose run was killed has no caller left to exit for it
    os._exit(1)


def _exit_when_orphaned_timer(parent: int) -> None:
    """`exit_when_orphaned` on a timer signal: cheaper in a fresh fork than a thread."""

    def check(signum: int, frame: object) -> None:
        if os.getppid() != parent:  # the run that forked this child is gone
            os._exit(1)

    signal.signal(signal.SIGALRM, check)
    signal.setitimer(signal.ITIMER_REAL, 0.5, 0.5)


def how_it_ended(status: int) -> str:
    """A child's wait status in words, e.g. `killed by SIGSEGV (Segmentation fault)`."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        text = signal.strsignal(number) or ""
        how = f"killed by {name}: {text.lower()}" if text else f"killed by {name}"
        if number == signal.SIGKILL:
            how += ", e.g. by the out-of-memory killer"
        return how
    if os.WIFEXITED(status):
        return f"exited with status {os.WEXITSTATUS(status)}"
    return f"ended with wait status {status}"


def _interrupted(status: int) -> bool:
    return (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT) or (
        os.WIFEXITED(status) and os.WEXITSTATUS(status) == _INTERRUPTED
    )


def _serve(check: Callable[[Path], FileResult], paths: Sequence[Path], out: Connection) -> NoReturn:
    """The child: check `paths` in order, send each result; never returns."""
    status = 0
    try:
        faulthandler.disable()  # a crash is reported as a finding, not as a stack dump
        _exit_when_orphaned_timer(os.getppid())
        interrupts.watch(worker=True)
        for path in paths:
            out.send(check(path))
    except KeyboardInterrupt:
        status = _INTERRUPTED  # rule code's own interrupts are findings by now: this one is real
    except BrokenPipeError:
        status = 1  # the run is gone
    except BaseException as exc:  # a bug in guardrails: the parent reports it on the file
        status = _FAILED
        with contextlib.suppress(BaseException):
            out.send(f"guardrails failed: {type(exc).__name__}: {exc}")
    finally:
        # guardrails: ignore[REL011] a forked child must not run the parent's exit handlers
        os._exit(status)


@dataclass
class _Child:
    """A forked child checking `todo` (indexes into the files) in order."""

    pid: int
    reader: Connection
    todo: deque[int]


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold back SIGINT while the block runs; one that came in is handled after it.

    `os.fork` runs the `register_at_fork` callbacks (logging's among them),
    and an exception raised in those is printed and dropped: a Ctrl-C
    landing there was lost, and the run went on waiting for a hung Semgrep.
    Blocked, the signal stays pending and raises KeyboardInterrupt in
    ordinary code once the block ends. Threads started inside inherit the
    mask, so a process-wide SIGINT cannot land in them either.
    """
    blocking = hasattr(signal, "pthread_sigmask")
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if blocking else None
    try:
        yield
    finally:
        if before is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _start(check: Callable[[Path], FileResult], files: Sequence[Path], todo: deque[int]) -> _Child:
    reader, writer = Pipe(duplex=False)
    with interrupts_deferred():
        pid = os.fork()
        if pid == 0:  # the child: SIGINT as the parent had it, then check
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
            reader.close()
            _serve(check, [files[index] for index in todo], writer)
    writer.close()
    return _Child(pid, reader, todo)


def check_isolated(
    check: Callable[[Path], FileResult],
    files: Sequence[Path],
    crashed: Callable[[Path, str], FileResult],
    lanes: int = 1,
) -> Iterator[tuple[int, FileResult]]:
    """(index in `files`, result) as files finish, each checked in a forked child.

    `lanes` children work at once, each on every `lanes`-th file in order.
    `crashed(path, how)` makes the result of a file whose child died, `how`
    saying how (`how_it_ended`); a new child takes that lane's remaining
    files. A child ended by a real Ctrl-C raises KeyboardInterrupt here: an
    interrupt stops the run, it is not a finding.
    """
    if not CAN_FORK:
        with interrupts.watched():
            for index, path in enumerate(files):
                yield index, check(path)
        return
    if not files:
        return
    running: dict[Connection, _Child] = {}
    try:
        lanes = max(1, min(lanes, len(files)))
        for lane in range(lanes):
            child = _start(check, files, deque(range(lane, len(files), lanes)))
            running[child.reader] = child
        while running:
            for reader in wait(list(running)):
                child = running[reader]
                try:
                    message = reader.recv()
                except EOFError:  # gone before answering for child.todo[0]
                    message = None
                if isinstance(message, FileResult):
                    yield child.todo.popleft(), message
                    continue
                del running[reader]
                reader.close()
                _, status = os.waitpid(child.pid, 0)
                if not child.todo:
                    continue
                if _interrupted(status):
                    raise KeyboardInterrupt
                index = child.todo.popleft()
                how = message if isinstance(message, str) else how_it_ended(status)
                yield index, crashed(files[index], how)
                if child.todo:  # a new child goes on with the rest of the lane
                    child = _start(check, files, child.todo)
                    running[child.reader] = child
    finally:  # the caller stopped early (an error, an interrupt): end the children
        for child in running.values():
            child.reader.close()
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
