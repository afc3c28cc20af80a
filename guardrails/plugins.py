"""Find plugins, call their hooks and build the rule registry.

Hooks are called implementation by implementation (instead of through
pluggy's fan-out call) so each rule is attributed to the plugin that
contributed it and a hook that raises is reported with the plugin's name.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib
import os
import re
import sys
from collections.abc import Iterable, Sequence
from importlib import metadata as importlib_metadata
from typing import TYPE_CHECKING, Any

import pluggy

from guardrails import backends, hookspecs, interrupts
from guardrails.config import Settings
from guardrails.diagnostics import ALWAYS_ON, ENGINE_RULES
from guardrails.errors import PluginError
from guardrails.model import BUILTIN_CATEGORIES, RULE_ID, SEVERITIES, RuleMeta
from guardrails.registry import PluginInfo, Registry

if TYPE_CHECKING:
    from guardrails.plan import Plan

BUILTIN_PLUGIN = "guardrails.rules"
ENTRY_POINT_GROUP = "guardrails"
AUTOLOAD_OFF_ENV = "GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD"
"""Set (non-empty) to skip entry-point plugins, as `PYTEST_DISABLE_PLUGIN_AUTOLOAD` does for
pytest: a run then sees only the built-in rules and the modules `plugins = [...]` names."""


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def plugin_manager(
    settings: Settings, extra: Sequence[tuple[str, Any]] = ()
) -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """Register the built-in pack, entry-point plugins, config-listed modules and `extra`.

    `extra` holds (name, plugin object) pairs registered last, as
    `guardrails.testing` does for rules under test that no package declares yet.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []

    from guardrails import _version
    from guardrails import rules as builtin

    pm.register(builtin, name=BUILTIN_PLUGIN)
    infos.append(PluginInfo(BUILTIN_PLUGIN, "builtin", _version.__version__))

    for entry in _entry_points():
        if pm.has_plugin(entry.name):
            continue
        try:
            plugin = entry.load()
        except BaseException as exc:  # `sys.exit()` at import time included
            interrupts.reraise_if_real(exc)
            raise PluginError(
                f"plugin {entry.name!r} (entry point {entry.value!r}) failed to import: "
                f"{_one_line(exc)}"
            ) from None
        version = entry.dist.version if entry.dist is not None else ""
        distribution = entry.dist.metadata["Name"] if entry.dist is not None else ""
        _register(pm, plugin, entry.name)
        infos.append(PluginInfo(entry.name, "entry-point", version, distribution or ""))

    if settings.plugins and str(settings.root) not in sys.path:
        sys.path.insert(0, str(settings.root))
    for name in settings.plugins:
        if pm.has_plugin(name):
            continue
        try:
            plugin = _import_from_project(name)
        except BaseException as exc:  # `sys.exit()` at import time included
            interrupts.reraise_if_real(exc)
            raise PluginError(
                f"plugin {name!r} listed in {settings.where('plugins')} failed to import: "
                f"{_one_line(exc)}"
            ) from None
        _register(pm, plugin, name)
        infos.append(PluginInfo(name, "config", getattr(plugin, "__version__", "")))
    for name, plugin in extra:
        _register(pm, plugin, name)
        infos.append(PluginInfo(name, "inline"))
    _require(settings, infos)
    return pm, infos


