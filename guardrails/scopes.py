"""Which configuration each file is checked with: the nearest one, as Ruff does.

A monorepo holds several projects, each with its own `[tool.guardrails]`
(rules, per-file-ignores, baseline). Every file is checked with the nearest
config at or above it, up to the repository root (`config.find_config`);
a file with none uses the configuration of where the command ran. So
`guardrails check services/orders` from the repository root (as pre-commit
runs it) and `guardrails check` inside `services/orders` give the same
findings per file.

A `Scope` is one configuration and the files it checks; the pipeline runs
once per scope (`guardrails.service`). `--config` and `--isolated` ask for one
configuration for every file, so they make one scope.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guardrails.config import Settings, find_config, load_settings
from guardrails.discovery import Discovery, resolved
from guardrails.plan import Plan, discovery_for
from guardrails.plugins import load_plan
from guardrails.registry import SelectionLayer


@dataclass
class Scope:
    """One configuration (its settings and active rules) and the files it checks."""

    settings: Settings
    plan: Plan
    files: list[Path] = field(default_factory=list)


def scopes_for(
    files: Sequence[Path],
    invocation: Settings,
    invocation_plan: Plan,
    named: Sequence[Path] = (),
    selection: SelectionLayer | None = None,
    single: bool = False,
    force_exclude: bool = False,
    plans: Callable[[Settings], Plan] = load_plan,
) -> list[Scope]:
    """`files` grouped by the config each is checked with, the invocation's scope first.

    A file found by walking a folder is dropped when its own config excludes
    it; one the user `named` is always checked (unless `force_exclude`), as
    with the invocation's config. `plans` gives each config's active rules (a warm
    engine's, already loaded).
    """
    top = Scope(invocation, invocation_plan)
    if single:
        top.files = list(files)
        return [top]
    by_config: dict[Path | None, Scope] = {invocation.config_path: top}
    memo: dict[Path, Path | None] = {}  # folder -> its nearest config, each looked at once
    explicit = {str(resolved(path)) for path in named if path.is_file()}
    exclusions: dict[Path, Discovery] = {}
    for path in files:
        folder = os.path.dirname(os.path.abspath(path))
        config = find_config(Path(folder), memo) or invocation.config_path
        scope = by_config.get(config)
        if scope is None:
            assert config is not None  # None is the invocation's own scope
            settings = load_settings(config.parent, config=config, cli=selection)
            scope = by_config[config] = Scope(settings, plans(settings))
            exclusions[config] = discovery_for(settings)
        walked = force_exclude or str(resolved(path)) not in explicit
        if config in exclusions and walked and exclusions[config].excluded(path):
            continue  # its own config excludes it
        scope.files.append(path)
    return [scope for scope in by_config.values() if scope.files or scope is top]
