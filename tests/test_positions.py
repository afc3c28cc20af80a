"""Our fast position pass must agree with LibCST's PositionProvider on every node."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from guardrails.cst.positions import node_spans

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


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_match_libcst(name: str) -> None:
    _assert_same(SOURCES[name])


def test_positions_match_libcst_on_stdlib_modules() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for name in ("argparse.py", "dataclasses.py", "json/decoder.py", "asyncio/tasks.py"):
        path = stdlib / name
        if path.exists():
            _assert_same(path.read_text(encoding="utf-8"))
