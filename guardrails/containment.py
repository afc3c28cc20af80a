"""Is this path inside the project? One answer for every surface that touches files.

The rule: no command reads, writes or deletes outside the project root
unless the user named that path on the command line. Surfaces driven by a
coding agent (the MCP tools, the edit-time hooks) and paths that come from a
configuration file (which travels with a repository the user may not have
written) are held to the root; only a path typed on the command line may
point elsewhere.

"Inside" is decided on the fully resolved location: every symlink followed
and every `..` applied, so neither `../x.py` nor an in-project symlink to
`/etc/passwd` passes as a project file.

`replace_text` is how those surfaces write a file: whole or not at all.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from guardrails.errors import GuardrailsError, UsageError
from guardrails.safewrite import write_atomically


class OutsideProject(GuardrailsError):
    """A path resolves outside the project root, where this surface may not reach."""


def resolve(path: Path) -> Path:
    """`path` with every symlink followed; an unusable name is a UsageError."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError) as exc:  # a NUL byte, a name too long
        raise UsageError(f"{str(path)!r} is not a usable path: {exc}") from None


def is_inside(path: Path, root: Path) -> bool:
    """True when `path` resolves to `root` or somewhere below it."""
    return resolve(path).is_relative_to(resolve(root))


def inside(path: Path, root: Path, what: str = "") -> Path:
    """The resolved `path`, or `OutsideProject` naming it (and `what` asked for it)."""
    target = resolve(path)
    if not target.is_relative_to(resolve(root)):
        shown = str(path) if str(path) == str(target) else f"{path} (-> {target})"
        prefix = f"{what}: " if what else ""
        raise OutsideProject(f"{prefix}{shown} is outside the project root {resolve(root)}")
    return target


def replace_text(path: Path, text: str) -> None:
    """Write `path` whole or not at all: a temporary file beside it, then one rename.

    A symlink is written through to its target (the link stays a link) and an
    existing file keeps its permissions. An `OSError` is the caller's to word.
    """
    target = resolve(path)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()  # as for any file the user creates
    write_atomically(target, text.encode("utf-8"), mode=mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
