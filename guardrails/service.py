"""The one check pipeline every surface calls: check -> baseline -> ratchet -> diff -> result.

`guardrails check`, the pre-commit hooks (which run it), the agents'
edit-time hooks, the MCP server and `fix` ask the same question — which
findings do these files have under the project's configuration, baseline,
`policy-base` and `fail-on` — so they all go through `check`, and an agent
cannot get a green answer that CI then fails. Surfaces only parse their
input and print the result.

Agent surfaces pass `contained=True`: every path they name must resolve
inside the project root (`guardrails.containment`); a file outside it is
neither read nor written, whatever the path or symlink says.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from guardrails.config import Settings, load_settings
from guardrails.diagnostics import ENGINE_RULES, RULE_CRASH
from guardrails.errors import check_exit_code
from guardrails.model import RuleMeta, Violation
from guardrails.plan import Plan, build_plan
from guardrails.plugins import load_plan
from guardrails.registry import SelectionLayer
from guardrails.report import Summary

if TYPE_CHECKING:
    from guardrails import gitdiff
    from guardrails.engine import Progress, RunResult
    from guardrails.fixer import FixReport
    from guardrails.scopes import Scope
    from guardrails.shards import Assigned, Shard
    from guardrails.warm import WarmEngine

ProgressBar = Callable[[int], contextlib.AbstractContextManager["Progress"]]
"""Given the number of files, a context that yields the run's `progress` callback."""


@dataclass
class CheckRequest:
    """What a surface asks; every field left unset means "as the project's config says"."""

    paths: Sequence[Path] = ()
    cwd: Path = field(default_factory=Path.cwd)
    config: Path | None = None
    isolated: bool = False
    selection: SelectionLayer | None = None
    jobs: int = 0
    use_cache: bool = True
    cache_dir: Path | None = None
    force_exclude: bool = False
    baseline: Path | None = None
    prune: bool = False
    diff_base: str | None = None
    policy_base: str | None = None
    fail_on: str | None = None
    contained: bool = False  # an agent's paths: each must resolve inside the project root
    approved: tuple[str, ...] = ()  # policy weakenings a person approved (`ratchet`)
    progress: ProgressBar | None = None
    # a long-lived caller's loaded plans and LibCST worker (`guardrails.warm`): the same
    # answer as a cold run, without loading plugins and forking a child per check
    warm: WarmEngine | None = None
    shard: Shard | None = None  # `--shard I/N`: this CI runner's share of the files

    def plan(self, settings: Settings) -> Plan:
        """The active rules for `settings`: the warm engine's, else freshly loaded."""
        return self.warm.plan_for(settings) if self.warm is not None else load_plan(settings)


@dataclass
class CheckResult:
    """The answer every surface gives: findings after baseline, ratchet and diff filter."""

    settings: Settings
    plan: Plan
    files: list[Path]
    violations: list[Violation]
    summary: Summary
    suppressed: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one line each, for stderr
    shard: Assigned | None = None  # the share checked, for `guardrails merge`

    @property
    def crashed(self) -> bool:
        """A rule or plugin crashed: the run is incomplete (exit 2), never clean."""
        return any(v.rule_id == RULE_CRASH.id for v in self.violations)

    def exit_code(self, exit_zero: bool = False) -> int:
        return check_exit_code(self.crashed, self.summary.failing, exit_zero)


def settings_for(request: CheckRequest) -> Settings:
    return load_settings(
        request.cwd, config=request.config, cli=request.selection, isolated=request.isolated
    )


def prepare(request: CheckRequest) -> list[Scope]:
    """The files to check, grouped by the configuration each is checked with
    (`guardrails.scopes`); the first scope is the invocation's own."""
    return _prepared(request)[0]


def _prepared(request: CheckRequest) -> tuple[list[Scope], Assigned | None]:
    """`prepare`, and this shard's assignment when the request names a shard."""
    from guardrails.discovery import discover
    from guardrails.errors import UsageError
    from guardrails.plan import discovery_for
    from guardrails.scopes import scopes_for

    if request.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or a positive number")
    settings = settings_for(request)
    plan = request.plan(settings)
    if request.contained:
        files = project_files(settings, request.paths)
    else:
        paths = list(request.paths) or [Path(".")]  # the working directory
        files = discover(paths, discovery_for(settings), request.force_exclude)
    assigned = None
    if request.shard is not None:
        from guardrails.shards import select

        if request.prune:
            raise UsageError(
                "--prune with --shard: each shard sees only its files' baseline entries; "
                "prune in an unsharded run"
            )
        files, assigned = select(files, settings.root, request.shard)
    scopes = scopes_for(
        files,
        settings,
        plan,
        named=request.paths,
        selection=request.selection,
        single=request.isolated or request.config is not None,
        force_exclude=request.force_exclude,
        plans=request.plan,
    )
    return scopes, assigned


