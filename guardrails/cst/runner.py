"""Run every active LibCST rule on one parsed module in a single traversal.

LibCST's own batched visitor stops the whole traversal when one visitor
raises; here each handler call is guarded so a crashing rule is switched off
for the rest of the file and reported (GR003) while the other rules finish.
Positions are resolved once per file and only when something was reported.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from guardrails.cst.names import NameTracker, TrackerVisitor
from guardrails.cst.rule import CstRule, Report, RuleContext
from guardrails.registry import ActiveRule


@functools.cache
def handlers_of(cls: type) -> tuple[tuple[str, type, str], ...]:
    """(`visit`|`leave`, LibCST node class, method name) for a visitor class.

    Raises ValueError for a handler whose node class LibCST does not have, so
    a typo in a plugin rule is caught when the registry is built, not ignored.
    """
    found = []
    for attr in dir(cls):
        kind, _, node_name = attr.partition("_")
        if kind not in ("visit", "leave") or not node_name or attr.count("_") != 1:
            continue
        node_type = getattr(cst, node_name, None)
        if not (isinstance(node_type, type) and issubclass(node_type, cst.CSTNode)):
            raise ValueError(f"{cls.__name__}.{attr}: LibCST has no node class {node_name!r}")
        found.append((kind, node_type, attr))
    return tuple(found)


@dataclass
class Failure:
    """A rule that raised, and the node it was handling."""

    rule: CstRule
    node: cst.CSTNode
    error: Exception


class _Dispatcher(cst.CSTVisitor):
    """One visitor that fans each node out to every rule's handlers."""

    def __init__(self, tracker: TrackerVisitor, rules: Sequence[CstRule]) -> None:
        super().__init__()
        self._visit: dict[type, list[tuple[CstRule | None, Callable[[Any], Any]]]] = defaultdict(
            list
        )
        self._leave: dict[type, list[tuple[CstRule | None, Callable[[Any], Any]]]] = defaultdict(
            list
        )
        self.failures: dict[CstRule, Failure] = {}
        for owner, obj in [(None, tracker), *((rule, rule) for rule in rules)]:
            for kind, node_type, attr in handlers_of(type(obj)):
                table = self._visit if kind == "visit" else self._leave
                table[node_type].append((owner, getattr(obj, attr)))
        # The name tracker must leave a scope only after the rules left it.
        for handlers in self._leave.values():
            handlers.reverse()

    def _call(self, handlers: list[tuple[CstRule | None, Callable[[Any], Any]]], node: Any) -> None:
        for owner, handler in handlers:
            if owner is None:
                handler(node)
                continue
            if owner in self.failures:
                continue
            try:
                handler(node)
            except Exception as error:  # isolate the rule, keep the run going
                self.failures[owner] = Failure(owner, node, error)

    def on_visit(self, node: cst.CSTNode) -> bool:
        handlers = self._visit.get(type(node))
        if handlers:
            self._call(handlers, node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        handlers = self._leave.get(type(original_node))
        if handlers:
            self._call(handlers, original_node)

    # LibCST looks up `visit_<Node>_<attr>` handlers for every attribute of
    # every node by default; rules here never use them, so skip the lookups.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


@dataclass
class CstOutcome:
    """Reports and crashes of one file, with a way to locate nodes."""

    reports: list[Report]
    failures: list[Failure]
    positions: Callable[[cst.CSTNode], Any]


def run_rules(
    module: cst.Module,
    source: str,
    path: str,
    module_name: str,
    is_package: bool,
    active: Sequence[ActiveRule],
) -> CstOutcome:
    """Instantiate the rules for this file and traverse the module once."""
    tracker = NameTracker(module_name, is_package)
    reports: list[Report] = []
    needs = {dep for rule in active for dep in rule.impl.METADATA_DEPENDENCIES}
    wrapper: MetadataWrapper | None = None
    metadata: dict[Any, Any] = {}
    if needs:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        metadata = dict(wrapper.resolve_many(needs))
    rules = []
    for rule in active:
        context = RuleContext(
            path=path,
            module_name=module_name,
            options=rule.options,
            names=tracker,
            source=source,
            metadata=metadata,
            reports=reports,
        )
        rules.append(rule.impl(context))
    dispatcher = _Dispatcher(TrackerVisitor(tracker), rules)
    module.visit(dispatcher)
    failures = list(dispatcher.failures.values())

    resolved: dict[cst.CSTNode, Any] = {}
    if reports or failures:
        if PositionProvider in metadata:
            resolved = dict(metadata[PositionProvider])
        else:
            wrapper = wrapper or MetadataWrapper(module, unsafe_skip_copy=True)
            resolved = dict(wrapper.resolve(PositionProvider))
    return CstOutcome(reports, failures, resolved.__getitem__)
