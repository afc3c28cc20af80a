"""`guardrails hook --agent NAME`: edit-time feedback inside coding-agent CLIs.

The agent CLI runs the hook after each file-editing tool call and writes the
event as JSON on stdin. The hook checks the edited Python files with the
project's own configuration and answers the way that CLI feeds text back to
the model. Anything it cannot use (another tool, a non-Python or deleted
file, malformed JSON) is a silent no-op: a hook must never block an agent by
mistake. A broken project configuration is reported to the user (not the
model) without blocking.

The hook never reaches outside the project: the agent CLI runs it in the
project folder, and an edited file (or the event's `cwd`) that resolves
outside that folder, through `..` or a symlink, is a no-op, not read at all.

Protocols, as documented by each CLI:

- Claude Code, `PostToolUse` on `Edit|Write|MultiEdit`
  (https://docs.claude.com/en/docs/claude-code/hooks): the event carries
  `tool_name`, `tool_input.file_path` and `cwd`; exit code 2 feeds stderr
  back to Claude (the edit already happened), exit 0 says nothing, other
  codes are shown to the user only.
- Gemini CLI, `AfterTool` on `write_file|replace`
  (https://geminicli.com/docs/hooks/reference): the same `tool_name`,
  `tool_input.file_path` and `cwd`; stdout must be one JSON object, and
  `hookSpecificOutput.additionalContext` is appended to the tool result the
  model sees; exit 0 always (2 would hide the tool's own result).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrails.containment import OutsideProject, is_inside
from guardrails.discovery import PYTHON_SUFFIXES
from guardrails.errors import GuardrailsError

if TYPE_CHECKING:
    from guardrails.warm import WarmEngine


@dataclass(frozen=True)
class Answer:
    """What the hook process does: exit code and the two streams."""

    code: int
    stdout: str = ""
    stderr: str = ""

    def streams(self) -> tuple[str, str]:
        """(stdout, stderr) exactly as the hook process writes them, whoever computed them."""
        out = self.stdout + "\n" if self.stdout else ""
        err = self.stderr.rstrip("\n") + "\n" if self.stderr else ""
        return out, err


@dataclass(frozen=True)
class AgentCli:
    """One agent CLI's hook protocol."""

    name: str
    event: str
    tools: tuple[str, ...]  # tool names that write files
    docs: str
    findings: Callable[[str], Answer]
    quiet: Answer
    broken: Callable[[str], Answer]  # the project cannot be checked: tell the user


def _claude_findings(text: str) -> Answer:
    return Answer(2, stderr=text)


def _gemini_findings(text: str) -> Answer:
    payload = {"hookSpecificOutput": {"hookEventName": "AfterTool", "additionalContext": text}}
    return Answer(0, stdout=json.dumps(payload))


AGENTS = {
    "claude-code": AgentCli(
        name="claude-code",
        event="PostToolUse",
        tools=("Edit", "Write", "MultiEdit"),
        docs="https://docs.claude.com/en/docs/claude-code/hooks",
        findings=_claude_findings,
        quiet=Answer(0),
        broken=lambda message: Answer(1, stderr=message),
    ),
    "gemini-cli": AgentCli(
        name="gemini-cli",
        event="AfterTool",
        tools=("write_file", "replace"),
        docs="https://geminicli.com/docs/hooks/reference",
        findings=_gemini_findings,
        quiet=Answer(0, stdout="{}"),
        broken=lambda message: Answer(0, stdout=json.dumps({"systemMessage": message})),
    ),
}
ALIASES = {"claude": "claude-code", "gemini": "gemini-cli"}


def agent_named(name: str) -> AgentCli:
    return AGENTS[ALIASES.get(name, name)]


MAX_EVENT_CHARS = 16 * 1024 * 1024
"""A file-edit event is a few kilobytes (a whole file's content at most)."""


def parse_event(text: str | bytes) -> dict[str, Any] | None:
    """The event object, or None for input that is not a reasonable one.

    Malformed JSON or encoding, another JSON value, nesting deep enough to
    exhaust the parser's recursion, or absurd size are all "no event".
    """
    if len(text) > MAX_EVENT_CHARS:
        return None
    try:
        event = json.loads(text)
    except (ValueError, RecursionError, MemoryError):
        return None
    return event if isinstance(event, dict) else None


def edited_files(
    event: Any, agent: AgentCli, project: Path | None = None
) -> tuple[Path, list[Path]]:
    """(the agent's working directory, the existing Python files the tool wrote).

    Only files inside the project (the folder the hook runs in) count.
    """
    project = project or Path.cwd()
    if not isinstance(event, dict):
        return project, []
    cwd = Path(event["cwd"]) if isinstance(event.get("cwd"), str) else project
    if event.get("tool_name") not in agent.tools:
        return cwd, []
    tool_input = event.get("tool_input")
    raw = tool_input.get("file_path") if isinstance(tool_input, dict) else None
    if not isinstance(raw, str) or not raw:
        return cwd, []
    if "\0" in raw or "\0" in str(cwd):  # no file can be named so; os calls would raise
        return cwd, []
    path = cwd / raw  # an absolute `raw` replaces `cwd`
    try:
        if not (is_inside(cwd, project) and is_inside(path, project)):
            return cwd, []  # outside the project: not even looked at
        if path.suffix not in PYTHON_SUFFIXES or not path.is_file() or not cwd.is_dir():
            return cwd, []
    except (OSError, ValueError, GuardrailsError):  # a name too long, or not a path here
        return cwd, []
    return cwd, [path]


def answer(
    agent: AgentCli,
    stdin_text: str | bytes,
    project: Path | None = None,
    warm: WarmEngine | None = None,
) -> Answer:
    """`handle`, with a bug in guardrails told to the user, never blocking the model."""
    try:
        return handle(agent, stdin_text, project, warm)
    except Exception as exc:
        return agent.broken(f"guardrails hook failed: {type(exc).__name__}: {exc}")


def handle(
    agent: AgentCli,
    stdin_text: str | bytes,
    project: Path | None = None,
    warm: WarmEngine | None = None,
) -> Answer:
    """The hook's answer to one event; `project` is the folder the hook runs in (default:
    this process's working directory), `warm` the engine of a long-lived caller."""
    event = parse_event(stdin_text)
    if event is None:
        return agent.quiet  # never block the agent on input we cannot read
    cwd, files = edited_files(event, agent, project)
    if not files or not cwd.is_dir():
        return agent.quiet
    from guardrails import service

    previous = Path.cwd()
    try:
        os.chdir(cwd)  # report paths as the agent sees them
        result = service.check_files(cwd, files, command="guardrails check", warm=warm)
    except OutsideProject:
        return agent.quiet  # outside the configured project root: not ours to read
    except GuardrailsError as exc:
        return agent.broken(f"guardrails hook: cannot check {files[0].name}: {exc}")
    finally:
        os.chdir(previous)
    if not result.violations:
        return agent.quiet
    return agent.findings(result.text)
