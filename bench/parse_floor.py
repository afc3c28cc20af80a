"""The floor a LibCST design cannot beat: read and parse every file, nothing else.

    python bench/parse_floor.py --jobs 2 DIR

Uses the same process pool as `guardrails check` (fork, largest file first,
same chunking), the same garbage-collector policy (frozen after start-up,
paused per file) and the same parse without LibCST's node validation, so
the ratio `guardrails / floor` measures what the rules, positions, backends
and reporting add on top of parsing. Prints the number of files parsed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gc
import multiprocessing
from pathlib import Path

import libcst as cst

from guardrails.backends.libcst.checker import collector_paused, unvalidated_parse
from guardrails.backends.libcst.workers import pool_chunk


def parse(path: str) -> int:
    try:
        with collector_paused(), unvalidated_parse():
            cst.parse_module(Path(path).read_bytes())
    except (cst.ParserSyntaxError, SyntaxError, UnicodeDecodeError, LookupError, RecursionError):
        return 0  # the stdlib's deliberately broken files
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    paths = sorted(p for p in args.root.rglob("*.py") if p.is_file())
    # largest first, as the LibCST pass hands files to its workers
    files = [str(path) for path in sorted(paths, key=lambda p: -p.stat().st_size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=args.jobs, mp_context=multiprocessing.get_context(method), initializer=gc.freeze
    ) as pool:
        print(sum(pool.map(parse, files, chunksize=pool_chunk(len(files), args.jobs))))


if __name__ == "__main__":
    main()
