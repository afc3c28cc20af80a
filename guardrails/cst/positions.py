"""Source positions of reported nodes, at a fraction of PositionProvider's cost.

LibCST nodes carry no positions; its `PositionProvider` recomputes them by
generating the code again while splitting every token with a regex and
allocating a `CodeRange` per node — about 1.8 parses on the standard library,
paid on every file with at least one finding. This module runs the same
codegen with a state that only counts characters (no token list, no regex,
plain int pairs) and converts offsets to line/column just for the nodes that
were reported.

It also avoids generating the whole module. The engine notes, for every
report, the statements it was inside; CPython's C tokenizer (a fortieth of
LibCST's parse; on other versions than 3.11 its `ast`, a tenth) knows
where each statement starts, so generating just the innermost statement —
or only its header, up to the body — places its nodes exactly. Whenever
that cannot be done with certainty (the file is rejected, the token lines
or `ast` statements disagree with LibCST's, a node lies outside its
statement) the whole module is generated as before. The results equal
PositionProvider's (syntactic positions, 1-based lines, 0-based columns);
`tests/test_positions.py` checks that on every node of tricky sources, both
ways.
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from token import DEDENT, ENDMARKER, INDENT, NEWLINE
from typing import Any, cast

import libcst as cst
from libcst._nodes.internal import CodegenState  # the documented codegen hook point

from guardrails.lines import line_starts as split_starts


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

    def __exit__(self, exc_type: object, *exc: object) -> bool:
        computed = self.state.computed
        if exc_type is not None:  # a header-only codegen stopped inside this node
            self.state.unfinished.setdefault(id(self.node), self.start)
            return False
        start = computed[id(self.start_node)][0] if self.start_node is not None else self.start
        end = computed[id(self.end_node)][1] if self.end_node is not None else self.state.offset
        computed[id(self.node)] = (start, end)
        return False


@dataclass
class _OffsetState(CodegenState):
    offset: int = 0
    stack: list[int] = field(default_factory=list)
    computed: dict[int, tuple[int, int]] = field(default_factory=dict)  # by id(node)
    unfinished: dict[int, int] = field(default_factory=dict)  # start offsets, by id(node)

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


class _Stop(Exception):
    """Ends a header-only codegen when it reaches the statement's body."""


@dataclass
class _HeaderState(_OffsetState):
    stop: int = 0  # id() of the node whose codegen ends the run

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) == self.stop:
            raise _Stop
        self.stack.append(self.offset)


STATEMENT_TYPES: tuple[type[cst.CSTNode], ...] = (
    cst.SimpleStatementLine,
    cst.FunctionDef,
    cst.ClassDef,
    cst.If,
    cst.For,
    cst.While,
    cst.With,
    cst.Try,
    cst.TryStar,
    cst.Match,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
)
"""Nodes that start their own line after indentation and whose start `ast` knows."""

_STATEMENTS = frozenset(STATEMENT_TYPES)

