"""`[tool.guardrails]` in pyproject.toml, validated into plain `Settings`.

Every key is checked for spelling and type here; rule ids and per-rule
options are checked once plugins are loaded (`guardrails.engine`). A problem
is a `ConfigError` whose message names the file and the key path, because a
misspelt key that is silently ignored is a policy that silently is not
enforced.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardrails.discovery import DEFAULT_MAX_FILE_SIZE
from guardrails.errors import ConfigError
from guardrails.model import SEVERITIES
from guardrails.registry import SelectionLayer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TABLE = "[tool.guardrails]"

DEFAULT_TEST_PATHS = ("tests", "test_*.py", "*_test.py", "conftest.py")
"""Globs for test code, which rules marked non-test (`skip_tests`) leave alone."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know from config and command line."""

    root: Path
    config_path: Path | None = None
    layers: tuple[SelectionLayer, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    src: tuple[Path, ...] = ()
    fail_on: str = "warning"
    plugins: tuple[str, ...] = ()
    # installed plugins the run must have (entry-point or distribution names): a pre-commit
    # environment without the org plugin fails loudly instead of checking less
    required_plugins: tuple[str, ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    baseline: Path | None = None
    cache_dir: Path | None = None  # None: <root>/.guardrails_cache
    policy_base: str | None = None  # git ref whose policy must not be weakened (GR005)
    policy_approvals: str | None = None  # approvals file, read at the policy base
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; larger files are reported unchecked
    # other linters' comments honoured as suppressions ("noqa", "nosec"); see suppressions.py
    foreign_suppressions: tuple[str, ...] = ()

    def where(self, key: str) -> str:
        """`pyproject.toml: [tool.guardrails] key` for error messages."""
        name = self.config_path.name if self.config_path else "command line"
        return f"{name}: {TABLE} {key}"


CONFIG_NAMES = ("guardrails.toml", "pyproject.toml")
"""Config files, in the order they are looked for in each folder (as Ruff prefers `ruff.toml`)."""


def config_in(directory: Path) -> Path | None:
    """The config file of `directory`: a `guardrails.toml`, or a `pyproject.toml` with a
    [tool.guardrails] table; None when it has neither."""
    for name in CONFIG_NAMES:
        candidate = directory / name
        if not candidate.is_file():
            continue
        if name != "pyproject.toml":
            return candidate
        data = _read_toml(candidate)
        if isinstance(data.get("tool"), dict) and "guardrails" in data["tool"]:
            return candidate
    return None


def find_config(start: Path, memo: dict[Path, Path | None] | None = None) -> Path | None:
    """The nearest config at or above `start`, up to the repository root.

    A folder holding `.git` is the top of the search: a config above a
    repository belongs to something else (a home folder, a parent checkout).
    `memo` (folder -> its answer) is shared by callers asking for many folders,
    so each folder's files are looked at once.
    """
    memo = {} if memo is None else memo
    if start in memo:  # a folder asked before: no stat
        return memo[start]
    start = start if start.is_dir() else start.parent
    visited: list[Path] = []
    found: Path | None = None
    for directory in (start, *start.parents):
        if directory in memo:
            found = memo[directory]
            break
        visited.append(directory)
        found = config_in(directory)
        if found is not None or (directory / ".git").exists():
            break
    for directory in visited:
        memo[directory] = found
    return found


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:  # TOML is UTF-8 by definition
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


NOT_INHERITED = ("baseline", "extend")
"""Keys `extend` does not take from the parent: a baseline records paths relative to its
own config's folder, so each project keeps its own."""

PATH_KEYS = ("src", "cache-dir")
"""Keys holding paths: relative to the folder of the config that sets them."""


def _extended(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], dict[str, Path]]:
    """The table of `path` over the tables it `extend`s; for each inherited path key,
    the folder it is relative to.

    Like Ruff's `extend`: the child's keys replace the parent's whole (a child's
    `select` is its select); tables of rule options and severities merge by rule.
    """
    table = _table(path)
    parent_name = table.get("extend")
    if parent_name is None:
        return table, {}
    check = _Checker(path)
    if not isinstance(parent_name, str):
        raise check.fail("extend", f"expected a file path, got {_describe(parent_name)}")
    parent = (path.parent / parent_name).resolve()
    if parent in seen or parent == path.resolve():
        chain = " -> ".join(str(p) for p in (*seen, path.resolve(), parent))
        raise check.fail("extend", f"configs extend each other in a cycle: {chain}")
    if not parent.is_file():
        raise check.fail("extend", f"{parent_name!r}: config file not found")
    inherited, bases = _extended(parent, (*seen, path.resolve()))
    merged = {k: v for k, v in inherited.items() if k not in NOT_INHERITED}
    bases = {k: v for k, v in bases.items() if k in merged}
    for key in PATH_KEYS:
        if key in merged and key not in bases:
            bases[key] = parent.parent
    for key, value in table.items():
        if key in ("rules", "severity") and isinstance(value, dict):
            combined = dict(merged.get(key) or {})
            combined.update(value)
            merged[key] = combined
        else:
            merged[key] = value
            bases.pop(key, None)
    return merged, bases


def _table(path: Path) -> dict[str, Any]:
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("guardrails", {})
    else:
        table = data.get("tool", {}).get("guardrails", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {TABLE} must be a table")
    return table


class _Checker:
    """Type checks that phrase failures with the file and the key path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {TABLE} {key}: {problem}")

    def str_list(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"expected a list of strings, got {_describe(value)}")
        return tuple(value)

    def choice(self, value: Any, key: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.fail(key, f"expected one of {', '.join(choices)}, got {value!r}")
        return value


def _in_project(root: Path, value: str, key: str, check: _Checker) -> Path:
    """`root / value`, refused when it resolves outside the project (or is its root).

    A config file travels with the repository; only a path the user types on
    the command line (`--cache-dir`, `--baseline`, `--out`) may point elsewhere.
    """
    from guardrails.containment import resolve
    from guardrails.errors import UsageError

    path = root / value
    try:
        target = resolve(path)
    except UsageError as exc:
        raise check.fail(key, str(exc)) from None
    if target == root:
        raise check.fail(key, f"{value!r} is the project root itself")
    if not target.is_relative_to(root):
        raise check.fail(
            key,
            f"{value!r} resolves outside the project root {root} "
            "(a path outside the project may only be given on the command line)",
        )
    return path


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


MAX_FILE_SIZE_CAP = 2**31 - 1
"""The largest `max-file-size`: Semgrep takes it as an int, and no source file is larger."""

KNOWN_KEYS = (
    "extend",
    "policy-base",
    "policy-approvals",
    "select",
    "extend-select",
    "ignore",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "src",
    "fail-on",
    "plugins",
    "required-plugins",
    "rules",
    "severity",
    "test-paths",
    "baseline",
    "cache-dir",
    "max-file-size",
    "foreign-suppressions",
)

FOREIGN_KINDS = ("noqa", "nosec")
"""Other linters' suppression comments `foreign-suppressions` may honour."""


def _foreign_kinds(table: dict[str, Any], check: _Checker) -> tuple[str, ...]:
    """`foreign-suppressions`: which other linters' comments to honour, each once."""
    kinds = check.str_list(table.get("foreign-suppressions", []), "foreign-suppressions")
    for kind in kinds:
        check.choice(kind, "foreign-suppressions", FOREIGN_KINDS)
    return tuple(dict.fromkeys(kinds))


def load_settings(
    cwd: Path,
    config: Path | None = None,
    cli: SelectionLayer | None = None,
    isolated: bool = False,
) -> Settings:
    """Read the config (explicit, or the nearest one) and merge the CLI layer."""
    path = None if isolated else (config or find_config(cwd))
    if config is not None and not config.is_file():
        raise ConfigError(f"{config}: config file not found")
    table, bases = _extended(path) if path else ({}, {})
    root = path.parent.resolve() if path else cwd.resolve()
    check = _Checker(path or Path("<defaults>"))

    def base(key: str) -> Path:
        """The folder a path-valued key is relative to: the config that set it."""
        return bases.get(key, root)

    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        raise check.fail(unknown[0], "unknown key (known keys: " + ", ".join(KNOWN_KEYS) + ")")

    def opt_list(key: str) -> tuple[str, ...] | None:
        return check.str_list(table[key], key) if key in table else None

    layer = SelectionLayer(
        select=opt_list("select"),
        extend_select=opt_list("extend-select") or (),
        ignore=opt_list("ignore") or (),
    )
    per_file: list[tuple[str, tuple[str, ...]]] = []
    raw_pfi = table.get("per-file-ignores", {})
    if not isinstance(raw_pfi, dict):
        raise check.fail("per-file-ignores", f"expected a table, got {_describe(raw_pfi)}")
    for pattern, ids in raw_pfi.items():
        per_file.append((pattern, check.str_list(ids, f"per-file-ignores.{pattern!r}")))

    src_names = opt_list("src")
    if src_names is None:
        src = (root, root / "src") if (root / "src").is_dir() else (root,)
    else:
        src = tuple((base("src") / s).resolve() for s in src_names)

    rule_options = table.get("rules", {})
    if not isinstance(rule_options, dict) or not all(
        isinstance(v, dict) for v in rule_options.values()
    ):
        raise check.fail("rules", "expected tables like [tool.guardrails.rules.SEC001]")

    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise check.fail("severity", f"expected a table of id = level, got {_describe(severity)}")
    for rule_id, level in severity.items():
        check.choice(level, f"severity.{rule_id}", SEVERITIES)

    test_paths = opt_list("test-paths")  # [] switches the test exemption off
    cache_dir = table.get("cache-dir")
    if cache_dir is not None and not isinstance(cache_dir, str):
        raise check.fail("cache-dir", f"expected a folder path, got {_describe(cache_dir)}")
    baseline = table.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise check.fail("baseline", f"expected a file path, got {_describe(baseline)}")
    policy = {}
    for key in ("policy-base", "policy-approvals"):
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise check.fail(key, f"expected a string, got {_describe(value)}")
        policy[key] = value
    max_file_size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if type(max_file_size) is not int or not 1 <= max_file_size <= MAX_FILE_SIZE_CAP:
        raise check.fail(
            "max-file-size",
            f"expected a positive number of bytes up to {MAX_FILE_SIZE_CAP}, "
            f"got {_describe(max_file_size)}",
        )
    layers = [layer]
    if cli is not None:
        layers.append(cli)
    return Settings(
        root=root,
        config_path=path,
        layers=tuple(layers),
        exclude=opt_list("exclude"),
        extend_exclude=opt_list("extend-exclude") or (),
        per_file_ignores=tuple(per_file),
        src=src,
        fail_on=check.choice(table.get("fail-on", "warning"), "fail-on", SEVERITIES),
        plugins=opt_list("plugins") or (),
        required_plugins=opt_list("required-plugins") or (),
        rule_options={k: dict(v) for k, v in rule_options.items()},
        severity=dict(severity),
        test_paths=DEFAULT_TEST_PATHS if test_paths is None else test_paths,
        baseline=_in_project(root, baseline, "baseline", check) if baseline else None,
        cache_dir=(
            _in_project(base("cache-dir"), cache_dir, "cache-dir", check) if cache_dir else None
        ),
        policy_base=policy["policy-base"],
        policy_approvals=policy["policy-approvals"],
        max_file_size=max_file_size,
        foreign_suppressions=_foreign_kinds(table, check),
    )
