"""From a fix to the candidates that survive: propose, verify, group.

A candidate is kept only if it fires on the before of every fix it was
proposed for and on none of their afters. Fixes that propose the same
pattern are one change pattern: the candidate must separate all of them.
When nothing survives, the reason is said per fix (a rename, a comment, a
refactor) instead of offering a pattern that matches everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from guardrails.learn import verify
from guardrails.learn.changes import Fix, Source
from guardrails.learn.patterns import Candidate, candidates, same_shape

if TYPE_CHECKING:
    from guardrails.config import Settings


@dataclass
class Proposal:
    """A candidate that separates its fixes' befores from their afters, and its reach."""

    candidate: Candidate
    fixes: list[Fix]
    reach: int = 0  # places in the current tree it fires on
    examples: list[str] = field(default_factory=list)  # a few of them: "path:line: code"
    rejected: str = ""  # why it catches the one line, not the class of mistake


@dataclass
class Outcome:
    """What `learn` found: kept candidates, and why each fix yielded nothing."""

    message: str
    proposals: list[Proposal] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)  # one line per fix without a rule
    skipped: list[str] = field(default_factory=list)
    unseparated: list[Fix] = field(default_factory=list)  # real fixes no pattern told apart

    @property
    def kept(self) -> list[Proposal]:
        return [p for p in self.proposals if not p.rejected]


_SKELETON = (
    "; a LibCST rule can tell them apart: `--write libcst` writes its skeleton, with this "
    "fix's old code as its bad example and the new as its good"
)


def learn(source: Source) -> Outcome:
    outcome = Outcome(source.message, skipped=list(source.skipped))
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
            why = "no pattern it suggests fires on the old code and not on the new" + _SKELETON
            outcome.unseparated.append(fix)
        else:
            why = "it changes no call and no single statement a pattern can name" + _SKELETON
            outcome.unseparated.append(fix)
        outcome.unexplained.append(f"{fix.path}:{fix.line}: {why}")
    return outcome


EXAMPLES = 3


def reach(outcome: Outcome, settings: Settings) -> None:
    """Run the surviving candidates over the project's files and the built-in rules' good
    examples (one Semgrep run): how many places each fires on, a few of them, and a
    rejection for one that fires on good code or only in tests."""
    from guardrails.discovery import discover
    from guardrails.paths import display_path, root_relative
    from guardrails.plan import discovery_for
    from guardrails.plugins import build_registry, load_plan

    if not outcome.proposals:
        return
    registry = build_registry(settings)
    texts = {
        f"good/{meta.id}_{n}.py": example.code
        for meta in registry.sorted()
        for n, example in enumerate(meta.good)
    }
    files = discover([settings.root], discovery_for(settings))
    plan = load_plan(settings)
    hits, errors = verify.scan([p.candidate for p in outcome.proposals], texts, files)
    lines: dict[str, list[str]] = {}
    for index, proposal in enumerate(outcome.proposals):
        if index in errors:
            proposal.rejected = f"Semgrep rejected it on the tree: {errors[index]}"
            continue
        good = sorted(
            {t.split("/", 1)[1].rsplit("_", 1)[0] for t, _ in hits.get(index, ()) if t in texts}
        )
        found = [(t, line) for t, line in hits.get(index, ()) if t not in texts]
        proposal.reach = len(found)
        for target, line in found[:EXAMPLES]:
            text = _line(lines, target, line)
            proposal.examples.append(f"{display_path(target)}:{line}: {text}")
        relative = [root_relative(t, settings.root) or t for t, _ in found]
        if good:
            proposal.rejected = f"fires on the good example of {', '.join(good)}"
        elif found and all(plan.is_test(r) for r in relative):
            proposal.rejected = "fires only in test files"


def _line(cache: dict[str, list[str]], path: str, line: int) -> str:
    if path not in cache:
        try:
            cache[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            cache[path] = []
    text = cache[path][line - 1].strip() if 0 < line <= len(cache[path]) else ""
    return text[:120]
