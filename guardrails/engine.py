"""One run: a plan and a list of files -> every finding, in a deterministic order.

The LibCST pass starts first (in worker processes when it pays); Semgrep
and Ruff start right after and work while it runs. Their findings
are then merged per file, duplicates across backends dropped, per-file rule
applicability (`per-file-ignores`, test exemptions) and suppressions applied
once for every backend alike.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import os
import tempfile
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrails import backends, foreign, precedence, suppressions
from guardrails.backends.libcst.checker import CrashedFile
from guardrails.backends.libcst.workers import libcst_pass
from guardrails.cache import Cache
from guardrails.diagnostics import ALWAYS_ON, PARSE_ERROR
from guardrails.fingerprint import with_fingerprints
from guardrails.model import FileResult, RuleMeta, Violation
from guardrails.plan import Plan
from guardrails.registry import make_violation
from guardrails.source import SourceFile, load
from guardrails.typed import surroundings_typed

if TYPE_CHECKING:
    from guardrails.backends.libcst.resident import ResidentWorker


@dataclass
class RunResult:
    """Findings of a run, plus what was checked."""

    files: int
    violations: list[Violation] = field(default_factory=list)
    # findings another linter's comment suppressed (`foreign-suppressions`): reported
    # as suppressed, never counted toward the exit code
    suppressed: list[Violation] = field(default_factory=list)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _dedupe(violations: list[Violation]) -> list[Violation]:
    """One finding per rule and line when several backends report it.

    A rule backed by two engines (e.g. LibCST and mapped Ruff codes) reports
    the same problem twice; the most precise backend's finding is kept.
    Exact duplicates from one backend are dropped too.
    """
    best: dict[tuple[str, int], int] = {}
    for v in violations:
        key = (v.rule_id, v.line)
        rank = backends.priority(v.backend)
        best[key] = min(best.get(key, rank), rank)
    seen: set[tuple[str, int, int, str]] = set()
    kept = []
    for v in violations:
        # Two rules crashing on one node are two GR003s: their messages name the rules.
        exact = (v.rule_id, v.line, v.column, v.message if v.rule_id in ALWAYS_ON else "")
        if backends.priority(v.backend) != best[(v.rule_id, v.line)] or exact in seen:
            continue
        seen.add(exact)
        kept.append(v)
    return kept


def finalize(
    plan: Plan,
    result: FileResult,
    external: Sequence[Violation],
    source: SourceFile,
    today: datetime.date | None = None,
) -> list[Violation]:
    """Merge a file's findings from every backend; apply rule scope and suppressions.

    Source lines come from the file's one decoding, whichever backend found it."""
    applicable = plan.applicable_ids(source.relative)
    merged = list(result.violations)
    merged += [
        v
        for v in external
        if (v.rule_id in applicable or v.rule_id in ALWAYS_ON)
        # one "could not parse" per file: LibCST's, when it already failed
        and not (v.rule_id == PARSE_ERROR.id and not result.parsed)
    ]
    if external:
        lines = source.lines
        merged = [
            v
            if v.source_line or not (0 < v.line <= len(lines))
            else dataclasses.replace(v, source_line=lines[v.line - 1])
            for v in merged
        ]
    merged = _dedupe(merged)
    quiet: list[Violation] = []  # suppressed by another linter's comment: reported as such

    def source_lines() -> list[str]:
        return source.lines

    if result.suppressions:
        shown = result.path

        def engine_finding(meta: RuleMeta, line: int, column: int, message: str) -> Violation:
            where = (line, column), (line, column + 1)
            return make_violation(meta, shown, *where, message, source.lines, backend="engine")

        merged = suppressions.apply(
            merged, result.suppressions, applicable, set(plan.known_ids), engine_finding, today
        )
        others = [
            (s.line, s.trailing, s.kind, s.codes)
            for s in result.suppressions
            if s.kind != suppressions.MARKER
        ]
        if others:
            merged, quiet = foreign.mark_suppressed(merged, others, plan.foreign_codes)
    # after suppressions: a comment suppresses exactly the ids it names (see precedence.py)
    merged = precedence.subsume(merged, plan.subsumes, source_lines)
    quiet = precedence.subsume(quiet, plan.subsumes, source_lines)
    return sorted(merged + quiet, key=Violation.sort_key)


Progress = Callable[[int], None]
"""Called with how many more files are finished (all cached ones at once)."""