@dataclass
class ScopeRun:
    """One scope's check: its findings before baseline, ratchet and diff filter."""

    scope: Scope
    result: RunResult


def run(
    request: CheckRequest, scopes: list[Scope] | None = None
) -> tuple[list[ScopeRun], list[str]]:
    """`prepare` (unless done), then one check over every backend per scope; notes for stderr."""
    from guardrails.cache import for_plan
    from guardrails.engine import check_paths

    scopes = scopes if scopes is not None else prepare(request)
    bar = request.progress or (lambda files: contextlib.nullcontext(None))
    runs, notes = [], []
    with bar(sum(len(scope.files) for scope in scopes)) as advance:
        for scope in scopes:
            cache = for_plan(scope.plan, request.cache_dir) if request.use_cache else None
            resident = request.warm.worker_for(scope.plan) if request.warm is not None else None
            result = check_paths(
                scope.plan, scope.files, request.jobs, cache, advance, resident=resident
            )
            if cache is not None and cache.warning:
                notes.append(f"warning: {cache.warning}")
            runs.append(ScopeRun(scope, result))
    return runs, list(dict.fromkeys(notes))


def check(request: CheckRequest, scopes: list[Scope] | None = None) -> CheckResult:
    """The pipeline: check, then baseline, policy ratchet and diff filter, then the summary.

    Each scope's own baseline, `policy-base` and `fail-on` apply to its files.
    `scopes` (from `prepare`) checks exactly those files, e.g. the ones `fix` just fixed."""
    changes = None
    if request.diff_base:  # before the run: a bad ref or a missing git fails fast
        from guardrails import gitdiff

        changes = gitdiff.changed_lines(request.cwd, request.diff_base)
    assigned = None
    if scopes is None:
        scopes, assigned = _prepared(request)
    runs, notes = run(request, scopes)
    violations: list[Violation] = []
    suppressed: list[Violation] = []
    hidden = stale = failing = files = 0
    for scope_run in runs:
        kept, quiet, counts = _after_the_run(request, scope_run, changes, notes)
        if assigned is not None:
            kept = [v for v in kept if assigned.owns(v.path)]
            quiet = [v for v in quiet if assigned.owns(v.path)]
        violations += kept
        suppressed += quiet
        hidden, stale = hidden + counts[0], stale + counts[1]
        fail_on = request.fail_on or scope_run.scope.settings.fail_on
        failing += Summary.of(kept, 0, fail_on).failing
        files += scope_run.result.files
    violations.sort(key=Violation.sort_key)
    suppressed.sort(key=Violation.sort_key)
    top = runs[0].scope
    fail_on = request.fail_on or top.settings.fail_on
    summary = Summary.of(violations, files, fail_on, hidden, stale, len(suppressed))
    summary = dataclasses.replace(summary, failing=failing)
    all_files = [path for scope_run in runs for path in scope_run.scope.files]
    plan = _shown_plan([scope_run.scope for scope_run in runs])
    return CheckResult(
        top.settings, plan, all_files, violations, summary, suppressed, notes, assigned
    )


def _after_the_run(
    request: CheckRequest,
    scope_run: ScopeRun,
    changes: gitdiff.Changes | None,
    notes: list[str],
) -> tuple[list[Violation], list[Violation], tuple[int, int]]:
    """One scope's findings after its baseline, policy ratchet and the diff filter."""
    from guardrails import baseline as baselines

    settings, plan, files = scope_run.scope.settings, scope_run.scope.plan, scope_run.scope.files
    violations = scope_run.result.violations
    hidden = stale = 0
    baseline_path = request.baseline or settings.baseline
    if baseline_path is not None:
        outcome = baselines.apply_file(violations, baseline_path, settings.root, files)
        violations, hidden, stale = outcome.kept, outcome.hidden, len(outcome.stale)
        if request.prune and outcome.stale:
            dropped = {e["fingerprint"] for e in outcome.stale}
            entries = baselines.load(baseline_path)
            baselines.write(baseline_path, [e for e in entries if e["fingerprint"] not in dropped])
            notes.append(f"pruned {stale} stale entries from {baseline_path}")
            stale = 0
    policy_base = request.policy_base or settings.policy_base
    if policy_base:
        from guardrails import ratchet

        weakened = ratchet.findings(settings, plan, files, policy_base, request.approved)
        violations = sorted(violations + weakened, key=Violation.sort_key)
    suppressed = scope_run.result.suppressed
    if changes is not None:
        violations = [v for v in violations if _changed(changes, v)]
        suppressed = [v for v in suppressed if _changed(changes, v)]
    return violations, suppressed, (hidden, stale)


