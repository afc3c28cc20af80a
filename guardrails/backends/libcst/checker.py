"""One file through the LibCST backend: parse once, one traversal.

The file arrives read and decoded once (`guardrails.source.SourceFile`).
Bad input never raises out of here: an unreadable, undecodable or
unparsable file becomes a GR001 finding and a crashing rule a GR003 finding.
Suppression comments are parsed here (the text is at hand) but applied by
the engine, once every backend's findings for the file are known.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import libcst as cst

from guardrails import suppressions
from guardrails.cst.helpers import code_of
from guardrails.cst.positions import Span, parens
from guardrails.cst.rule import NodeFix, Report
from guardrails.cst.runner import CstOutcome, Failure, run_rules
from guardrails.diagnostics import PARSE_ERROR, RULE_CRASH
from guardrails.lines import split_lines
from guardrails.model import Edit, FileResult, Fix, RuleMeta, Violation
from guardrails.plan import Plan
from guardrails.registry import ActiveRule, make_violation
from guardrails.source import SourceFile

T = TypeVar("T")


def _text_fix(
    fix: Fix | NodeFix | None,
    positions: Callable[[cst.CSTNode], Span],
    lines: Sequence[str],
    text: str,
) -> Fix | None:
    """A rule's node-anchored fix as text edits (1-based, end exclusive).

    Lines inserted before a statement take that statement's indentation and
    line ending, not the module's guesses: LibCST takes the first line ending
    it meets, which may be a lone CR inside a backslash continuation.
    """
    if not isinstance(fix, NodeFix):
        return fix
    edits = []
    for edit in fix.edits:
        anchor = edit.node
        # A parenthesised expression's span excludes its parentheses: insert outside them.
        if edit.where == "after" and parens(anchor, "rpar"):
            anchor = parens(anchor, "rpar")[-1]
        elif edit.where == "before" and parens(anchor, "lpar"):
            anchor = parens(anchor, "lpar")[0]
        span = positions(anchor)
        start = (span.start_line, span.start_column + 1)
        end = (span.end_line, span.end_column + 1)
        content = edit.content if isinstance(edit.content, str) else code_of(edit.content)
        if edit.where == "before":
            end = start
        elif edit.where == "after":
            start = end
        elif edit.where == "lines-before":
            line = lines[span.start_line - 1] if span.start_line <= len(lines) else ""
            indent = line[: len(line) - len(line.lstrip())]
            newline = _line_end(text, span.start_line)
            content = "".join(f"{indent}{row}{newline}" for row in split_lines(content))
            start = end = (span.start_line, 1)
        edits.append(Edit(*start, *end, content))
    return Fix(tuple(edits), fix.applicability, fix.description)


def _line_end(text: str, number: int) -> str:
    """How line `number` of `text` ends; for a last line without an ending, the
    line before it (`\\n` if none has one)."""
    rows = split_lines(text, keepends=True)[:number]
    for row in reversed(rows[-2:]):
        ending = row[len(row.rstrip("\r\n")) :]
        if ending:
            return ending
    return "\n"


def report_rule(outcome: CstOutcome, report: Report) -> ActiveRule:
    """The registry's rule (whose meta names its plugin) that made `report`."""
    return outcome.owners[id(report.rule)]


_STAGES = {
    "starting": "failed to start, so it did not check this file",
    "visiting": "crashed here and did not check the rest of the file",
    "reporting": "made a finding here that could not be reported, so it is missing",
}


def crash_message(failure: Failure) -> str:
    """One line naming the rule, the plugin that contributed it, and what it raised."""
    meta = failure.rule.meta
    error = str(failure.error).strip().splitlines()
    name = type(failure.error).__name__
    detail = f"{name}: {error[0]}" if error else name
    return f"rule {meta.id} ({meta.name}, plugin {meta.plugin}) {_STAGES[failure.stage]}: {detail}"


