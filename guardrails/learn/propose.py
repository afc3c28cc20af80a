"""From a fix to the candidates that survive: propose, verify, group.

A candidate is kept only if it fires on the before of every fix it was
proposed for and on none of their afters. Fixes that propose the same
pattern are one change pattern: the candidate must separate all of them.
When nothing survives, the reason is said per fix (a rename, a comment, a
refactor) instead of offering a pattern that matches everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from guardrails.learn import verify
from guardrails.learn.changes import Fix, Source
from guardrails.learn.patterns import Candidate, candidates, same_shape


@dataclass
class Proposal:
    """A candidate that separates its fixes' befores from their afters."""

    candidate: Candidate
    fixes: list[Fix]


@dataclass
class Outcome:
    """What `learn` found: kept candidates, and why each fix yielded nothing."""

    message: str
    proposals: list[Proposal] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)  # one line per fix without a rule
    skipped: list[str] = field(default_factory=list)


def learn(source: Source) -> Outcome:
    outcome = Outcome(source.message, skipped=list(source.skipped or []))
    proposed: dict[Candidate, list[int]] = {}
    for index, fix in enumerate(source.fixes):
        for candidate in candidates(fix):
            proposed.setdefault(candidate, []).append(index)
    verdicts = verify.run(list(proposed), source.fixes) if proposed else []
    covered: set[int] = set()
    for verdict, (candidate, indexes) in zip(verdicts, proposed.items(), strict=True):
        if verdict.separates(indexes):
            outcome.proposals.append(Proposal(candidate, [source.fixes[i] for i in indexes]))
            covered.update(indexes)
    outcome.proposals.sort(key=lambda p: (-len(p.fixes), p.candidate.kind, p.candidate.generality))
    for index, fix in enumerate(source.fixes):
        if index in covered:
            continue
        tried = sum(1 for indexes in proposed.values() if index in indexes)
        if same_shape(fix):
            why = "only names, literals or comments changed (a rename or refactor): no rule"
        elif tried:
            why = "no pattern it suggests fires on the old code and not on the new"
        else:
            why = "it changes no call and no single statement a pattern can name"
        outcome.unexplained.append(f"{fix.path}:{fix.line}: {why}")
    return outcome
