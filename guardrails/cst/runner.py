"""Run every active LibCST rule on one parsed module in a single traversal.

LibCST's own batched visitor stops the whole traversal when one visitor
raises, and `CSTNode.visit` rebuilds every node it passes; here a read-only
walk in source order guards each handler call, so a crashing rule is switched
off for the rest of the file and reported (GR003) while the other rules finish.
Positions are computed once per file, only when something was reported, and
only converted to lines and columns for the reported nodes (`positions.py`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from guardrails import interrupts
from guardrails.cst.names import NameTracker, TrackerVisitor
from guardrails.cst.positions import STATEMENT_TYPES, Span, node_spans, parens
from guardrails.cst.rule import CstRule, NodeFix, Report, RuleContext
from guardrails.cst.traverse import Entered, field_order, pruned_order
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


@functools.cache
def _entered(handled: frozenset[type]) -> Entered:
    """One `Entered` per handler set, shared by the files that have that set."""
    return Entered(handled)


@dataclass
class Failure:
    """A rule that raised (or reported what cannot be located), and where.

    `rule` is the registry's rule, whose meta names the plugin that
    contributed it; `node` is None when the rule failed before the walk
    (its constructor raised), and is then reported at the top of the file.
    """

    rule: ActiveRule
    node: cst.CSTNode | None
    error: BaseException
    enclosing: tuple[cst.CSTNode, ...] = ()
    stage: str = "visiting"  # starting | visiting | reporting


class _Walker:
    """A read-only pre-order walk in source order, fanning nodes out to rules.

    `CSTNode.visit` rebuilds every node it passes (it is built for
    transformers) and costs about three times this walk; rules here only
    read. Each handler call is guarded so a rule that raises is switched off
    for the rest of the file and reported, while the others finish. It keeps
    the stack of enclosing statements, so reports can be located by
    generating just their statement (`positions.py`).
    """

    def __init__(
        self, tracker: TrackerVisitor, rules: Sequence[CstRule], statements: list[cst.CSTNode]
    ) -> None:
        self._visit: dict[type, list[tuple[CstRule | None, Callable[[Any], Any]]]] = defaultdict(
            list
        )
        self._leave: dict[type, list[tuple[CstRule | None, Callable[[Any], Any]]]] = defaultdict(
            list
        )
        # id(rule) -> (node, error, enclosing statements) of its first failure;
        # node None: its handlers could not even be looked up
        self.failures: dict[int, tuple[cst.CSTNode | None, BaseException, tuple[Any, ...]]] = {}
        for owner, obj in [(None, tracker), *((rule, rule) for rule in rules)]:
            try:
                bound = [(kind, t, getattr(obj, attr)) for kind, t, attr in handlers_of(type(obj))]
            except BaseException as error:  # e.g. a handler that is a raising property
                if owner is None:
                    raise
                interrupts.reraise_if_real(error)
                self.failures[id(owner)] = (None, error, ())
                continue
            for kind, node_type, handler in bound:
                table = self._visit if kind == "visit" else self._leave
                table[node_type].append((owner, handler))
        # The name tracker must leave a scope only after the rules left it.
        for handlers in self._leave.values():
            handlers.reverse()
        # Statements are pushed before any rule sees them and popped after all left.
        self.statements = statements
        for node_type in STATEMENT_TYPES:
            self._visit[node_type].insert(0, (None, statements.append))
            self._leave[node_type].append((None, lambda _node: statements.pop()))
        handled = frozenset(t for t, h in (*self._visit.items(), *self._leave.items()) if h)
        self._enter = _entered(handled)

    def _learn(self, node: cst.CSTNode) -> tuple[str, ...]:
        """The fields of `node`'s class worth entering for these handlers."""
        field_order(node)
        enter = self._enter
        fields = enter.fields[type(node)] = pruned_order(type(node), enter)
        return fields

    def _call(self, handlers: list[tuple[CstRule | None, Callable[[Any], Any]]], node: Any) -> None:
        for owner, handler in handlers:
            if owner is None:
                handler(node)
                continue
            if id(owner) in self.failures:
                continue
            try:
                handler(node)
            except BaseException as error:  # isolate the rule, `sys.exit()` included
                interrupts.reraise_if_real(error)
                self.failures[id(owner)] = (node, error, tuple(self.statements))

    def walk(self, node: cst.CSTNode) -> None:
        node_type = type(node)
        handlers = self._visit.get(node_type)
        if handlers:
            self._call(handlers, node)
        enter = self._enter
        fields = enter.fields.get(node_type)
        for name in self._learn(node) if fields is None else fields:
            value = getattr(node, name)
            value_type = type(value)
            if enter[value_type]:
                self.walk(value)
            elif value_type is tuple or value_type is list:
                for item in value:
                    if enter[type(item)]:
                        self.walk(item)
        handlers = self._leave.get(node_type)
        if handlers:
            self._call(handlers, node)


@dataclass
class CstOutcome:
    """Reports and crashes of one file, with a way to locate nodes."""

    reports: list[Report]
    failures: list[Failure]
    positions: Callable[[cst.CSTNode], Span]
    owners: dict[int, ActiveRule]  # id(rule instance) -> the registry's rule