_AST_TWINS: dict[type, tuple[type, ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Try: (ast.Try,),
    cst.TryStar: (getattr(ast, "TryStar", ast.Try),),
    cst.Match: (getattr(ast, "Match", ast.If),),
}


class _Mismatch(Exception):
    """CPython's view of a file's statements does not line up with LibCST's."""


class _Starts:
    """Where each LibCST statement of a module starts, as CPython located it.

    Maps id(node) to (1-based line, 0-based column) and remembers which `If`
    nodes are `elif` branches, whose codegen differs when run on their own.
    """

    def __init__(self) -> None:
        self.starts: dict[int, tuple[int, int]] = {}
        self.elifs: set[int] = set()


class _StatementStarts(_Starts):
    """Starts from pairing LibCST's statements with `ast`'s."""

    def block(self, statements: Sequence[cst.CSTNode], twins: Sequence[ast.stmt]) -> None:
        index = 0
        for statement in statements:
            twin = twins[index]
            self.starts[id(statement)] = (twin.lineno, twin.col_offset)
            if type(statement) is cst.SimpleStatementLine:
                index += len(statement.body)
                continue
            index += 1
            self.compound(statement, twin)
        if index != len(twins):
            raise _Mismatch

    def suite(self, suite: cst.BaseSuite, twins: Sequence[ast.stmt]) -> None:
        if type(suite) is cst.IndentedBlock:
            self.block(suite.body, twins)

    def compound(self, node: Any, twin: Any) -> None:
        if not isinstance(twin, _AST_TWINS.get(type(node), ())):
            raise _Mismatch
        # zip(strict=True) raises ValueError on a count mismatch: no pairing then.
        if type(node) is cst.Match:
            for case, twin_case in zip(node.cases, twin.cases, strict=True):
                self.suite(case.body, twin_case.body)
            return
        self.suite(node.body, twin.body)
        orelse = getattr(node, "orelse", None)
        if type(orelse) is cst.If:  # elif
            if len(twin.orelse) != 1:
                raise _Mismatch
            self.starts[id(orelse)] = (twin.orelse[0].lineno, twin.orelse[0].col_offset)
            self.elifs.add(id(orelse))
            self.compound(orelse, twin.orelse[0])
        elif orelse is not None:
            self.suite(orelse.body, twin.orelse)
        handlers = getattr(node, "handlers", ())
        for handler, twin_handler in zip(handlers, getattr(twin, "handlers", ()), strict=True):
            self.starts[id(handler)] = (twin_handler.lineno, twin_handler.col_offset)
            self.suite(handler.body, twin_handler.body)
        finalbody = getattr(node, "finalbody", None)
        if finalbody is not None:
            self.suite(finalbody.body, twin.finalbody)


_KEYWORDS: dict[type, tuple[str, ...]] = {
    cst.FunctionDef: ("def", "async"),
    cst.ClassDef: ("class",),
    cst.If: ("if",),
    cst.For: ("for", "async"),
    cst.While: ("while",),
    cst.With: ("with", "async"),
    cst.Try: ("try",),
    cst.TryStar: ("try",),
    cst.Match: ("match",),
}
"""The first token of each compound statement's header line."""


def _c_tokens() -> Callable[[str], Iterator[tuple[Any, ...]]] | None:
    """CPython 3.11's C tokenizer (private; its signature changed in 3.12)."""
    if sys.version_info[:2] != (3, 11):
        return None
    try:
        from _tokenize import TokenizerIter
    except ImportError:
        return None
    return cast("Callable[[str], Iterator[tuple[Any, ...]]]", TokenizerIter)


_TOKENIZE = _c_tokens()


def _logical_lines(
    tokens: Callable[[str], Iterator[tuple[Any, ...]]], source: str
) -> Iterator[tuple[str, int, int]]:
    """(first token, line, column) of every logical line, in order.

    The C tokenizer yields no comments or blank lines, so a logical line
    starts with the first token after a NEWLINE, indentation aside.
    """
    fresh = True
    for text, kind, line, _end_line, column, *_ in tokens(source):
        if kind == NEWLINE:
            fresh = True
        elif fresh and kind not in (INDENT, DEDENT, ENDMARKER):
            fresh = False
            yield text, line, column


class _LineStarts(_Starts):
    """Starts from the C tokenizer's logical lines: a quarter of the cost of `ast.parse`.

    The LibCST statements are walked in source order and matched with the
    logical lines (decorators, `else:`, `finally:` and `case` lines
    included), each compound one checked against its keyword; any surplus,
    shortage or wrong keyword raises _Mismatch.
    """

    def __init__(self, lines: Iterator[tuple[str, int, int]]) -> None:
        super().__init__()
        self.lines = lines

    def take(self, *keywords: str) -> tuple[int, int]:
        first, line, column = next(self.lines, ("", 0, -1))
        if column < 0 or (keywords and first not in keywords) or (not keywords and first == "@"):
            raise _Mismatch
        return line, column

    def statements(self, statements: Sequence[cst.CSTNode]) -> None:
        for statement in statements:
            for _ in getattr(statement, "decorators", ()):
                self.take("@")
            self.starts[id(statement)] = self.take(*_KEYWORDS.get(type(statement), ()))
            if type(statement) is not cst.SimpleStatementLine:
                self.nested(statement)

    def body(self, suite: cst.BaseSuite) -> None:
        if type(suite) is cst.IndentedBlock:
            self.statements(suite.body)

    def nested(self, node: Any) -> None:
        if type(node) is cst.Match:
            for case in node.cases:
                self.take("case")
                self.body(case.body)
            return
        self.body(node.body)
        for handler in getattr(node, "handlers", ()):  # source order: handlers, else, finally
            self.starts[id(handler)] = self.take("except")
            self.body(handler.body)
        orelse = getattr(node, "orelse", None)
        if type(orelse) is cst.If:
            self.starts[id(orelse)] = self.take("elif")
            self.elifs.add(id(orelse))
            self.nested(orelse)
        elif orelse is not None:
            self.take("else")
            self.body(orelse.body)
        finalbody = getattr(node, "finalbody", None)
        if finalbody is not None:
            self.take("finally")
            self.body(finalbody.body)


def _statement_starts(module: cst.Module, source: str) -> _Starts | None:
    """Statement starts from CPython's tokenizer or parser, or None if neither can vouch."""
    if source.startswith("\ufeff"):
        return None
    if _TOKENIZE is not None:
        with contextlib.suppress(SyntaxError, ValueError, RecursionError, MemoryError, _Mismatch):
            lines = _logical_lines(_TOKENIZE, source)
            paired = _LineStarts(lines)
            paired.statements(module.body)
            if next(lines, None) is None:
                return paired
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences
            tree = ast.parse(source)
        found = _StatementStarts()
        found.block(module.body, tree.body)
    except (SyntaxError, ValueError, RecursionError, MemoryError, _Mismatch, IndexError):
        return None
    return found


def _statement_offsets(
    module: cst.Module, statement: cst.CSTNode, column: int, *, elif_: bool, header: bool
) -> tuple[dict[int, tuple[int, int]], int]:
    """Offsets of `statement`'s nodes relative to its codegen, and its own start.

    With `header`, codegen stops where the body begins. `column` is the
    statement's indentation; only its length matters to the offsets.
    """
    state: _OffsetState
    if header:
        body = statement.cases[0] if type(statement) is cst.Match else statement.body
        state = _HeaderState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            stop=id(body),
        )
    else:
        state = _OffsetState(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
    state.indent_tokens = [" " * column]
    with contextlib.suppress(_Stop):
        if elif_:
            statement._codegen(state, is_elif=True)
        else:
            statement._codegen(state)
    own = state.computed.get(id(statement))
    return state.computed, own[0] if own is not None else state.unfinished[id(statement)]


_Generated = tuple[dict[int, tuple[int, int]], int]
"""A statement's codegen: node offsets relative to it, and the shift to absolute ones."""


def _anchored_offsets(
    module: cst.Module,
    source: str,
    line_starts: Sequence[int],
    nodes: Sequence[cst.CSTNode],
    enclosing: Mapping[int, Sequence[cst.CSTNode]],
) -> dict[int, tuple[int, int]] | None:
    """Absolute offsets of `nodes` from codegen of their statements, or None.

    Each node is looked up in the header of its innermost statement, then in
    the whole of each enclosing statement outwards (a rule may report a node
    it saw earlier); None when no statement holds it.
    """
    found: dict[int, tuple[int, int]] = {}
    done: dict[tuple[int, bool], _Generated | None] = {}
    starts: _Starts | None = None

    def generate(paired: _Starts, anchor: cst.CSTNode, header: bool) -> _Generated | None:
        """(relative offsets, shift to absolute) of one statement's codegen, memoised."""
        key = (id(anchor), header)
        if key in done:
            return done[key]
        if anchor is module:  # the comments and blank lines above the first statement
            state = _OffsetState(
                default_indent=module.default_indent, default_newline=module.default_newline
            )
            for line in module.header:
                line._codegen(state)
            done[key] = (state.computed, 0)
        else:
            line, column = paired.starts[id(anchor)]
            line_start = line_starts[line - 1] if line <= len(line_starts) else -1
            if line_start < 0 or source[line_start : line_start + column].strip(" \t\f"):
                done[key] = None  # not first on its line: the column is not its indentation
            else:
                computed, own = _statement_offsets(
                    module, anchor, column, elif_=id(anchor) in paired.elifs, header=header
                )
                done[key] = (computed, line_start + column - own)
        return done[key]

    for node in nodes:
        if node is module:
            if not module.has_trailing_newline:
                return None
            found[id(node)] = (0, len(source))
            continue
        if starts is None:
            starts = _statement_starts(module, source)
            if starts is None:
                return None
        chain = [*enclosing.get(id(node), ()), node]
        anchors = [n for n in reversed(chain) if type(n) in _STATEMENTS and id(n) in starts.starts]
        attempts = [(anchor, False) for anchor in anchors] or [(module, True)]
        if anchors and anchors[0] is not node and type(anchors[0]) is not cst.SimpleStatementLine:
            attempts.insert(0, (anchors[0], True))
        for anchor, header in attempts:
            generated = generate(starts, anchor, header)
            offsets = generated[0].get(id(node)) if generated else None
            if offsets is not None and generated is not None:
                found[id(node)] = (offsets[0] + generated[1], offsets[1] + generated[1])
                break
        else:
            return None
    return found


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
    module: cst.Module,
    source: str,
    nodes: Iterable[cst.CSTNode],
    enclosing: Mapping[int, Sequence[cst.CSTNode]] | None = None,
) -> dict[cst.CSTNode, Span]:
    """Spans of `nodes` (by identity) within `module`, parsed from `source`.

    `enclosing` maps id(node) to the statements (outermost first) the node
    was found in; with it, only those statements are generated.
    """
    nodes = list(nodes)
    line_starts = split_starts(source)
    if source and line_starts[-1] != len(source):
        # Codegen emits a newline the file does not end with; it starts a line.
        line_starts.append(len(source) + len(module.default_newline))
    computed = (
        _anchored_offsets(module, source, line_starts, nodes, enclosing)
        if enclosing is not None
        else None
    )
    if computed is None:
        state = _OffsetState(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        module._codegen(state)
        computed = state.computed

    def locate(offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(line_starts, offset) - 1
        return index + 1, offset - line_starts[index]

    spans = {}
    for node in nodes:
        start, end = computed[id(node)]
        spans[node] = Span(*locate(start), *locate(end))
    return spans
