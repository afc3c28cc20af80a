"""Per-file result cache, so an unchanged file costs a hash and a read.

A file's entry is keyed by a digest of its bytes *and* of everything else
that can change its findings: the guardrails version, every loaded plugin
and its version, the content of the rule code, the active rules with their
severity and options, the settings that scope rules (test paths, per-file
ignores, source roots) and the file's path from the project root and module
name (ARC001/ARC002 depend on them), and the commands the project declares
(entry modules exempt OBS001/REL011/ARC005). Entries
hold the file's final findings — after every backend and suppressions — so
only changed files go to LibCST, Semgrep and Ruff. A file with a dated
suppression (`until=`) records the day its findings stop holding; after that
day the entry is a miss.

Nothing in a key says where or when: no absolute path, no mtime. A cache
restored on another CI runner, at another checkout path or on another
branch finds the entries of every file whose content and settings match,
and the findings read back are renamed as this run shows the file.

Writes are atomic (temporary file + rename), so a run killed at any point
leaves either the old entry or the new one. A missing, corrupt or
unreadable entry is a miss; an unwritable cache directory produces one
warning and the run goes on uncached. The directory holds its own
`.gitignore`.

The folder is marked as guardrails' own with a `CACHEDIR.TAG` (the cache
directory tag convention, plus a guardrails line) when it is created, and
guardrails writes entries only into a folder it created, an empty one, or
one carrying its tag: pointing `cache-dir` at the project (or any folder of
the user's) must never scatter entries and a `.gitignore` of `*` in it.
`guardrails clean` deletes only such a tagged folder (`removable`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from guardrails import backends
from guardrails._version import __version__
from guardrails.backends.process import content_digest
from guardrails.discovery import read_source
from guardrails.model import Edit, Fix, Violation
from guardrails.project import declared_entry_modules
from guardrails.safewrite import write_atomically

FORMAT = 5  # 4: violations as rows of field values in `Violation` order; 5: suppressed_by
_FIELDS = tuple(f.name for f in dataclasses.fields(Violation))
_FIX = _FIELDS.index("fix")
_INTS = frozenset({"line", "column", "end_line", "end_column"})
_TYPES: list[type | None] = [
    None if name == "fix" else int if name in _INTS else str for name in _FIELDS
]
"""The exact type of each field of a row (the fix is checked on its own)."""
_MAX_ENTRY_BYTES = 256 * 1024 * 1024
_EDIT_INTS = ("start_line", "start_column", "end_line", "end_column")


def code_digest(module_names: Sequence[str]) -> str:
    """The content of the source files of the given modules' packages, each named by its
    path inside its package.

    Versions alone miss in-repo plugins and editable installs, whose rules
    change without a version bump. Content, not (path, mtime): the same code
    installed at another place, or checked out later, is the same key, so a
    cache restored on another CI runner is used (hashed once per process while
    a file's stat is unchanged).
    """
    digest = hashlib.sha256()
    for name in sorted(set(module_names)):
        module = sys.modules.get(name)
        location = getattr(module, "__file__", None)
        if not location:
            continue
        path = Path(location)
        root = path.parent if path.name == "__init__.py" else path
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for file in files:
            if file.suffix in (".py", ".yaml", ".yml") and file.is_file():
                inside = file.relative_to(root).as_posix() if root.is_dir() else file.name
                digest.update(f"{name}\0{inside}\0{content_digest(file)}\n".encode())
    return digest.hexdigest()


def _identity(value: Any) -> Any:
    """How a backend's implementation of a rule enters the run key: a class by its
    qualified name (its module's code is digested separately), data as data."""
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return repr(value)


def run_key(plan: Any, plugins: Sequence[Any]) -> str:
    """A digest of everything besides a file's bytes that decides its findings."""
    settings = plan.settings
    modules = (
        ["guardrails", "guardrails.rules"]
        + [
            module
            for r in plan.rules
            for impl in r.implementations.values()
            if (module := getattr(impl, "__module__", None))
        ]
        + [p.name for p in plugins]
    )
    state = {
        "format": FORMAT,
        "version": __version__,
        "code": code_digest(modules),
        "plugins": sorted((p.name, p.version, p.source) for p in plugins),
        "rules": [
            (
                r.id,
                r.severity,
                sorted((k, repr(v)) for k, v in r.options.items()),
                json.dumps(
                    {name: impl for name, impl in sorted(r.implementations.items())},
                    sort_keys=True,
                    default=_identity,
                ),
                r.meta.subsumes,
                r.meta.foreign_codes,
            )
            for r in plan.rules
        ],
        "test_paths": settings.test_paths,
        "per_file_ignores": settings.per_file_ignores,
        # where the project is checked out is no part of it: the cache travels
        "src": [_from_root(s, settings.root) for s in settings.src],
        "entry_points": sorted(declared_entry_modules(settings.root)),
        # a new ruff or semgrep (another path, a replaced binary, an upgrade
        # behind a shim) can find other things in the same bytes
        "backends": backends.identities(plan.rules),
        "max_file_size": getattr(settings, "max_file_size", None),
        "foreign_suppressions": getattr(settings, "foreign_suppressions", ()),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def _from_root(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def directory_for(settings: Any, override: Path | None = None) -> Path:
    """Where the cache lives: `--cache-dir`, else `cache-dir`, else `.guardrails_cache`."""
    return override or settings.cache_dir or settings.root / ".guardrails_cache"


def for_plan(plan: Any, override: Path | None = None) -> Cache:
    """The cache a run of `plan` reads and writes."""
    bound = None if override else plan.settings.root  # a folder named on the command line: any
    return Cache(directory_for(plan.settings, override), run_key(plan, plan.plugins), bound=bound)


def _row(violation: Violation) -> list[Any]:
    """A violation as its field values in order: no key repeated per finding.

    A warm run decodes every entry; rows are a third smaller than objects
    and build a Violation without keyword matching.
    """
    row = [getattr(violation, name) for name in _FIELDS]
    row[_FIX] = violation.fix.to_dict() if violation.fix is not None else None
    return row


def _violation(row: Any) -> Violation:
    """The Violation a row stores; ValueError for anything not exactly of this format.

    Every field's type is checked: a row of the right shape with a wrong
    type (hand-edited, or written by another version) is a miss, never a
    Violation that breaks sorting or reporting later.
    """
    if type(row) is not list or len(row) != len(_FIELDS):
        raise ValueError("not an entry of this format")
    types: list[type | None] = list(map(type, row))  # exact types: a bool is not an int
    types[_FIX] = None  # checked by `_fix`
    if types != _TYPES:
        raise ValueError("a field of the wrong type")
    fix = row[_FIX]
    if fix is not None:
        row[_FIX] = _fix(fix)
    return Violation(*row)


def _fix(data: Any) -> Fix:
    if type(data) is not dict or type(data.get("edits")) is not list:
        raise ValueError("not a fix")
    edits = []
    for edit in data["edits"]:
        if type(edit) is not dict or set(edit) != {*_EDIT_INTS, "content"}:
            raise ValueError("not an edit")
        if any(type(edit[k]) is not int for k in _EDIT_INTS) or type(edit["content"]) is not str:
            raise ValueError("not an edit")
        edits.append(Edit(**edit))
    if data.get("applicability") not in ("safe", "unsafe"):
        raise ValueError("not a fix")
    if type(data.get("description")) is not str:
        raise ValueError("not a fix")
    return Fix(tuple(edits), data["applicability"], data["description"])


TAG = "CACHEDIR.TAG"
_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_OWNER = "# guardrails-cache: this folder is guardrails' result cache"
TAG_TEXT = (
    f"{_SIGNATURE}\n"
    f"{_OWNER}; `guardrails clean` deletes it.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
IGNORE_TEXT = "# created by guardrails\n*\n"
_LEGACY_NAMES = (re.compile(r"v\d+"), re.compile(r"[0-9a-f]{2}"), re.compile(r"[0-9a-f]{64}\.json"))


class NotACache(Exception):
    """The cache folder exists and holds something guardrails did not put there."""


def is_tagged(directory: Path) -> bool:
    """True when `directory` carries guardrails' cache tag (a regular file, not a link)."""
    tag = directory / TAG
    try:
        if tag.is_symlink() or not tag.is_file():
            return False
        with tag.open(encoding="utf-8", errors="replace") as handle:
            text = handle.read(4096)
    except OSError:
        return False
    return text.startswith(_SIGNATURE) and _OWNER in text


def is_legacy(directory: Path) -> bool:
    """A cache written before the tag existed: our `.gitignore` and entries, nothing else.

    The shape is checked all the way down (`v4/ab/<sha256>.json`, temporary
    `*.tmp` files), so a folder of the user's never passes for one.
    """

    def only(folder: Path, depth: int) -> bool:
        for item in os.scandir(folder):
            if item.is_symlink():
                return False
            if depth == 2:
                ok = item.is_file() and (
                    _LEGACY_NAMES[2].fullmatch(item.name) or item.name.endswith(".tmp")
                )
            else:
                ok = item.is_dir() and _LEGACY_NAMES[depth].fullmatch(item.name)
                ok = bool(ok) and only(Path(item.path), depth + 1)
            if not ok:
                return False
        return True

    ignore = directory / ".gitignore"
    try:
        if ignore.is_symlink() or not ignore.is_file():
            return False
        if ignore.read_text(encoding="utf-8") != IGNORE_TEXT:
            return False
        rest = [e for e in os.scandir(directory) if e.name != ".gitignore"]
        return all(
            not e.is_symlink() and e.is_dir() and _LEGACY_NAMES[0].fullmatch(e.name)
            for e in rest
        ) and all(only(Path(e.path), 1) for e in rest)
    except (OSError, UnicodeDecodeError):
        return False


def claim(directory: Path) -> None:
    """Make `directory` the cache folder: create and tag it, or raise `NotACache`.

    A folder is taken only if this call created it, or it is empty, already
    tagged, or an untagged cache of an older guardrails (which gets the tag).
    """
    try:
        directory.mkdir(parents=True)
        ours = True
    except FileExistsError:
        if not directory.is_dir():
            raise
        ours = False
    if not ours and not is_tagged(directory):
        # a concurrent run may be tagging it: its temporary tag does not count
        others = [e for e in os.listdir(directory) if not e.startswith(f".{TAG}.")]
        if others and not is_legacy(directory):
            raise NotACache(
                f"{directory} is not a guardrails cache folder (no {TAG}) and is not empty"
            )
    if not is_tagged(directory):
        write_atomically(directory / TAG, TAG_TEXT.encode("utf-8"), durable=False)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text(IGNORE_TEXT, encoding="utf-8")


def removable(directory: Path, root: Path, config: Path | None) -> Path:
    """The folder `guardrails clean` may delete, resolved; a `UsageError` says why not.

    Only a tagged (or older, recognisably guardrails-shaped) cache folder, and
    never the project root, a folder above it, the working directory's folder
    or one holding the configuration file, whatever the tag says.
    """
    from guardrails.containment import resolve
    from guardrails.errors import UsageError

    if directory.is_symlink():
        raise UsageError(f"{directory} is a symlink; name the cache folder itself")
    target = resolve(directory)
    if not target.is_dir():
        raise UsageError(f"{directory} is not a folder; not deleting it")
    for kept, what in (
        (resolve(root), "the project root"),
        (resolve(Path.cwd()), "the working directory"),
        (resolve(config) if config else None, "the configuration file"),
    ):
        if kept is not None and kept.is_relative_to(target):
            raise UsageError(f"{directory} holds {what}; not deleting it")
    if not (is_tagged(target) or is_legacy(target)):
        raise UsageError(
            f"{directory} is not marked as a guardrails cache (no {TAG}); not deleting it"
        )
    return target


def remove(directory: Path, root: Path, config: Path | None) -> None:
    """Delete the cache folder, if `removable` allows; a failure is one `UsageError`."""
    import shutil

    from guardrails.errors import UsageError

    target = removable(directory, root, config)
    try:
        shutil.rmtree(target)
    except OSError as exc:
        raise UsageError(f"cannot delete {directory}: {exc.strerror or exc}") from None


def prune(directory: Path, root: Path, config: Path | None, days: float) -> tuple[int, int]:
    """Delete the entries no run has read or written for `days` days: (deleted, kept).

    Entries are keyed by content, so a cache that CI restores and saves run
    after run keeps every old file version's entry; this keeps it to what is
    still used (a read touches its entry). The folder must be one `clean` may
    delete (`removable`); only entry files in the cache's own layout are
    looked at, never followed through a link.
    """
    import time

    target = removable(directory, root, config)
    cutoff = time.time() - days * 86400
    deleted = kept = 0
    for version in _folders(target, _LEGACY_NAMES[0]):
        for bucket in _folders(Path(version.path), _LEGACY_NAMES[1]):
            for item in os.scandir(bucket.path):
                if not (_LEGACY_NAMES[2].fullmatch(item.name) or item.name.endswith(".tmp")):
                    continue
                if item.is_symlink() or not item.is_file(follow_symlinks=False):
                    continue
                if item.stat(follow_symlinks=False).st_mtime < cutoff:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(item.path)
                    deleted += 1
                else:
                    kept += 1
    return deleted, kept


def _folders(directory: Path, name: re.Pattern[str]) -> list[os.DirEntry[str]]:
    return [
        item
        for item in os.scandir(directory)
        if name.fullmatch(item.name) and item.is_dir(follow_symlinks=False)
    ]


@dataclasses.dataclass
class Cache:
    """Entries under `directory`, for one run key."""

    directory: Path
    key: str
    enabled: bool = True
    warning: str | None = None  # set once when writing fails; the CLI prints it
    claimed: bool = False  # the folder was made (or found) guardrails' own this run
    bound: Path | None = None  # the folder must resolve inside this one (the project root)

    def __post_init__(self) -> None:
        from guardrails.containment import is_inside

        if self.bound is not None and not is_inside(self.directory, self.bound):
            self.enabled = False  # e.g. a committed `.guardrails_cache` symlink leading out
            self.warning = f"cache disabled: {self.directory} resolves outside the project root"

    def entry(self, relative: str, module: str, data: bytes, facts: str = "") -> Path:
        """Where the findings for this content at this project path are stored.

        `relative` is the path from the project root, never the shown or absolute
        one: the same checkout at another place, or run from another folder, finds
        the same entry. `facts` are what rules read about the file's surroundings
        besides its bytes (e.g. whether its package declares typing), so changing
        them re-checks it."""
        digest = hashlib.sha256()
        for part in (self.key, relative, module, facts):
            # surrogateescape: a file name need not be UTF-8 (its bytes come back as-is)
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        name = digest.hexdigest()
        return self.directory / f"v{FORMAT}" / name[:2] / f"{name}.json"

    def get(
        self, entry: Path, today: datetime.date | None = None, shown: str | None = None
    ) -> list[Violation] | None:
        """The stored findings, or None when missing, foreign or past their `valid_until`.

        `shown`: how this run names the file; the entry may have been written by a
        run that named it otherwise (from another folder, another checkout)."""
        if not self.enabled:
            return None
        try:
            # never a blocking or unbounded read: an entry replaced by a FIFO or a
            # link to a device is a miss like any other foreign entry
            data = json.loads(read_source(entry, _MAX_ENTRY_BYTES).decode("utf-8"))
            until = data["valid_until"]
            if until is not None and datetime.date.fromisoformat(until) < (
                today or datetime.date.today()
            ):
                return None  # a suppression in the file expired since
            if type(data["violations"]) is not list:
                return None
            found = [_violation(item) for item in data["violations"]]
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None  # missing, partial or foreign: recompute
        with contextlib.suppress(OSError):
            os.utime(entry)  # used: `prune` keeps what runs still read
        if shown is not None:
            found = [v if v.path == shown else dataclasses.replace(v, path=shown) for v in found]
        return found

    def put(
        self,
        entry: Path,
        violations: Sequence[Violation],
        valid_until: datetime.date | None = None,
    ) -> None:
        """Store a file's findings; `valid_until` is the last day they hold unchanged."""
        if not self.enabled or any(v.rule_id == "GR003" for v in violations):
            return  # a crash may not repeat; never cache it
        payload = json.dumps(
            {
                "valid_until": valid_until.isoformat() if valid_until else None,
                "violations": [_row(v) for v in violations],
            }
        )
        try:
            if not self.claimed:
                claim(self.directory)
                self.claimed = True
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(entry, payload.encode("utf-8"), durable=False)
        except OSError as exc:
            self.enabled = False
            self.warning = f"cache disabled, cannot write {self.directory}: {exc.strerror or exc}"
        except NotACache as exc:
            self.enabled = False
            self.warning = f"cache disabled: {exc}; pass another --cache-dir"
