"""Replace a file only while it is still what was read: how `fix` never loses work.

A fix is computed from the bytes the backends analysed. Between that read
and the write an editor, a formatter or the user may save the file; writing
then would undo their change, or apply edits at offsets that now point
elsewhere (`except ValueError:` becoming `except Valuexceptionr:`). So the
caller takes a `Snapshot` before the file is checked — content hash plus
inode, size, mode and change times, all from one open file — and `replace`
renames the new text into place only if a snapshot taken right before the
rename is identical. The times catch a file rewritten and restored with the
same bytes, which a backend may have read in between.

POSIX has no compare-and-swap for a path: what remains is the moment between
the last comparison and the rename.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


class Refused(Exception):
    """The file was not written; the message says why, in a few words."""


CHANGED = "it changed since it was checked"


@dataclass(frozen=True)
class Snapshot:
    """One regular file as it was read, and where a write to it goes."""

    target: Path  # symlinks resolved: a write goes to the link's target, the link stays
    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int
    mode: int
    uid: int
    gid: int
    links: int
    digest: bytes  # SHA-256 of the content


def take(path: Path) -> tuple[Snapshot, bytes]:
    """The file behind `path` now, and its bytes.

    Raises OSError when it cannot be read and Refused when it is not a
    regular file (a FIFO is opened without blocking and never read).
    """
    target = Path(os.path.realpath(path))
    descriptor = os.open(target, _OPEN_FLAGS)  # the final name must still not be a link
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Refused("it is not a regular file")
        data = handle.read()
        info = os.fstat(descriptor)  # after the read: a write during it changes the times
    snapshot = Snapshot(
        target,
        info.st_dev,
        info.st_ino,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_mode,
        info.st_uid,
        info.st_gid,
        info.st_nlink,
        hashlib.sha256(data).digest(),
    )
    return snapshot, data


def unchanged(path: Path, snapshot: Snapshot) -> bool:
    """Whether `path` still leads to the very file, and bytes, of `snapshot`."""
    try:
        return take(path)[0] == snapshot
    except (OSError, Refused):
        return False


def _read_only(path: Path) -> bool:
    """No write permission for us, or none for anyone: root respects the mark too."""
    mode = path.stat().st_mode
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def replace(path: Path, snapshot: Snapshot, data: bytes) -> None:
    """Write `data` as the file `snapshot` was taken of, if it has not changed since.

    The new text goes to a temporary file beside the target with the
    target's mode and owner, is flushed to disk, and is renamed over the
    target only after a last comparison. Raises Refused (the reason) or
    OSError; either way the target is untouched and no temporary file stays.
    """
    target = snapshot.target
    if _read_only(target):
        raise Refused("it is read-only")
    if _read_only(target.parent):
        raise Refused("its folder is read-only")
    if snapshot.links > 1:
        raise Refused("it has other hard links, which would keep the old text")

    def still_as_read() -> None:
        if not unchanged(path, snapshot):
            raise Refused(CHANGED)

    write_atomically(
        target,
        data,
        mode=stat.S_IMODE(snapshot.mode),
        owner=(snapshot.uid, snapshot.gid),
        ready=still_as_read,
    )


def write_atomically(
    target: Path,
    data: bytes,
    mode: int | None = None,
    owner: tuple[int, int] | None = None,
    ready: Callable[[], None] | None = None,
    durable: bool = True,
) -> None:
    """Make `target` hold `data`, whole or not at all: the one way guardrails writes a file.

    A temporary file beside `target` gets the bytes, `mode` and `owner` (as
    far as they are given), is flushed to disk unless not `durable` (a cache
    entry, recomputed if lost), and is renamed over `target` once `ready()`
    returns (it raises to stop the write). Whatever fails, no temporary file
    stays behind.
    """
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            if owner is not None and hasattr(os, "fchown"):
                created = os.fstat(handle)
                if (created.st_uid, created.st_gid) != owner:
                    try:
                        os.fchown(handle, *owner)
                    except PermissionError:
                        raise Refused("its owner or group could not be kept") from None
            if mode is not None:
                os.chmod(temporary, mode)  # after chown, which may clear bits
            if durable:
                os.fsync(handle)
        if ready is not None:
            ready()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
