"""Read-only tree walks in source order, for the engine and for rules.

`CSTNode.visit` is built for transformers: it rebuilds every node it passes
(and validates it again), which makes a nested `node.visit(visitor)` inside
a rule cost about three times a plain walk of the same subtree. Rules only
read, so the engine and rule helpers walk with `walk(node, visitor)` here:
the same `visit_<Node>` / `leave_<Node>` / `on_visit` protocol as a LibCST
`CSTVisitor` (a `visit_` returning False skips the children), without the
rebuild.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import libcst as cst


def _concrete_node_types() -> frozenset[type]:
    """Every LibCST node class: a set lookup is far cheaper than the ABC isinstance."""
    found: set[type] = set()
    pending = [cst.CSTNode]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return frozenset(found)


NODE_TYPES = _concrete_node_types()

FIELD_ORDER: dict[type, tuple[str, ...]] = {}
"""Per-class memo of `_learn_field_order`: a pure function of LibCST's code."""


class _FieldRecorder(cst.CSTVisitor):
    """Records the order in which LibCST visits one node's fields."""

    def __init__(self, node: cst.CSTNode) -> None:
        super().__init__()
        self.node = node
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return node is self.node

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if node is self.node:
            self.fields.append(attribute)


def _learn_field_order(node: cst.CSTNode) -> tuple[str, ...]:
    """A node class's child fields in source order, as LibCST's own visit uses it.

    LibCST announces every field (present or not) through
    `on_visit_attribute`, so one instance teaches the order for its class.
    Fields it does not announce but that hold nodes go last.
    """
    recorder = _FieldRecorder(node)
    node.visit(recorder)
    order = list(dict.fromkeys(recorder.fields))
    order += [f.name for f in dataclasses.fields(node) if f.name not in order]
    return tuple(order)


def field_order(node: cst.CSTNode) -> tuple[str, ...]:
    """The names of `node`'s fields that may hold children, in source order."""
    node_type = type(node)
    order = FIELD_ORDER.get(node_type)
    if order is None:
        order = FIELD_ORDER[node_type] = _learn_field_order(node)
    return order


def _node_types_in(annotation: Any) -> frozenset[type] | None:
    """The concrete node classes a field annotation admits; None if it cannot tell."""
    origin = typing.get_origin(annotation)
    if origin is None:
        if isinstance(annotation, type):
            return _node_subclasses(annotation)  # str, bool, None, MaybeSentinel: none
        return None
    if origin is typing.Literal:
        return frozenset()
    found: set[type] = set()
    for argument in typing.get_args(annotation):
        types = _node_types_in(argument)
        if types is None:
            return None
        found |= types
    return frozenset(found)


@functools.cache
def _node_subclasses(cls: type) -> frozenset[type]:
    return frozenset(t for t in NODE_TYPES if issubclass(t, cls))


@functools.cache
def field_types(node_type: type) -> dict[str, frozenset[type] | None]:
    """Per field of a node class, the node classes its annotation admits (None: any)."""
    try:
        hints = typing.get_type_hints(node_type)
    except (NameError, TypeError):  # an annotation that does not resolve: assume anything
        return {}
    return {name: _node_types_in(hint) for name, hint in hints.items()}


def reaches(node_type: type, handled: frozenset[type]) -> bool:
    """Whether a `node_type` node is, or may hold below it, a node of a `handled` class.

    Searches LibCST's field annotations depth-first and stops at the first
    handled class, so it reads the annotations of only a few classes.
    """
    seen = {node_type}
    pending = [node_type]
    while pending:
        current = pending.pop()
        if current in handled:
            return True
        if not dataclasses.is_dataclass(current):
            return True  # cannot tell: assume it matters
        fields = field_types(current)
        for field in dataclasses.fields(current):
            types = fields.get(field.name)
            if types is None or not types.isdisjoint(handled):
                return True
            for found in types - seen:
                seen.add(found)
                pending.append(found)
    return False


def pruned_order(node_type: type, enter: Mapping[type, bool]) -> tuple[str, ...]:
    """`node_type`'s child fields in source order, minus those that cannot matter.

    A field is dropped when no class it admits, nor anything below one, has a
    handler in `handled`: mostly whitespace, commas and operators, over half
    of all nodes, which a walk for a rule set without comment handlers need
    not enter. `enter` says, per class, whether it may be or hold a handled
    node (an `Entered`, which remembers each answer). `FIELD_ORDER` must
    already know `node_type`.
    """
    fields = field_types(node_type)
    kept = []
    for name in FIELD_ORDER[node_type]:
        types = fields.get(name)
        if types is None or any(enter[t] for t in types):
            kept.append(name)
    return tuple(kept)


class Entered(dict[type, bool]):
    """Per class, whether a walk for `handled` must step into a child of that class.

    Filled on first sight of each class (anything that is not a node class
    maps to False), so a walk pays one dict lookup per child and leaves like
    numbers, names and operators that nothing handles cost no call. `fields`
    keeps, per class, the fields such a walk reads (`pruned_order`), filled
    by the walk as it meets each class.
    """

    def __init__(self, handled: frozenset[type]) -> None:
        super().__init__()
        self.handled = handled
        self.fields: dict[type, tuple[str, ...]] = {}

    def __missing__(self, node_type: type) -> bool:
        enter = self[node_type] = node_type in NODE_TYPES and reaches(node_type, self.handled)
        return enter


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node`'s direct children in source order (like `node.children`, without codegen)."""
    for name in FIELD_ORDER.get(type(node)) or field_order(node):
        value = getattr(node, name)
        if type(value) in NODE_TYPES:
            yield value
        elif type(value) is tuple or type(value) is list:
            for item in value:
                if type(item) in NODE_TYPES:
                    yield item


def walk(node: cst.CSTNode, visitor: Any) -> None:
    """Visit `node` and its descendants with a `CSTVisitor`, read-only.

    Calls `visitor.on_visit(node)` (a `CSTVisitor` dispatches it to
    `visit_<Node>`; False skips the children) and `visitor.on_leave(node)`.
    """
    if visitor.on_visit(node) is False:
        visitor.on_leave(node)
        return
    for child in children(node):
        walk(child, visitor)
    visitor.on_leave(node)
