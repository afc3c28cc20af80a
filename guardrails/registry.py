"""The loaded rules, and which of them a run activates.

Selection follows Ruff: each layer (the config file, then the command line)
may replace the set with `select`, add with `extend-select` and remove with
`ignore`; within a layer the most specific selector wins (`ignore = ["SEC"]`
with `select = ["SEC001"]` keeps SEC001; `ALL` is the least specific, and an
`ignore` beats a select of equal specificity). Selectors are ids or id
prefixes, or `ALL`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from guardrails.errors import ConfigError
from guardrails.model import Fix, RuleMeta, Violation


@dataclass(frozen=True)
class ActiveRule:
    """A rule as this run uses it: severity and options after config."""

    meta: RuleMeta
    severity: str
    options: Mapping[str, Any]
    # backend name -> what that backend runs for the rule (a CstRule class, Semgrep
    # rules and triggers, Ruff codes); only the backend reads its own entry
    implementations: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.meta.id

    def implementation(self, backend: str) -> Any:
        """What `backend` runs for this rule, or None when it does not implement it."""
        return self.implementations.get(backend)

    def violation(
        self,
        path: str,
        start: tuple[int, int],
        end: tuple[int, int],
        message: str,
        *,
        fix: Fix | None = None,
        source_line: str = "",
        backend: str = "libcst",
    ) -> Violation:
        """A finding of this rule at 1-based (line, column) positions, end exclusive."""
        return Violation(
            rule_id=self.meta.id,
            name=self.meta.name,
            category=self.meta.category,
            severity=self.severity,
            path=path,
            line=start[0],
            column=start[1],
            end_line=end[0],
            end_column=end[1],
            message=message,
            remediation=self.meta.remediation,
            docs=self.meta.docs,
            fix=fix,
            source_line=source_line,
            backend=backend,
        )


@dataclass(frozen=True)
class PluginInfo:
    """A loaded plugin: its name, where it came from and its version."""

    name: str
    source: str  # builtin | entry-point | config
    version: str = ""
    distribution: str = ""  # the installed package an entry-point plugin comes from


@dataclass
class Registry:
    """Every rule the loaded plugins contributed, by id."""

    rules: dict[str, RuleMeta] = field(default_factory=dict)
    # backend name -> rule id -> what it runs (filled by each backend's `declare`)
    implementations: dict[str, dict[str, Any]] = field(default_factory=dict)
    # rule id -> other linters' codes a backend adds to it (Ruff's mapped codes), which
    # their noqa comments may name
    foreign_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plugins: list[PluginInfo] = field(default_factory=list)
    always_on: frozenset[str] = frozenset()

    def add(self, meta: RuleMeta) -> None:
        self.rules[meta.id] = meta

    def implement(self, backend: str, rule_id: str, implementation: Any) -> None:
        self.implementations.setdefault(backend, {})[rule_id] = implementation

    def implementations_of(self, rule_id: str) -> dict[str, Any]:
        """backend name -> implementation, in the order backends were declared."""
        return {
            backend: by_rule[rule_id]
            for backend, by_rule in self.implementations.items()
            if rule_id in by_rule
        }

    def backends(self, rule_id: str) -> str:
        """Which engines implement a rule, e.g. `libcst`, `semgrep`, `libcst+ruff`."""
        return "+".join(self.implementations_of(rule_id)) or self.rules[rule_id].backend

    def get(self, rule_id: str) -> RuleMeta | None:
        return self.rules.get(rule_id)

    def sorted(self) -> list[RuleMeta]:
        return [self.rules[k] for k in sorted(self.rules)]

    def matches(self, selector: str) -> list[str]:
        """Ids a selector names: `ALL`, an exact id, or an id prefix."""
        if selector == "ALL":
            return sorted(self.rules)
        return sorted(rid for rid in self.rules if rid.startswith(selector))

    def check_selectors(self, selectors: Iterable[str], where: str) -> None:
        """Fail with the key path for a selector that names no loaded rule."""
        for selector in selectors:
            if not self.matches(selector):
                raise ConfigError(f"{where}: unknown rule id or prefix {selector!r}")


@dataclass(frozen=True)
class SelectionLayer:
    """One source of `select` / `extend-select` / `ignore` (config or CLI)."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def _specificity(selector: str) -> int:
    return -1 if selector == "ALL" else len(selector)


def select_rules(registry: Registry, layers: Sequence[SelectionLayer]) -> set[str]:
    """The ids active after applying each layer in order."""
    enabled = {rid for rid, meta in registry.rules.items() if meta.default_enabled}
    for layer in layers:
        chosen = (
            set(enabled)
            if layer.select is None
            else {rid for s in layer.select for rid in registry.matches(s)}
        )
        select_all = list(layer.select or ()) + list(layer.extend_select)
        for rid in registry.rules:
            best_select = max(
                (_specificity(s) for s in select_all if s == "ALL" or rid.startswith(s)),
                default=None,
            )
            best_ignore = max(
                (_specificity(s) for s in layer.ignore if s == "ALL" or rid.startswith(s)),
                default=None,
            )
            if best_select is not None and (best_ignore is None or best_select > best_ignore):
                chosen.add(rid)
            elif best_ignore is not None and (best_select is None or best_ignore >= best_select):
                chosen.discard(rid)
        enabled = chosen
    return enabled | set(registry.always_on)


def make_violation(
    rule: ActiveRule | RuleMeta,
    path: str,
    start: tuple[int, int],
    end: tuple[int, int],
    message: str,
    lines: Sequence[str],
    fix: Any = None,
    backend: str = "libcst",
) -> Violation:
    """A Violation for a rule (or an engine diagnostic's meta) with its source line."""
    active = rule if isinstance(rule, ActiveRule) else ActiveRule(rule, rule.severity, {})
    line = start[0]
    source = lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else ""
    return active.violation(path, start, end, message, fix=fix, source_line=source, backend=backend)
