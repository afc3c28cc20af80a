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
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, Pipe
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
        if os.getppid() != parent:
            # guardrails: ignore[REL011] the run that forked this child is gone
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


def _serve(
    check: Callable[[Path], FileResult], files: Sequence[Path], start: int, out: Connection
) -> NoReturn:
    """The child: check files[start:] in order, send each result; never returns."""
    status = 0
    try:
        _exit_when_orphaned_timer(os.getppid())
        interrupts.watch(worker=True)
        for path in files[start:]:
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


def check_isolated(
    check: Callable[[Path], FileResult],
    files: Sequence[Path],
    crashed: Callable[[Path, str], FileResult],
) -> Iterator[tuple[int, FileResult]]:
    """(index in `files`, result) in order, each file checked in a forked child.

    `crashed(path, how)` makes the result of a file whose child died, `how`
    saying how (`how_it_ended`). A child ended by a real Ctrl-C raises
    KeyboardInterrupt here: an interrupt stops the run, it is not a finding.
    """
    if not CAN_FORK:
        with interrupts.watched():
            for index, path in enumerate(files):
                yield index, check(path)
        return
    start = 0
    while start < len(files):
        reader, writer = Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # the child
            reader.close()
            _serve(check, files, start, writer)
        writer.close()
        status = None
        failed = ""  # what the child said went wrong, if it could
        try:
            while start < len(files):
                try:
                    result = reader.recv()
                except EOFError:  # the child is gone before answering for files[start]
                    break
                if isinstance(result, str):
                    failed = result
                    break
                yield start, result
                start += 1
            _, status = os.waitpid(pid, 0)
        finally:
            reader.close()
            if status is None:  # the caller stopped early (an error, an interrupt)
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        if start < len(files):
            if _interrupted(status):
                raise KeyboardInterrupt
            yield start, crashed(files[start], failed or how_it_ended(status))
            start += 1
