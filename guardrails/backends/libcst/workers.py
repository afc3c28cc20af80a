"""The LibCST pass over a batch of files: in worker processes when it pays.

Files are never checked in the calling process: a native crash (LibCST's
parser overflowing its stack) would end the run. Small batches go to one
forked child (`guardrails.isolation`); larger ones to a pool of workers,
largest file first, each file reported as it finishes.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import faulthandler
import functools
import gc
import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from guardrails import interrupts
from guardrails.backends.libcst.checker import check_file, crashed
from guardrails.isolation import check_isolated, exit_when_orphaned, interrupts_deferred
from guardrails.model import FileResult
from guardrails.plan import Plan
from guardrails.source import SourceFile

if TYPE_CHECKING:
    from guardrails.backends.libcst.resident import ResidentWorker

_WORKER_PLAN: list[Plan] = []  # one entry per worker process, set by the initializer


def _init_worker(plan: Plan, parent: int | None) -> None:
    """Set a worker up. `parent` None: a spawned worker, which its closed pipe ends
    when its parent dies, needs no thread polling for that (`ResidentWorker`)."""
    if parent is not None:
        threading.Thread(target=exit_when_orphaned, args=(parent,), daemon=True).start()
    faulthandler.disable()  # a crash is reported as a finding, not as a stack dump
    interrupts.watch(worker=True)  # a rule's own KeyboardInterrupt is a finding, a real one is not
    _WORKER_PLAN.append(plan)  # inherited by the fork (pickled only where there is no fork)
    # Imports and the plan live as long as the worker: keep them out of every
    # later collection's traversal.
    gc.freeze()


def _check_in_worker(source: SourceFile) -> FileResult:
    return check_file(_WORKER_PLAN[0], source)


def largest_first(sources: Sequence[SourceFile]) -> list[int]:
    """Indexes of `sources`, largest file first: how a process pool should take them.

    Work handed out in file order can end with one worker still parsing a
    big file while the others idle; largest first, the last pieces of work
    are the smallest files, so the workers finish together.
    """

    def size(index: int) -> int:
        return len(sources[index].data or b"")

    return sorted(range(len(sources)), key=lambda index: (-size(index), index))


def pool_chunk(files: int, jobs: int) -> int:
    """Files per task sent to a worker: few round trips, yet a short tail."""
    return max(1, min(16, files // (jobs * 8)))


@contextlib.contextmanager
def libcst_pass(
    plan: Plan, files: Sequence[SourceFile], jobs: int, resident: ResidentWorker | None = None
) -> Iterator[Iterator[tuple[int, FileResult]]]:
    """Start the LibCST pass; yields (index in `files`, result) as results come.

    Files are never checked in this process: a native crash (LibCST's parser
    overflowing its stack) would end the run. Small runs go to one forked
    child (`isolation.py`); in parallel runs the workers start on entry, so
    whatever the caller does before reading the results (starting Semgrep
    and Ruff) overlaps with them, and a crashed worker costs its file only:
    the files the broken pool did not finish are checked again by `jobs`
    forked children, each taking its share in order, which pins each crash
    on its file. A long-lived caller (the language server, the engine hooks
    use) passes its `resident` worker instead: warm, and no fork of a
    process that runs threads.
    """
    if resident is not None:
        yield resident.results(files)
        return
    if jobs <= 1 or len(files) < 4 * jobs:
        with _isolated(plan, files) as results:
            yield results
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(plan, os.getpid()),
    )
    order = largest_first(files)
    try:
        with interrupts_deferred():  # workers are forked here: see `interrupts_deferred`
            results = pool.map(
                _check_in_worker,
                [files[index] for index in order],
                chunksize=pool_chunk(len(files), jobs),
            )
        yield _recovering(plan, files, order, results, jobs)
    except BaseException:
        # e.g. Semgrep missing: report it now, not after the whole pass
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _recovering(
    plan: Plan,
    files: Sequence[SourceFile],
    order: Sequence[int],
    results: Iterator[FileResult],
    jobs: int,
) -> Iterator[tuple[int, FileResult]]:
    """The pool's results in `order`; after a worker failed, the rest checked in isolation.

    A dead worker breaks the whole pool (BrokenProcessPool); a result that
    cannot be sent back raises for its file. Either way the files without
    a result go through `check_isolated`, which pins the failure on its file.
    """
    done = 0
    try:
        for result in results:
            yield order[done], result
            done += 1
    # guardrails: ignore[OBS006] passed on: the rerun reports the failure as a finding on its file
    except Exception:  # BrokenProcessPool, or a worker's error (a result it could not send)
        rest = order[done:]
        with _isolated(plan, [files[index] for index in rest], jobs) as retried:
            for position, result in retried:
                yield rest[position], result


@contextlib.contextmanager
def _isolated(
    plan: Plan, files: Sequence[SourceFile], jobs: int = 1
) -> Iterator[Iterator[tuple[int, FileResult]]]:
    """`files` checked by `jobs` forked children; the results iterator closes on exit."""
    results = check_isolated(functools.partial(check_file, plan), files, crashed, jobs)
    try:
        yield results
    finally:
        results.close()  # ends a child still checking when the caller stopped early
