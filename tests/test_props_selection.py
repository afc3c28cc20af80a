"""Property: layered select / extend-select / ignore resolve as a model of Ruff's semantics."""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from guardrails.config import Settings, load_settings
from guardrails.model import RuleMeta
from guardrails.plan import build_plan
from guardrails.plugins import build_registry
from guardrails.registry import Registry, SelectionLayer, select_rules


def model(
    rules: Mapping[str, bool], always_on: frozenset[str], layers: Sequence[SelectionLayer]
) -> set[str]:
    """The documented semantics, written independently of guardrails.registry.

    `rules` maps each id to whether it is on by default. Per layer, in order
    (docs/configuration.md "Selecting rules", Ruff's `RuleSelection` resolution): walk the
    layer's selectors from least to most specific (`ALL` least, then by
    prefix length; an exact id is the longest prefix of itself); at each
    level first every select / extend-select marks its rules on, then every
    ignore marks its rules off, so a later (more specific) mark overrides an
    earlier one and an ignore beats a select of equal specificity. A layer
    with `select` replaces the set with the rules marked on; one without
    applies its marks to the set it inherits. Always-on rules (GR001, GR003)
    stay on whatever the layers say.

    Ruff also carries the ignores of a `select = []` layer over to the next
    one, to chain `extend`ed config files; guardrails has no `extend` and does
    not document that, so the model does not do it.
    """

    def specificity(selector: str) -> int:
        return 0 if selector == "ALL" else len(selector)

    def matching(selector: str) -> list[str]:
        return [rid for rid in rules if selector == "ALL" or rid.startswith(selector)]

    enabled = {rid for rid, on in rules.items() if on}
    for layer in layers:
        selects = [*(layer.select or ()), *layer.extend_select]
        marks: dict[str, bool] = {}
        for level in sorted({specificity(s) for s in [*selects, *layer.ignore]}):
            for selector in selects:
                if specificity(selector) == level:
                    marks.update(dict.fromkeys(matching(selector), True))
            for selector in layer.ignore:
                if specificity(selector) == level:
                    marks.update(dict.fromkeys(matching(selector), False))
        if layer.select is not None:
            enabled = {rid for rid, on in marks.items() if on}
        else:
            enabled |= {rid for rid, on in marks.items() if on}
            enabled -= {rid for rid, on in marks.items() if not on}
    return enabled | always_on


@functools.lru_cache(maxsize=1)
def _real_registry() -> Registry:
    return build_registry(Settings(root=Path(__file__).resolve().parent))


def _toy_registry() -> Registry:
    """Real-looking ids, two of them off by default, GR001 always on."""
    registry = Registry(always_on=frozenset({"GR001"}))
    for rule_id in ("SEC001", "SEC002", "SEC010", "REL001", "REL002", "REL003", "OBS001", "GR001"):
        off = rule_id in ("SEC010", "REL003")
        registry.add(
            RuleMeta(rule_id, "n", "security", "warning", "s", "w", "r", default_enabled=not off)
        )
    return registry


SELECTORS = (
    "ALL",
    "S",
    "SEC",
    "SEC0",
    "SEC00",
    "SEC001",
    "SEC002",
    "SEC01",
    "SEC010",
    "R",
    "REL",
    "REL00",
    "REL001",
    "REL003",
    "OBS",
    "OBS001",
    "GR",
    "GR001",
)

_selector_lists = st.lists(st.sampled_from(SELECTORS), max_size=4).map(tuple)
_layers = st.lists(
    st.builds(
        SelectionLayer,
        select=st.none() | _selector_lists,
        extend_select=_selector_lists,
        ignore=_selector_lists,
    ),
    max_size=3,
)


def _defaults(registry: Registry) -> dict[str, bool]:
    return {rid: meta.default_enabled for rid, meta in registry.rules.items()}


@settings(max_examples=300, deadline=None, database=None)
@given(layers=_layers)
@example(layers=[SelectionLayer(extend_select=("SEC001",), ignore=("ALL",))])
@example(layers=[SelectionLayer(select=("SEC",), ignore=("SEC",))])
@example(layers=[SelectionLayer(select=("ALL",), ignore=("S",))])
@example(layers=[SelectionLayer(select=(), ignore=("SEC",)), SelectionLayer(extend_select=("S",))])
def test_selection_matches_the_model_on_toy_rules(layers: list[SelectionLayer]) -> None:
    registry = _toy_registry()
    expected = model(_defaults(registry), registry.always_on, layers)
    assert select_rules(registry, layers) == expected


@settings(max_examples=150, deadline=None, database=None)
@given(layers=_layers)
def test_selection_matches_the_model_on_the_real_rules(layers: list[SelectionLayer]) -> None:
    """Through `build_plan`, as a run resolves it (every selector names a loaded rule)."""
    registry = _real_registry()
    plan = build_plan(
        Settings(root=Path(__file__).resolve().parent, layers=tuple(layers)), registry
    )
    expected = model(_defaults(registry), registry.always_on, layers)
    assert {rule.id for rule in plan.rules} == expected


def _toml(layer: SelectionLayer) -> str:
    """The layer as a [tool.guardrails] table (a JSON list of strings is TOML too)."""
    lines = ["[tool.guardrails]"]
    for key, value in (
        ("select", layer.select),
        ("extend-select", layer.extend_select),
        ("ignore", layer.ignore),
    ):
        if value is not None and (value or key == "select"):
            lines.append(f"{key} = {json.dumps(list(value))}")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, database=None)
@given(layers=_layers.filter(lambda found: 1 <= len(found) <= 2))
def test_pyproject_and_command_line_layers_match_the_model(layers: list[SelectionLayer]) -> None:
    """The first layer written to pyproject.toml and read back, the second as the CLI's."""
    registry = _real_registry()
    config, *cli = layers
    with tempfile.TemporaryDirectory(prefix="guardrails-props-") as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text(_toml(config), encoding="utf-8")
        loaded = load_settings(root, cli=cli[0] if cli else None)
        plan = build_plan(loaded, registry)
    expected = model(_defaults(registry), registry.always_on, layers)
    assert {rule.id for rule in plan.rules} == expected