def _shown_plan(scopes: Sequence[Scope]) -> Plan:
    """The invocation's plan with every scope's active rules: what reports list (SARIF's
    rules, the agent output's rule texts)."""
    top = scopes[0].plan
    if len(scopes) == 1:
        return top
    rules = {rule.id: rule for scope in reversed(scopes) for rule in scope.plan.rules}
    rules.update({rule.id: rule for rule in top.rules})
    known = frozenset().union(*(scope.plan.known_ids for scope in scopes))
    plugins = tuple(dict.fromkeys(p for scope in scopes for p in scope.plan.plugins))
    return dataclasses.replace(
        top,
        rules=tuple(rules[rule_id] for rule_id in sorted(rules)),
        known_ids=known,
        plugins=plugins,
    )


def fix(
    request: CheckRequest, unsafe: bool = False, diff: bool = False, report: FixReport | None = None
) -> tuple[FixReport, CheckResult | None]:
    """Apply (or, with `diff`, preview) the fixes; then what remains, as `check` reports it.

    The remaining findings go through the same pipeline as `check` (baseline,
    policy ratchet, `fail-on`), so a fix hook fails exactly when the check
    hook would. `report` is filled in as files are written, so a caller
    that passes one still knows what changed when a later step raises.
    """
    from guardrails.fixer import FixReport, fix_paths

    scopes = prepare(request)
    report = report if report is not None else FixReport()
    for scope in scopes:
        fix_paths(
            scope.plan,
            scope.files,
            unsafe=unsafe,
            diff=diff,
            jobs=request.jobs,
            report=report,
            # the user named these paths; an agent's are contained; links out stay refused
            named_outside=not request.contained,
            final=False,
        )
    if diff:
        return report, None
    remaining = check(request, scopes)
    report.remaining = remaining.violations
    return report, remaining


def record_baseline(
    request: CheckRequest, out: Path | None = None
) -> tuple[list[tuple[Path, int, int]], list[str]]:
    """Record the current findings: to `out`, else to each configuration's own `baseline`.

    Entries are relative to the folder of the config each file is checked
    with, as `check` applies them. Returns (file, entries, files checked) per
    file written, and notes for stderr.
    """
    from guardrails import baseline as baselines
    from guardrails.errors import UsageError

    scopes = prepare(request)
    targets = {id(scope): out or scope.settings.baseline for scope in scopes}
    missing = [scope for scope in scopes if scope.files and targets[id(scope)] is None]
    if missing:
        where = missing[0].settings.config_path or "the command line"
        raise UsageError(
            "say where to write the baseline: --out FILE (or `baseline` in config; "
            f"none for the files checked with {where})"
        )
    for target in dict.fromkeys(t for t in targets.values() if t is not None):
        baselines.writable(target)  # fail before the run, not after it
    runs, notes = run(request, scopes)
    entries: dict[Path, list[dict[str, object]]] = {}
    files: dict[Path, int] = {}
    for scope_run in runs:
        target = targets[id(scope_run.scope)]
        if target is None:
            continue
        root = scope_run.scope.settings.root
        files[target] = files.get(target, 0) + len(scope_run.scope.files)
        entries.setdefault(target, []).extend(
            baselines.entry(v, root)
            for v in scope_run.result.violations
            if not v.rule_id.startswith("GR")
        )
    for target, recorded in entries.items():
        baselines.write(target, recorded)
    return [(t, len(e), files[t]) for t, e in entries.items()], notes


def _changed(changes: gitdiff.Changes, violation: Violation) -> bool:
    """Whether diff mode reports `violation`: engine findings (GR…) wherever they are, as
    a syntax error or crashed rule on an old line still means the file went unchecked."""
    if violation.category == "engine" or violation.rule_id in {m.id for m in ENGINE_RULES}:
        return True
    return changes.changed(violation.path, violation.line, violation.end_line)