def _parse_error(exc: Exception, text: str) -> tuple[int, int, str]:
    """(line, 1-based column, one-line message) for a file LibCST cannot parse.

    CPython's own parser locates syntax errors much better than LibCST's
    (which often points at the next token), so it is asked first; only its
    verdict is used, its cost is paid only for broken files.
    """
    with contextlib.suppress(RecursionError, MemoryError):  # LibCST's verdict then
        try:
            ast.parse(text)
        except SyntaxError as syntax:
            line = syntax.lineno or 1
            return line, max(syntax.offset or 1, 1), f"syntax error: {syntax.msg}"
        except ValueError as invalid:  # before 3.12, a NUL byte is a ValueError, not a SyntaxError
            before = text[: text.find("\0")] if "\0" in text else ""
            line = before.count("\n") + 1
            column = len(before) - (before.rfind("\n") + 1) + 1
            return line, column, f"syntax error: {invalid}"
    if isinstance(exc, cst.ParserSyntaxError):
        return (
            exc.raw_line,
            exc.raw_column + 1,
            f"valid Python that LibCST cannot parse, so no rule checked it: {exc.message}",
        )
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return 1, 1, f"cannot parse: {type(exc).__name__}: {detail}"


_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 200_000


def _with_deep_stack(function: Callable[..., T], *args: Any) -> T:
    """Call `function` in a thread with a large stack and recursion limit.

    LibCST's traversal is recursive; machine-generated files (long implicit
    string concatenations, huge literals) nest deeper than the default
    limit. Only files that already hit RecursionError pay for the thread.
    """
    outcome: list[Any] = []

    def target() -> None:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(_DEEP_RECURSION_LIMIT)
        try:
            outcome.append(function(*args))
        except BaseException as exc:  # handed back to the calling thread
            outcome.append(exc)
        finally:
            sys.setrecursionlimit(previous)

    previous_size = threading.stack_size(_DEEP_STACK_BYTES)
    try:
        worker = threading.Thread(target=target, name="guardrails-deep-file")
        worker.start()
        # guardrails: ignore[REL013] the worker runs our own analysis, which always ends
        worker.join()
    finally:
        threading.stack_size(previous_size)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def check_source(plan: Plan, source: SourceFile) -> FileResult:
    """LibCST findings (unsuppressed) and suppression comments of one file's content."""
    shown = source.shown
    result = FileResult(shown)
    lines = source.lines

    def engine_finding(meta: RuleMeta, line: int, column: int, message: str) -> Violation:
        return make_violation(meta, shown, (line, column), (line, column + 1), message, lines)

    text = source.text
    if text is None:  # not read, or not decodable: one GR001, no rule ran
        reason = source.decoded.error or source.problem or "cannot read file"
        result.violations.append(engine_finding(PARSE_ERROR, 1, 1, reason))
        result.parsed = False
        return result
    relative = source.relative
    is_test = plan.is_test(relative)
    rules = plan.rules_for(relative, is_test)
    cst_rules = [
        r
        for r in rules
        if (impl := r.implementation("libcst")) is not None
        and (not impl.TRIGGERS or any(t in text for t in impl.TRIGGERS))
    ]

    def unparsable(exc: Exception) -> FileResult:
        line, column, message = _parse_error(exc, text)
        result.violations.append(engine_finding(PARSE_ERROR, line, column, message))
        result.parsed = False
        return result

    try:
        with unvalidated_parse():
            module = cst.parse_module(text)
    except Exception as exc:  # ParserSyntaxError, RecursionError on absurd nesting, ...
        return unparsable(exc)

    found: list[Violation] = []
    if cst_rules:
        mod_name, is_package = source.module, source.is_package
        root = plan.settings.root
        try:
            try:
                outcome = run_rules(
                    module, text, shown, mod_name, is_package, cst_rules, is_test, root
                )
            except RecursionError:
                outcome = _with_deep_stack(
                    run_rules,
                    module,
                    text,
                    shown,
                    mod_name,
                    is_package,
                    cst_rules,
                    is_test,
                    root,
                )
        except Exception as exc:  # the engine's own name tracking failed
            invalid = _validation_error(text)
            if invalid is not None:
                return unparsable(invalid)  # a tree LibCST's parser should not have built
            found.append(
                engine_finding(
                    RULE_CRASH,
                    1,
                    1,
                    f"guardrails failed to analyse this file ({type(exc).__name__}: {exc}); "
                    "no LibCST rule checked it",
                )
            )
        else:
            visited = any(failure.stage == "visiting" for failure in outcome.failures)
            invalid = _validation_error(text) if visited else None
            if invalid is not None:
                return unparsable(invalid)  # a tree LibCST's parser should not have built
            failed = {failure.rule.id for failure in outcome.failures}
            crashes = list(outcome.failures)
            for report in outcome.reports:
                rule = report_rule(outcome, report)
                try:
                    where = outcome.positions(report.node)
                    fix = _text_fix(report.fix, outcome.positions, lines, text)
                    found.append(
                        make_violation(
                            rule,
                            shown,
                            (where.start_line, where.start_column + 1),
                            (where.end_line, where.end_column + 1),
                            report.message,
                            lines,
                            fix,
                        )
                    )
                except Exception as exc:  # e.g. a fix whose content cannot be generated
                    if rule.id not in failed:
                        failed.add(rule.id)
                        crashes.append(Failure(rule, report.node, exc, stage="reporting"))
            for failure in crashes:
                line, column = 1, 1
                if failure.node is not None:
                    where = outcome.positions(failure.node)
                    line, column = where.start_line, where.start_column + 1
                found.append(engine_finding(RULE_CRASH, line, column, crash_message(failure)))

    result.violations = found
    result.suppressions = suppressions.parse(text, plan.settings.foreign_suppressions)
    return result


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one file is checked.

    Parsing allocates hundreds of thousands of nodes, and every burst of
    allocations starts a collection that traverses all live objects, the
    file's whole tree included: over a tenth of a parse, and a third of
    `ast.parse`, measured on the stdlib. Syntax trees hold no reference
    cycles, so reference counting frees them; the few cycles a check makes
    are collected once the collector runs again after the file.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _not_validated(self: cst.CSTNode) -> None:
    """Stands in for `CSTNode.__post_init__` while LibCST's parser builds a tree."""


