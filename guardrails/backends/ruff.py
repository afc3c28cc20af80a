"""Ruff-backed rules: Ruff codes mapped to guardrails ids, one `ruff` process per run.

Where Ruff already implements a check exactly, a guardrails rule maps its
code(s) instead of re-implementing them. Ruff runs isolated from the
user's own configuration (`--isolated`) and `# noqa` comments
(`--ignore-noqa`: guardrails has one suppression syntax), selecting only the
mapped codes of active rules, and writes no cache. Its edits travel on the
Violation as a `Fix` for `guardrails fix`.

A file Ruff could not read (E902, e.g. deleted during the run) or parse is
one it did not check: a GR001 on that file naming the Ruff-backed rules,
never a silent pass and never the end of the run.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import signal
import tempfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrails.backends.process import (
    BackendError,
    Job,
    backend_timeout,
    executable_identity,
    find_executable,
    isolated_env,
    last_line,
    start,
    where_missing,
)
from guardrails.diagnostics import PARSE_ERROR
from guardrails.errors import PluginError
from guardrails.model import Edit, Fix, RuffMapping, Violation
from guardrails.registry import ActiveRule
from guardrails.source import SourceFile

if TYPE_CHECKING:
    from guardrails.backends import Claim, HookResults
    from guardrails.plan import Plan
    from guardrails.registry import Registry

BACKEND = "ruff"
IO_ERROR = "E902"  # Ruff's code for a file it could not read; always selected
MAX_CRASHING_FILES = 4
"""More files than this that Ruff crashes on alone: Ruff is broken, not the files."""


class RuffJob:
    """One started `ruff check` and how to read its findings back."""

    def __init__(
        self,
        job: Job,
        by_code: dict[str, Any],
        shown: dict[str, str],
        scopes: dict[str, frozenset[str]] | None = None,
        rerun: Callable[[Sequence[str]], tuple[int, str, str]] | None = None,
        targets: Sequence[str] = (),
    ) -> None:
        self.job = job
        self.by_code = by_code
        self.shown = shown  # absolute path -> path as reported
        self.scopes = scopes  # path as reported -> ids of the rules that apply to it
        self.rerun = rerun  # the same command on other targets, waited for
        self.targets = list(targets)  # as given on the command line

    def done(self) -> bool:
        return self.job.done()

    def close(self) -> None:
        self.job.close()

    def collect(self) -> dict[str, list[Violation]]:
        try:
            code, out, err = self.job.wait(backend_timeout(600))
        finally:
            self.job.close()
        findings: dict[str, list[Violation]] = {}
        if code < 0 and self.rerun is not None:
            # Killed by a signal: Ruff crashed (e.g. its stack overflowed on a
            # deeply nested file). Find the files it crashes on; the rest stand.
            crashed: list[tuple[str, int]] = []
            self._isolate(self.targets, findings, crashed)
            if len(crashed) == len(self.targets):  # not a file's doing: Ruff is broken
                raise BackendError(f"ruff failed ({_signal_name(-code)}) on every file")
            unchecked: set[str] = set()
            for given, signal_number in crashed:
                path = self.shown.get(os.path.normpath(os.path.abspath(given)), given)
                item = {"code": None, "message": f"it crashed: {_signal_name(signal_number)}"}
                self._report_unchecked(path, item, findings, unchecked)
            return findings
        self._read(code, out, err, findings, set())
        return findings

    def _isolate(
        self,
        given: Sequence[str],
        findings: dict[str, list[Violation]],
        crashed: list[tuple[str, int]],
    ) -> None:
        """Rerun Ruff on halves of `given` until each crash is pinned on one file.

        Past a few crashing files Ruff itself is taken to be broken (a
        BackendError), which also bounds the reruns.
        """
        code, out, err = self.rerun(given) if self.rerun is not None else (-1, "", "")
        if code >= 0:
            self._read(code, out, err, findings, set())
        elif len(given) == 1:
            crashed.append((given[0], -code))
            if len(crashed) > MAX_CRASHING_FILES:
                shown = ", ".join(name for name, _ in crashed)
                raise BackendError(
                    f"ruff failed ({_signal_name(-code)}) on {len(crashed)} files ({shown}) "
                    "and may crash on more"
                )
        else:
            middle = len(given) // 2
            self._isolate(given[:middle], findings, crashed)
            self._isolate(given[middle:], findings, crashed)

    def _read(
        self,
        code: int,
        out: str,
        err: str,
        findings: dict[str, list[Violation]],
        unchecked: set[str],
    ) -> None:
        """Add the findings of one finished Ruff run to `findings`."""
        try:
            data = json.loads(out) if out.strip() else None
        except json.JSONDecodeError:
            data = None
        if code != 0 or not isinstance(data, list):
            raise BackendError(f"ruff failed (exit {code}): {last_line(err)}")
        for item in data:
            if not isinstance(item, dict) or not isinstance(item.get("filename"), str):
                raise BackendError("ruff failed: its JSON output is not a list of diagnostics")
            path = self.shown.get(os.path.normpath(item["filename"]), item["filename"])
            rule = self.by_code.get(item.get("code"))
            if rule is None or item.get("code") == IO_ERROR:
                # unreadable (E902) or unparsable (code null / invalid-syntax): the
                # Ruff-backed rules did not check it
                self._report_unchecked(path, item, findings, unchecked)
                continue
            try:
                start, end = item["location"], item["end_location"]
                violation = rule.violation(
                    path,
                    (int(start["row"]), int(start["column"])),
                    (int(end["row"]), int(end["column"])),
                    f"{item['message']} [{item['code']}]",
                    fix=_fix(item.get("fix")),
                    backend=BACKEND,
                )
            except (KeyError, TypeError, ValueError, AttributeError):
                raise BackendError(
                    f"ruff failed: a diagnostic in its JSON is malformed: {str(item)[:200]}"
                ) from None
            findings.setdefault(path, []).append(violation)

    def _report_unchecked(
        self,
        path: str,
        item: dict[str, Any],
        findings: dict[str, list[Violation]],
        unchecked: set[str],
    ) -> None:
        """One GR001 per file the Ruff-backed rules that apply to it did not check."""
        ids = {rule.id for rule in self.by_code.values()}
        if self.scopes is not None:
            ids &= self.scopes.get(path, ids)
        if path not in unchecked and ids:
            unchecked.add(path)
            findings.setdefault(path, []).append(self._unchecked(path, item, ids))

    def _unchecked(self, path: str, item: dict[str, Any], rule_ids: set[str]) -> Violation:
        ids = ", ".join(sorted(rule_ids))
        what = "read" if item.get("code") == IO_ERROR else "parse"
        location = item.get("location") if isinstance(item.get("location"), dict) else {}
        line = location.get("row", 1) if isinstance(location.get("row"), int) else 1
        message = " ".join(str(item.get("message", "")).split())[:200]
        engine = ActiveRule(PARSE_ERROR, PARSE_ERROR.severity, {})
        return engine.violation(
            path,
            (max(line, 1), 1),
            (max(line, 1), 2),
            f"Ruff could not {what} this file ({message}), so {ids} did not check it",
            backend=BACKEND,
        )


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


def start_ruff(
    active: Sequence[Any],
    sources: Sequence[SourceFile],
    cwd: Path,
    applicable: Callable[[str], Collection[str]] | None = None,
) -> RuffJob | None:
    """Start Ruff for the active rules' mapped codes, or None if there are none.

    Ruff reads the files the run read (`sources`, those it could read);
    `applicable(given)` names the rules that apply to a file: a file Ruff
    could not read or parse is reported only if a Ruff-backed one does.
    """
    targets = {str(s.path): s.shown for s in sources if s.data is not None}
    by_code = {code: rule for rule in active for code in rule.implementation(BACKEND) or ()}
    if not by_code or not targets:
        return None
    executable = find_executable("ruff", "GUARDRAILS_RUFF")
    if executable is None:
        names = sorted({rule.id for rule in by_code.values()})
        raise BackendError(
            f"{where_missing('ruff', 'GUARDRAILS_RUFF')}, so the Ruff-backed rules "
            f"({', '.join(names)}) cannot run; "
            "install it (`pip install ruff`) or deselect them with "
            f"`--ignore {shlex.quote(','.join(names))}`"
        )
    workdir = tempfile.TemporaryDirectory(prefix="guardrails-ruff-")
    argv = [
        executable, "check",
        "--isolated",
        "--no-cache",
        "--ignore-noqa",
        "--exit-zero",
        "--output-format", "json",
        "--select", ",".join(sorted({*by_code, IO_ERROR})),
        "--",
        *targets,
    ]  # fmt: skip
    env = isolated_env(workdir.name, drop_prefixes=("RUFF_",), extra={})
    job = start("ruff", argv, workdir, env, cwd)
    command = argv[: -len(targets)]

    def rerun(given: Sequence[str]) -> tuple[int, str, str]:
        home = tempfile.TemporaryDirectory(prefix="guardrails-ruff-")
        again = start("ruff", [*command, *given], home, env, cwd)
        try:
            return again.wait(backend_timeout(600))
        finally:
            again.close()

    shown = {
        os.path.normpath(os.path.abspath(given)): reported for given, reported in targets.items()
    }
    scopes = None
    if applicable is not None:
        scopes = {reported: frozenset(applicable(given)) for given, reported in targets.items()}
    return RuffJob(job, by_code, shown, scopes, rerun, list(targets))


def _signal_name(number: int) -> str:
    try:
        return f"killed by {signal.Signals(number).name}"
    except ValueError:
        return f"killed by signal {number}"


class RuffBackend:
    """Ruff codes mapped to guardrails rules (`guardrails_ruff_mappings`), one `ruff check`."""

    name = BACKEND
    cross_file = False

    def identity(self) -> str:
        return executable_identity("ruff", "GUARDRAILS_RUFF")

    def declare(self, results: HookResults, registry: Registry, claim: Claim) -> None:
        """Ruff-backed rules first, then codes added to any rule; a code backs one rule only."""
        mappings: list[tuple[str, RuffMapping]] = []
        for plugin, provided in results("guardrails_ruff_mappings"):
            for mapping in provided:
                if not isinstance(mapping, RuffMapping) or not mapping.codes:
                    raise PluginError(
                        f"plugin {plugin!r}: guardrails_ruff_mappings must return RuffMapping "
                        "objects with at least one code"
                    )
                if mapping.meta is not None:
                    if mapping.meta.id != mapping.rule_id:
                        raise PluginError(
                            f"plugin {plugin!r}: RuffMapping({mapping.rule_id!r}) carries the "
                            f"metadata of {mapping.meta.id}"
                        )
                    registry.add(claim(dataclasses.replace(mapping.meta, backend=BACKEND), plugin))
                mappings.append((plugin, mapping))
        owners: dict[str, str] = {}
        for plugin, mapping in mappings:
            if registry.get(mapping.rule_id) is None:
                raise PluginError(
                    f"plugin {plugin!r}: Ruff codes {', '.join(mapping.codes)} map to unknown "
                    f"rule id {mapping.rule_id}"
                )
            for code in mapping.codes:
                if owners.setdefault(code, mapping.rule_id) != mapping.rule_id:
                    raise PluginError(
                        f"Ruff code {code} is mapped to both {owners[code]} and "
                        f"{mapping.rule_id}; a code can back one rule only"
                    )
            codes = registry.implementations_of(mapping.rule_id).get(BACKEND, ())
            codes = tuple(dict.fromkeys(codes + mapping.codes))
            registry.implement(BACKEND, mapping.rule_id, codes)
            registry.foreign_codes[mapping.rule_id] = codes  # a noqa comment may name them

    def start(
        self, plan: Plan, files: Sequence[SourceFile], cwd: Path, jobs: int
    ) -> RuffJob | None:
        from guardrails.backends import applicable_ids

        return start_ruff(plan.rules, files, cwd, applicable_ids(plan, files))


INSTANCE = RuffBackend()
