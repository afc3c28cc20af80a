"""`guardrails init`: set a repository up in one step, safely and repeatably.

Writes what a team needs to run guardrails everywhere it matters: the
`[tool.guardrails]` table (commented defaults to edit), a pre-commit hook,
the edit-time hook of each named agent CLI, and the AGENTS.md policy
section. Running it again changes nothing; a user's existing settings are
kept unless `--force` (which replaces only guardrails' own entries), and
every file is validated before it is written, so a file that would no
longer parse is never produced.

Nothing is written until everything is known to be writable: every file's
new content is computed first (`Pending`), every target is checked (inside
the project once symlinks are followed, not a folder, its parent a folder we
may write), and only then are the files written, each whole. Any problem is
one `UsageError` and nothing changed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from guardrails import _version
from guardrails.agent_hooks import AGENTS, ALIASES
from guardrails.config import tomllib
from guardrails.containment import replace_text, resolve
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

PRE_COMMIT_ENTRY = f"""\
  - repo: {_version.REPOSITORY}
    rev: {_version.RELEASE}
    hooks:
      - id: guardrails
"""
"""The hook docs/ci.md shows: pre-commit installs guardrails at the pinned commit in its own
environment, so the hook works whatever is on the committer's PATH."""

_SETTINGS = {
    "claude-code": (Path(".claude/settings.json"), "Edit|Write|MultiEdit"),
    "gemini-cli": (Path(".gemini/settings.json"), "write_file|replace"),
}


@dataclass
class Pending:
    """The files `init` will write, relative to `root`, with their new text."""

    root: Path
    texts: dict[Path, str] = field(default_factory=dict)

    def read(self, relative: Path) -> str | None:
        """The file's text as it will be after the writes so far; None if missing."""
        if relative in self.texts:
            return self.texts[relative]
        path = self.root / relative
        if not os.path.lexists(path):
            return None
        _target(self.root, relative)
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {relative}: {_reason(exc)}") from None

    def write(self, relative: Path, text: str) -> None:
        self.texts[relative] = text


def initialise(root: Path, agents: Iterable[str], force: bool = False) -> list[str]:
    """Set `root` up; one line per file saying what was written or kept."""
    root = root.resolve()
    pending = Pending(root)
    report = [
        _config(pending, Path("pyproject.toml"), force),
        _pre_commit(pending, Path(".pre-commit-config.yaml")),
    ]
    for name in dict.fromkeys(ALIASES.get(a, a) for a in agents):
        report.append(_agent_hook(pending, AGENTS[name].name, AGENTS[name].event))
        report.append(_mcp_server(pending, _MCP_CONFIG[name]))
        report.append(_CONTEXT[name](pending))
    report.append(_agents_md(pending, fresh_config=Path("pyproject.toml") in pending.texts))
    targets = {relative: _target(root, relative) for relative in pending.texts}
    written: list[str] = []
    for relative, text in pending.texts.items():
        try:
            targets[relative].parent.mkdir(parents=True, exist_ok=True)
            replace_text(targets[relative], text)
        except OSError as exc:  # checked beforehand; only a race or a full disk gets here
            raise UsageError(
                f"cannot write {relative}: {_reason(exc)}"
                + (f" (already written: {', '.join(written)})" if written else "")
            ) from None
        written.append(str(relative))
    return report


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _target(root: Path, relative: Path) -> Path:
    """Where `relative` is written (symlinks followed), or a `UsageError` saying why not."""
    target = resolve(root / relative)
    if not target.is_relative_to(root):
        raise UsageError(f"{relative} resolves outside the project ({target}); not writing it")
    if target.is_dir():
        raise UsageError(f"{relative} is a folder; expected a file")
    if target.exists() and not target.is_file():  # a FIFO would block the read forever
        raise UsageError(f"{relative} is not a regular file")
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError(f"{relative} is not writable")
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"{relative}: {folder.relative_to(root)} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{relative}: folder {folder} is not writable")
    return target


# Where each agent CLI reads project MCP servers: Claude Code's `.mcp.json`,
# Gemini CLI's settings file; both use the same `mcpServers` entry shape.
_MCP_CONFIG = {"claude-code": Path(".mcp.json"), "gemini-cli": Path(".gemini/settings.json")}
MCP_ENTRY = {"command": "guardrails", "args": ["mcp"]}


def _json_object(pending: Pending, relative: Path) -> dict[str, Any]:
    text = pending.read(relative)
    if text is None:
        return {}
    try:
        data = json.loads(text or "{}")
    except (ValueError, RecursionError):
        raise UsageError(f"{relative} is not valid JSON; fix it first") from None
    if not isinstance(data, dict):
        raise UsageError(f"{relative} must hold a JSON object")
    return data


def _mcp_server(pending: Pending, relative: Path) -> str:
    data = _json_object(pending, relative)
    servers = data.setdefault("mcpServers", {})
    if not isinstance(servers, dict):
        raise UsageError(f"{relative}: `mcpServers` is not an object; fix it first")
    if "guardrails" in servers:
        return f"kept {relative} (MCP server `guardrails` already configured)"
    servers["guardrails"] = MCP_ENTRY
    pending.write(relative, json.dumps(data, indent=2) + "\n")
    return f"wrote {relative} (MCP server: guardrails mcp; needs guardrails-lint[mcp])"


