"""What a guardrails plugin may contribute: the table of contents of the plugin API.

A plugin is any module (or object) with functions decorated by `hookimpl`
whose names match the specs below. guardrails finds plugins in three places:

1. the built-in pack, `guardrails.rules`, registered through these same hooks;
2. installed packages that declare an entry point in the `guardrails` group,
   e.g. in the plugin's `pyproject.toml`::

       [project.entry-points.guardrails]
       acme = "acme_guardrails"

3. modules named in `plugins = [...]` under `[tool.guardrails]`, imported
   with the config file's directory on `sys.path` (for in-repo plugins).

Every hook is called once per run, while the rule registry is built, before
any file is read. A hook that raises stops the run with exit code 2 and a
one-line error naming the plugin: a policy set must never be silently
incomplete.

Example plugin module::

    from guardrails import hookimpl
    from .rules import TracedHandlers

    @hookimpl
    def guardrails_rules():
        return [TracedHandlers]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from guardrails.cst.rule import CstRule
    from guardrails.model import RuffMapping

PROJECT = "guardrails"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def guardrails_rules() -> Sequence[type[CstRule]]:
    """Return the LibCST rule classes this plugin contributes.

    Each class subclasses `guardrails.CstRule` and sets `META` to a
    `guardrails.RuleMeta` whose id is unique across every loaded plugin
    (a collision is an error naming both plugins). Called once per run.
    """


@hookspec
def guardrails_categories() -> Sequence[str]:
    """Return extra rule categories this plugin introduces (e.g. `compliance`).

    The built-in categories are security, observability, reliability and
    architecture; a rule whose category is neither built in nor declared by
    some plugin is rejected when the registry is built. Called once per run.
    """


@hookspec
def guardrails_semgrep_rule_dirs() -> Sequence[str | Path]:
    """Return directories of Semgrep YAML rules this plugin contributes.

    Every `*.yaml`/`*.yml` file below each directory is read. Each Semgrep
    rule names the guardrails rule it implements in `metadata.guardrails.id`;
    exactly one Semgrep rule per guardrails id also carries that rule's
    documentation (`name`, `category`, `severity`, `summary`, `why`,
    `remediation`, `bad`, `good`, `references`, `fix`) — see
    `guardrails/backends/semgrep.py`. Optional `triggers` name strings or
    regexes without which the rule cannot match: the rule then runs only on
    files holding them. A rule's own `paths:` globs are anchored at the
    project root. A YAML or metadata error stops the run with exit code 2
    naming the plugin and the file. Called once per run.
    """


@hookspec
def guardrails_ruff_mappings() -> Sequence[RuffMapping]:
    """Return Ruff codes that back guardrails rules (`guardrails.RuffMapping`).

    `RuffMapping("REL005", ("DTZ003", "DTZ005"), meta=RuleMeta(...))` defines
    a new Ruff-backed rule; without `meta` the codes are added to an existing
    rule of any plugin. Ruff runs once per run, isolated from the user's Ruff
    config and `# noqa`, with only the mapped codes of active rules; each
    result is reported under the guardrails id. Called once per run.
    """