@dataclass
class AgentCheck:
    """Findings of one check and their rendering for an agent."""

    violations: list[Violation]
    summary: Summary
    text: str


def rule_metas(plan: Plan) -> dict[str, RuleMeta]:
    metas = {meta.id: meta for meta in ENGINE_RULES}
    metas.update({rule.id: rule.meta for rule in plan.rules})
    return metas


def project_files(settings: Settings, paths: Sequence[Path]) -> list[Path]:
    """The files under `paths` to check, every one inside the project root.

    Both the named paths and each discovered file are checked: a folder inside
    the project may hold a symlink to a file outside it.
    """
    from guardrails.containment import inside
    from guardrails.discovery import discover
    from guardrails.paths import display_path
    from guardrails.plan import discovery_for

    for path in paths:
        inside(path, settings.root)
    if not paths:
        return []
    files = discover(list(paths), discovery_for(settings), force_exclude=True)
    for file in files:
        inside(file, settings.root, display_path(file))
    return files


def check_files(
    cwd: Path,
    paths: Sequence[Path],
    max_findings: int = 20,
    command: str = "guardrails check",
    warm: WarmEngine | None = None,
) -> AgentCheck:
    """Check existing files as CI would: the same pipeline (`check`), contained in the project.

    `warm`: a long-lived caller's engine (the MCP server, the engine agent hooks use)."""
    if not paths:
        request = CheckRequest(cwd=cwd, warm=warm)
        settings = settings_for(request)
        plan = request.plan(settings)
        summary = Summary.of([], 0, settings.fail_on)
        return AgentCheck([], summary, _agent_text(plan, [], summary, max_findings, command))
    result = check(CheckRequest(list(paths), cwd, jobs=1, contained=True, warm=warm))
    text = _agent_text(result.plan, result.violations, result.summary, max_findings, command)
    return AgentCheck(result.violations, result.summary, text)


def check_source(cwd: Path, source: str, path: str, max_findings: int = 20) -> AgentCheck:
    """Check unsaved text as if it were the file at `path` in the project.

    The text is written to a scratch copy at the same relative location (so
    per-file ignores, test-path rules and module names apply), never over
    the real file. The location is computed from `path` resolved inside the
    project root: a path outside it (or a symlink out) is refused, because
    joining an absolute path onto the scratch folder would name the real file.
    """
    from guardrails.containment import inside
    from guardrails.discovery import PYTHON_SUFFIXES
    from guardrails.engine import check_paths
    from guardrails.errors import UsageError
    from guardrails.plugins import build_registry

    settings = load_settings(cwd)
    target = inside(cwd / path, settings.root, "path")
    if target.suffix not in PYTHON_SUFFIXES or target == settings.root:
        raise UsageError(f"path: {path!r} must name a Python file (.py or .pyi)")
    try:
        data = source.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(f"source: not encodable as UTF-8 ({exc.reason})") from None
    relative = target.relative_to(settings.root)
    registry = build_registry(settings)  # plugins load once, from the real project
    plan = build_plan(settings, registry)
    with tempfile.TemporaryDirectory(prefix="guardrails-source-") as scratch:
        root = Path(scratch).resolve()
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        scratch_settings = _rooted(settings, root)
        scratch_plan = build_plan(scratch_settings, registry)
        found = check_paths(scratch_plan, [target], jobs=1).violations
    violations = [_renamed(v, path) for v in found]
    summary = Summary.of(violations, 1, settings.fail_on)
    return AgentCheck(violations, summary, _agent_text(plan, violations, summary, max_findings))


def _rooted(settings: Settings, root: Path) -> Settings:
    """`settings` moved to another root: source roots keep their relative places."""
    import dataclasses

    src = tuple(
        root / s.relative_to(settings.root) if s.is_relative_to(settings.root) else s
        for s in settings.src
    )
    return dataclasses.replace(settings, root=root, src=src or (root,))


def _renamed(violation: Violation, path: str) -> Violation:
    import dataclasses

    return dataclasses.replace(violation, path=path)


def _agent_text(
    plan: Plan,
    violations: list[Violation],
    summary: Summary,
    max_findings: int,
    command: str = "guardrails check",
) -> str:
    from guardrails.report import agent

    out = io.StringIO()
    agent.render(
        violations, summary, rule_metas(plan), out, max_findings=max_findings, command=command
    )
    return out.getvalue()
