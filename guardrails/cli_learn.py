"""`guardrails learn`: the command line of `guardrails.learn` (rules proposed from a fix).

Kept apart from `guardrails.cli` (the everyday commands); it reads a commit,
the working tree or a diff, and prints the verified candidates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from guardrails.errors import EXIT_FINDINGS, EXIT_OK, UsageError

MAX_DIFF_BYTES = 16 * 1024 * 1024


def add_learn(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    learn = commands.add_parser(
        "learn",
        help="propose rules from a fix: fire on the old code, quiet on the new (verified)",
    )
    learn.add_argument(
        "rev", nargs="?", metavar="REV", help="the commit that fixed it (default: the working tree)"
    )
    learn.add_argument("--diff", type=Path, metavar="FILE", help="read the fix from a unified diff")
    learn.add_argument("--json", action="store_true", help="print the candidates as JSON")


def cmd_learn(args: argparse.Namespace) -> int:
    """Print the candidates that separate the fix's old code from its new; exit 1 if none."""
    from guardrails.learn import changes
    from guardrails.learn.propose import learn

    if args.diff is not None and args.rev is not None:
        raise UsageError("learn: give a commit or --diff FILE, not both")
    if args.diff is not None:
        source = changes.from_diff(_read(args.diff))
        origin = str(args.diff)
    elif args.rev is not None:
        source = changes.from_commit(Path.cwd(), args.rev)
        origin = args.rev
    else:
        source = changes.from_worktree(Path.cwd())
        origin = "the working tree"
    from guardrails.config import load_settings
    from guardrails.learn.propose import reach

    outcome = learn(source)
    reach(outcome, load_settings(Path.cwd()))
    if args.json:
        sys.stdout.write(json.dumps(_data(origin, outcome), indent=2) + "\n")
    else:
        _text(origin, outcome)
    return EXIT_OK if outcome.kept else EXIT_FINDINGS


def _read(path: Path) -> str:
    from guardrails.discovery import read_source

    try:
        data = read_source(path, MAX_DIFF_BYTES)  # never a FIFO or an unbounded read
    except OSError as exc:
        raise UsageError(f"--diff: cannot read {path}: {exc.strerror or exc}") from None
    return data.decode("utf-8", errors="surrogateescape")


def _data(origin: str, outcome: Any) -> dict[str, Any]:
    return {
        "source": {"from": origin, "message": outcome.message},
        "candidates": [
            {
                "kind": p.candidate.kind,
                "summary": p.candidate.summary,
                "generality": p.candidate.generality,
                "reach": p.reach,
                "examples": p.examples,
                "rejected": p.rejected or None,
                "patterns": p.candidate.semgrep(),
                "fixes": [
                    {"path": f.path, "line": f.line, "before": f.before, "after": f.after}
                    for f in p.fixes
                ],
            }
            for p in outcome.proposals
        ],
        "no_rule": outcome.unexplained,
        "skipped": outcome.skipped,
    }


def _text(origin: str, outcome: Any) -> None:
    from guardrails.report import printable

    out = sys.stdout
    title = outcome.message.splitlines()[0] if outcome.message else ""
    out.write(
        f"Learning from {printable(origin)}" + (f": {printable(title)}" if title else "") + "\n"
    )
    for proposal in outcome.proposals:
        candidate = proposal.candidate
        where = ", ".join(f"{printable(f.path)}:{f.line}" for f in proposal.fixes)
        out.write(f"\n{candidate.kind} (generality {candidate.generality}): ")
        out.write(f"{printable(candidate.summary)}\n  fires on the old code of {where}, ")
        out.write("not on the new\n")
        for key, text in candidate.patterns:
            shown = f"{text} is a variable" if key == "metavariable-regex" else text
            out.write(f"  {key}: {printable(shown)}\n")
        out.write(f"  reach: fires on {proposal.reach} other places in this project\n")
        for example in proposal.examples:
            out.write(f"    {printable(example)}\n")
        if proposal.rejected:
            out.write(f"  rejected: {printable(proposal.rejected)}\n")
    for line in outcome.unexplained:
        out.write(f"\nNo rule for {printable(line)}\n")
    for line in outcome.skipped:
        out.write(f"Skipped {printable(line)}\n")
    if not outcome.kept:
        out.write("\nNothing to learn: no candidate separates the old code from the new.\n")
