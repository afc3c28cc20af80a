"""Where a run's report goes: `--output-format FORMAT[:PATH]` (repeatable), `--output-file PATH`.

One run, several outputs: `--output-format github --output-format
sarif:guardrails.sarif` prints annotations and writes SARIF to a file. At
most one format goes to standard output — the one given without a path,
else the default — and `--output-file PATH` sends that one to PATH instead,
as Ruff's option does. The paths are the user's to name, so they may lie
outside the project. A path that cannot be written (no such folder, a
folder, read-only) is refused before the check runs; each file is written
whole or not at all (`containment.replace_text`), before anything is printed.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from guardrails.containment import replace_text, resolve
from guardrails.errors import GuardrailsError, UsageError


@dataclass(frozen=True)
class Output:
    """One report to write: its format, and its file (None: standard output)."""

    fmt: str
    path: Path | None = None


def plan(
    values: Sequence[str] | None,
    output_file: Path | None,
    default: Callable[[], str],
    formats: Sequence[str],
) -> list[Output]:
    """The outputs the options ask for, standard output's first (when it gets one).

    `values` are the `--output-format` arguments; `default()` names the
    format for standard output when none is given without a path.
    """
    bare: list[str] = []
    files: list[Output] = []
    for value in values or ():
        fmt, colon, path = value.partition(":")
        if fmt not in formats:
            raise UsageError(
                f"--output-format {value!r}: {fmt!r} is not one of {', '.join(formats)}"
                + (" (FORMAT:PATH writes FORMAT to the file PATH)" if colon else "")
            )
        if colon and not path:
            raise UsageError(f"--output-format {value!r}: name the file after the colon")
        if colon:
            files.append(Output(fmt, Path(path)))
        else:
            bare.append(fmt)
    if len(set(bare)) > 1:
        raise UsageError(
            f"--output-format: only one format can go to standard output, not "
            f"{' and '.join(dict.fromkeys(bare))}; write the others to files with FORMAT:PATH"
        )
    main = [Output(bare[0] if bare else default(), output_file)]
    outputs = main + files
    _distinct([o for o in outputs if o.path is not None])
    return outputs


def _distinct(outputs: Sequence[Output]) -> None:
    """Two reports for one file would leave only the last: refused."""
    seen: dict[Path, Output] = {}
    for output in outputs:
        assert output.path is not None
        target = resolve(output.path)
        if target in seen:
            raise UsageError(f"{output.path} is named for two outputs; give each its own file")
        seen[target] = output


def check_writable(outputs: Sequence[Output]) -> None:
    """Refuse, before the check runs, a file that could not be written after it."""
    for output in outputs:
        if output.path is None:
            continue
        problem = _unwritable(resolve(output.path))
        if problem:
            raise UsageError(f"cannot write {output.path}: {problem}")


def _unwritable(target: Path) -> str:
    folder = target.parent
    if not folder.exists():
        return f"no folder {folder}"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if target.is_dir():
        return "it is a folder"
    if target.exists() and not os.access(target, os.W_OK):
        return "it is read-only"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only"
    return ""


def emit(outputs: Sequence[Output], produce: Callable[[str, TextIO], None], out: TextIO) -> None:
    """Write each output: `produce(fmt, stream)` writes one format to a stream.

    Files first, each rendered whole in memory and then renamed into place,
    so a failure leaves no half-written report and prints nothing; standard
    output (`out`) last.
    """
    for output in outputs:
        if output.path is None:
            continue
        buffer = io.StringIO()
        produce(output.fmt, buffer)
        try:
            replace_text(output.path, buffer.getvalue())
        except OSError as exc:
            raise GuardrailsError(f"cannot write {output.path}: {exc.strerror or exc}") from None
    for output in outputs:
        if output.path is None:
            produce(output.fmt, out)