def run_rules(
    module: cst.Module,
    source: str,
    path: str,
    module_name: str,
    is_package: bool,
    active: Sequence[ActiveRule],
    is_test: bool = False,
    root: Path | None = None,
) -> CstOutcome:
    """Instantiate the rules for this file and traverse the module once.

    Each rule is guarded on its own: a constructor that raises, a handler
    that raises (anything, `SystemExit` included; a real Ctrl-C still
    stops the run) or a report of a node that is not in this tree becomes
    a `Failure` of that rule only; every other rule's reports stand.
    """
    tracker = NameTracker(module_name, is_package)
    reports: list[Report] = []
    needs = {dep for rule in active for dep in rule.implementation("libcst").METADATA_DEPENDENCIES}
    wrapper: MetadataWrapper | None = None
    metadata: dict[Any, Any] = {}
    broken: dict[Any, BaseException] = {}  # providers that raised, e.g. a plugin's own
    if needs:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        for dependency in needs:
            try:
                metadata.update(wrapper.resolve_many([dependency]))
            except BaseException as error:
                interrupts.reraise_if_real(error)
                broken[dependency] = error
    rules = []
    contexts = []  # cleared after the walk, whatever a rule did with its own
    owners: dict[int, ActiveRule] = {}  # by identity: a rule class may define __eq__
    failures: list[Failure] = []
    statements: list[cst.CSTNode] = []
    for rule in active:
        context = RuleContext(
            path=path,
            module_name=module_name,
            options=rule.options,
            indent=_indent_unit(module.default_indent),
            is_test=is_test,
            names=tracker,
            source=source,
            metadata=metadata,
            reports=reports,
            statements=statements,
            root=root,
        )
        contexts.append(context)
        needed = rule.implementation("libcst").METADATA_DEPENDENCIES
        unresolved = [broken[d] for d in needed if d in broken]
        if unresolved:
            failures.append(Failure(rule, None, unresolved[0], stage="starting"))
            continue
        try:
            instance = rule.implementation("libcst")(context)
        except BaseException as error:  # this rule cannot run on this file; the others can
            interrupts.reraise_if_real(error)
            failures.append(Failure(rule, None, error, stage="starting"))
            continue
        rules.append(instance)
        owners[id(instance)] = rule
    walker = _Walker(TrackerVisitor(tracker), rules, statements)
    walker.walk(module)
    failures += [
        Failure(owners[key], node, error, enclosing, "starting" if node is None else "visiting")
        for key, (node, error, enclosing) in walker.failures.items()
    ]
    for context in contexts:
        # Each report points at its rule, whose context holds the report list:
        # a cycle that would keep the whole tree alive until a collection.
        context.reports = []
    # A report made through another rule's context, or by a rule whose
    # constructor then raised, cannot be attributed to a running rule.
    reports = [report for report in reports if id(report.rule) in owners]
    spans = _spans(module, source, reports, failures)
    located = []
    for report in reports:
        owner = owners[id(report.rule)]
        if all(id(node) in spans for node in _anchors(report)):
            located.append(report)
        elif not any(f.rule is owner for f in failures):
            error = LookupError("it reported a node that is not in this file's syntax tree")
            failure = Failure(owner, None, error, stage="reporting")
            if report.enclosing:  # located at the statement the rule was visiting
                failure.node, failure.enclosing = report.enclosing[-1], report.enclosing[:-1]
                spans.update(_spans(module, source, (), [failure]))
            failures.append(failure)
    return CstOutcome(located, failures, lambda node: spans[id(node)], owners)


def _anchors(report: Report) -> list[Any]:
    """The nodes whose positions a report needs: its own and its fix's edits'."""
    nodes = [report.node]
    if isinstance(report.fix, NodeFix):
        for edit in report.fix.edits:
            nodes += (edit.node, *parens(edit.node, "lpar"), *parens(edit.node, "rpar"))
    return nodes


def _spans(
    module: cst.Module, source: str, reports: Sequence[Report], failures: Sequence[Failure]
) -> dict[Any, Span]:
    """Spans of every node reported or failed at, by the node's identity.

    A node that is not in `module` (a rule reported a node it built, or one
    from another tree) is left out; only then is the tree walked to tell
    which nodes are in it.
    """
    wanted: list[Any] = []
    enclosing: dict[int, tuple[cst.CSTNode, ...]] = {}
    for found in (*reports, *failures):
        if found.node is None:
            continue
        wanted.append(found.node)
        if found.enclosing or id(found.node) not in enclosing:
            enclosing[id(found.node)] = found.enclosing
    for report in reports:
        for node in _anchors(report)[1:]:
            wanted.append(node)
            enclosing.setdefault(id(node), report.enclosing)
    if not wanted:
        return {}
    try:
        spans = node_spans(module, source, wanted, enclosing)
    except KeyError:  # some node is not in this tree
        in_tree = _node_ids(module)
        spans = node_spans(module, source, [n for n in wanted if id(n) in in_tree], enclosing)
    return {id(node): span for node, span in spans.items()}


def _node_ids(module: cst.Module) -> set[int]:
    """Identities of every node in `module` (no recursion: trees can be deep)."""
    seen: set[int] = set()
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        seen.add(id(node))
        stack.extend(node.children)
    return seen


def _indent_unit(guessed: str) -> str:
    """The indentation rules give to code they write: LibCST's guess if it is plain.

    LibCST takes the first indented line's whitespace, which on odd input
    holds form feeds (the tokenizer resets the column at one) or mixes tabs
    and spaces; code indented with that would not parse where it goes.
    """
    return guessed if guessed and len(set(guessed)) == 1 and guessed[0] in " \t" else "    "
