"""A progress bar on stderr for long runs at a terminal, gone when the run ends.

Shown only when stderr is a terminal, the report is the human text format
and there are enough files for a wait to be noticeable: machine formats
(JSON, SARIF, agent) and pipes never see it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

MIN_FILES = 50


def wanted(output_format: str, files: int, stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return output_format == "text" and files >= MIN_FILES and bool(isatty and isatty())


@contextlib.contextmanager
def bar(total: int, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """Yield a callback advancing the bar by n files, or None when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("checking", BarColumn(), MofNCompleteColumn(), "files", TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("check", total=total)
        yield lambda done: progress.advance(task, done)
