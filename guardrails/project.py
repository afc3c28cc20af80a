"""Facts about the project at the root that rules may use: the commands it declares.

Read from the root's pyproject.toml (`[project.scripts]`, `[project.gui-scripts]`,
`*commands` entry-point groups) and from installed `*.dist-info/entry_points.txt`
at the root (a checked site-packages or unpacked wheel). The result cache keys
on them too, so adding a script re-checks the files it exempts.
"""

from __future__ import annotations

import configparser
import functools
import sys
from collections.abc import Iterator
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the declared tomli dependency on 3.10
    import tomli as tomllib

_SCRIPT_GROUPS = ("console_scripts", "gui_scripts")


def _is_script_group(group: str) -> bool:
    """Groups whose entries run as commands: scripts, and plugin commands (`celery.commands`)."""
    return group in _SCRIPT_GROUPS or group.endswith("commands")


def _target_module(target: str) -> str:
    """`pkg.cli:main` -> `pkg.cli` (extras such as `[socks]` dropped)."""
    return target.split("[", 1)[0].split(":", 1)[0].strip()


def _from_pyproject(path: Path) -> Iterator[str]:
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    if not isinstance(project, dict):
        return
    groups = {
        "console_scripts": project.get("scripts"),
        "gui_scripts": project.get("gui-scripts"),
    }
    entry_points = project.get("entry-points")
    if isinstance(entry_points, dict):
        groups.update(entry_points)
    for group, table in groups.items():
        if _is_script_group(group) and isinstance(table, dict):
            yield from (_target_module(t) for t in table.values() if isinstance(t, str))


def _from_entry_points_txt(path: Path) -> Iterator[str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return
    for group in parser.sections():
        if _is_script_group(group):
            yield from (_target_module(t) for t in parser[group].values())


def declared_entry_modules(root: Path) -> frozenset[str]:
    """Modules the project at `root` declares as commands.

    Read again only when pyproject.toml or the root folder (a dist-info added
    or removed) changes, so a long-running server sees an edited pyproject.
    """
    return _read_entry_modules(root, _stamp(root / "pyproject.toml"), _stamp(root))


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=32)
def _read_entry_modules(root: Path, *stamps: int) -> frozenset[str]:
    found: set[str] = set(_from_pyproject(root / "pyproject.toml"))
    for listing in sorted(root.glob("*.dist-info/entry_points.txt")):
        found.update(_from_entry_points_txt(listing))
    return frozenset(name for name in found if name)
