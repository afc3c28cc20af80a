"""Source positions of reported nodes, at a fraction of PositionProvider's cost.

LibCST nodes carry no positions; its `PositionProvider` recomputes them by
generating the code again while splitting every token with a regex and
allocating a `CodeRange` per node — about 1.8 parses on the standard library,
paid on every file with at least one finding. This module runs the same
codegen with a state that only counts characters (no token list, no regex,
plain int pairs) and converts offsets to line/column just for the nodes that
were reported. The results equal PositionProvider's (syntactic positions,
1-based lines, 0-based columns); `tests/test_positions.py` checks that on
every node of tricky sources.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState  # the documented codegen hook point

_NEWLINE = re.compile(r"\r\n?|\n")


class _Syntactic:
    """`record_syntactic_position` as a plain context manager (no generator)."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(self, state: _OffsetState, node: Any, start_node: Any, end_node: Any) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc: object) -> bool:
        computed = self.state.computed
        start = computed[id(self.start_node)][0] if self.start_node is not None else self.start
        end = computed[id(self.end_node)][1] if self.end_node is not None else self.state.offset
        computed[id(self.node)] = (start, end)
        return False


@dataclass
class _OffsetState(CodegenState):
    offset: int = 0
    stack: list[int] = field(default_factory=list)
    computed: dict[int, tuple[int, int]] = field(default_factory=dict)  # by id(node)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        self.offset += len(value)
        if not self.tokens:  # Module codegen asks whether anything was emitted
            self.tokens.append(value)

    def pop_trailing_newline(self) -> None:
        """Like PositionProvider: the module's end stays after the final newline."""

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.stack.pop()
        key = id(node)  # CSTNode.__hash__ is a Python-level call; id() is not
        if key not in self.computed:
            self.computed[key] = (start, self.offset)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


def parens(node: cst.CSTNode, side: str) -> list[cst.CSTNode]:
    """An expression's `lpar`/`rpar` parentheses (other nodes use those names differently)."""
    value = getattr(node, side, ())
    return list(value) if isinstance(value, (list, tuple)) else []


@dataclass(frozen=True)
class Span:
    """1-based lines, 0-based columns, like LibCST's CodeRange."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


def node_spans(
    module: cst.Module, source: str, nodes: Iterable[cst.CSTNode]
) -> dict[cst.CSTNode, Span]:
    """Spans of `nodes` (by identity) within `module`, parsed from `source`."""
    state = _OffsetState(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    module._codegen(state)
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(source)]
    if source and line_starts[-1] != len(source):
        # Codegen emits a newline the file does not end with; it starts a line.
        line_starts.append(len(source) + len(module.default_newline))

    def locate(offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(line_starts, offset) - 1
        return index + 1, offset - line_starts[index]

    spans = {}
    for node in nodes:
        start, end = state.computed[id(node)]
        spans[node] = Span(*locate(start), *locate(end))
    return spans
