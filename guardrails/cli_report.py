"""`guardrails report`: the quality score page (quality.html) and QUALITY.md.

Kept apart from `guardrails.cli` (which stays small enough to read, ARC003).
The findings come from the one pipeline (`guardrails.service.check`, with the
options `check` takes) or from a result `check` already wrote (`--results`,
e.g. the merge of a sharded CI run); either way they are read as the JSON
`check --output-format json` prints, so the report's numbers are that output's.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guardrails.errors import EXIT_OK, UsageError

PAGES = ("quality.html", "QUALITY.md")
"""The only files `report` writes into its --out folder."""


def add_report(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    selection_args: Callable[[argparse.ArgumentParser], None],
) -> None:
    """`report` takes `check`'s selection options (`selection_args`) and its own."""
    report = commands.add_parser(
        "report", help="write the quality report: DIR/quality.html and DIR/QUALITY.md"
    )
    selection_args(report)
    report.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder to write the two files to"
    )
    report.add_argument(
        "--results",
        type=Path,
        metavar="FILE",
        help="build it from this `check --output-format json` result instead of checking",
    )
    report.add_argument(
        "--history",
        type=Path,
        metavar="DIR",
        help="earlier JSON results for the trend, ordered by file name",
    )
    report.add_argument(
        "--history-out",
        type=Path,
        metavar="FILE",
        help="also write this run's JSON result to FILE (e.g. into the --history folder)",
    )
    report.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in FILE (config: baseline)",
    )


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report; 0 once written, whatever it found (a report, not a gate)."""
    from guardrails import quality, service
    from guardrails.cli import _notes, _request
    from guardrails.report import json_format

    folder = _writable_folder(args.out)
    earlier = quality.history(args.history, skip=args.results)
    request = _request(args, "json")
    if args.results is not None:
        result = quality.load_result(args.results)
        raw = json.dumps(result, indent=2) + "\n"
        scopes = service.prepare(request)  # the files that check would read, not a check
        settings = scopes[0].settings
        files = [path for scope in scopes for path in scope.files]
    else:
        checked = service.check(request)
        _notes(checked.notes)
        buffer = io.StringIO()
        json_format.render(checked.violations, checked.summary, buffer, checked.suppressed)
        raw = buffer.getvalue()
        result = json.loads(raw)
        settings, files = checked.settings, checked.files
    layers = _layers(settings.rule_options.get("ARC001", {}))
    measured, comments = quality.measure(
        files,
        root=settings.root,
        src=settings.src,
        max_bytes=settings.max_file_size,
        layers=layers,
    )
    report = quality.build(
        result,
        measured,
        src=settings.src,
        layers=layers,
        suppressions=comments,
        baseline=quality.baseline_info(args.baseline or settings.baseline),
        trend=earlier,
    )
    _write(folder, report)
    if args.history_out is not None:
        _history_out(args.history_out, raw)
    sys.stdout.write(f"wrote {folder / PAGES[0]} and {folder / PAGES[1]}\n")
    return EXIT_OK


def _layers(options: dict[str, Any]) -> list[str]:
    layers = options.get("layers")
    if isinstance(layers, list) and all(isinstance(layer, str) for layer in layers):
        return layers
    return []


def _writable_folder(folder: Path) -> Path:
    """`folder`, created if missing; refused before any work when it cannot take the files."""
    if os.path.lexists(folder) and not folder.is_dir():
        raise UsageError(f"--out {folder} is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create --out {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--out {folder} is not writable")
    return folder


def _write(folder: Path, report: Any) -> None:
    """Both pages, each whole or not at all; a link in their place is replaced, not followed."""
    from guardrails.report import quality_html, quality_md

    for name, renderer in zip(PAGES, (quality_html.render, quality_md.render), strict=True):
        buffer = io.StringIO()
        renderer(report, buffer)
        _replace(folder / name, buffer.getvalue())


def _history_out(path: Path, raw: str) -> None:
    if os.path.lexists(path) and path.is_dir():
        raise UsageError(f"--history-out {path} is a folder; name the file to write")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    _replace(path, raw)


def _replace(path: Path, text: str) -> None:
    from guardrails.safewrite import write_atomically

    umask = os.umask(0)
    os.umask(umask)
    write_atomically(path, text.encode("utf-8"), mode=0o666 & ~umask)
