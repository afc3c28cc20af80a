"""Checks as library calls, for callers that are not the command line.

Edit-time hooks and the MCP server ask the same questions as `guardrails
check` — which findings do these files (or this unsaved text) have, under
the project's own configuration, baseline and cache — and answer a coding
agent in the bounded `agent` Markdown. One place, so their answers cannot
drift from what CI reports.

Both callers are driven by an agent, so every path they pass must resolve
inside the project root (`guardrails.containment`): a file outside it is
neither read nor written, whatever the path or symlink says.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guardrails.config import Settings, load_settings
from guardrails.diagnostics import ENGINE_RULES
from guardrails.model import RuleMeta, Violation
from guardrails.plan import Plan, build_plan
from guardrails.report import Summary


@dataclass
class AgentCheck:
    """Findings of one check and their rendering for an agent."""

    violations: list[Violation]
    summary: Summary
    text: str


def project(cwd: Path) -> tuple[Settings, Plan]:
    """The configuration and active rules of the project around `cwd`."""
    settings = load_settings(cwd)
    return settings, build_plan(settings)


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
    cwd: Path, paths: Sequence[Path], max_findings: int = 20, command: str = "guardrails check"
) -> AgentCheck:
    """Check existing files as CI would (config, excludes, baseline, cache)."""
    from guardrails import baseline as baselines
    from guardrails.cache import for_plan
    from guardrails.engine import check_paths

    settings, plan = project(cwd)
    files = project_files(settings, paths)
    violations = check_paths(plan, files, jobs=1, cache=for_plan(plan)).violations if files else []
    hidden = 0
    if settings.baseline is not None:
        outcome = baselines.apply_file(violations, settings.baseline, settings.root, files)
        violations, hidden = outcome.kept, outcome.hidden
    summary = Summary.of(violations, len(files), settings.fail_on, hidden)
    return AgentCheck(
        violations, summary, _agent_text(plan, violations, summary, max_findings, command)
    )


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
