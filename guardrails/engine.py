"""One run: settings + registry -> a plan -> findings for every file.

`build_plan` turns config into the active rule set (validating rule ids and
options against what plugins registered). `check_source` is the per-file
pipeline every path goes through: decode, parse once, one traversal for all
LibCST rules, suppressions. `check_paths` fans files out over processes and
returns results in a deterministic order, identical for any `--jobs`.
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import multiprocessing
import os
import sys
import threading
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

import libcst as cst

from guardrails import suppressions
from guardrails.config import Settings
from guardrails.cst.runner import run_rules
from guardrails.diagnostics import PARSE_ERROR, RULE_CRASH
from guardrails.discovery import DEFAULT_EXCLUDES, Discovery, display_path, glob_match, module_name
from guardrails.errors import ConfigError
from guardrails.model import FileResult, Option, RuleMeta, Violation
from guardrails.plugins import build_registry
from guardrails.registry import ActiveRule, Registry, select_rules

T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    """What every file of a run is checked with (picklable for workers)."""

    settings: Settings
    rules: tuple[ActiveRule, ...]
    known_ids: frozenset[str]

    def rules_for(self, relative: str) -> list[ActiveRule]:
        """Active rules minus `per-file-ignores` that match this root-relative path."""
        ignored: set[str] = set()
        for pattern, ids in self.settings.per_file_ignores:
            if glob_match(pattern, relative):
                ignored.update(ids)
        if not ignored:
            return list(self.rules)
        return [
            r
            for r in self.rules
            if not any(r.id.startswith(sel) or sel == "ALL" for sel in ignored)
        ]


def _check_option(meta: RuleMeta, option: Option, value: Any, where: str) -> Any:
    expected = option.kind
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if ok and expected is list and option.item_kind is not None:
        ok = all(isinstance(item, option.item_kind) for item in value)
    if not ok:
        kind = expected.__name__ + (f" of {option.item_kind.__name__}" if option.item_kind else "")
        raise ConfigError(f"{where}: expected {kind}, got {type(value).__name__} {value!r}")
    return value


def build_plan(settings: Settings, registry: Registry | None = None) -> Plan:
    """Validate ids and options against the registry; pick the active rules."""
    registry = registry or build_registry(settings)
    names = ("select", "extend-select", "ignore")
    for index, layer in enumerate(settings.layers):
        prefix = "--" if index > 0 else ""
        for key, selectors in zip(
            names, (layer.select or (), layer.extend_select, layer.ignore), strict=True
        ):
            where = f"command line {prefix}{key}" if index > 0 else settings.where(key)
            registry.check_selectors(selectors, where)
    for pattern, ids in settings.per_file_ignores:
        registry.check_selectors(ids, settings.where(f"per-file-ignores.{pattern!r}"))
    for rule_id in settings.severity:
        registry.check_selectors([rule_id], settings.where(f"severity.{rule_id}"))
    for rule_id, values in settings.rule_options.items():
        meta = registry.get(rule_id)
        if meta is None:
            raise ConfigError(f"{settings.where('rules.' + rule_id)}: unknown rule id {rule_id!r}")
        known = {o.name: o for o in meta.options}
        for key, value in values.items():
            where = settings.where(f"rules.{rule_id}.{key}")
            if key not in known:
                choices = ", ".join(sorted(known)) or "none"
                raise ConfigError(f"{where}: unknown option for {rule_id} (options: {choices})")
            _check_option(meta, known[key], value, where)

    active_ids = select_rules(registry, settings.layers)
    rules = []
    for rule_id in sorted(active_ids):
        meta = registry.rules[rule_id]
        severity = meta.severity
        for selector, level in sorted(settings.severity.items(), key=lambda kv: len(kv[0])):
            if rule_id.startswith(selector):
                severity = level
        options = {**meta.option_defaults(), **settings.rule_options.get(rule_id, {})}
        rules.append(ActiveRule(meta, severity, options, registry.impls.get(rule_id)))
    return Plan(settings, tuple(rules), frozenset(registry.rules))


def _violation(
    rule: ActiveRule | RuleMeta,
    path: str,
    start: tuple[int, int],
    end: tuple[int, int],
    message: str,
    lines: Sequence[str],
    fix: Any = None,
) -> Violation:
    meta = rule.meta if isinstance(rule, ActiveRule) else rule
    severity = rule.severity if isinstance(rule, ActiveRule) else meta.severity
    line = start[0]
    return Violation(
        rule_id=meta.id,
        name=meta.name,
        category=meta.category,
        severity=severity,
        path=path,
        line=line,
        column=start[1],
        end_line=end[0],
        end_column=end[1],
        message=message,
        remediation=meta.remediation,
        docs=meta.docs,
        fix=fix,
        source_line=lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else "",
    )


def _decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) honouring a BOM or PEP 263 coding cookie."""
    encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
    return data.decode(encoding), encoding


