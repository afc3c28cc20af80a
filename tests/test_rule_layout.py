"""The built-in pack's layout: a maintainer finds a rule's code from its id without searching.

Each rule lives in `rules/<category>/<id>_<name>.py` (`.yaml` for a Semgrep-backed rule), one
rule per file; what several rules share lives in `rules/_shared/`; `rules/__init__.py` lists
every rule, and the lists agree with the folders. The pack is a plugin like any other: it
reaches no private name of guardrails, so an org plugin can do whatever a built-in rule does.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import guardrails.rules as pack
import pytest
import yaml

from guardrails.cst.rule import CstRule
from guardrails.model import RuffMapping, RuleMeta

RULES = Path(pack.__file__).resolve().parent
SHARED = "_shared"


def _stem(meta: RuleMeta) -> str:
    return f"{meta.id.lower()}_{meta.name.replace('-', '_')}"


def _modules() -> list[ModuleType]:
    """Every module of the pack, found by walking its folders (not by its lists)."""
    found = pkgutil.walk_packages(pack.__path__, prefix=f"{pack.__name__}.")
    return [importlib.import_module(info.name) for info in found]


def _defined(module: ModuleType) -> list[CstRule | RuffMapping]:
    """The LibCST rules and Ruff mappings a module defines (not those it imports)."""
    rules: list = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, CstRule)
        and value.__module__ == module.__name__
        and "META" in vars(value)
    ]
    rules += [value for value in vars(module).values() if isinstance(value, RuffMapping)]
    return rules


def _documented_ids(path: Path) -> list[str]:
    """Guardrails ids whose documentation a Semgrep YAML file carries."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    metas = [(rule.get("metadata") or {}).get("guardrails") or {} for rule in data["rules"]]
    return [meta["id"] for meta in metas if len(meta) > 1]


def _yaml_files() -> list[Path]:
    return sorted(p for p in RULES.rglob("*") if p.suffix in (".yaml", ".yml"))


def _where(path: Path) -> tuple[str, ...]:
    return path.resolve().relative_to(RULES).parts


def test_every_cst_rule_lives_in_its_category_folder_named_after_its_id_and_name() -> None:
    for rule in pack.CST_RULES:
        path = Path(importlib.import_module(rule.__module__).__file__ or "")
        assert _where(path) == (rule.META.category, f"{_stem(rule.META)}.py"), rule.META.id


def test_every_ruff_mapping_lives_in_its_category_folder_named_after_its_id_and_name() -> None:
    homes = {id(item): module for module in _modules() for item in _defined(module)}
    for mapping in pack.MAPPINGS:
        assert mapping.meta is not None, f"{mapping.rule_id}: a built-in mapping defines its rule"
        path = Path(homes[id(mapping)].__file__ or "")
        assert _where(path) == (mapping.meta.category, f"{_stem(mapping.meta)}.py")


def test_every_semgrep_rule_file_is_one_rule_named_after_its_id_and_name() -> None:
    files = _yaml_files()
    assert files, "the Semgrep-backed rules are gone"
    for path in files:
        ids = _documented_ids(path)
        assert len(ids) == 1, f"{path.name}: one rule per file, it documents {ids}"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        implements = {rule["metadata"]["guardrails"]["id"] for rule in data["rules"]}
        assert implements == set(ids), f"{path.name}: every Semgrep rule in it is {ids[0]}"
        rule = next(
            rule["metadata"]["guardrails"]
            for rule in data["rules"]
            if len(rule["metadata"]["guardrails"]) > 1
        )
        stem = f"{rule['id'].lower()}_{rule['name'].replace('-', '_')}"
        assert _where(path) == (rule["category"], f"{stem}.yaml")


