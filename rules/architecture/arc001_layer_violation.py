"""ARC001 layer-violation: a module importing from a higher layer than its own."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import libcst as cst
from guardrails.rules._shared.imports import imported_modules

from guardrails.cst.rule import CstRule
from guardrails.model import Example, Option, RuleMeta


def _unique_layers(value: Any) -> str | None:
    seen: set[str] = set()
    for layer in value:
        if layer in seen:
            return f"layer {layer!r} is listed twice"
        seen.add(layer)
    return None


def _layer_of(module: str, layers: list[str]) -> int | None:
    """Index of the most specific layer containing `module`, if any."""
    best: tuple[int, int] | None = None
    for index, layer in enumerate(layers):
        contains = module == layer or module.startswith(layer + ".")
        if contains and (best is None or len(layer) > best[1]):
            best = (index, len(layer))
    return best[0] if best else None


EXAMPLE_LAYERS = {
    "layers": ["app.types", "app.config", "app.repo", "app.service", "app.runtime", "app.ui"]
}


class LayerViolation(CstRule):
    META = RuleMeta(
        id="ARC001",
        name="layer-violation",
        category="architecture",
        severity="error",
        summary="A module imports from a higher layer than its own, per the configured ordered "
        "`layers`, directly or through modules in no layer (the chain is named).",
        why="Layers only stay replaceable and testable while dependencies point one way; an "
        "upward import ties low-level code to the application around it and soon becomes a "
        "cycle.",
        instead="Import only from lower layers; have the higher layer pass its pieces in.",
        remediation="Depend downward only: move the shared piece into the lower layer, or have "
        "the higher layer pass it in (a parameter, a protocol, a callback).",
        bad=(
            Example(
                "from app.service.billing import charge  # bad\n\n\n"
                "def save(order) -> None:\n    charge(order)\n",
                path="app/repo/orders.py",
                options=EXAMPLE_LAYERS,
            ),
            Example(
                "from .. import runtime  # bad\n\nSETTING = runtime.DEFAULTS\n",
                path="app/config/defaults.py",
                options=EXAMPLE_LAYERS,
            ),
        ),
        good=(
            Example(
                "from collections.abc import Callable\n\nfrom app.types import Order\n\n\n"
                "def save(order: Order, charge: Callable[[Order], None]) -> None:\n"
                "    charge(order)\n",
                path="app/repo/orders.py",
                options=EXAMPLE_LAYERS,
            ),
            Example(
                "from app.repo.orders import save\nfrom app.types import Order\n\n\n"
                "def place(order: Order) -> None:\n    save(order)\n",
                path="app/service/orders.py",
                options=EXAMPLE_LAYERS,
            ),
            Example(
                "import json\n\nfrom app.types import Order\n\n\n"
                "def load(raw: str) -> Order:\n    return Order(**json.loads(raw))\n",
                path="app/repo/orders.py",
                options=EXAMPLE_LAYERS,
            ),
        ),
        references=("https://import-linter.readthedocs.io/en/stable/contract_types.html#layers",),
        options=(
            Option(
                "layers",
                list,
                [],
                "module prefixes ordered lowest first; a module may import its own layer or "
                "lower ones",
                item_kind=str,
                weaker="layers",  # dropping or reordering a layer allows more imports
                check=_unique_layers,
            ),
        ),
    )
    TRIGGERS = ("import",)

    def _check(self, node: cst.Import | cst.ImportFrom) -> None:
        layers = self.options["layers"]
        own = _layer_of(self.context.module_name, layers)
        if own is None:
            return
        for module, where in imported_modules(self, node):
            target = _layer_of(module, layers)
            if target is not None and target > own:
                self.report(
                    where,
                    f"`{self.context.module_name}` (layer {layers[own]}) imports `{module}` from "
                    f"the higher layer {layers[target]}",
                )
                return

    def visit_Import(self, node: cst.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check(node)

    @classmethod
    def wants_imports(cls, options: Mapping[str, Any]) -> bool:
        return bool(options["layers"])

    @classmethod
    def check_imports(cls, graph: Any, options: Mapping[str, Any]) -> Iterator[tuple[Any, str]]:
        """Indirect upward imports: a chain through modules in no layer (import-linter's
        layers contract). A chain through another layer's module is that module's finding."""
        layers = options["layers"]
        for higher in reversed(range(len(layers))):
            chains = graph.shortest_chains(
                lambda m, h=higher: _layer_of(m, layers) == h,
                lambda m: _layer_of(m, layers) is None,
            )
            for module, chain in sorted(chains.items()):
                own = _layer_of(module, layers)
                if own is None or own >= higher or len(chain) < 3:
                    continue
                message = (
                    f"`{module}` (layer {layers[own]}) depends on `{chain[-1]}` (layer "
                    f"{layers[higher]}) through {' -> '.join(chain)}"
                )
                yield chain, message