def _unchecked(plan: Plan, files: Sequence[SourceFile]) -> dict[int, list[Violation]]:
    """A GR001 for each file no backend may read: special files, dangling links, too
    large, a link in the project to a file outside it, or a failed read.

    Decided when the file was loaded (a stat before anything opens it), so a
    FIFO never blocks the run and a huge file is never read; such files go to
    no backend.
    """
    found: dict[int, list[Violation]] = {}
    for index, source in enumerate(files):
        if source.data is None:
            message = source.problem or "cannot read file"
            violation = make_violation(
                PARSE_ERROR, source.shown, (1, 1), (1, 2), message, [], backend="engine"
            )
            found[index] = with_fingerprints([violation], plan.settings.root)
    return found


def _cached(
    plan: Plan,
    files: Sequence[SourceFile],
    cache: Cache,
    skip: Container[int] = (),
    today: datetime.date | None = None,
    cross: Mapping[str, Sequence[Violation]] | None = None,
) -> tuple[dict[int, list[Violation]], dict[int, Path]]:
    """Findings already cached, and the entry each file's findings belong in."""
    hits: dict[int, list[Violation]] = {}
    entries: dict[int, Path] = {}
    typed: dict[Path, bool] = {}  # per folder: files beside each other share the answer
    for index, source in enumerate(files):
        if index in skip or source.data is None:
            continue
        path = source.path
        if path.parent not in typed:
            typed[path.parent] = surroundings_typed(path, plan.settings.root)
        facts = f"typed={typed[path.parent]}"
        if cross is not None:  # findings that depend on other files are part of the key
            facts += f";cross={_digest(cross.get(source.shown, ()))}"
        entry = cache.entry(source.relative, source.module, source.data, facts)
        entries[index] = entry
        found = cache.get(entry, today, source.shown)
        if found is not None:
            hits[index] = found
    return hits, entries


def check_paths(
    plan: Plan,
    files: Sequence[Path | SourceFile],
    jobs: int = 0,
    cache: Cache | None = None,
    progress: Progress | None = None,
    today: datetime.date | None = None,
    resident: ResidentWorker | None = None,
) -> RunResult:
    """Check `files` with every backend; the result is the same for any `jobs`.

    Files whose findings are cached are not read by any backend. Semgrep and
    Ruff start first and run while the LibCST pass works; a backend that
    cannot run or fails raises BackendError (exit code 2), so a failed
    backend never looks like a clean run. `progress(n)` is told as files finish.
    `today` (default: the real one) is the day dated suppressions are judged on.
    `resident`: a long-lived caller's warm LibCST worker, instead of a fork per run.
    Paths are read here, once (`guardrails.source`); a caller that already
    holds a file's bytes passes its SourceFile.
    """
    advance = progress or (lambda done: None)
    settings = plan.settings
    files_given = files
    sources = [
        f
        if isinstance(f, SourceFile)
        else load(f, settings.root, settings.src, settings.max_file_size)
        for f in files
    ]
    unchecked = _unchecked(plan, sources)
    cross = _cross_file(plan, [s for i, s in enumerate(sources) if i not in unchecked], jobs)
    hits, entries = (
        ({}, {}) if cache is None else _cached(plan, sources, cache, unchecked, today, cross)
    )
    hits.update(unchecked)  # reported as they are, never cached
    for index in hits:
        if not isinstance(files_given[index], SourceFile):
            sources[index].release()  # answered from the cache: no backend reads it
    advance(len(hits))
    todo_index = [index for index in range(len(sources)) if index not in hits]
    violations: list[Violation] = [v for found in hits.values() for v in found]
    for done, found, valid_until, cacheable in _check_uncached(
        plan, [sources[index] for index in todo_index], jobs, advance, today, cross, resident
    ):
        index = todo_index[done]
        # A fingerprint depends only on the file's own findings: computed once,
        # then cached with them.
        found = with_fingerprints(sorted(found, key=Violation.sort_key), plan.settings.root)
        # not kept: a crashed file (the crash may not repeat) or one that vanished
        # during the run (read by no backend)
        keep = cacheable and os.path.lexists(sources[index].path)
        if cache is not None and index in entries and keep:
            cache.put(entries[index], found, valid_until)
        violations.extend(found)
        if not isinstance(files_given[index], SourceFile):
            sources[index].release()  # read here, finished here: not kept for the whole run
    violations.sort(key=Violation.sort_key)
    return RunResult(
        len(files),
        [v for v in violations if not v.suppressed_by],
        [v for v in violations if v.suppressed_by],
    )


