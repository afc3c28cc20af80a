"""The two names of a checked file: where it is shown, and where it is in the project.

Every stage that names a file asks here, so a finding is shown, matched
against `exclude` / `per-file-ignores` / `test-paths`, fingerprinted,
baselined and written to SARIF under the same name.

The one rule for the project path: a file's path relative to the project
root, taken as the user reached it. Symlinks inside the project are not
followed: a file found through `src/linked/` is `src/linked/x.py` in reports,
in globs and in the baseline alike. Only the root itself may be reached
through a link (a checkout under a symlinked home, a path typed through a
link to the project): the part of the path below the folder that *is* the
root counts. A file outside the root (the user named it) keeps its absolute
posix path; `root_relative` then says None.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path


def display_path(path: Path | str) -> str:
    """The path as reports show it: relative to the working directory when below it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd:
        return "."
    below = _below(absolute, cwd)
    return below if below is not None else Path(absolute).as_posix()


def root_relative(path: Path | str, root: Path) -> str | None:
    """`path` relative to the folder `root` (posix), or None when it is not below it.

    `root` is a resolved absolute path. The path is taken as given (links
    below the root stay as they are); only an ancestor that resolves to
    `root` is accepted as `root` itself.
    """
    absolute = os.path.abspath(path)
    base = str(root)
    if absolute == base:
        return "."
    below = _below(absolute, base)
    if below is not None:
        return below
    head, tail = os.path.split(absolute)
    rest = [tail]
    while head and head != os.path.dirname(head):
        if _real(head) == base:
            return "/".join(reversed(rest))
        head, tail = os.path.split(head)
        rest.append(tail)
    return None


def project_path(path: Path | str, root: Path) -> str:
    """The name a file has in the project: root-relative, else its absolute posix path."""
    relative = root_relative(path, root)
    return relative if relative is not None else Path(os.path.abspath(path)).as_posix()


def repository_root(start: Path) -> Path | None:
    """The top of the git work tree holding `start` (the folder with `.git`), or None.

    What CI tools name files relative to: GitHub annotations and code scanning
    resolve a path from the repository root, whichever folder the check ran in.
    """
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _below(absolute: str, folder: str) -> str | None:
    prefix = folder.rstrip(os.sep) + os.sep
    if absolute.startswith(prefix):
        return Path(absolute[len(prefix) :]).as_posix()
    return None


@functools.lru_cache(maxsize=4096)
def _real(folder: str) -> str:
    """A folder's real path; memoised, as every file outside the fast path asks per ancestor."""
    return os.path.realpath(folder)


def forget() -> None:
    """Drop the memo of real folders: links may have changed since the last run."""
    _real.cache_clear()
