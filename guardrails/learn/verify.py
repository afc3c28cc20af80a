"""Which candidates separate a fix's before from its after: one offline Semgrep run.

Every candidate of every fix runs as one rule over scratch files holding each
fix's before and after statements (and, for reach, the files of the tree), so
learning from a commit costs one Semgrep start-up, not one per pattern. A
pattern Semgrep rejects is dropped with the reason Semgrep gave.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardrails.backends.process import (
    BackendError,
    find_executable,
    isolated_env,
    start,
    where_missing,
)
from guardrails.learn.changes import Fix
from guardrails.learn.patterns import Candidate


@dataclass
class Verdict:
    """How one candidate did: the fixes' befores it fired on, the afters it fired on."""

    candidate: Candidate
    before: set[int] = field(default_factory=set)
    after: set[int] = field(default_factory=set)
    error: str = ""

    def separates(self, fixes: Sequence[int]) -> bool:
        return not self.error and set(fixes) <= self.before and not self.after & set(fixes)


def run(candidates: Sequence[Candidate], fixes: Sequence[Fix]) -> list[Verdict]:
    """Run every candidate on every fix's before and after.

    A rule Semgrep rejects (a pattern it cannot parse) is marked with its error
    and the others are run again without it: one bad guess costs no good one."""
    verdicts = [Verdict(c) for c in candidates]
    for _attempt in range(3):
        live = [i for i, v in enumerate(verdicts) if not v.error]
        if not live:
            break
        data = _scan([candidates[i] for i in live], fixes)
        rejected = False
        for error in data.get("errors", []):
            rule = str(error.get("rule_id") or "")
            if rule.startswith("c") and rule[1:].isdigit() and int(rule[1:]) < len(live):
                verdicts[live[int(rule[1:])]].error = _one_line(error)
                rejected = True
        if rejected:
            continue
        for result in data.get("results", []):
            rule = str(result.get("check_id", ""))
            side, _, number = Path(str(result.get("path", ""))).stem.partition("_")
            if rule.startswith("c") and rule[1:].isdigit() and number.isdigit():
                verdict = verdicts[live[int(rule[1:])]]
                (verdict.before if side == "before" else verdict.after).add(int(number))
        break
    return verdicts


def _one_line(error: dict[str, object]) -> str:
    text = str(error.get("message") or error.get("type") or "rejected by Semgrep")
    return " ".join(text.split())[:200]


def _scan(candidates: Sequence[Candidate], fixes: Sequence[Fix]) -> dict[str, Any]:
    executable = find_executable("semgrep", "GUARDRAILS_SEMGREP")
    if executable is None:
        raise BackendError(f"{where_missing('semgrep', 'GUARDRAILS_SEMGREP')}; learn needs it")
    workdir = tempfile.TemporaryDirectory(prefix="guardrails-learn-")
    folder = Path(workdir.name)
    targets = folder / "targets"
    targets.mkdir()
    for index, fix in enumerate(fixes):
        for side, text in (("before", fix.before), ("after", fix.after)):
            data = text.encode("utf-8", errors="surrogateescape")
            (targets / f"{side}_{index}.py").write_bytes(data)
    rules = [c.rule(f"c{i}", c.summary) for i, c in enumerate(candidates)]
    config = folder / "rules.json"
    config.write_text(json.dumps({"rules": rules}), encoding="utf-8")
    argv = [
        executable, "scan", "--experimental", "--config", str(config), "--json",
        "--metrics=off", "--disable-version-check", "--oss-only", "--disable-nosem",
        "--no-rewrite-rule-ids", "--x-ignore-semgrepignore-files", "--no-git-ignore",
        "--jobs", "1", "--", str(targets),
    ]  # fmt: skip
    env = isolated_env(workdir.name, drop_prefixes=("SEMGREP_",), extra={})
    job = start("semgrep", argv, workdir, env, folder)
    try:
        code, out, err = job.wait(300)
    finally:
        job.close()
    try:
        data = json.loads(out)
    except ValueError:
        lines = err.strip().splitlines() or [f"exit code {code}"]
        raise BackendError(f"semgrep could not run the candidates: {lines[-1]}") from None
    return data if isinstance(data, dict) else {}
