"""Which files a run checks, and what module each file is.

Directories are walked for `.py` and `.pyi` files. Inside a git work tree
git itself lists the candidates (`git ls-files --cached --others
--exclude-standard`), which is the only fully faithful reading of every
`.gitignore`, global excludes file and `info/exclude`. Default excludes
(VCS folders, virtualenvs, build output, caches) and configured `exclude` /
`extend-exclude` globs apply everywhere. A file named on the command line is
always checked.

Only regular files are ever opened, and never more than the size limit
(`max-file-size`) of them is read: a FIFO would block the run forever, a
link to `/dev/zero` would fill memory, and a generated 20 MB module costs
minutes. A path named on the command line that is not a regular file or a
directory (a FIFO, socket, device, broken or looping symlink) is a usage
error; one found while walking a directory is kept, and the engine reports
it as a file no rule checked (GR001), as it does a file over the limit.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guardrails.errors import UsageError
from guardrails.paths import display_path, forget, project_path

PYTHON_SUFFIXES = (".py", ".pyi")

DEFAULT_MAX_FILE_SIZE = 1_048_576
"""Bytes: files larger than this are reported unchecked, not read (`max-file-size`)."""

DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytest_cache",
    ".ruff_cache",
    ".guardrails_cache",
    ".svn",
    ".tox",
    ".venv",
    "venv",
    "__pypackages__",
    "__pycache__",
    # copies of other projects' code (pip's `_vendor`, `vendored/`): not the project's
    # to fix. Plain `vendor` is left checked: in applications it often names a domain
    # module (suppliers), and skipping it would be a silent false clean.
    "_vendor",
    "vendored",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "*.egg-info",
)


@functools.lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a gitignore-like glob (`*`, `?`, `[...]`, `**`) to a regex."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = _class_end(pattern, i)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end]
                negate = body.startswith("!")
                body = body[negate:]
                # a regex class treats `\`, `[` and `]` specially; a glob class does not
                for special in ("\\", "[", "]"):
                    body = body.replace(special, "\\" + special)
                out.append(f"[{'^' * negate}{body}]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z")


def _class_end(pattern: str, start: int) -> int:
    """Index of the `]` closing the class opened at `start`, or -1 (then `[` is literal).

    As in gitignore, a `]` first in the class (after an optional `!`) is a member of it.
    """
    first = start + 1
    if pattern.startswith("!", first):
        first += 1
    if pattern.startswith("]", first):
        first += 1
    return pattern.find("]", first)


def glob_match(pattern: str, relative: str, skip: int = 0) -> bool:
    """Ruff-style matching of `pattern` against a root-relative posix path.

    A pattern without `/` matches any single path component (`build`,
    `*_pb2.py`); a pattern with `/` matches the path from the root, and a
    match on a directory covers everything below it. The first `skip`
    components (a directory named on the command line) are never excluded.
    """
    pattern = _normalised(pattern)
    if not pattern:
        return False
    parts = relative.split("/")
    regex = _glob_regex(pattern)
    if "/" not in pattern:
        return any(regex.match(part) for part in parts[skip:])
    return any(regex.match("/".join(parts[:n])) for n in range(skip + 1, len(parts) + 1))


def _normalised(pattern: str) -> str:
    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern.rstrip("/")


@dataclass(frozen=True)
class Discovery:
    """Exclusion settings for one run."""

    root: Path
    excludes: tuple[str, ...]
    # (relative path, skip) -> excluded; directories repeat for every file below them
    _memo: dict[tuple[str, int], bool] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def excluded(self, path: Path, anchor: Path | None = None) -> bool:
        """Whether `path` is excluded; `anchor` is a directory the user named.

        Same answer as `glob_match` over every pattern, computed component by
        component so each directory is matched once, not once per file in it.
        """
        relative = _relative(path, self.root)
        skip = 0
        if anchor is not None:
            named = _relative(anchor, self.root)
            if named != "." and relative.startswith(named + "/"):
                skip = len(named.split("/"))
        return self._excluded(relative, skip)

    def _excluded(self, relative: str, skip: int) -> bool:
        if relative in ("", "."):
            return False
        key = (relative, skip)
        known = self._memo.get(key)
        if known is not None:
            return known
        parent, _, name = relative.rpartition("/")
        depth = relative.count("/") + 1
        by_name, by_path = _combined(self.excludes)
        result = depth > skip and bool(
            (by_name is not None and by_name.match(name))
            or (by_path is not None and by_path.match(relative))
        )
        result = result or (bool(parent) and self._excluded(parent, skip))
        self._memo[key] = result
        return result


@functools.lru_cache(maxsize=64)
def _combined(
    excludes: tuple[str, ...],
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """One regex for the patterns matched against a name, one for those against a path."""
    patterns = [p for p in map(_normalised, excludes) if p]
    names = [_glob_regex(p).pattern for p in patterns if "/" not in p]
    paths = [_glob_regex(p).pattern for p in patterns if "/" in p]
    return (
        re.compile("|".join(f"(?:{n})" for n in names)) if names else None,
        re.compile("|".join(f"(?:{n})" for n in paths)) if paths else None,
    )


@functools.lru_cache(maxsize=8192)
def _resolved_dir(directory: str) -> Path:
    return Path(directory).resolve()


def resolved(path: Path) -> Path:
    """`path.resolve()`, memoised for the run: discovery, the cache and module
    names all ask per file, and each directory is resolved only once.

    A file that is itself a symlink is resolved in full.
    """
    return _resolved_file(os.path.abspath(path))


@functools.lru_cache(maxsize=65536)
def _resolved_file(path: str) -> Path:
    if os.path.islink(path):
        # a symlink loop resolves to itself here; the engine reports it unchecked
        with contextlib.suppress(OSError, RuntimeError):
            return Path(path).resolve()
    absolute = os.path.abspath(path)
    return _resolved_dir(os.path.dirname(absolute)) / os.path.basename(absolute)


def _relative(path: Path, root: Path) -> str:
    """The path exclusion globs match: the project path (`paths.py`), without the
    leading `/` of a file outside the root (its components still match by name)."""
    return project_path(path, root).lstrip("/")


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=directory, capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None


def _git_files(directory: Path) -> list[Path] | None:
    """Files git considers part of the tree below `directory`, or None to walk it.

    None outside a git work tree, and also when `directory` itself is ignored
    by git: naming an ignored directory on the command line asks for it.
    """
    listing = _git(
        directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."
    )
    if listing is None or listing.returncode != 0:
        return None
    if not listing.stdout:
        ignored = _git(directory, "check-ignore", "-q", ".")
        if ignored is not None and ignored.returncode == 0:
            return None
    names = [n for n in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return [directory / n for n in names]


def _walk(directory: Path, discovery: Discovery, anchor: Path | None) -> Iterable[Path]:
    for current, dirs, files in os.walk(directory):
        here = Path(current)
        dirs[:] = sorted(
            d
            for d in dirs
            if not discovery.excluded(here / d, anchor) and not (here / d / "pyvenv.cfg").exists()
        )
        for name in files:
            yield here / name


def _in_virtualenv(path: Path, stop: Path, memo: dict[Path, bool]) -> bool:
    """True when a directory between `path` and `stop` holds a `pyvenv.cfg`."""
    directory = path.parent
    if directory in memo:
        return memo[directory]
    inside = (
        directory != stop
        and stop in directory.parents
        and ((directory / "pyvenv.cfg").exists() or _in_virtualenv(directory, stop, memo))
    )
    memo[directory] = inside
    return inside


def _in_project_virtualenv(path: Path, root: Path) -> bool:
    """True when a file or folder is inside (or is) a virtualenv below the project root."""
    target = resolved(path)
    return _in_virtualenv(target if path.is_file() else target / "-", root, {})


def discover(
    paths: Sequence[Path], discovery: Discovery, force_exclude: bool = False
) -> list[Path]:
    """The sorted, de-duplicated Python files to check under `paths`."""
    _resolved_dir.cache_clear()  # directories may have moved since the last run
    _resolved_file.cache_clear()
    forget()
    found: dict[str, Path] = {}
    for path in paths:
        if not path.is_file() and not path.is_dir():
            raise UsageError(f"{path}: {_not_checkable(path) or 'not a file or directory'}")
        if force_exclude and _in_project_virtualenv(path, discovery.root):
            continue  # as a walk of the project skips it (what pre-commit hooks pass)
        if path.is_file():
            if not (force_exclude and discovery.excluded(path)):
                found.setdefault(str(resolved(path)), path)
            continue
        listed = _git_files(path)
        candidates: Iterable[Path]
        if listed is None:
            candidates = _walk(path, discovery, None if force_exclude else path)
        else:
            memo: dict[Path, bool] = {}
            candidates = (
                p
                for p in listed
                # a special file or dangling link is kept, to be reported unchecked;
                # a path git lists that is gone from the work tree is not there to check
                if p.suffix in PYTHON_SUFFIXES
                and os.path.lexists(p)
                and not p.is_dir()
                and not _in_virtualenv(p, path, memo)
            )
        for candidate in candidates:
            anchor = None if force_exclude else path
            if candidate.suffix in PYTHON_SUFFIXES and not discovery.excluded(candidate, anchor):
                found.setdefault(str(resolved(candidate)), candidate)
    return sorted(found.values(), key=lambda p: display_path(p))


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _stat_regular(path: Path) -> tuple[str | None, int]:
    """(why `path` is not a regular file that can be read, or None; its size)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop", 0
        if exc.errno == errno.ENOENT and os.path.islink(path):
            with contextlib.suppress(OSError):
                target = os.readlink(path)
                return f"a broken symlink (to {target!r}, which does not exist)", 0
        if exc.errno == errno.ENOENT:
            return "no such file or directory", 0
        return f"cannot read file: {exc.strerror or exc}", 0
    if not stat.S_ISREG(info.st_mode):
        return _kind(info.st_mode), 0
    return None, info.st_size


