"""Diff mode: which lines changed relative to a git ref (uncommitted changes included)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from guardrails.errors import UsageError

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
ALL_LINES = None
"""Marker for a file that is new (untracked or added): every line counts as changed."""


def git(cwd: Path, *args: str, option: str = "--diff-base") -> subprocess.CompletedProcess[str]:
    """Run git; `option` names what needed it in the error when git is missing."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            errors="surrogateescape",
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"{option} needs git: {exc}") from None


def repository(cwd: Path, ref: str, option: str) -> Path:
    """The work tree's top folder, after checking that `ref` names a commit there."""
    top = git(cwd, "rev-parse", "--show-toplevel", option=option)
    if top.returncode != 0:
        raise UsageError(f"{option} needs a git repository, and this is not inside one")
    if git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise UsageError(f"{option} {ref!r} is not a commit, branch or tag in this repository")
    return Path(top.stdout.strip())


def changed_lines(cwd: Path, ref: str) -> dict[Path, set[int] | None]:
    """Absolute path -> changed line numbers (None: the whole file is new)."""
    root = repository(cwd, ref, "--diff-base")
    diff = git(
        root, "diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", ref, "--"
    )
    if diff.returncode != 0:
        raise UsageError(f"git diff {ref} failed: {diff.stderr.strip().splitlines()[-1:]}")
    changes: dict[Path, set[int] | None] = {}
    current: Path | None = None
    for line in diff.stdout.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = None if name == "/dev/null" else root / name.removeprefix("b/")
            if current is not None:
                changes.setdefault(current, set())
        elif line.startswith("--- /dev/null") and current is None:
            continue
        elif current is not None and (match := _HUNK.match(line)):
            start, count = int(match.group(1)), int(match.group(2) or "1")
            lines = changes[current]
            if lines is not None:
                lines.update(range(start, start + count))
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "-z")
    for name in untracked.stdout.split("\0"):
        if name:
            changes[root / name] = ALL_LINES
    return changes
