"""`guardrails init`: set a repository up in one step, safely and repeatably.

Writes what a team needs to run guardrails everywhere it matters: the
`[tool.guardrails]` table (commented defaults to edit), a pre-commit hook,
the edit-time hook of each named agent CLI, and the AGENTS.md policy
section. Running it again changes nothing; a user's existing settings are
kept unless `--force` (which replaces only guardrails' own entries), and
every file is validated before it is written, so a file that would no
longer parse is never produced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from guardrails.agent_hooks import AGENTS, ALIASES
from guardrails.config import tomllib
from guardrails.errors import UsageError

CONFIG_TABLE = """\
[tool.guardrails]
# Every built-in rule is on by default; select, extend and ignore like Ruff
# (ids or prefixes). `guardrails rules` lists them, `guardrails explain ID`
# shows why and what to write instead.
# select = ["SEC", "OBS", "REL", "ARC"]
# extend-select = []
# ignore = []
# Files: .gitignore is honoured; add project-specific excludes here.
# extend-exclude = ["migrations"]
# fail-on = "warning"                  # lowest severity that fails the run
# baseline = "guardrails-baseline.json"  # adopt gradually: `guardrails baseline`
# policy-base = "origin/main"          # report weakened policy as GR005 in CI
#
# [tool.guardrails.per-file-ignores]
# "scripts/*" = ["OBS004"]
#
# [tool.guardrails.rules.ARC001]       # your layers, lowest first
# layers = ["myapp.data", "myapp.service", "myapp.api"]
"""

PRE_COMMIT_ENTRY = """\
  - repo: local
    hooks:
      - id: guardrails
        name: guardrails
        entry: guardrails check --force-exclude
        language: system
        types_or: [python, pyi]
        require_serial: true
"""

_SETTINGS = {
    "claude-code": (Path(".claude/settings.json"), "Edit|Write|MultiEdit"),
    "gemini-cli": (Path(".gemini/settings.json"), "write_file|replace"),
}


def initialise(root: Path, agents: Iterable[str], force: bool = False) -> list[str]:
    """Set `root` up; one line per file saying what was written or kept."""
    report = [
        _config(root / "pyproject.toml", force),
        _pre_commit(root / ".pre-commit-config.yaml"),
    ]
    for name in dict.fromkeys(ALIASES.get(a, a) for a in agents):
        report.append(_agent_hook(root, AGENTS[name].name, AGENTS[name].event))
        report.append(_mcp_server(root, _MCP_CONFIG[name]))
    report.append(_agents_md(root))
    return report


# Where each agent CLI reads project MCP servers: Claude Code's `.mcp.json`,
# Gemini CLI's settings file; both use the same `mcpServers` entry shape.
_MCP_CONFIG = {"claude-code": Path(".mcp.json"), "gemini-cli": Path(".gemini/settings.json")}
MCP_ENTRY = {"command": "guardrails", "args": ["mcp"]}


def _json_object(root: Path, relative: Path) -> dict[str, Any]:
    path = root / relative
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except ValueError:
        raise UsageError(f"{relative} is not valid JSON; fix it first") from None
    if not isinstance(data, dict):
        raise UsageError(f"{relative} must hold a JSON object")
    return data


def _mcp_server(root: Path, relative: Path) -> str:
    data = _json_object(root, relative)
    servers = data.setdefault("mcpServers", {})
    if not isinstance(servers, dict):
        raise UsageError(f"{relative}: `mcpServers` is not an object; fix it first")
    if "guardrails" in servers:
        return f"kept {relative} (MCP server `guardrails` already configured)"
    servers["guardrails"] = MCP_ENTRY
    _write(root / relative, json.dumps(data, indent=2) + "\n")
    return f"wrote {relative} (MCP server: guardrails mcp; needs guardrails-lint[mcp])"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _config(path: Path, force: bool) -> str:
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        data = tomllib.loads(existing)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path.name} is not valid TOML ({exc}); fix it first") from None
    has_table = "guardrails" in data.get("tool", {})
    if has_table and not force:
        return f"kept {path.name} [tool.guardrails] (already there; --force replaces it)"
    if has_table:
        text = _without_guardrails_tables(existing).rstrip("\n")
        text = (text + "\n\n" if text else "") + CONFIG_TABLE
    else:
        text = (existing.rstrip("\n") + "\n\n" if existing.strip() else "") + CONFIG_TABLE
    tomllib.loads(text)  # never write a file that no longer parses
    _write(path, text)
    return f"wrote {path.name} [tool.guardrails] (commented defaults)"


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _without_guardrails_tables(text: str) -> str:
    """`text` minus the `[tool.guardrails]` table and its sub-tables."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header:
            name = header.group(1).replace('"', "").replace(" ", "")
            skipping = name == "tool.guardrails" or name.startswith("tool.guardrails.")
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _pre_commit(path: Path) -> str:
    if not path.exists():
        _write(path, "repos:\n" + PRE_COMMIT_ENTRY)
        return f"wrote {path.name} with the guardrails hook"
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        raise UsageError(f"{path.name} is not valid YAML; fix it first") from None
    repos = data.get("repos") if isinstance(data, dict) else None
    hooks = [h for r in repos or [] if isinstance(r, dict) for h in r.get("hooks") or []]
    if any(isinstance(h, dict) and h.get("id") == "guardrails" for h in hooks):
        return f"kept {path.name} (already runs guardrails)"
    last_key = re.findall(r"^([A-Za-z_][\w-]*):", text, flags=re.MULTILINE)
    candidate = text.rstrip("\n") + "\n" + PRE_COMMIT_ENTRY
    appended = yaml.safe_load(candidate) if last_key and last_key[-1] == "repos" else None
    ids = [
        h.get("id")
        for r in (appended or {}).get("repos") or []
        for h in r.get("hooks") or []
        if isinstance(h, dict)
    ]
    if "guardrails" not in ids:
        return (
            f"left {path.name} unchanged (cannot append safely); add under `repos:`:\n"
            + PRE_COMMIT_ENTRY
        )
    _write(path, candidate)
    return f"added the guardrails hook to {path.name}"


def _agent_hook(root: Path, agent: str, event: str) -> str:
    relative, matcher = _SETTINGS[agent]
    path = root / relative
    command = f"guardrails hook --agent {agent}"
    data = _json_object(root, relative)
    hooks = data.setdefault("hooks", {})
    groups = hooks.setdefault(event, []) if isinstance(hooks, dict) else None
    if not isinstance(groups, list):
        raise UsageError(f"{relative}: `hooks.{event}` is not a list; fix it first")
    present = any(
        isinstance(h, dict) and h.get("command") == command
        for g in groups
        if isinstance(g, dict)
        for h in g.get("hooks") or []
    )
    if present:
        return f"kept {relative} ({event} hook already set)"
    entry: dict[str, Any] = {"type": "command", "command": command}
    if agent == "gemini-cli":
        entry["name"] = "guardrails"
    groups.append({"matcher": matcher, "hooks": [entry]})
    _write(path, json.dumps(data, indent=2) + "\n")
    return f"wrote {relative} ({event} hook: {command})"


def _agents_md(root: Path) -> str:
    from guardrails import docs_gen
    from guardrails.config import load_settings
    from guardrails.plan import build_plan

    path = root / "AGENTS.md"
    plan = build_plan(load_settings(root))
    section = docs_gen.agents_md_section([rule.meta for rule in plan.rules])
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    merged = docs_gen.merge_agents_md(existing, section)
    if merged == existing:
        return "kept AGENTS.md (policy section up to date)"
    _write(path, merged)
    return f"{'updated' if existing else 'wrote'} AGENTS.md policy section"
