"""Which candidates separate a fix's before from its after: one offline Semgrep run.

Every candidate of every fix runs as one rule over scratch files holding each
fix's before and after statements (and, for reach, the files of the tree), so
learning from a commit costs one Semgrep start-up, not one per pattern. A
pattern Semgrep rejects is dropped with the reason Semgrep gave.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
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
    texts = {}
    for index, fix in enumerate(fixes):
        texts[f"before_{index}.py"] = fix.before
        texts[f"after_{index}.py"] = fix.after
    hits, errors = scan(candidates, texts)
    for index, error in errors.items():
        verdicts[index].error = error
    for index, found in hits.items():
        for target, _line in found:
            side, _, number = Path(target).stem.partition("_")
            if number.isdigit() and target in texts:
                (verdicts[index].before if side == "before" else verdicts[index].after).add(
                    int(number)
                )
    return verdicts


Hit = tuple[str, int]
"""(target, line): a scratch text's name, or a file's path as given."""


def scan(
    candidates: Sequence[Candidate], texts: Mapping[str, str], paths: Sequence[Path] = ()
) -> tuple[dict[int, list[Hit]], dict[int, str]]:
    """Where each candidate fires among `texts` (scratch files by name) and `paths`;
    and the candidates Semgrep rejected, with its reason (the rest run again without them)."""
    errors: dict[int, str] = {}
    for _attempt in range(3):
        live = [i for i in range(len(candidates)) if i not in errors]
        if not live:
            return {}, errors
        data, names = _scan([candidates[i] for i in live], texts, paths)
        rejected = False
        for error in data.get("errors", []):
            rule = str(error.get("rule_id") or "")
            if rule.startswith("c") and rule[1:].isdigit() and int(rule[1:]) < len(live):
                errors[live[int(rule[1:])]] = _one_line(error)
                rejected = True
        if rejected:
            continue
        hits: dict[int, list[Hit]] = {}
        for result in data.get("results", []):
            rule = str(result.get("check_id", ""))
            if not (rule.startswith("c") and rule[1:].isdigit()):
                continue
            path = str(result.get("path", ""))
            line = int((result.get("start") or {}).get("line", 0) or 0)
            hits.setdefault(live[int(rule[1:])], []).append((names.get(path, path), line))
        return hits, errors
    return {}, errors


def _one_line(error: dict[str, object]) -> str:
    text = str(error.get("message") or error.get("type") or "rejected by Semgrep")
    return " ".join(text.split())[:200]


def _scan(
    candidates: Sequence[Candidate], texts: Mapping[str, str], paths: Sequence[Path]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Semgrep's JSON, and the scratch file paths it reports mapped back to text names."""
    executable = find_executable("semgrep", "GUARDRAILS_SEMGREP")
    if executable is None:
        raise BackendError(f"{where_missing('semgrep', 'GUARDRAILS_SEMGREP')}; learn needs it")
    workdir = tempfile.TemporaryDirectory(prefix="guardrails-learn-")
    folder = Path(workdir.name)
    targets = folder / "targets"
    targets.mkdir()
    names = {}
    for name, text in texts.items():
        target = targets / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8", errors="surrogateescape"))
        names[str(target)] = name
    rules = [c.rule(f"c{i}", c.summary) for i, c in enumerate(candidates)]
    config = folder / "rules.json"
    config.write_text(json.dumps({"rules": rules}), encoding="utf-8")
    argv = [
        executable, "scan", "--experimental", "--config", str(config), "--json",
        "--metrics=off", "--disable-version-check", "--oss-only", "--disable-nosem",
        "--no-rewrite-rule-ids", "--x-ignore-semgrepignore-files", "--no-git-ignore",
        "--jobs", str(os.cpu_count() or 1), "--", str(targets), *(str(p) for p in paths),
    ]  # fmt: skip
    env = isolated_env(workdir.name, drop_prefixes=("SEMGREP_",), extra={})
    job = start("semgrep", argv, workdir, env, Path.cwd())
    try:
        code, out, err = job.wait(300 + 2.0 * len(paths))
    finally:
        job.close()
    try:
        data = json.loads(out)
    except ValueError:
        lines = err.strip().splitlines() or [f"exit code {code}"]
        raise BackendError(f"semgrep could not run the candidates: {lines[-1]}") from None
    return (data if isinstance(data, dict) else {}), names