def _parse_error(exc: Exception, text: str) -> tuple[int, int, str]:
    """(line, 1-based column, one-line message) for a file LibCST cannot parse.

    CPython's own parser locates syntax errors much better than LibCST's
    (which often points at the next token), so it is asked first; only its
    verdict is used, its cost is paid only for broken files.
    """
    with contextlib.suppress(ValueError, RecursionError, MemoryError):  # LibCST's verdict then
        try:
            ast.parse(text)
        except SyntaxError as syntax:
            line = syntax.lineno or 1
            return line, max(syntax.offset or 1, 1), f"syntax error: {syntax.msg}"
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
        worker.join()
    finally:
        threading.stack_size(previous_size)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def check_source(plan: Plan, source: bytes | str, path: Path, shown: str) -> FileResult:
    """Check one file's content; never raises for bad input."""
    result = FileResult(shown)
    lines: list[str] = []

    def engine_finding(meta: RuleMeta, line: int, column: int, message: str) -> Violation:
        return _violation(meta, shown, (line, column), (line, column + 1), message, lines)

    try:
        text = source if isinstance(source, str) else _decode(source)[0]
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        result.violations.append(engine_finding(PARSE_ERROR, 1, 1, f"cannot decode file: {reason}"))
        return result
    lines = text.splitlines()
    relative = _root_relative(path, plan.settings.root)
    rules = plan.rules_for(relative)
    cst_rules = [
        r
        for r in rules
        if r.impl is not None and (not r.impl.TRIGGERS or any(t in text for t in r.impl.TRIGGERS))
    ]
    try:
        module = cst.parse_module(text)
    except Exception as exc:  # ParserSyntaxError, RecursionError on absurd nesting, ...
        line, column, message = _parse_error(exc, text)
        result.violations.append(engine_finding(PARSE_ERROR, line, column, message))
        return result

    found: list[Violation] = []
    if cst_rules:
        mod_name, is_package = module_name(path, plan.settings.src)
        try:
            try:
                outcome = run_rules(module, text, shown, mod_name, is_package, cst_rules)
            except RecursionError:
                outcome = _with_deep_stack(
                    run_rules, module, text, shown, mod_name, is_package, cst_rules
                )
        except Exception as exc:  # the engine's own name tracking failed
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
            by_impl = {r.impl: r for r in cst_rules}
            for report in outcome.reports:
                where = outcome.positions(report.node)
                found.append(
                    _violation(
                        by_impl[type(report.rule)],
                        shown,
                        (where.start_line, where.start_column + 1),
                        (where.end_line, where.end_column + 1),
                        report.message,
                        lines,
                        report.fix,
                    )
                )
            for failure in outcome.failures:
                meta = failure.rule.META
                where = outcome.positions(failure.node)
                error = str(failure.error).strip().splitlines()
                detail = (
                    f"{type(failure.error).__name__}: {error[0]}"
                    if error
                    else type(failure.error).__name__
                )
                found.append(
                    engine_finding(
                        RULE_CRASH,
                        where.start_line,
                        where.start_column + 1,
                        f"rule {meta.id} ({meta.name}, plugin {meta.plugin}) crashed here and "
                        f"did not check the rest of the file: {detail}",
                    )
                )

    ran = {r.id for r in rules}  # a rule skipped by its triggers ran and found nothing
    comments = suppressions.parse(text)
    if comments:
        found = suppressions.apply(found, comments, ran, set(plan.known_ids), engine_finding)
    result.violations = sorted(found, key=Violation.sort_key)
    return result


def _root_relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def check_file(plan: Plan, path: Path) -> FileResult:
    """Read and check one file; unreadable files become GR001 findings."""
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        meta = PARSE_ERROR
        return FileResult(
            shown,
            [
                _violation(
                    meta, shown, (1, 1), (1, 2), f"cannot read file: {exc.strerror or exc}", []
                )
            ],
        )
    return check_source(plan, data, path, shown)


# --------------------------------------------------------------- parallel run
_WORKER_PLAN: list[Plan] = []  # one entry per worker process, set by the initializer


def _init_worker(settings: Settings) -> None:
    _WORKER_PLAN.append(build_plan(settings))


def _check_in_worker(path: str) -> FileResult:
    return check_file(_WORKER_PLAN[0], Path(path))


@dataclass
class RunResult:
    """Findings of a run, plus what was checked."""

    files: int
    violations: list[Violation] = field(default_factory=list)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def discovery_for(settings: Settings) -> Discovery:
    excludes = settings.exclude if settings.exclude is not None else DEFAULT_EXCLUDES
    return Discovery(settings.root, tuple(excludes) + settings.extend_exclude)


def check_paths(plan: Plan, files: Sequence[Path], jobs: int = 0) -> RunResult:
    """Check `files`, across `jobs` processes when it pays; order is deterministic."""
    jobs = jobs or default_jobs()
    results: list[FileResult]
    if jobs <= 1 or len(files) < 4 * jobs:
        results = [check_file(plan, path) for path in files]
    else:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(plan.settings,),
        ) as pool:
            chunk = max(1, min(32, len(files) // (jobs * 8)))
            results = list(pool.map(_check_in_worker, [str(p) for p in files], chunksize=chunk))
    violations = [v for r in results for v in r.violations]
    violations.sort(key=Violation.sort_key)
    return RunResult(len(files), violations)