def _check_uncached(
    plan: Plan,
    files: Sequence[SourceFile],
    jobs: int,
    progress: Progress,
    today: datetime.date | None = None,
    cross: Mapping[str, Sequence[Violation]] | None = None,
    resident: ResidentWorker | None = None,
) -> Iterator[tuple[int, list[Violation], datetime.date | None, bool]]:
    """(index in `files`, final findings from every backend, until when they hold,
    whether they may be cached), any order.

    A file whose check crashed the process checking it is not cached: the
    crash may not repeat (the out-of-memory killer, a larger stack next time).

    A file is finished as soon as its LibCST result is in and Semgrep and
    Ruff are done, which is usually long before the LibCST pass ends: the
    merging, fingerprinting and caching then overlap with the pass instead
    of following it.
    """
    if not files:
        return
    jobs = jobs or default_jobs()
    started: list[Any] = []
    waiting: dict[int, FileResult] = {}  # LibCST results waiting for Semgrep and Ruff
    external: dict[str, list[Violation]] | None = None

    def finish(
        by_path: dict[str, list[Violation]],
    ) -> list[tuple[int, list[Violation], datetime.date | None, bool]]:
        done = [
            (
                index,
                finalize(plan, result, by_path.get(result.path, ()), files[index], today),
                suppressions.valid_until(result.suppressions, today),
                not isinstance(result, CrashedFile),
            )
            for index, result in waiting.items()
        ]
        waiting.clear()
        return done

    # the UTF-8 copies live until Semgrep and Ruff are done with them
    with _as_utf8(files) as readable:
        try:
            with libcst_pass(plan, files, jobs, resident) as pending:
                # every other backend checks the batch while the pass runs; Semgrep's
                # workers busy-wait when the cores are taken, so while the LibCST pool
                # keeps them busy a quarter of them is their fair share (measured)
                share = max(1, jobs // 4)
                for name in backends.NAMES:
                    if backends.backend(name).cross_file:
                        continue  # already run, before the cache (`_cross_file`)
                    job = backends.backend(name).start(plan, readable, Path.cwd(), share)
                    if job is not None:
                        started.append(job)
                for index, result in pending:
                    waiting[index] = result
                    progress(1)
                    if external is None and all(job.done() for job in started):
                        external = _collect(started, cross)
                    if external is not None:
                        yield from finish(external)
            yield from finish(external if external is not None else _collect(started, cross))
        finally:
            for job in started:
                job.close()


@contextlib.contextmanager
def _as_utf8(files: Sequence[SourceFile]) -> Iterator[list[SourceFile]]:
    """The files as Semgrep and Ruff are to read them: a file in another encoding (a
    PEP 263 coding line) as a UTF-8 copy of its one decoding.

    Both read UTF-8 only: Ruff refuses such a file, and Semgrep silently
    misses matches in it. The copy sits at the file's project path inside a
    scratch folder (so path globs still see `tests/...`) and keeps the file's
    shown name, so findings land on the real file.
    """
    foreign = [
        source
        for source in files
        if source.data is not None
        and source.encoding not in (None, "utf-8", "utf-8-sig")
        and source.text is not None  # undecodable: reported (GR001), read by no one
    ]
    if not foreign:
        yield list(files)
        return
    with tempfile.TemporaryDirectory(prefix="guardrails-utf8-") as scratch:
        copies = {}
        for source in foreign:
            relative = source.relative.lstrip("/")  # a file outside the root: its full path
            copy = Path(scratch, relative)
            copy.parent.mkdir(parents=True, exist_ok=True)
            data = (source.text or "").encode("utf-8")
            copy.write_bytes(data)
            copies[id(source)] = dataclasses.replace(source, path=copy, data=data)
        yield [copies.get(id(source), source) for source in files]


def _cross_file(
    plan: Plan, files: Sequence[SourceFile], jobs: int
) -> dict[str, list[Violation]] | None:
    """Findings of the backends whose findings for a file depend on other files (an
    import chain), by shown path; None when no such backend has work.

    Run before the cache lookup, over every file of the batch: a file's cached
    findings are keyed by these too, so a chain another file opened or closed
    re-checks the file it starts in, never a stale clean.
    """
    found: dict[str, list[Violation]] | None = None
    for name in backends.NAMES:
        backend = backends.backend(name)
        if not backend.cross_file:
            continue
        job = backend.start(plan, files, Path.cwd(), max(1, jobs))
        if job is None:
            continue
        try:
            for shown, violations in job.collect().items():
                (found := found or {}).setdefault(shown, []).extend(violations)
        finally:
            job.close()
        found = found if found is not None else {}
    return found


def _digest(violations: Sequence[Violation]) -> str:
    rows = sorted((v.rule_id, v.line, v.column, v.message) for v in violations)
    return hashlib.sha256(repr(rows).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _collect(
    started: Sequence[Any], cross: Mapping[str, Sequence[Violation]] | None = None
) -> dict[str, list[Violation]]:
    """Findings of the started batch jobs by shown path, once they end, with the
    cross-file backends' findings (run before)."""
    external: dict[str, list[Violation]] = {k: list(v) for k, v in (cross or {}).items()}
    for job in started:
        for shown, found in job.collect().items():
            external.setdefault(shown, []).extend(found)
    return external
