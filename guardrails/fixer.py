"""`guardrails fix`: apply the fixes rules offer, never leaving a broken file.

Each pass checks the files with every backend, takes the fixes allowed
(safe, plus unsafe with `--unsafe-fixes`), and applies per file every fix
whose edits do not overlap an edit already taken — a conflicting fix waits
for the next pass, which re-checks the changed text, so edits are never
applied blindly on top of each other. Fixed text that does not parse is not
written. Writes are atomic (a temporary file in the same folder, then
rename) and keep the file's permissions, encoding and line endings. Passes
repeat until nothing changes, so running `fix` twice changes nothing the
second time.
"""

from __future__ import annotations

import ast
import difflib
import os
import stat
import tempfile
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import libcst as cst

from guardrails.discovery import display_path
from guardrails.engine import check_paths
from guardrails.lines import line_starts, split_lines
from guardrails.model import Fix, Violation
from guardrails.plan import Plan

MAX_PASSES = 8


@dataclass
class FixReport:
    """What a fix run did."""

    fixed: dict[str, int] = field(default_factory=dict)  # path -> fixes applied
    broken: list[str] = field(default_factory=list)  # fixes whose result did not parse
    diffs: list[str] = field(default_factory=list)
    remaining: list[Violation] = field(default_factory=list)
    files: int = 0

    @property
    def total(self) -> int:
        return sum(self.fixed.values())


def _offsets(text: str) -> list[int]:
    return line_starts(text)


def _offset(starts: list[int], line: int, column: int) -> int:
    line = min(max(line, 1), len(starts))
    return starts[line - 1] + column - 1


def _conflict(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two edit ranges [start, end) cannot both be applied.

    Two insertions at one point conflict (their order would be arbitrary);
    an insertion conflicts with a replacement only strictly inside it.
    """
    if a[0] == a[1] and b[0] == b[1]:
        return a[0] == b[0]
    if a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


def apply_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, int]:
    """`text` with every non-conflicting fix applied; (new text, fixes applied)."""
    starts = _offsets(text)
    taken: list[tuple[int, int, str]] = []
    applied = 0

    for fix in fixes:
        spans = [
            (
                _offset(starts, e.start_line, e.start_column),
                _offset(starts, e.end_line, e.end_column),
                e.content,
            )
            for e in fix.edits
        ]
        if any(s > t for s, t, _ in spans):
            continue
        if any(_conflict((s, t), (ts, tt)) for s, t, _ in spans for ts, tt, _ in taken):
            continue
        taken.extend(spans)
        applied += 1
    # Back to front; at one start, a replacement before the insertion that precedes it.
    for start, end, content in sorted(taken, key=lambda span: (span[0], span[1]), reverse=True):
        text = text[:start] + content + text[end:]
    return text, applied


def _parses(text: str) -> bool:
    try:
        cst.parse_module(text)
        ast.parse(text)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError):
        return False  # any parser complaint means: do not write this
    return True


def _read(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
    return data.decode(encoding), encoding


def write_atomically(path: Path, text: str, encoding: str) -> None:
    """Replace `path` with `text` via a temporary file, keeping its mode."""
    mode = stat.S_IMODE(path.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode(encoding))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _wanted(v: Violation, unsafe: bool) -> bool:
    return v.fix is not None and (v.fix.applicability == "safe" or unsafe)


def fix_paths(
    plan: Plan, files: Sequence[Path], unsafe: bool = False, diff: bool = False, jobs: int = 0
) -> FixReport:
    """Fix `files` in place (or, with `diff`, only describe the changes)."""
    report = FixReport(files=len(files))
    by_shown = {display_path(path): path for path in files}
    pending = list(files)
    for _ in range(MAX_PASSES if not diff else 1):
        result = check_paths(plan, pending, jobs)
        fixes: dict[str, list[Fix]] = {}
        for v in result.violations:
            if _wanted(v, unsafe):
                fixes.setdefault(v.path, []).append(v.fix)  # type: ignore[arg-type]
        changed = []
        for shown, file_fixes in sorted(fixes.items()):
            path = by_shown.get(shown)
            if path is None:
                continue
            text, encoding = _read(path)
            new_text, count = apply_fixes(text, file_fixes)
            if not count or new_text == text:
                continue
            if not _parses(new_text):
                report.broken.append(shown)
                continue
            report.fixed[shown] = report.fixed.get(shown, 0) + count
            if diff:
                report.diffs.append(_unified(shown, text, new_text))
            else:
                write_atomically(path, new_text, encoding)
                changed.append(path)
        if not changed:
            break
        pending = changed
    final = check_paths(plan, files, jobs)
    report.remaining = final.violations
    return report


def _unified(shown: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            split_lines(before, keepends=True),
            split_lines(after, keepends=True),
            fromfile=f"a/{shown}",
            tofile=f"b/{shown}",
        )
    )