def _normalized(name: str) -> str:
    """A package or plugin name as PEP 503 compares them: `Guardrails_ACME` is `guardrails-acme`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _require(settings: Settings, infos: list[PluginInfo]) -> None:
    """Fail when a plugin named in `required-plugins` did not load.

    The usual cause is an environment built without it, such as pre-commit's isolated one
    when the hook's `additional_dependencies` does not list the plugin: the run would check
    less than CI does and pass.
    """
    loaded = {_normalized(n) for info in infos for n in (info.name, info.distribution) if n}
    for name in settings.required_plugins:
        if _normalized(name) in loaded:
            continue
        why = (
            f"{AUTOLOAD_OFF_ENV} is set, so installed plugins are not loaded"
            if not autoload_enabled()
            else f"it is not installed for {sys.executable}"
        )
        raise PluginError(
            f"plugin {name!r} is required by {settings.where('required-plugins')} but {why}; "
            "install it there (under pre-commit: add it to the hook's additional_dependencies)"
        )


def _import_from_project(name: str) -> Any:
    """Import an in-repo plugin without writing `__pycache__` into the user's project.

    A `.pyc` also records its source's mtime only to the second: an edit of the same size
    within that second would run the old rule on the next check.
    """
    previous = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        return importlib.import_module(name)
    finally:
        sys.dont_write_bytecode = previous


def autoload_enabled() -> bool:
    """Whether installed (entry-point) plugins load; read per call, as tests flip it."""
    return not os.environ.get(AUTOLOAD_OFF_ENV)


def _entry_points() -> list[importlib_metadata.EntryPoint]:
    """Installed plugins in name order; none when autoloading is switched off."""
    if not autoload_enabled():
        return []
    return sorted(importlib_metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)


def _register(pm: pluggy.PluginManager, plugin: Any, name: str) -> None:
    """Register `plugin`, refusing hooks guardrails does not have.

    pluggy accepts a `@hookimpl` whose name matches no spec (it waits for a
    spec that never comes), so a misspelt `guardrails_rule` would load with
    no rules at all: a policy set silently incomplete.
    """
    try:
        pm.register(plugin, name=name)
    except BaseException as exc:  # pluggy validates signatures here; plugin code may run too
        interrupts.reraise_if_real(exc)
        raise PluginError(f"plugin {name!r} cannot be registered: {_one_line(exc)}") from None
    known = sorted(n for n in vars(hookspecs) if n.startswith(f"{hookspecs.PROJECT}_"))
    callers = pm.get_hookcallers(plugin) or []
    for caller in callers:
        if caller.has_spec():
            continue
        close = difflib.get_close_matches(caller.name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (hooks: {', '.join(known)})"
        raise PluginError(f"plugin {name!r} implements unknown hook {caller.name!r}{hint}")
    if not callers:  # e.g. `def guardrails_rules()` without `@hookimpl`
        own = getattr(plugin, "__dict__", {})  # read, not getattr: runs no plugin code
        bare = [n for n in known if callable(own.get(n))]
        hint = f"; {bare[0]} lacks the @guardrails.hookimpl decorator" if bare else ""
        raise PluginError(f"plugin {name!r} implements no guardrails hook{hint}")


def _call_each(pm: pluggy.PluginManager, hook_name: str) -> list[tuple[str, Any]]:
    """(plugin name, result) for each implementation of a no-argument hook."""
    hook = getattr(pm.hook, hook_name)
    results = []
    for impl in hook.get_hookimpls():
        try:
            result = impl.function()
            if isinstance(result, Iterable) and not isinstance(result, (str, bytes)):
                result = list(result)  # a generator runs the plugin's code only now
        except BaseException as exc:  # `sys.exit()` in a hook included
            interrupts.reraise_if_real(exc)
            raise PluginError(
                f"plugin {impl.plugin_name!r}: hook {hook_name} raised {_one_line(exc)}"
            ) from None
        if result is None:
            continue
        if not isinstance(result, list):
            raise PluginError(
                f"plugin {impl.plugin_name!r}: hook {hook_name} returned "
                f"{type(result).__name__}, not a list"
            )
        results.append((impl.plugin_name, result))
    return results


def _validate_meta(meta: Any, plugin: str, categories: set[str]) -> RuleMeta:
    if not isinstance(meta, RuleMeta):
        raise PluginError(f"plugin {plugin!r}: rule META must be a guardrails.RuleMeta")
    problems = []
    if not RULE_ID.match(meta.id):
        problems.append(f"id {meta.id!r} is not letters followed by three digits")
    if meta.category not in categories:
        problems.append(
            f"category {meta.category!r} is unknown (declare it with guardrails_categories)"
        )
    if meta.severity not in SEVERITIES:
        problems.append(f"severity {meta.severity!r} is not one of {', '.join(SEVERITIES)}")
    if meta.fix not in ("none", "safe", "unsafe"):
        problems.append(f"fix {meta.fix!r} is not none, safe or unsafe")
    if problems:
        raise PluginError(f"plugin {plugin!r}: rule {meta.id}: " + "; ".join(problems))
    return dataclasses.replace(meta, plugin=plugin)


def build_registry(settings: Settings, extra: Sequence[tuple[str, Any]] = ()) -> Registry:
    """Load every plugin and collect its rules, rejecting collisions.

    Anything plugin code raises while loading, `SystemExit` included, is a
    one-line PluginError naming the plugin; a real Ctrl-C still interrupts.
    """
    with interrupts.watched():
        pm, infos = plugin_manager(settings, extra)
        registry = Registry(plugins=infos, always_on=ALWAYS_ON)
        for meta in ENGINE_RULES:
            registry.add(meta)
        claim = _Claims(registry, _categories(pm))
        results = functools.partial(_call_each, pm)
        for name in backends.NAMES:  # each backend reads its own hooks
            backends.backend(name).declare(results, registry, claim)
    return registry


def _categories(pm: pluggy.PluginManager) -> set[str]:
    categories = set(BUILTIN_CATEGORIES)
    for plugin, declared in _call_each(pm, "guardrails_categories"):
        for category in declared:
            if not isinstance(category, str) or not category.isidentifier():
                raise PluginError(f"plugin {plugin!r}: category {category!r} is not a name")
            categories.add(category)
    return categories


class _Claims:
    """Validates a plugin's rule metadata and rejects an id another plugin owns."""

    def __init__(self, registry: Registry, categories: set[str]) -> None:
        self.registry = registry
        self.categories = categories

    def __call__(self, meta: Any, plugin: str) -> RuleMeta:
        meta = _validate_meta(meta, plugin, self.categories)
        existing = self.registry.get(meta.id)
        if existing is not None:
            owner = existing.plugin or "guardrails"
            raise PluginError(
                f"rule id {meta.id} is defined twice: by plugin {owner!r} and by plugin {plugin!r}"
            )
        return meta


def load_plan(settings: Settings, extra: Sequence[tuple[str, Any]] = ()) -> Plan:
    """The plugins `settings` name loaded, then the plan of active rules."""
    from guardrails.plan import build_plan

    return build_plan(settings, build_registry(settings, extra))