def _not_checkable(path: Path) -> str | None:
    """Why `path` is not a regular file that can be read, or None if it is one."""
    return _stat_regular(path)[0]


def unchecked_reason(path: Path, max_bytes: int, root: Path | None = None) -> str | None:
    """Why `path` must not be read and checked, or None when it may.

    Only a stat: a FIFO, device, socket or dangling link is never opened,
    and a file over `max_bytes` is never read. With `root`, a symlink in the
    project that leads out of it is not followed either: its target is
    outside what the user asked to check (a file named by its outside path is).
    """
    problem, size = _stat_regular(path)
    if problem is None and size > max_bytes:
        problem = too_large(size, max_bytes)
    if problem is None and root is not None:
        problem = _leads_out(path, root)
    return None if problem is None else f"not checked: {problem}"


def _leads_out(path: Path, root: Path) -> str | None:
    """Why a file inside the project by its name but outside it by a symlink is not read.

    A path that names a place outside the project without following a link
    (`../lib/x.py`, `/abs/x.py`) is the user's explicit choice and is read; one
    inside the project that a link (of the file or of a folder on its way)
    leads out of is not, as `fix` would not write it. Resolved through the
    run's memo (`resolved`), since every file is asked.
    """
    absolute = os.path.abspath(path)
    real_root = str(_resolved_dir(os.path.abspath(root)))
    if not (_below(absolute, os.path.abspath(root)) or _below(absolute, real_root)):
        return None
    target = str(resolved(path))
    if _below(target, real_root):
        return None
    return (
        f"it resolves to {target}, outside the project root, through a symlink; "
        "check that file from its own project, or exclude this path"
    )


def _below(path: str, folder: str) -> bool:
    """`path` is `folder` or inside it (both absolute, normalised)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def too_large(size: int, max_bytes: int) -> str:
    return (
        f"the file has {size} bytes, over the limit of {max_bytes} "
        "(raise `max-file-size` in [tool.guardrails], or exclude the file)"
    )


def read_source(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; OSError otherwise, whose
    `strerror` says why in words that fit after "cannot read ...: ".

    Opened without blocking and checked again after opening, so a file
    swapped for a FIFO or grown since it was looked at is refused, not
    waited on or read whole.
    """
    problem = _not_checkable(path)
    if problem is not None:
        raise OSError(errno.EINVAL, problem)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, _kind(info.st_mode))
        data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise OSError(errno.EFBIG, too_large(os.fstat(fd).st_size, max_bytes))
    return data


def module_name(path: Path, src_roots: Sequence[Path]) -> tuple[str, bool]:
    """(dotted module name, is a package `__init__`) using the longest matching src root."""
    absolute = resolved(path)
    containing = [root for root in src_roots if absolute.is_relative_to(root)]
    best = max(containing, key=lambda root: len(root.parts), default=None)
    parts = list(absolute.relative_to(best).with_suffix("").parts) if best else [absolute.stem]
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package
