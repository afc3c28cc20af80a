"""Our fast position pass must agree with LibCST's PositionProvider on every node.

Both ways: generating the whole module, and generating only the statement
(or statement header) a node was found in, anchored by CPython's tokenizer
or, where that is not available, its `ast`.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from guardrails.cst import positions
from guardrails.cst.positions import STATEMENT_TYPES, node_spans
from guardrails.cst.traverse import children

SOURCES = {
    "crlf": "import os\r\n\r\ndef f(x=[]):\r\n    return os.system(x)\r\n",
    "no-trailing-newline": "x = eval(y)",
    "tabs-and-unicode": "def f():\n\tname = 'héllo wörld'  # ünïcode\n\treturn eval(name)\n",
    "decorators-fstrings": (
        "@app.route('/x')\n@cache(ttl=3)\nasync def h(a, *, b: int = 3) -> str:\n"
        '    return f"{a!r:>{b}} {h(a)}"\n'
    ),
    "continuations": (
        "x = (1 +\n     2) \\\n    + 3\nif x:\n    pass\nelse:\n    y = [i for i in\n  range(3)]\n"
    ),
    "comments-and-blank-lines": (
        "\n\n# c\n\nclass A:\n\n    # c\n    def f(self):  # t\n        ...\n"
    ),
    "compound-statements": (
        "try:\n  import x\nexcept (A, B) as e:  # c\n  pass\nexcept D:\n  pass\n"
        "else:\n  y = 1; z = 2\nfinally:\n  del y\n"
        "if a:\n    b\nelif  c: d\nelif e:\n  # c\n  f\nelse: g\n"
        "async def f():\n    async with a as b, c:\n        async for i in j: k\n"
        "    while x:\n        break\n    else:\n        continue\n"
        "match p:\n    case [1, *rest] if rest:\n        q\n    case _: r\n"
        "class C(B, metaclass=M): x: int = 1\n"
        "try:\n    pass\nexcept* C as g:\n    h\n"
    ),
    "lone-carriage-returns": "x = 1\rif x:\r    y = (2,\r  3)\r",
    "semicolon-first-on-line": "import os; os.system(cmd)\nwith open(p) as f: data = f.read()\n",
    "soft-keywords-decorators-else": (
        "match = 1\nmatch(x)\ncase = [match]\n@dataclass\n@other(\n    a=1,\n)\nclass K:\n"
        "    @property\n    def p(self): return self._p\n    @p.setter\n    def p(self, v):\n"
        "        self._p = v\n(a).b = 1\nfor x in y:\n    pass\nelse:\n    pass\n"
        "while z: pass\nelse: w\ntry:\n    pass\nfinally:\n    pass\n"
        "try:\n  a\nexcept E:\n  b\nelse:\n  c\n"
    ),
}


def _assert_same(source: str) -> None:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ours = node_spans(module, source, expected.keys())
    for node, where in expected.items():
        span = ours[node]
        got = ((span.start_line, span.start_column), (span.end_line, span.end_column))
        want = ((where.start.line, where.start.column), (where.end.line, where.end.column))
        assert got == want, (type(node).__name__, got, want)
    _assert_same_anchored(module, source, expected)


def _enclosing(module: cst.Module) -> dict[int, tuple[cst.CSTNode, ...]]:
    """Each node's enclosing statements, outermost first, as the engine's walk records them."""
    found: dict[int, tuple[cst.CSTNode, ...]] = {}

    def walk(node: cst.CSTNode, stack: tuple[cst.CSTNode, ...]) -> None:
        found[id(node)] = stack
        inner = (*stack, node) if isinstance(node, STATEMENT_TYPES) else stack
        for child in children(node):
            walk(child, inner)

    walk(module, ())
    return found


def _assert_same_anchored(module: cst.Module, source: str, expected: dict) -> None:
    """Every node with its statement, then without it (header-only codegen first)."""
    enclosing = _enclosing(module)
    statements = [n for n in expected if isinstance(n, STATEMENT_TYPES)]
    inner = [n for n in expected if not isinstance(n, STATEMENT_TYPES)]
    for nodes in (list(expected), inner, statements):
        ours = node_spans(module, source, nodes, enclosing)
        for node in nodes:
            where, span = expected[node], ours[node]
            got = ((span.start_line, span.start_column), (span.end_line, span.end_column))
            want = ((where.start.line, where.start.column), (where.end.line, where.end.column))
            assert got == want, ("anchored", type(node).__name__, got, want)


def test_a_node_reported_outside_its_statement_is_still_located() -> None:
    """A rule may report a node it stored earlier; the claimed statement does not hold it."""
    source = "import os\n\ndef f():\n    os.system(x)\n"
    module = cst.parse_module(source)
    call = module.body[1].body.body[0].body[0].value
    wrong = {id(call): (module.body[0],)}
    span = node_spans(module, source, [call], wrong)[call]
    assert (span.start_line, span.start_column, span.end_line, span.end_column) == (4, 4, 4, 16)


@pytest.fixture(params=["tokens", "ast"])
def anchors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Statement starts from the C tokenizer (CPython 3.11), then from `ast` (elsewhere)."""
    if request.param == "ast":
        monkeypatch.setattr(positions, "_TOKENIZE", None)
    elif positions._TOKENIZE is None:
        pytest.skip("the C tokenizer is used on CPython 3.11 only")
    return request.param


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_match_libcst(name: str, anchors: str) -> None:
    _assert_same(SOURCES[name])


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_statement_starts_from_tokens_equal_those_from_ast(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if positions._TOKENIZE is None:
        pytest.skip("the C tokenizer is used on CPython 3.11 only")
    source = SOURCES[name]
    module = cst.parse_module(source)
    tokens = positions._statement_starts(module, source)
    monkeypatch.setattr(positions, "_TOKENIZE", None)
    parsed = positions._statement_starts(module, source)
    assert type(tokens) is positions._LineStarts  # paired, not fallen back to `ast`
    assert type(parsed) is positions._StatementStarts
    assert tokens.starts and (tokens.starts, tokens.elifs) == (parsed.starts, parsed.elifs)


def test_positions_match_libcst_on_stdlib_modules(anchors: str) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for name in ("argparse.py", "dataclasses.py", "json/decoder.py", "asyncio/tasks.py"):
        path = stdlib / name
        if path.exists():
            _assert_same(path.read_text(encoding="utf-8"))