def _config(pending: Pending, path: Path, force: bool) -> str:
    existing = pending.read(path) or ""
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
    pending.write(path, text)
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


ENTRY: dict[str, Any] = yaml.safe_load("repos:\n" + PRE_COMMIT_ENTRY)["repos"][0]
ENTRY_FLOW = yaml.safe_dump(ENTRY, default_flow_style=True, sort_keys=False, width=10**6).strip()


def _pre_commit(pending: Pending, path: Path) -> str:
    """Append the guardrails repo entry to `repos`, keeping every other line as it was.

    The file is edited as text (the entry added after the last item, or inside a flow
    list) and the result must load as the old data plus the entry; only a file without
    comments may be re-dumped instead. Otherwise: one error saying what to add by hand.
    """
    text = pending.read(path)
    if text is None:
        pending.write(path, "repos:\n" + PRE_COMMIT_ENTRY)
        return f"wrote {path.name} with the guardrails hook"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UsageError(
            f"{path.name} is not valid YAML ({_yaml_problem(exc)}); fix it first"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(
            f"{path.name}: the top level is {_kind(data)}, not a mapping (`repos:`); fix it first"
        )
    repos = data.get("repos")
    if repos is not None and not isinstance(repos, list):
        raise UsageError(f"{path.name}: `repos` is {_kind(repos)}, not a list; fix it first")
    if any(
        isinstance(h, dict) and h.get("id") == "guardrails"
        for r in repos or []
        if isinstance(r, dict) and isinstance(r.get("hooks"), list)
        for h in r["hooks"]
    ):
        return f"kept {path.name} (already runs guardrails)"
    expected = {**data, "repos": [*(repos or []), ENTRY]}
    for candidate in _pre_commit_edits(text):
        if _loads_as(candidate, expected):
            pending.write(path, candidate)
            return f"added the guardrails hook to {path.name}"
    if "#" not in text:  # nothing a re-dump could lose but formatting
        pending.write(path, yaml.safe_dump(expected, sort_keys=False))
        return f"added the guardrails hook to {path.name} (rewritten: no comments to keep)"
    raise UsageError(
        f"{path.name}: cannot add the guardrails hook without rewriting lines of yours; "
        f"add this item to `repos:` by hand: {ENTRY_FLOW}"
    )


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or type(exc).__name__
    return f"line {mark.line + 1}: {problem}" if mark is not None else problem


def _kind(value: object) -> str:
    kinds = {list: "a list", str: "a string", bool: "a boolean", dict: "a mapping"}
    return kinds.get(type(value), "a number" if isinstance(value, (int, float)) else "a scalar")


def _loads_as(text: str, expected: dict[str, Any]) -> bool:
    try:
        return yaml.safe_load(text) == expected
    except (yaml.YAMLError, RecursionError):
        return False


def _block_entry(dash: int, content: int) -> str:
    """PRE_COMMIT_ENTRY with its dash at column `dash` and the item's keys at `content`."""
    first, *rest = PRE_COMMIT_ENTRY.splitlines()
    lines = [" " * dash + "-" + " " * (content - dash - 1) + first.strip()[2:]]
    for line in rest:
        stripped = line.lstrip(" ")
        lines.append(" " * (len(line) - len(stripped) - 4 + content) + stripped)
    return "\n".join(lines) + "\n"


def _after_line(text: str, index: int) -> int:
    """Where the line holding `index` ends, past its newline (the text's end if none)."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _insert(text: str, at: int, block: str) -> str:
    before = text[:at]
    if before and not before.endswith("\n"):
        before += "\n"
    return before + block + text[at:]


def _skip(events: list[yaml.Event], i: int) -> int:
    """The index just past the node whose first event is `events[i]`."""
    depth = 0
    while True:
        event = events[i]
        i += 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if depth == 0:
            return i


def _pre_commit_edits(text: str) -> Iterable[str]:
    """Text edits that add the entry, most faithful first; the caller validates each."""
    try:
        events = list(yaml.parse(text))
    except yaml.YAMLError:
        return
    top = next((i for i, e in enumerate(events) if isinstance(e, yaml.NodeEvent)), None)
    if top is None or not isinstance(events[top], yaml.MappingStartEvent):  # empty document
        yield _insert(text, len(text), "repos:\n" + PRE_COMMIT_ENTRY)
        return
    found = None
    i = top + 1
    while not isinstance(events[i], yaml.MappingEndEvent):
        value = _skip(events, i)
        after = _skip(events, value)
        key = events[i]
        if isinstance(key, yaml.ScalarEvent) and key.value == "repos":
            found = key, value, after  # the last one wins, as in safe_load
        i = after
    if found is None:
        first_key = events[top + 1].start_mark.column
        yield _insert(
            text,
            len(text),
            " " * first_key + "repos:\n" + _block_entry(first_key + 2, first_key + 4),
        )
        return
    key, start, end = found
    opening, closing = events[start], events[end - 1]
    column = key.start_mark.column
    if isinstance(opening, yaml.ScalarEvent):  # `repos:` with nothing after it
        yield _insert(
            text, _after_line(text, key.end_mark.index), _block_entry(column + 2, column + 4)
        )
        return
    items = events[start + 1 : end - 1]
    if opening.flow_style is not True:  # block list: after the last line of its last item
        precise = None
        flow_depth = 0
        for event in items:
            if isinstance(event, yaml.CollectionStartEvent) and event.flow_style is True:
                flow_depth += 1
            elif isinstance(event, yaml.CollectionEndEvent) and flow_depth:
                flow_depth -= 1
                precise = event
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                precise = event
        if precise is not None:
            end_mark = precise.end_mark
            at = end_mark.index if end_mark.column == 0 else _after_line(text, end_mark.index)
            dash = opening.start_mark.column
            content = items[0].start_mark.column
            if items[0].start_mark.line != opening.start_mark.line or content <= dash + 1:
                content = dash + 2
            yield _insert(text, at, _block_entry(dash, content))
        return
    rest_of_line = text[closing.end_mark.index : _after_line(text, closing.end_mark.index)]
    if not items and opening.start_mark.line == closing.end_mark.line:  # `repos: []`
        comment = rest_of_line.strip()
        yield (
            text[: opening.start_mark.index].rstrip(" \t")
            + ("  " + comment if comment else "")
            + "\n"
            + _block_entry(column + 2, column + 4)
            + text[closing.end_mark.index + len(rest_of_line) :]
        )
    # flow list: right after its last item (a trailing comma stays after the entry)
    at = items[-1].end_mark.index if items else closing.start_mark.index
    yield text[:at] + (", " if items else "") + ENTRY_FLOW + text[at:]


def _agent_hook(pending: Pending, agent: str, event: str) -> str:
    relative, matcher = _SETTINGS[agent]
    command = f"guardrails hook --agent {agent}"
    data = _json_object(pending, relative)
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
    pending.write(relative, json.dumps(data, indent=2) + "\n")
    return f"wrote {relative} ({event} hook: {command})"


def _claude_context(pending: Pending) -> str:
    """Claude Code reads CLAUDE.md, not AGENTS.md: import the policy section from it."""
    relative = Path("CLAUDE.md")
    existing = pending.read(relative)
    if existing is not None and re.search(r"^@\.?/?AGENTS\.md\s*$", existing, re.M):
        return "kept CLAUDE.md (already imports AGENTS.md)"
    if not existing:
        pending.write(relative, CLAUDE_IMPORT)
        return "wrote CLAUDE.md (imports AGENTS.md)"
    pending.write(relative, existing.rstrip("\n") + "\n\n" + CLAUDE_IMPORT)
    return "added an import of AGENTS.md to CLAUDE.md"


CLAUDE_IMPORT = "# Project policies (guardrails)\n\n@AGENTS.md\n"
"""Claude Code's import syntax: the file's content is read as if written here."""


def _gemini_context(pending: Pending) -> str:
    """Gemini CLI reads the files `context.fileName` names (GEMINI.md by default)."""
    relative = _SETTINGS["gemini-cli"][0]
    data = _json_object(pending, relative)
    context = data.setdefault("context", {})
    if not isinstance(context, dict):
        raise UsageError(f"{relative}: `context` is not an object; fix it first")
    names = context.get("fileName", "GEMINI.md")
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise UsageError(f"{relative}: `context.fileName` is not a list of names; fix it first")
    if "AGENTS.md" in names:
        return f"kept {relative} (context.fileName already has AGENTS.md)"
    context["fileName"] = ["AGENTS.md", *names]
    pending.write(relative, json.dumps(data, indent=2) + "\n")
    return f"wrote {relative} (context.fileName: AGENTS.md)"


_CONTEXT = {"claude-code": _claude_context, "gemini-cli": _gemini_context}
"""How each agent CLI is made to read AGENTS.md."""


def _agents_md(pending: Pending, fresh_config: bool) -> str:
    """The policy section for the rules the project's config will activate.

    When `init` writes the config table, that table is all comments: the
    defaults, read without looking for another config above the project.
    """
    from guardrails import docs_gen
    from guardrails.config import load_settings
    from guardrails.plugins import load_plan

    relative = Path("AGENTS.md")
    root = pending.root
    config = root / "pyproject.toml"
    settings = (
        load_settings(root, isolated=True) if fresh_config else load_settings(root, config=config)
    )
    plan = load_plan(settings)
    section = docs_gen.agents_md_section([rule.meta for rule in plan.rules])
    existing = pending.read(relative) or ""
    merged = docs_gen.merge_agents_md(existing, section)
    if merged == existing:
        return "kept AGENTS.md (policy section up to date)"
    pending.write(relative, merged)
    return f"{'updated' if existing else 'wrote'} AGENTS.md policy section"
