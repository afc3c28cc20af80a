"""A fix as before/after statement pairs: from a commit, the working tree or a diff.

Changed lines come from a line diff of the file's two versions; each run of
changed lines becomes the smallest statement that holds it, on each side. A
lone `pass` or constant is not a statement worth a rule on its own, so its
enclosing statement is taken instead (a `try` whose handler swallowed an
exception).
"""

from __future__ import annotations

import ast
import difflib
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from guardrails.errors import UsageError
from guardrails.gitdiff import git

MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Fix:
    """One changed statement: where, and its text before and after (dedented)."""

    path: str
    line: int  # where the statement started before
    before: str
    after: str


@dataclass
class Source:
    """What was learned from: the fixes, and the commit message when there is one."""

    fixes: list[Fix]
    message: str = ""
    skipped: list[str] = field(default_factory=list)  # per file or hunk left out: why


def _trivial(node: ast.stmt) -> bool:
    return isinstance(node, ast.Pass | ast.Break | ast.Continue) or (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    )


def _statements(tree: ast.AST) -> list[tuple[ast.stmt, ast.stmt | None]]:
    """(statement, the compound statement holding it) for every statement."""
    found: list[tuple[ast.stmt, ast.stmt | None]] = []

    def visit(node: ast.AST, holder: ast.stmt | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                found.append((child, holder))
                visit(child, child)
            else:
                visit(child, holder)

    visit(tree, None)
    return found


def _enclosing(tree: ast.AST, first: int, last: int) -> list[ast.stmt]:
    """The statements spanning lines first..last, innermost first."""
    spanning = [
        node
        for node, _holder in _statements(tree)
        if node.lineno <= first and last <= (node.end_lineno or node.lineno)
    ]
    return sorted(spanning, key=lambda node: (node.end_lineno or node.lineno) - node.lineno)


def _aligned(old: list[ast.stmt], new: list[ast.stmt]) -> tuple[ast.stmt, ast.stmt] | None:
    """The innermost statements of the same kind on both sides, a trivial one's holder
    instead (`pass` becoming a log call is a change to the `try` around it)."""
    for was in old:
        if _trivial(was):
            continue
        for now in new:
            if type(was) is type(now):
                return was, now
        break  # the innermost real statement of the old side has no partner of its kind
    real_old = [n for n in old if not _trivial(n)]
    real_new = [n for n in new if not _trivial(n)]
    return (real_old[0], real_new[0]) if real_old and real_new else None


def _text(source: str, node: ast.stmt) -> str:
    lines = source.splitlines(keepends=True)[node.lineno - 1 : node.end_lineno]
    if lines:
        lines[0] = " " * node.col_offset + lines[0][node.col_offset :]
    return textwrap.dedent("".join(lines)).rstrip() + "\n"


def pairs(path: str, before: str, after: str) -> tuple[list[Fix], list[str]]:
    """The changed statements of one file's two versions; and why any were left out."""
    try:
        old, new = ast.parse(before), ast.parse(after)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [], [f"{path}: one of its versions is not valid Python"]
    a, b = before.splitlines(), after.splitlines()
    fixes: list[Fix] = []
    skipped: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # an insertion or deletion is measured on the statement around it on both sides
        first_old, last_old = (i1 + 1, max(i1 + 1, i2)) if i2 > i1 else (i1, i1 + 1)
        first_new, last_new = (j1 + 1, max(j1 + 1, j2)) if j2 > j1 else (j1, j1 + 1)
        found = _aligned(
            _enclosing(old, max(1, first_old), max(1, last_old)),
            _enclosing(new, max(1, first_new), max(1, last_new)),
        )
        if found is None:
            skipped.append(f"{path}:{i1 + 1}: the change is not inside one statement")
            continue
        was, now = found
        fix = Fix(path, was.lineno, _text(before, was), _text(after, now))
        if fix.before == fix.after or fix in fixes:
            continue
        fixes.append(fix)
    return fixes, skipped


def _read_revision(top: Path, rev: str, path: str) -> str | None:
    shown = git(top, "show", f"{rev}:{path}", option="learn")
    return shown.stdout if shown.returncode == 0 else None


def from_commit(cwd: Path, rev: str) -> Source:
    """The fixes a commit made to Python files, with its message."""
    from guardrails.gitdiff import repository

    top = repository(cwd, rev, "learn")
    parent = git(top, "rev-parse", "--verify", "--quiet", f"{rev}^", option="learn")
    if parent.returncode != 0:
        raise UsageError(f"learn {rev!r}: a commit without a parent fixed nothing")
    names = git(top, "diff", "--name-only", "-z", f"{rev}^", rev, option="learn").stdout
    message = git(top, "log", "-1", "--format=%B", rev, option="learn").stdout.strip()
    source = Source([], message)
    for path in sorted(p for p in names.split("\0") if p.endswith((".py", ".pyi"))):
        before, after = _read_revision(top, f"{rev}^", path), _read_revision(top, rev, path)
        _add(source, path, before, after)
    return source


def from_worktree(cwd: Path) -> Source:
    """The fixes in the working tree against HEAD (staged or not)."""
    from guardrails.gitdiff import repository

    top = repository(cwd, "HEAD", "learn")
    names = git(top, "diff", "--name-only", "-z", "HEAD", option="learn").stdout
    source = Source([], "")
    for path in sorted(p for p in names.split("\0") if p.endswith((".py", ".pyi"))):
        file = top / path
        after = None
        if file.is_file() and not file.is_symlink() and file.stat().st_size <= MAX_FILE_BYTES:
            after = file.read_text(encoding="utf-8", errors="surrogateescape")
        _add(source, path, _read_revision(top, "HEAD", path), after)
    return source


def _add(source: Source, path: str, before: str | None, after: str | None) -> None:
    if before is None or after is None:
        source.skipped.append(f"{path}: added or removed, not changed")
        return
    fixes, skipped = pairs(path, before, after)
    source.fixes += fixes
    source.skipped += skipped


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
_FILE = re.compile(r"^\+\+\+ (?:b/)?(?P<path>.+?)\s*$")


def from_diff(text: str) -> Source:
    """The fixes in a unified diff (`git diff`, `diff -u`): each hunk's two sides, read as
    the snippets they are (no repository needed)."""
    source = Source([], "")
    path = ""
    hunks: list[tuple[str, list[str], list[str]]] = []
    for line in text.splitlines():
        if line.startswith("+++ "):
            match = _FILE.match(line)
            path = match["path"] if match else ""
        elif _HUNK.match(line):
            hunks.append((path, [], []))
        elif hunks and line[:1] in (" ", "-", "+") and not line.startswith(("--- ", "+++ ")):
            _path, old, new = hunks[-1]
            if line[:1] in (" ", "-"):
                old.append(line[1:])
            if line[:1] in (" ", "+"):
                new.append(line[1:])
    if not hunks:
        raise UsageError("--diff: no hunks found; give a unified diff (git diff, diff -u)")
    for path, old, new in hunks:
        if not path.endswith((".py", ".pyi")):
            continue
        before = textwrap.dedent("\n".join(old)) + "\n"
        after = textwrap.dedent("\n".join(new)) + "\n"
        fixes, skipped = pairs(path, before, after)
        source.fixes += fixes
        source.skipped += [
            f"{path}: a hunk that is not whole statements" if "not valid" in s else s
            for s in skipped
        ]
    return source
