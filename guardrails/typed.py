"""Whether a file's code has declared itself typed.

ARC006 asks for annotations only where the project has opted into typing:
flagging every function of an untyped code base buries every other finding
and asks for a migration nobody decided on. Code declares itself typed by

- a PEP 561 `py.typed` marker in its package (or an enclosing package),
- its project's type-checker settings: mypy `strict` or
  `disallow_untyped_defs` (`pyproject.toml`, `mypy.ini`, `.mypy.ini`,
  `setup.cfg`), or pyright/basedpyright `typeCheckingMode = "strict"`
  (`pyproject.toml`, `pyrightconfig.json`),
- an inline comment in the file itself: `# mypy: disallow-untyped-defs`,
  `# mypy: strict` or `# pyright: strict`.

The project is the nearest directory above the file, and not above the
guardrails project root, holding a `pyproject.toml`, `setup.cfg`, `mypy.ini`,
`.mypy.ini`, `pyrightconfig.json`, `.git` or `.hg`: nothing outside the root
is read. Lookups are a few `stat` calls per file; parsed configuration files
are memoised by path, size and mtime, so a long-lived process sees edits.
The result cache keys each file on `surroundings_typed` too, so adding a
`py.typed` or changing type-checker settings re-checks the files it affects.
"""

from __future__ import annotations

import configparser
import functools
import json
import os
import re
from pathlib import Path

from guardrails.config import tomllib
from guardrails.discovery import read_source

_PROJECT_MARKERS = (
    "pyproject.toml",
    "setup.cfg",
    "mypy.ini",
    ".mypy.ini",
    "pyrightconfig.json",
    ".git",
    ".hg",
)
_INLINE = re.compile(r"^#\s*(mypy|pyright)\s*:\s*(.*)$", re.MULTILINE)
_MYPY_OPTIONS = ("strict", "disallow_untyped_defs")
_TRUE = frozenset({"true", "1", "yes", "on"})


_CONFIG_BYTES = 1 << 20


def declares_typed(path: str, source: str, root: Path | None = None) -> bool:
    """Whether the file at `path` with text `source` is in code declared typed."""
    return _inline_marker(source) or surroundings_typed(Path(path), root)


def surroundings_typed(path: Path, root: Path | None = None) -> bool:
    """Whether the package or project around `path` (not above `root`) declares typing."""
    folder = Path(os.path.abspath(path)).parent
    top = Path(os.path.abspath(root)) if root is not None else None
    return _in_typed_package(folder, top) or _project_typed(folder, top)


def _within(folder: Path, top: Path | None) -> bool:
    return top is None or folder == top or top in folder.parents


def _inline_marker(source: str) -> bool:
    """`# mypy: strict` / `# mypy: disallow-untyped-defs` / `# pyright: strict` in the file."""
    for tool, settings in _INLINE.findall(source):
        for setting in settings.split(","):
            name, _, value = setting.strip().partition("=")
            name = name.strip().replace("-", "_")
            if value.strip().lower() in ("false", "0"):
                continue
            wanted = _MYPY_OPTIONS if tool == "mypy" else ("strict",)
            if name in wanted:
                return True
    return False


def _in_typed_package(directory: Path, top: Path | None) -> bool:
    """A `py.typed` in this package directory or any package enclosing it."""
    # os.path's checks answer False on any OSError (an unreadable folder, say)
    while _within(directory, top) and os.path.isfile(directory / "__init__.py"):
        if os.path.isfile(directory / "py.typed"):
            return True
        if directory.parent == directory:
            break
        directory = directory.parent
    return False


def _project_typed(directory: Path, top: Path | None) -> bool:
    """The nearest project's type-checker settings require annotations."""
    for folder in (directory, *directory.parents):
        if not _within(folder, top):
            return False
        present = [folder / name for name in _PROJECT_MARKERS if os.path.exists(folder / name)]
        if present:
            files = [p for p in present if os.path.isfile(p)]
            return any(_config_typed(str(p), *_stamp(p)) for p in files)
    return False


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0)
    return (info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _config_typed(path: str, size: int, mtime_ns: int) -> bool:
    """Whether one configuration file asks for full annotations (memoised by stamp)."""
    name = os.path.basename(path)
    try:
        # bounded, regular files only: a FIFO named pyproject.toml must not hang a run
        text = read_source(Path(path), _CONFIG_BYTES).decode("utf-8")
        if name == "pyproject.toml":
            tools = tomllib.loads(text).get("tool", {})
            return _mypy_typed(tools.get("mypy", {})) or any(
                _pyright_typed(tools.get(key, {})) for key in ("pyright", "basedpyright")
            )
        if name == "pyrightconfig.json":
            return _pyright_typed(json.loads(text))
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        return parser.has_section("mypy") and _mypy_typed(dict(parser.items("mypy")))
    except (OSError, ValueError, UnicodeDecodeError, configparser.Error, AttributeError):
        return False  # an unreadable or malformed file declares nothing


def _mypy_typed(section: object) -> bool:
    if not isinstance(section, dict):
        return False
    return any(_truthy(section.get(option)) for option in _MYPY_OPTIONS)


def _pyright_typed(section: object) -> bool:
    return isinstance(section, dict) and section.get("typeCheckingMode") == "strict"


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in _TRUE
