"""Diff mode: which lines changed relative to a git ref (uncommitted changes included).

Git's output is read as bytes in a form fixed by the command line, never by
the user's git config: explicit `a/`/`b/` prefixes (whatever
`diff.noprefix` or `diff.mnemonicPrefix` say), no colour, no external diff
or textconv, no renames, every file diffed as text, paths C-quoted with
`core.quotePath` on and decoded here, file lists NUL-separated. A name may
hold any byte (space, tab, quote, newline, non-ASCII).

The answer errs towards reporting: a file git does not track (untracked,
ignored, outside the work tree) counts as new in full, and so does a
renamed one, and a changed one with a lone `\r` line ending (git numbers
lines by `\n` only, Python by `\r` too); only a tracked file that did not
change, or the unchanged lines of one that did, are filtered.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guardrails.errors import UsageError

_HUNK = re.compile(rb"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): ord('"'),
    ord("\\"): ord("\\"),
}
# Whatever the user's config says: these decide the shape of the text parsed below.
_CONFIG = (
    "core.quotePath=true",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "color.ui=false",
    "color.diff=false",
)
_DIFF_FLAGS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-renames",
    "--no-relative",
    "--text",
    "--unified=0",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--submodule=short",
    "--ignore-submodules=all",
)
_LONE_CR = re.compile(rb"\r(?!\n)")
_ENVIRONMENT_OVERRIDES = ("GIT_DIFF_OPTS", "GIT_EXTERNAL_DIFF")


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


def _git_bytes(cwd: Path, args: Sequence[str], option: str) -> subprocess.CompletedProcess[bytes]:
    """Run git for machine-read output: bytes (no newline translation), fixed config."""
    environment = {k: v for k, v in os.environ.items() if k not in _ENVIRONMENT_OVERRIDES}
    command = ["git", "--no-pager"]
    for setting in _CONFIG:
        command += ["-c", setting]
    try:
        return subprocess.run(
            [*command, *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            timeout=300,
            env=environment,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"{option} needs git: {exc}") from None


def _failure(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = os.fsdecode(result.stderr).strip().splitlines()
    return lines[-1] if lines else f"exit code {result.returncode}"


def repository(cwd: Path, ref: str, option: str) -> Path:
    """The work tree's top folder, after checking that `ref` names a commit there."""
    return _resolve(cwd, ref, option)[0]


def _resolve(cwd: Path, ref: str, option: str) -> tuple[Path, str]:
    """(the work tree's top folder, the commit id `ref` names)."""
    if ref.startswith("-"):  # git would read it as an option (`--output=FILE` writes a file)
        raise UsageError(f"{option} {ref!r} is not a commit, branch or tag in this repository")
    top = _git_bytes(cwd, ["rev-parse", "--show-toplevel"], option)
    if top.returncode != 0 or not top.stdout.strip():
        raise UsageError(f"{option} needs a git repository, and this is not inside one")
    commit = _git_bytes(cwd, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], option)
    if commit.returncode != 0 or not commit.stdout.strip():
        raise UsageError(f"{option} {ref!r} is not a commit, branch or tag in this repository")
    # Only the one newline git adds ends the name: a folder may end in whitespace.
    return Path(os.fsdecode(top.stdout.removesuffix(b"\n"))), commit.stdout.strip().decode()


@dataclass
class Changes:
    """Changed lines by path relative to the work tree's top, and what git tracks there."""

    root: Path
    lines: dict[Path, set[int] | None] = field(default_factory=dict)  # None: every line
    tracked: set[Path] = field(default_factory=set)

    def changed(self, path: str | Path, first: int, last: int) -> bool:
        """Whether any of lines `first`..`last` of `path` (as reported) changed.

        A file that git does not track, or that lies outside the work tree,
        counts as changed in full: nothing shows that it was there before.
        """
        relative = self.relative(path)
        if relative is None or relative not in self.tracked:
            return True
        if relative not in self.lines:
            return False
        lines = self.lines[relative]
        return lines is None or any(line in lines for line in range(first, last + 1))

    def relative(self, path: str | Path) -> Path | None:
        """`path` relative to the top (its folder's symlinks resolved), None if outside."""
        absolute = Path(os.path.abspath(path))
        real = Path(os.path.realpath(absolute.parent)) / absolute.name
        try:
            return real.relative_to(self.root)
        except ValueError:
            return None


