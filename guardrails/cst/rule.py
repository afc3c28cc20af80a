"""The base class for LibCST rules.

A rule is a class with a `META` (`RuleMeta`) and `visit_<Node>` /
`leave_<Node>` methods named after LibCST node classes, like a LibCST
visitor. The engine creates one instance per file and runs every active rule
in a single traversal, so a rule never walks the tree itself.

Inside a handler, `self.context` answers the questions rules keep asking:
what an expression refers to (`qualified_name`), which options the user set
(`options`), and which file this is. `self.report(node, message)` records a
finding; positions are computed afterwards, only for reported nodes, because
position metadata for every node costs several parses (see DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import libcst as cst

from guardrails.model import Fix, RuleMeta

if TYPE_CHECKING:
    from guardrails.cst.names import NameTracker


@dataclass(frozen=True)
class NodeEdit:
    """A text change anchored to a node: replace it, or insert before/after it."""

    node: cst.CSTNode
    content: str | cst.CSTNode
    where: str = "replace"  # replace | before | after


def replace(node: cst.CSTNode, new: str | cst.CSTNode) -> NodeEdit:
    """Replace `node`'s source with `new` (text, or a node whose code is used)."""
    return NodeEdit(node, new, "replace")


def insert_before(node: cst.CSTNode, text: str) -> NodeEdit:
    return NodeEdit(node, text, "before")


def insert_after(node: cst.CSTNode, text: str) -> NodeEdit:
    return NodeEdit(node, text, "after")


def insert_lines_before(statement: cst.CSTNode, text: str) -> NodeEdit:
    """Insert whole lines above `statement`'s line, indented like it.

    `text` is unindented code; each of its lines gets the statement's
    indentation, so rules need not know where the statement sits.
    """
    return NodeEdit(statement, text, "lines-before")


@dataclass(frozen=True)
class NodeFix:
    """A fix as LibCST rules express it; turned into text edits by the engine."""

    edits: tuple[NodeEdit, ...]
    applicability: str = "safe"  # safe | unsafe
    description: str = ""


@dataclass
class Report:
    """A finding before positions are known."""

    rule: CstRule
    node: cst.CSTNode
    message: str
    fix: Fix | NodeFix | None = None
    enclosing: tuple[cst.CSTNode, ...] = ()  # statements around the visited node


@dataclass
class RuleContext:
    """Per-file facts and services a rule may use."""

    path: str
    module_name: str
    options: Mapping[str, Any]
    indent: str
    is_test: bool
    names: NameTracker
    source: str
    metadata: Mapping[Any, Mapping[cst.CSTNode, Any]] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)
    statements: list[cst.CSTNode] = field(default_factory=list)  # the walk's statement stack
    # The project root (where the config is, else the working directory): rules
    # that read project metadata, e.g. pyproject's entry points, look there.
    root: Path | None = None

    def qualified_name(self, node: cst.CSTNode) -> str | None:
        """What `node` refers to, by import and assignment, e.g. `subprocess.run`.

        Calls add `()`: `requests.Session().get` is the `get` method of a
        session object. Builtins are `builtins.NAME`. None when unknown.
        """
        return self.names.qualified_name(node)


class CstRule:
    """Subclass this, set `META`, and add `visit_<Node>` methods.

    `TRIGGERS`, if set, lists substrings at least one of which must occur in
    a file's text for the rule to run on it (e.g. the module it looks for);
    it lets the engine skip files cheaply. `METADATA_DEPENDENCIES` lists
    LibCST metadata providers the rule reads through `get_metadata`; they
    are resolved only for files where such a rule runs.
    """

    META: ClassVar[RuleMeta]
    TRIGGERS: ClassVar[tuple[str, ...]] = ()
    METADATA_DEPENDENCIES: ClassVar[tuple[type, ...]] = ()

    def __init__(self, context: RuleContext) -> None:
        self.context = context

    @property
    def options(self) -> Mapping[str, Any]:
        """The rule's options, config values over defaults."""
        return self.context.options

    def report(self, node: cst.CSTNode, message: str, *, fix: Fix | NodeFix | None = None) -> None:
        """Record a finding at `node` with an occurrence-specific message.

        `fix=NodeFix((replace(old, new), insert_before(stmt, "...")), "safe")`
        offers an automatic fix for `guardrails fix`.
        """
        # Checked here, so a wrong call fails in the rule that made it (one GR003
        # naming it) instead of later, where every rule's findings would be lost.
        if not isinstance(node, cst.CSTNode):
            raise TypeError(f"report() needs a LibCST node, not {type(node).__name__}")
        if not isinstance(message, str):
            raise TypeError(f"report() needs a message string, not {type(message).__name__}")
        if fix is not None and not isinstance(fix, (Fix, NodeFix)):
            raise TypeError(f"report() fix must be a NodeFix or Fix, not {type(fix).__name__}")
        if isinstance(fix, NodeFix) and not all(
            isinstance(edit, NodeEdit) and isinstance(edit.node, cst.CSTNode) for edit in fix.edits
        ):
            raise TypeError("report() fix edits must be NodeEdits of LibCST nodes")
        context = self.context
        # str(): a str subclass may not survive the trip back from a worker process
        context.reports.append(Report(self, node, str(message), fix, tuple(context.statements)))

    def get_metadata(self, provider: type, node: cst.CSTNode, default: Any = None) -> Any:
        """Metadata from a provider listed in `METADATA_DEPENDENCIES`."""
        return self.context.metadata.get(provider, {}).get(node, default)
