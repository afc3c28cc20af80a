"""Shortcuts the engine and rules take must give what LibCST itself gives."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from guardrails.cst.helpers import literal_value
from guardrails.cst.traverse import (
    Entered,
    children,
    field_order,
    field_types,
    pruned_order,
)

LITERALS = [
    "'plain'",
    '""',
    "''''''",
    '"""triple\nline"""',
    "r'\\d+\\''",
    "R'\\n'",
    "b'bytes'",
    "Rb'\\x00'",
    'B"\\x00"',
    "u'unicode é'",
    "'escape \\n\\t\\x41\\u00e9\\N{BULLET}'",
    "'continued \\\nline'",
    "'''crlf\r\ninside'''",
    "'quote \\' inside'",
    "b'\\xff'",
]


@pytest.mark.parametrize("literal", LITERALS)
def test_literal_value_equals_libcst(literal: str) -> None:
    node = cst.parse_expression(literal)
    assert isinstance(node, cst.SimpleString)
    assert literal_value(node) == node.evaluated_value


def _strings(node: cst.CSTNode) -> list[cst.SimpleString]:
    found, pending = [], [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.SimpleString):
            found.append(current)
        pending.extend(children(current))
    return found


def test_literal_value_equals_libcst_on_stdlib_strings() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    checked = 0
    for name in ("argparse.py", "re/_parser.py", "email/_header_value_parser.py", "tokenize.py"):
        path = stdlib / name
        if not path.exists():
            continue
        for node in _strings(cst.parse_module(path.read_text(encoding="utf-8"))):
            assert literal_value(node) == node.evaluated_value, node.value
            checked += 1
    assert checked > 1000


def _stdlib_modules() -> list[cst.Module]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    names = ("argparse.py", "asyncio/base_events.py", "typing.py", "email/_header_value_parser.py")
    return [
        cst.parse_module((stdlib / n).read_text(encoding="utf-8"))
        for n in names
        if (stdlib / n).exists()
    ]


def test_node_fields_hold_only_what_their_annotations_admit() -> None:
    """The walk skips fields by LibCST's annotations; real trees must obey them."""
    checked = 0
    for module in _stdlib_modules():
        pending: list[cst.CSTNode] = [module]
        while pending:
            node = pending.pop()
            field_order(node)
            for name, admitted in field_types(type(node)).items():
                value = getattr(node, name, None)
                values = value if isinstance(value, (list, tuple)) else [value]
                for item in values:
                    if isinstance(item, cst.CSTNode):
                        assert admitted is None or type(item) in admitted, (type(node), name)
                        checked += 1
            pending.extend(children(node))
    assert checked > 10_000


class _Seen(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.seen.append(f"comment {node.value}")

    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(f"name {node.value}")

    def visit_Call(self, node: cst.Call) -> None:
        self.seen.append("call")


@pytest.mark.parametrize("handled", [(cst.Name, cst.Call), (cst.Name, cst.Call, cst.Comment)])
def test_a_pruned_walk_reaches_every_handled_node(handled: tuple[type, ...]) -> None:
    source = (
        "# top\nx = f(a,  # after a\n      b, 1 + 2.0)  # end\nclass C:\n    # inside\n"
        "    def g(self, y=[i for i in z]): return {k: v for k, v in w}  # tail\n"
    )
    module = cst.parse_module(source)
    expected = _Seen()
    module.visit(expected)
    wanted = [s for s in expected.seen if s.split()[0] in {t.__name__.lower() for t in handled}]
    seen: list[str] = []
    enter = Entered(frozenset(handled))
    assert not enter[cst.SimpleWhitespace]  # a leaf nothing handles
    assert not enter[tuple]
    # A number's parentheses may hold comments: entered only when comments matter.
    assert enter[cst.Integer] == (cst.Comment in handled)

    def walk(node: cst.CSTNode) -> None:
        if type(node) in handled:
            seen.append(
                f"{type(node).__name__.lower()} {node.value}" if hasattr(node, "value") else "call"
            )
        field_order(node)
        for name in pruned_order(type(node), enter):
            value = getattr(node, name)
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if enter[type(item)]:
                    walk(item)

    walk(module)
    assert seen == wanted
    assert len(seen) > 10


KEY_SAMPLES = {
    "an AWS access key id": "id AKIA" + "Z7Q4MBN2XR5TL6PW here",
    "a private key": "-----BEGIN OPENSSH PRIVATE" + " KEY-----",
    "a GitHub token": "ghs_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "a Slack token": "xoxb-" + "1234567890-abcdef",
    "a Stripe live key": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "a Google API key": "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
}


def test_every_key_format_passes_the_prefilter() -> None:
    """SEC004 only runs the key patterns on strings the one-search hint lets through."""
    from guardrails.rules.security.sec004_hardcoded_secret import (
        KEY_FORMAT_HINT,
        KNOWN_KEY_FORMATS,
    )

    assert {label for label, _ in KNOWN_KEY_FORMATS} == set(KEY_SAMPLES)
    for label, pattern in KNOWN_KEY_FORMATS:
        sample = KEY_SAMPLES[label]
        assert pattern.search(sample), label
        assert KEY_FORMAT_HINT.search(sample), label


def _expression(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


def test_public_name_helpers_plugins_share_with_the_built_in_rules() -> None:
    from guardrails.cst.names import snake, terminal_name

    assert terminal_name(_expression("token")) == "token"
    assert terminal_name(_expression("self.config.api_key")) == "api_key"
    assert terminal_name(_expression("settings['password']")) == "password"
    assert terminal_name(_expression("settings[b'password']")) is None
    assert terminal_name(_expression("settings[key]")) is None
    assert terminal_name(_expression("load()")) is None
    assert [snake(n) for n in ("authToken", "AUTH_TOKEN", "auth-token", "_auth__token_")] == [
        "auth_token"
    ] * 4


def test_import_from_base_resolves_relative_levels_from_the_module() -> None:
    from guardrails.cst.names import NameTracker

    def base(module: str, statement: str, is_package: bool = False) -> str:
        node = cst.parse_statement(statement).body[0]
        assert isinstance(node, cst.ImportFrom)
        return NameTracker(module, is_package).import_from_base(node)

    assert base("app.api.views", "from ..models import User") == "app.models"
    assert base("app.api.views", "from . import forms") == "app.api"
    assert base("app.api", "from .views import index", is_package=True) == "app.api.views"
    assert base("app.views", "from os import path") == "os"
    assert base("views", "from ...deep import x") == "...deep"


def test_main_guard_and_clip() -> None:
    from guardrails.cst.helpers import clip, has_main_guard, is_main_guard

    module = cst.parse_module('import sys\n\nif "__main__" == __name__:\n    sys.exit(0)\n')
    guard = module.body[-1]
    assert isinstance(guard, cst.If) and is_main_guard(guard) and has_main_guard(module)
    for other in ('if __name__ != "__main__":\n    pass\n', "if __name__ == main:\n    pass\n"):
        assert not has_main_guard(cst.parse_module(other))
    assert clip("a(\n    b,\n    c,\n)") == "a( b, c, )"
    assert clip("x" * 50) == "x" * 39 + "…" and len(clip("y" * 50, 10)) == 10
