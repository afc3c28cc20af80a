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
    learn.add_argument(
        "--write",
        metavar="best|N",
        help="write candidate N (or the best one) as a rule of the in-repo plugin, with its "
        "test; `libcst`: a LibCST skeleton for a fix no pattern separates",
    )
    learn.add_argument("--id", metavar="ID", help="the new rule's id (default: the next free one)")
    learn.add_argument(
        "--into",
        type=Path,
        metavar="DIR",
        help="write into this plugin package (default: the in-repo plugin guardrails_learned)",
    )
    learn.add_argument(
        "--category",
        default="reliability",
        choices=("security", "observability", "reliability", "architecture"),
        help="the new rule's category (default: reliability)",
    )


def cmd_learn(args: argparse.Namespace) -> int:
    """Print the candidates that separate the fix's old code from its new; exit 1 if none."""
    from guardrails.learn import changes, report
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

    settings = load_settings(Path.cwd())
    outcome = learn(source)
    reach(outcome, settings)
    if not args.write and not args.json and outcome.kept and _interactive():
        sys.stdout.write(report.text(origin, outcome))
        args.write = _ask(outcome)
        if args.write is None:
            return EXIT_OK
        if args.id is None:
            args.id = _ask_id(settings)
        written = _write(args, outcome, settings)
        sys.stdout.write(f"\nWrote {written.rule_id}: {', '.join(map(str, written.files))}\n")
        return EXIT_OK
    written = _write(args, outcome, settings) if args.write else None
    if args.json:
        data = report.data(origin, outcome)
        data["written"] = _written(written)
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(report.text(origin, outcome))
        if written is not None:
            files = ", ".join(str(p) for p in written.files)
            sys.stdout.write(f"\nWrote {written.rule_id}: {files}\n")
    return EXIT_OK if outcome.kept or written is not None else EXIT_FINDINGS


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask(outcome: Any) -> str | None:
    """Which candidate to write: its number, or None (Enter, `n`, end of input)."""
    numbers = [str(i) for i, p in enumerate(outcome.proposals, 1) if not p.rejected]
    while True:
        sys.stdout.write(f"\nWrite one as a rule? {'/'.join(numbers)}, or Enter for none: ")
        sys.stdout.flush()
        answer = sys.stdin.readline()
        if answer.strip().lower() in ("", "n", "no", "none"):
            return None
        if answer.strip() in numbers:
            return answer.strip()
        sys.stdout.write(f"  {answer.strip()!r} is not one of {', '.join(numbers)}\n")


def _ask_id(settings: Any) -> str | None:
    """The id for the new rule: the next free one offered, or typed."""
    from guardrails.learn.write import next_id
    from guardrails.plugins import build_registry

    taken = {i for i in build_registry(settings).rules if not i.startswith(_BUILT_IN)}
    try:
        offered = next_id(taken, None)
    except UsageError:
        offered = ""
    hint = f" [{offered}]" if offered else " (e.g. ACME001)"
    sys.stdout.write(f"Rule id{hint}: ")
    sys.stdout.flush()
    answer = sys.stdin.readline().strip()
    return answer or offered or None


def _write(args: argparse.Namespace, outcome: Any, settings: Any) -> Any:
    """Write the chosen candidate; `best` is the kept one that reaches most places."""
    from guardrails.learn.write import next_id, write
    from guardrails.plugins import build_registry

    if args.write == "libcst":
        return _write_libcst(args, outcome, settings)
    kept = outcome.kept
    if not kept:
        raise UsageError("learn --write: no candidate to write (nothing separates old from new)")
    if args.write == "best":
        chosen = max(kept, key=lambda p: (p.reach, -p.candidate.generality))
    elif args.write.isdigit() and 1 <= int(args.write) <= len(outcome.proposals):
        chosen = outcome.proposals[int(args.write) - 1]
        if chosen.rejected:
            raise UsageError(f"learn --write {args.write}: rejected ({chosen.rejected})")
    else:
        raise UsageError(f"learn --write: give best or 1..{len(outcome.proposals)}")
    taken = set(build_registry(settings).rules)
    rule_id = args.id or next_id({i for i in taken if not i.startswith(_BUILT_IN)}, None)
    if rule_id in taken:
        raise UsageError(f"learn --write: {rule_id} is already a rule's id")
    why = outcome.message.strip() or "A fix in this project corrected this mistake."
    return write(chosen, settings.root, rule_id, args.category, why, args.into)


_BUILT_IN = ("SEC", "OBS", "REL", "ARC", "GR")


def _write_libcst(args: argparse.Namespace, outcome: Any, settings: Any) -> Any:
    """A LibCST skeleton for the first fix no pattern separated."""
    from guardrails.learn.write import next_id, write_libcst
    from guardrails.plugins import build_registry

    if not outcome.unseparated:
        raise UsageError("learn --write libcst: every fix here is a refactor or has a pattern")
    taken = set(build_registry(settings).rules)
    rule_id = args.id or next_id({i for i in taken if not i.startswith(_BUILT_IN)}, None)
    if rule_id in taken:
        raise UsageError(f"learn --write: {rule_id} is already a rule's id")
    why = outcome.message.strip() or "A fix in this project corrected this mistake."
    return write_libcst(outcome.unseparated[0], settings.root, rule_id, args.category, why)


def _written(written: Any) -> dict[str, Any] | None:
    if written is None:
        return None
    return {"id": written.rule_id, "files": [str(p) for p in written.files]}


def _read(path: Path) -> str:
    from guardrails.discovery import read_source

    try:
        data = read_source(path, MAX_DIFF_BYTES)  # never a FIFO or an unbounded read
    except OSError as exc:
        raise UsageError(f"--diff: cannot read {path}: {exc.strerror or exc}") from None
    return data.decode("utf-8", errors="surrogateescape")