@contextlib.contextmanager
def unvalidated_parse() -> Iterator[None]:
    """Let LibCST's parser build nodes without validating each one again.

    Every LibCST node validates itself as it is constructed (whitespace
    around keywords, balanced parentheses...). The parser only builds what
    its grammar accepted, so this re-checks its own work, at a seventh of
    the cost of a parse (measured on the stdlib); LibCST's own comment on
    `__post_init__` suggests not validating when parsing. On the stdlib and
    1,500 site-packages files the same files parse, to the same code, either
    way; where validation did catch a malformed tree (Instagram/LibCST#1061),
    analysing it crashes and `_validation_error` restores the verdict. Nodes
    built outside this block (rules' fixes, `guardrails fix`'s check that
    fixed code parses) are validated as usual.
    """
    original = cst.CSTNode.__post_init__
    cst.CSTNode.__post_init__ = _not_validated  # type: ignore[method-assign]
    try:
        yield
    finally:
        cst.CSTNode.__post_init__ = original  # type: ignore[method-assign]


def _validation_error(text: str) -> Exception | None:
    """What LibCST's validating parse raises on `text`, if anything.

    Asked only when analysing a tree built without validation crashed: the
    parser has built malformed trees that only validation caught (as in
    Instagram/LibCST#1061), and such a file is reported unparsable, as it
    was, rather than as a crash.
    """
    try:
        cst.parse_module(text)
    except Exception as exc:  # whatever LibCST raises is its verdict on the file
        return exc
    return None


def check_file(plan: Plan, source: SourceFile) -> FileResult:
    """Check one file read beforehand (`guardrails.source`); bad input becomes GR001."""
    with collector_paused():
        return check_source(plan, source)


@dataclass
class CrashedFile(FileResult):
    """A file whose check killed the process checking it; never cached, as it may not repeat."""


def crashed(source: SourceFile, how: str) -> FileResult:
    """The result of a file whose check killed the process checking it (see isolation.py).

    Reported as unparsable (GR001): it is LibCST's native parser that
    overflows its stack on absurdly long or deeply nested expressions, as
    its Python side raises RecursionError on them (also GR001). The rest of
    the run goes on without it.
    """
    shown = source.shown
    message = (
        f"checking this file crashed the process that checked it ({how}), so no LibCST rule "
        "checked it; LibCST's native parser does this on extremely long or deeply nested "
        "expressions, and a plugin's native code can too"
    )
    violation = make_violation(PARSE_ERROR, shown, (1, 1), (1, 2), message, [])
    return CrashedFile(shown, [violation], parsed=False)
