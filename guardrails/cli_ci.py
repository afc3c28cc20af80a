"""The command line's CI-only commands: `merge` (the results of `check --shard` runners).

Kept apart from `guardrails.cli` (the everyday commands), which stays
small enough to read; these only matter where CI splits a run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_ci(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    merge = commands.add_parser(
        "merge",
        help="join the JSON or SARIF results of `check --shard I/N` runs into one result",
    )
    merge.add_argument("out", type=Path, metavar="OUT", help="file to write the joined result to")
    merge.add_argument(
        "inputs", nargs="+", type=Path, metavar="IN", help="each shard's result (JSON or SARIF)"
    )
    merge.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )


def cmd_merge(args: argparse.Namespace) -> int:
    """Write the unsharded run's result; exit as that run would."""
    from guardrails import merge
    from guardrails.report.text import summary_line

    merged = merge.merge(args.inputs)
    merge.write(args.out, merged)
    sys.stderr.write(summary_line(merged.summary) + "\n")
    return merged.exit_code(args.exit_zero)
