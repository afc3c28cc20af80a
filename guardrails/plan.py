"""Settings + registry -> the plan a run checks every file with.

`build_plan` validates what the config says about rules (ids, prefixes,
options) against what the loaded plugins registered, and picks the active
rules with their effective severity and options.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from guardrails.config import Settings
from guardrails.discovery import DEFAULT_EXCLUDES, Discovery, glob_match
from guardrails.errors import ConfigError
from guardrails.model import Option, RuleMeta
from guardrails.precedence import closure
from guardrails.registry import ActiveRule, PluginInfo, Registry, select_rules


@dataclass(frozen=True)
class Plan:
    """What every file of a run is checked with (picklable for workers)."""

    settings: Settings
    rules: tuple[ActiveRule, ...]
    known_ids: frozenset[str]
    plugins: tuple[PluginInfo, ...] = ()
    # rule id -> other linters' codes its backends add (`Registry.foreign_codes`)
    backend_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @functools.cached_property
    def subsumes(self) -> dict[str, frozenset[str]]:
        """Each active rule's subsumed ids, transitively (see `guardrails.precedence`)."""
        return closure({r.id: r.meta.subsumes for r in self.rules})

    @functools.cached_property
    def foreign_codes(self) -> dict[str, frozenset[str]]:
        """Each active rule's `# noqa`/`# nosec` codes: declared ones and mapped Ruff codes."""
        codes = {
            r.id: frozenset((*r.meta.foreign_codes, *self.backend_codes.get(r.id, ())))
            for r in self.rules
        }
        return {rule_id: found for rule_id, found in codes.items() if found}

    def is_test(self, relative: str) -> bool:
        """Whether a root-relative path is test code (`test-paths`)."""
        return any(glob_match(p, relative) for p in self.settings.test_paths)

    def applicable_ids(self, relative: str) -> set[str]:
        """Ids of the active rules that apply to a root-relative path."""
        return {r.id for r in self.rules_for(relative)}

    def rules_for(self, relative: str, is_test: bool | None = None) -> list[ActiveRule]:
        """Active rules that apply to this root-relative path.

        Drops rules named by matching `per-file-ignores`, and rules marked
        non-test when the path matches `test-paths`.
        """
        ignored: set[str] = set()
        for pattern, ids in self.settings.per_file_ignores:
            if glob_match(pattern, relative):
                ignored.update(ids)
        if is_test is None:
            is_test = self.is_test(relative)
        return [
            r
            for r in self.rules
            if not (is_test and r.meta.skip_tests)
            and not any(sel == "ALL" or r.id.startswith(sel) for sel in ignored)
        ]


def _check_option(meta: RuleMeta, option: Option, value: Any, where: str) -> Any:
    expected = option.kind
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if ok and expected is list and option.item_kind is not None:
        ok = all(isinstance(item, option.item_kind) for item in value)
    if ok and expected is dict and option.item_kind is not None:
        ok = all(isinstance(item, option.item_kind) for item in value.values())
    if not ok:
        kind = expected.__name__ + (f" of {option.item_kind.__name__}" if option.item_kind else "")
        raise ConfigError(f"{where}: expected {kind}, got {type(value).__name__} {value!r}")
    problem = option.check(value) if option.check is not None else None
    if problem:
        raise ConfigError(f"{where}: {problem}")
    return value


def _severity_order(item: tuple[str, str]) -> int:
    """`[tool.guardrails.severity]` entries apply least specific first: `ALL`, then by length."""
    return -1 if item[0] == "ALL" else len(item[0])


def build_plan(settings: Settings, registry: Registry) -> Plan:
    """Validate ids and options against the registry; pick the active rules.

    Pure: the registry comes from `plugins.build_registry` (or `plugins.load_plan`
    does both), so the plan, and a worker that only needs it, loads no plugin."""
    names = ("select", "extend-select", "ignore")
    for index, layer in enumerate(settings.layers):
        prefix = "--" if index > 0 else ""
        for key, selectors in zip(
            names, (layer.select or (), layer.extend_select, layer.ignore), strict=True
        ):
            where = f"command line {prefix}{key}" if index > 0 else settings.where(key)
            registry.check_selectors(selectors, where)
    for pattern, ids in settings.per_file_ignores:
        registry.check_selectors(ids, settings.where(f"per-file-ignores.{pattern!r}"))
    for rule_id in settings.severity:
        registry.check_selectors([rule_id], settings.where(f"severity.{rule_id}"))
    for rule_id, values in settings.rule_options.items():
        meta = registry.get(rule_id)
        if meta is None:
            raise ConfigError(f"{settings.where('rules.' + rule_id)}: unknown rule id {rule_id!r}")
        known = {o.name: o for o in meta.options}
        for key, value in values.items():
            where = settings.where(f"rules.{rule_id}.{key}")
            if key not in known:
                choices = ", ".join(sorted(known)) or "none"
                raise ConfigError(f"{where}: unknown option for {rule_id} (options: {choices})")
            _check_option(meta, known[key], value, where)

    active_ids = select_rules(registry, settings.layers)
    rules = []
    for rule_id in sorted(active_ids):
        meta = registry.rules[rule_id]
        severity = meta.severity
        for selector, level in sorted(settings.severity.items(), key=_severity_order):
            if selector == "ALL" or rule_id.startswith(selector):
                severity = level
        options = {**meta.option_defaults(), **settings.rule_options.get(rule_id, {})}
        rules.append(
            ActiveRule(
                meta,
                severity,
                options,
                registry.implementations_of(rule_id),
            )
        )
    return Plan(
        settings,
        tuple(rules),
        frozenset(registry.rules),
        tuple(registry.plugins),
        dict(registry.foreign_codes),
    )


def discovery_for(settings: Settings) -> Discovery:
    """File exclusion for a run: configured `exclude` (or the defaults) + `extend-exclude`."""
    excludes = settings.exclude if settings.exclude is not None else DEFAULT_EXCLUDES
    return Discovery(settings.root, tuple(excludes) + settings.extend_exclude)
