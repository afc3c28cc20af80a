"""What `learn` found, as text for people and as JSON: the CLI and the MCP tool print it."""

from __future__ import annotations

import io
from typing import Any

from guardrails.learn.propose import Outcome


def data(origin: str, outcome: Outcome) -> dict[str, Any]:
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


def text(origin: str, outcome: Outcome) -> str:
    out = io.StringIO()
    _write(out, origin, outcome)
    return out.getvalue()


def _write(out: Any, origin: str, outcome: Outcome) -> None:
    from guardrails.report import printable

    title = outcome.message.splitlines()[0] if outcome.message else ""
    out.write(
        f"Learning from {printable(origin)}" + (f": {printable(title)}" if title else "") + "\n"
    )
    for number, proposal in enumerate(outcome.proposals, 1):
        candidate = proposal.candidate
        where = ", ".join(f"{printable(f.path)}:{f.line}" for f in proposal.fixes)
        out.write(f"\n{number}. {candidate.kind} (generality {candidate.generality}): ")
        out.write(f"{printable(candidate.summary)}\n  fires on the old code of {where}, ")
        out.write("not on the new\n")
        for key, value in candidate.patterns:
            shown = f"{value} is a variable" if key == "metavariable-regex" else value
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