def merge_base(cwd: Path, ref: str, option: str = "--diff-base") -> tuple[Path, str]:
    """(the work tree's top, the commit a change is measured from) for `ref`.

    A pull request is blamed only for its own lines: `REF` means the merge base
    of REF and HEAD, as `git diff REF...HEAD` and code review tools count, so
    commits that landed on REF after the branch point are not the branch's.
    `A...B` means the merge base of A and B (B empty: HEAD). Without a HEAD
    (a repository with no commit yet) REF itself is the base.
    """
    left, dots, right = ref.partition("...")
    if not dots:
        left, right = ref, "HEAD"
    top, base = _resolve(cwd, left or "HEAD", option)
    head = _git_bytes(top, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], option)
    if right == "HEAD" and (head.returncode != 0 or not head.stdout.strip()):
        return top, base  # no commit yet: nothing merged, the ref is the base
    _, tip = _resolve(cwd, right or "HEAD", option)
    found = _git_bytes(top, ["merge-base", base, tip], option)
    if found.returncode != 0 or not found.stdout.strip():
        raise UsageError(
            f"{option} {ref!r}: {left or 'HEAD'} and {right or 'HEAD'} have no common ancestor; "
            "name the commit to compare with"
        )
    return top, found.stdout.split()[0].decode()


def changed_lines(cwd: Path, ref: str) -> Changes:
    """What changed since the merge base of `ref` and HEAD (`merge_base`) in the working
    tree (committed on the branch, staged or not, tracked or new)."""
    top, commit = merge_base(cwd, ref)
    root = Path(os.path.realpath(top))
    diff = _git_bytes(root, ["diff", *_DIFF_FLAGS, commit, "--"], "--diff-base")
    if diff.returncode != 0:
        raise UsageError(f"git diff {ref} failed: {_failure(diff)}")
    tracked = _git_bytes(root, ["ls-files", "-z", "--cached", "--full-name"], "--diff-base")
    if tracked.returncode != 0:
        raise UsageError(f"git ls-files failed: {_failure(tracked)}")
    changes = Changes(root, dict(parse_patch(diff.stdout)))
    for relative, added in changes.lines.items():
        if added and _numbered_otherwise(root / relative):
            changes.lines[relative] = None
    changes.tracked = {Path(os.fsdecode(name)) for name in tracked.stdout.split(b"\0") if name}
    return changes


def _numbered_otherwise(path: Path) -> bool:
    """Whether git's line numbers for `path` may not be Python's (a lone `\r` in it)."""
    try:
        data = path.read_bytes()
    except OSError:
        return True  # cannot tell: count the whole file
    return b"\r" in data and _LONE_CR.search(data) is not None


def parse_patch(patch: bytes) -> dict[Path, set[int]]:
    """New-side line numbers added in each file of a `git diff` (prefixes `a/`, `b/`).

    Hunk bodies are walked by their counts, so a content line that happens
    to read `+++ b/x` or `diff --git` is never taken for a header.
    """
    changes: dict[Path, set[int]] = {}
    current: set[int] | None = None
    old_left = new_left = line = 0
    for row in patch.split(b"\n"):
        if old_left > 0 or new_left > 0:
            marker = row[:1]
            if marker == b"\\":  # "\ No newline at end of file"
                continue
            if marker == b"+":
                if current is not None:
                    current.add(line)
                line += 1
                new_left -= 1
            elif marker == b"-":
                old_left -= 1
            elif marker == b" ":
                line += 1
                old_left -= 1
                new_left -= 1
            else:
                raise UsageError(f"cannot read git diff output near {row[:80]!r}")
            continue
        if row.startswith(b"diff "):
            current = None
        elif row.startswith(b"+++ "):
            name = _unquote(row[4:])  # None: deleted, nothing of it is left to report on
            current = None if name is None else changes.setdefault(Path(os.fsdecode(name)), set())
        elif match := _HUNK.match(row):
            old_left = int(match.group(1) or b"1")
            line = int(match.group(2))
            new_left = int(match.group(3) or b"1")
    return changes


def _unquote(header: bytes) -> bytes | None:
    """The path in a `+++` header (`b/…` or git's C-quoted `"b/…"`); None for /dev/null."""
    if header.startswith(b'"'):
        raw, index = bytearray(), 1
        while index < len(header) and header[index] != ord('"'):
            byte = header[index]
            if byte == ord("\\") and index + 1 < len(header):
                following = header[index + 1 : index + 4]
                if following[:3].isdigit() and len(following) == 3:
                    raw.append(int(following, 8) & 0xFF)
                    index += 4
                    continue
                raw.append(_ESCAPES.get(header[index + 1], header[index + 1]))
                index += 2
                continue
            raw.append(byte)
            index += 1
        name = bytes(raw)
    else:
        # Git ends an unquoted name that holds a space with a tab (for patch(1));
        # an unquoted name never holds a tab itself.
        name = header.removesuffix(b"\t")
    if name == b"/dev/null":
        return None
    if not name.startswith(b"b/"):
        raise UsageError(f"cannot read git diff output: unexpected file header {header[:80]!r}")
    return name[2:]
