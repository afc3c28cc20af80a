"""Whether a shell command string quotes every value spliced into it with `shlex.quote`.

SEC001's own remediation says: if a shell is truly needed, build the string with
`shlex.quote()` for every interpolated value. A command built exactly that way is
the recommended form, not a finding. Anything the helper cannot see through — a
plain name, a call result, a value that is not quoted — counts as unquoted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from guardrails.cst.helpers import is_literal_string

QUOTERS = frozenset({"shlex.quote", "pipes.quote"})

Resolve = Callable[[cst.BaseExpression], str | None]
"""Qualified name of an expression (the rule context's `qualified_name`)."""


def quotes_every_value(command: cst.BaseExpression, resolve: Resolve) -> bool:
    """True if `command` is built only from literals and `shlex.quote(...)` values."""
    if is_literal_string(command):
        return False  # nothing spliced in: a constant command, still a shell (SEC001)
    values = list(_interpolated(command))
    return bool(values) and all(_quoted(value, resolve) for value in values)


def _interpolated(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The values spliced into a built string; the node itself when its shape is unknown."""
    if isinstance(node, cst.FormattedString):
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                yield part.expression
    elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        right = node.right
        if isinstance(right, cst.Tuple):
            yield from (element.value for element in right.elements)
        elif isinstance(right, cst.Dict):
            yield from (e.value for e in right.elements if isinstance(e, cst.DictElement))
        else:
            yield right
    elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        for side in (node.left, node.right):
            if not is_literal_string(side):
                yield from _interpolated(side)
    elif (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in ("format", "join")
    ):
        yield from (arg.value for arg in node.args)
    else:
        yield node


def _quoted(value: cst.BaseExpression, resolve: Resolve) -> bool:
    if is_literal_string(value) or isinstance(value, (cst.Integer, cst.Float)):
        return True
    if isinstance(value, cst.Call):
        return resolve(value.func) in QUOTERS
    if isinstance(value, (cst.GeneratorExp, cst.ListComp)):
        return _quoted(value.elt, resolve)  # `" ".join(shlex.quote(a) for a in args)`
    if isinstance(value, (cst.List, cst.Tuple)):
        return all(_quoted(element.value, resolve) for element in value.elements)
    return False
