"""Small questions LibCST rules keep asking about calls, literals and scripts.

Public for plugin authors: `from guardrails.cst.helpers import keyword`.
"""

from __future__ import annotations

import libcst as cst

_EMPTY_MODULE = cst.Module(body=[])


def code_of(node: cst.CSTNode) -> str:
    """The source text of a node, as written."""
    return _EMPTY_MODULE.code_for_node(node)


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    """The `name=` argument of a call, if passed explicitly."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional(call: cst.Call, index: int) -> cst.Arg | None:
    """The `index`-th positional argument, unless a `*args` comes first."""
    count = 0
    for arg in call.args:
        if arg.keyword is not None or arg.star == "**":
            continue
        if arg.star == "*":
            return None
        if count == index:
            return arg
        count += 1
    return None


def argument(call: cst.Call, name: str, index: int | None = None) -> cst.Arg | None:
    """An argument given by keyword `name` or at position `index`."""
    found = keyword(call, name)
    if found is None and index is not None:
        found = positional(call, index)
    return found


def has_star_args(call: cst.Call) -> bool:
    """True if `*args` or `**kwargs` could supply any argument."""
    return any(arg.star in ("*", "**") for arg in call.args)


def kwargs_may_supply(call: cst.Call, name: str) -> bool:
    """True if a `**mapping` argument could pass `name=` (a dict literal is read)."""
    for arg in call.args:
        if arg.star != "**":
            continue
        if isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                if isinstance(element, cst.StarredDictElement):
                    return True
                key = string_value(element.key)
                if key is None or key == name:
                    return True
            continue
        return True
    return False


def is_true(node: cst.BaseExpression) -> bool:
    """A literal truthy constant (`True`, non-zero number)."""
    if isinstance(node, cst.Name):
        return node.value == "True"
    if isinstance(node, cst.Integer):
        return node.value not in ("0", "0x0", "0o0", "0b0")
    return False


def is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def is_false(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value in ("False", "None")
    return isinstance(node, cst.Integer) and node.value == "0"


def literal_value(node: cst.SimpleString) -> str | bytes:
    """`node.evaluated_value`, without its cost in the common case.

    LibCST evaluates a string literal with `ast.literal_eval`, which compiles
    it: a parse per string. A literal without escapes (or a raw one) and
    without carriage returns is its text between the quotes, so only the
    others take that path.
    """
    raw = node.value
    start = 0
    while raw[start] not in "'\"":
        start += 1
    prefix = raw[:start].lower()
    quote = raw[start : start + 3] if raw[start : start + 3] in ('"""', "'''") else raw[start]
    body = raw[start + len(quote) : len(raw) - len(quote)]
    if "\r" in body or ("\\" in body and "r" not in prefix):
        return node.evaluated_value
    if "b" in prefix:
        return body.encode("ascii") if body.isascii() else node.evaluated_value
    return body


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain or implicitly concatenated string literal, else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = literal_value(node) if type(node) is cst.SimpleString else node.evaluated_value
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return value
    return None


def is_literal_string(node: cst.BaseExpression) -> bool:
    """A string whose content is fixed in the source: literals, `+` of literals,
    and f-strings without placeholders."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        if isinstance(node, cst.ConcatenatedString):
            return is_literal_string(node.left) and is_literal_string(node.right)
        return True
    if isinstance(node, cst.FormattedString):
        return all(isinstance(p, cst.FormattedStringText) for p in node.parts)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return is_literal_string(node.left) and is_literal_string(node.right)
    return False


def is_dynamic_string(node: cst.BaseExpression) -> str | None:
    """How a string is built at run time: 'f-string', '%', '.format', '+', else None."""
    if isinstance(node, cst.FormattedString):
        if any(isinstance(p, cst.FormattedStringExpression) for p in node.parts):
            return "an f-string"
        return None
    if isinstance(node, cst.ConcatenatedString):
        return is_dynamic_string(node.left) or is_dynamic_string(node.right)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Modulo) and _stringish(node.left):
            return "%-formatting"
        if (
            isinstance(node.operator, cst.Add)
            and (_stringish(node.left) or _stringish(node.right))
            and not is_literal_string(node)
        ):
            return "string concatenation"
        return None
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in ("format", "format_map")
    ):
        return "str.format()"
    return None


def _stringish(node: cst.BaseExpression) -> bool:
    """A string literal, f-string, or an expression built from one."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Modulo)):
        return _stringish(node.left) or _stringish(node.right)
    return False


def is_main_guard(node: cst.If) -> bool:
    """`if __name__ == "__main__":` (either operand order)."""
    test = node.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    if not isinstance(test.comparisons[0].operator, cst.Equal):
        return False
    sides = (test.left, test.comparisons[0].comparator)
    names = [s.value for s in sides if isinstance(s, cst.Name)]
    strings = [literal_value(s) for s in sides if isinstance(s, cst.SimpleString)]
    return names == ["__name__"] and strings == ["__main__"]


def has_main_guard(module: cst.Module) -> bool:
    """A module with a top-level `if __name__ == "__main__":` is a script."""
    return any(isinstance(s, cst.If) and is_main_guard(s) for s in module.body)


def clip(text: str, limit: int = 40) -> str:
    """Source text shortened to one line of at most `limit` characters, for a message.

    `clip(code_of(node))` quotes a construct in a finding without letting a
    long expression take over the line.
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
