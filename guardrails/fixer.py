"""`guardrails fix`: apply the fixes rules offer, never leaving a broken file.

Each pass checks the files with every backend, takes the fixes allowed
(safe, plus unsafe with `--unsafe-fixes`), and applies per file every fix
whose edits do not overlap an edit already taken — a conflicting fix waits
for the next pass, which re-checks the changed text, so edits are never
applied blindly on top of each other. Fixed text that does not parse is not
written. Passes repeat until nothing changes, so running `fix` twice
changes nothing the second time.

No work is lost: each pass snapshots its files before checking them, and a
file is written only if it is still exactly those bytes (`safewrite`), so
an edit saved meanwhile is reported and kept, never overwritten with stale
fixes. Writes are atomic, go through a symlink to its target (only inside
the project), keep permissions, owner, encoding and line endings, and
refuse read-only files; the report names every file written, even when a
later one fails.
"""

from __future__ import annotations

import ast
import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from guardrails import safewrite
from guardrails.engine import check_paths
from guardrails.lines import line_starts, split_lines
from guardrails.model import Fix, Violation
from guardrails.paths import display_path
from guardrails.plan import Plan
from guardrails.report import printable
from guardrails.safewrite import Snapshot
from guardrails.source import decode

MAX_PASSES = 8


@dataclass
class FixReport:
    """What a fix run did."""

    fixed: dict[str, int] = field(default_factory=dict)  # path -> fixes written (or previewed)
    broken: list[str] = field(default_factory=list)  # fixes whose result did not parse
    refused: dict[str, str] = field(default_factory=dict)  # path -> why it was not written
    diffs: list[str] = field(default_factory=list)
    remaining: list[Violation] = field(default_factory=list)
    files: int = 0

    @property
    def total(self) -> int:
        return sum(self.fixed.values())

    def written(self) -> list[str]:
        """One line per file changed (or, in a preview, that would be)."""
        fixed = sorted(self.fixed.items())
        return [f"fixed {count} in {printable(shown)}" for shown, count in fixed]

    def problems(self) -> list[str]:
        """One line per file left unchanged although it had fixes, and why."""
        broken = [
            f"{printable(shown)}: a fix produced code that does not parse; file left unchanged"
            for shown in self.broken
        ]
        refused = [
            f"{printable(shown)}: not fixed: {printable(reason)}"
            for shown, reason in sorted(self.refused.items())
        ]
        return broken + refused


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


def _wanted(v: Violation, unsafe: bool) -> bool:
    return v.fix is not None and (v.fix.applicability == "safe" or unsafe)


def _outside(path: Path, target: Path, root: Path, named_outside: bool) -> str | None:
    """Why `target` (where a write to `path` goes) may not be written, if it may not.

    Inside the project root is fine. Outside, only a file reached without a
    symlink, when the caller says the user named such paths (`fix ../x.py`).
    """
    if target.is_relative_to(root):
        return None
    if target != Path(os.path.abspath(path)):
        return f"it resolves to {target}, outside the project"
    return None if named_outside else "it is outside the project"


def _take(path: Path) -> Snapshot | str:
    """A snapshot of `path`, or why there is none."""
    try:
        return safewrite.take(path)[0]
    except safewrite.Refused as exc:
        return str(exc)
    except OSError as exc:
        return f"it could not be read: {exc.strerror or exc}"


def fix_paths(
    plan: Plan,
    files: Sequence[Path],
    unsafe: bool = False,
    diff: bool = False,
    jobs: int = 0,
    report: FixReport | None = None,
    named_outside: bool = False,
    final: bool = True,
) -> FixReport:
    """Fix `files` in place (or, with `diff`, only describe the changes).

    `report` is filled in as files are written, so a caller that passes one
    still knows what changed when a later step raises. Files outside the
    project root are written only with `named_outside` (the user named them)
    and never through a symlink.
    """
    report = report if report is not None else FixReport()
    report.files += len(files)  # a report may gather several calls (one per config)
    by_shown = {display_path(path): path for path in files}
    pending = list(files)
    for _ in range(MAX_PASSES if not diff else 1):
        # Before the check: every backend then reads these bytes or newer ones,
        # and a write happens only if the file is still exactly this.
        before = {path: _take(path) for path in pending}
        result = check_paths(plan, pending, jobs)
        fixes: dict[str, list[Fix]] = {}
        for v in result.violations:
            if _wanted(v, unsafe):
                fixes.setdefault(v.path, []).append(v.fix)  # type: ignore[arg-type]
        changed = []
        for shown, file_fixes in sorted(fixes.items()):
            path = by_shown.get(shown)
            if path is None or path not in before:
                continue
            if _fix_file(plan, path, shown, before[path], file_fixes, report, diff, named_outside):
                changed.append(path)
        if not changed:
            break
        pending = changed
    if final:  # else the caller checks what remains (`service.fix`: as `check` would)
        report.remaining = check_paths(plan, files, jobs).violations
    return report


def _fix_file(
    plan: Plan,
    path: Path,
    shown: str,
    before: Snapshot | str,
    fixes: list[Fix],
    report: FixReport,
    diff: bool,
    named_outside: bool,
) -> bool:
    """Apply `fixes` (found in the bytes of `before`) to one file; whether it was written."""
    if isinstance(before, str):
        report.refused[shown] = before
        return False
    outside = _outside(path, before.target, plan.settings.root, named_outside)
    if outside is not None:
        report.refused[shown] = outside
        return False
    try:
        now, data = safewrite.take(path)
    except (OSError, safewrite.Refused):
        now, data = None, b""
    if now != before:
        report.refused[shown] = safewrite.CHANGED
        return False
    try:
        text, encoding = decode(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return False  # reported by the check (GR001); no backend fixes undecodable text
    new_text, count = apply_fixes(text, fixes)
    if not count or new_text == text:
        return False
    if not _parses(new_text):
        report.broken.append(shown)
        return False
    try:
        new_data = new_text.encode(encoding)
    except UnicodeEncodeError:
        report.refused[shown] = f"the fixed text cannot be encoded as {encoding}"
        return False
    if diff:
        report.fixed[shown] = report.fixed.get(shown, 0) + count
        report.diffs.append(_unified(shown, text, new_text))
        return False
    try:
        safewrite.replace(path, before, new_data)
    except safewrite.Refused as exc:
        report.refused[shown] = str(exc)
        return False
    except OSError as exc:
        report.refused[shown] = f"writing it failed: {exc.strerror or exc}"
        return False
    report.fixed[shown] = report.fixed.get(shown, 0) + count
    return True


def _unified(shown: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            split_lines(before, keepends=True),
            split_lines(after, keepends=True),
            fromfile=f"a/{shown}",
            tofile=f"b/{shown}",
        )
    )
