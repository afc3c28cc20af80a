"""Ruff-backed rules: Ruff codes mapped to guardrails ids, one `ruff` process per run.

Where Ruff already implements a check exactly, a guardrails rule maps its
code(s) instead of re-implementing them. Ruff runs isolated from the
user's own configuration (`--isolated`) and `# noqa` comments
(`--ignore-noqa`: guardrails has one suppression syntax), selecting only the
mapped codes of active rules, and writes no cache. Its edits travel on the
Violation as a `Fix` for `guardrails fix`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardrails.backends.process import (
    BackendError,
    Job,
    find_executable,
    isolated_env,
    last_line,
    start,
)
from guardrails.model import Edit, Fix, RuleMeta, Violation

BACKEND = "ruff"


@dataclass(frozen=True)
class RuffMapping:
    """Ruff codes that back a guardrails rule.

    With `meta`, the mapping defines a new Ruff-backed rule; without it, the
    codes are added to an existing rule id (from any plugin), e.g. an org
    backing the built-in SEC006 with Ruff's S608 as well.
    """

    rule_id: str
    codes: tuple[str, ...]
    meta: RuleMeta | None = None


class RuffJob:
    """One started `ruff check` and how to read its findings back."""

    def __init__(self, job: Job, by_code: dict[str, Any], shown: dict[str, str]) -> None:
        self.job = job
        self.by_code = by_code
        self.shown = shown  # absolute path -> path as reported

    def collect(self) -> dict[str, list[Violation]]:
        try:
            code, out, err = self.job.wait(600)
        finally:
            self.job.close()
        try:
            data = json.loads(out) if out.strip() else None
        except json.JSONDecodeError:
            data = None
        if code != 0 or not isinstance(data, list):
            raise BackendError(f"ruff failed (exit {code}): {last_line(err)}")
        findings: dict[str, list[Violation]] = {}
        for item in data:
            rule = self.by_code.get(item.get("code"))
            if rule is None:  # syntax errors (code null): LibCST's GR001 covers them
                continue
            path = self.shown.get(os.path.normpath(item["filename"]), item["filename"])
            start, end = item["location"], item["end_location"]
            findings.setdefault(path, []).append(
                rule.violation(
                    path,
                    (start["row"], start["column"]),
                    (end["row"], end["column"]),
                    f"{item['message']} [{item['code']}]",
                    fix=_fix(item.get("fix")),
                    backend=BACKEND,
                )
            )
        return findings


def _fix(raw: dict[str, Any] | None) -> Fix | None:
    if not raw or not raw.get("edits"):
        return None
    edits = tuple(
        Edit(
            e["location"]["row"],
            e["location"]["column"],
            e["end_location"]["row"],
            e["end_location"]["column"],
            e.get("content") or "",
        )
        for e in raw["edits"]
    )
    applicability = raw.get("applicability", "unsafe")
    if applicability not in ("safe", "unsafe"):
        return None  # display-only suggestions are not applied
    return Fix(edits, applicability, raw.get("message") or "")


def start_ruff(active: Sequence[Any], targets: dict[str, str], cwd: Path) -> RuffJob | None:
    """Start Ruff for the active rules' mapped codes, or None if there are none."""
    by_code = {code: rule for rule in active for code in rule.ruff_codes}
    if not by_code or not targets:
        return None
    executable = find_executable("ruff", "GUARDRAILS_RUFF")
    if executable is None:
        ids = ", ".join(sorted({rule.id for rule in by_code.values()}))
        raise BackendError(
            f"ruff is not on PATH, so the Ruff-backed rules ({ids}) cannot run; "
            f"install it (`pip install ruff`) or deselect them with `--ignore {ids}`"
        )
    workdir = tempfile.TemporaryDirectory(prefix="guardrails-ruff-")
    argv = [
        executable, "check",
        "--isolated",
        "--no-cache",
        "--ignore-noqa",
        "--exit-zero",
        "--output-format", "json",
        "--select", ",".join(sorted(by_code)),
        "--",
        *targets,
    ]  # fmt: skip
    env = isolated_env(workdir.name, drop_prefixes=("RUFF_",), extra={})
    job = start("ruff", argv, workdir, env, cwd)
    shown = {
        os.path.normpath(os.path.abspath(given)): reported for given, reported in targets.items()
    }
    return RuffJob(job, by_code, shown)