def test_one_rule_per_module_and_nothing_else_in_the_category_folders() -> None:
    seen: dict[str, str] = {}
    for module in _modules():
        parts = _where(Path(module.__file__ or ""))
        if parts[0] == SHARED:
            assert not _defined(module), f"{module.__name__}: a rule belongs in its category"
            continue
        if len(parts) == 1 or parts[-1] == "__init__.py":
            continue
        defined = _defined(module)
        assert len(defined) == 1, f"{module.__name__}: one rule per module, not {defined}"
        rule = defined[0]
        rule_id = rule.rule_id if isinstance(rule, RuffMapping) else rule.META.id
        assert rule_id not in seen, f"{rule_id} in both {seen.get(rule_id)} and {module.__name__}"
        seen[rule_id] = module.__name__
    for path in _yaml_files():
        (rule_id,) = _documented_ids(path)
        assert rule_id not in seen, f"{rule_id} in both {seen.get(rule_id)} and {path.name}"
        seen[rule_id] = path.name
    categories = {p.name for p in RULES.iterdir() if p.is_dir() and p.name[0].isalpha()}
    assert categories == set(pack.CATEGORIES)
    for category in pack.CATEGORIES:
        for path in (RULES / category).iterdir():
            if path.name in ("__init__.py", "__pycache__"):
                continue
            assert path.stem.split("_")[0].upper() in seen, f"{path}: not a rule's file"


def test_the_explicit_lists_register_exactly_the_rules_in_the_folders() -> None:
    walked = [item for module in _modules() for item in _defined(module)]
    assert {r for r in walked if not isinstance(r, RuffMapping)} == set(pack.CST_RULES)
    assert len(pack.CST_RULES) == len(set(pack.CST_RULES))
    assert {id(m) for m in walked if isinstance(m, RuffMapping)} == {id(m) for m in pack.MAPPINGS}
    given = [Path(d) for d in pack.guardrails_semgrep_rule_dirs()]
    reached = {p for d in given for p in d.rglob("*") if p.suffix in (".yaml", ".yml")}
    assert reached == set(_yaml_files())
    assert len(reached) == sum(1 for d in given for _ in d.rglob("*.y*ml"))  # no folder twice


def test_a_rule_module_says_in_one_line_what_its_rule_catches() -> None:
    for module in _modules():
        defined = _defined(module)
        if len(defined) != 1:
            continue
        rule = defined[0]
        meta = rule.meta if isinstance(rule, RuffMapping) else rule.META
        assert meta is not None
        first = (module.__doc__ or "").split("\n", 1)[0]
        assert first.startswith(f"{meta.id} {meta.name}: ") and first.endswith("."), first


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _private_reaches(path: Path) -> list[str]:
    """Private names of guardrails a rule module imports or reaches through its context."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules: list[str] = []
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules, names = [node.module], [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        for module in modules:
            if module.split(".")[0] != "guardrails":
                continue
            own = module.removeprefix(f"{pack.__name__}.{SHARED}")  # the pack's own helpers
            parts = own.split(".") + names
            found += [f"{module}: {p}" for p in parts if p.startswith("_") and not _dunder(p)]
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            chain, value = [], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if {"context", "names"} & set(chain) and not _dunder(node.attr):
                found.append(f"line {node.lineno}: .{'.'.join(reversed(chain))}.{node.attr}")
    return found


@pytest.mark.parametrize("path", sorted(RULES.rglob("*.py")), ids=lambda p: str(_where(p)))
def test_no_rule_module_uses_a_private_name_of_guardrails(path: Path) -> None:
    assert _private_reaches(path) == []


def test_the_private_name_check_sees_imports_and_context_reaches(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from guardrails.cst.names import _dotted\n"
        "from guardrails._version import __version__\n"
        "from guardrails.rules._shared.loggers import logging_call\n"
        "from guardrails.rules._shared.loggers import _KNOWN_LOGGERS\n"
        "import guardrails.cst.traverse\n"
        "base = self.context.names._import_from_base(node)\n"
        "depth = self._depth\n"
    )
    assert _private_reaches(sample) == [
        "guardrails.cst.names: _dotted",
        "guardrails._version: _version",
        "guardrails.rules._shared.loggers: _KNOWN_LOGGERS",
        "line 6: .context.names._import_from_base",
    ]
