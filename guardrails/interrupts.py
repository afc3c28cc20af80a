"""Tell a real Ctrl-C from a `KeyboardInterrupt` that rule or plugin code raised.

Rule and plugin code is isolated by catching everything it raises,
`BaseException` included (a `sys.exit()` in a rule must not end the run
with exit 0). A real interrupt must still stop the run, so while
`watched()` is active SIGINT goes through a handler that notes it before
raising; an interrupt that was not noted came from code. Where that cannot
be known (not the main thread, an embedding application's own handler),
every `KeyboardInterrupt` counts as real: stopping is safe, a finding is not.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

_noted: list[bool] = [False]  # set by the handler; read by `is_real`
_installed: list[bool] = [False]


def _handler(signum: int, frame: FrameType | None) -> None:
    _noted[0] = True
    signal.default_int_handler(signum, frame)


def watch(worker: bool = False) -> bool:
    """Note real SIGINTs from now on; False where this process cannot (see module doc).

    A `worker` process exists only to check files, so it replaces whatever
    handler it inherited (an embedding application's) unless SIGINT is ignored.
    """
    current = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not (
        current is signal.default_int_handler or (worker and current is not signal.SIG_IGN)
    ):
        return False
    signal.signal(signal.SIGINT, _handler)
    _noted[0] = False
    _installed[0] = True
    return True


@contextlib.contextmanager
def watched() -> Iterator[None]:
    """Note real SIGINTs while the block runs, then restore Python's default handler."""
    if not watch():
        yield
        return
    try:
        yield
    finally:
        _installed[0] = False
        signal.signal(signal.SIGINT, signal.default_int_handler)


def is_real(exc: BaseException) -> bool:
    """Whether `exc` must stop the run instead of becoming a finding."""
    if not isinstance(exc, KeyboardInterrupt):
        return False
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return False  # no signal can have raised it
    return _noted[0] or not _installed[0]


def reraise_if_real(exc: BaseException) -> None:
    """Raise `exc` again when it is a real interrupt (see `is_real`)."""
    if is_real(exc):
        raise exc
