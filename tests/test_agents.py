"""Agents in the loop: edit-time hooks, `guardrails init` and the MCP server.

Hook events are the documented shapes of each agent CLI, replayed into the
real `guardrails hook` process; the MCP server is started as a subprocess
and driven through the official SDK's stdio client, as a user's MCP client
would.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import mcp_server_env
from guardrails import _version
from guardrails.config import tomllib

BAD = "import os\n\n\ndef run(cmd: str) -> None:\n    os.system(cmd)\n"
CLEAN = "def add(a: int, b: int) -> int:\n    return a + b\n"


def hook(agent: str, event: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    stdin = event if isinstance(event, str) else json.dumps(event)
    env = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "guardrails", "hook", "--agent", agent],
        input=stdin,
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def claude_event(root: Path, relative: str, tool: str = "Edit") -> dict[str, object]:
    """A Claude Code PostToolUse event as documented (docs.claude.com, hooks reference)."""
    return {
        "session_id": "abc123",
        "transcript_path": str(root / "transcript.jsonl"),
        "cwd": str(root),
        "hook_event_name": "PostToolUse",
        "tool_name": tool,
        "tool_input": {"file_path": str(root / relative), "old_string": "a", "new_string": "b"},
        "tool_response": {"filePath": str(root / relative), "success": True},
    }


def gemini_event(root: Path, relative: str, tool: str = "write_file") -> dict[str, object]:
    """A Gemini CLI AfterTool event as documented (geminicli.com/docs/hooks/reference)."""
    return {
        "session_id": "s1",
        "transcript_path": str(root / "t.json"),
        "cwd": str(root),
        "hook_event_name": "AfterTool",
        "timestamp": "2026-11-25T10:00:00Z",
        "tool_name": tool,
        "tool_input": {"file_path": relative, "content": "..."},
        "tool_response": {"llmContent": "ok", "returnDisplay": "ok"},
    }


def test_claude_code_hook_feeds_findings_back_with_exit_2(project) -> None:
    project.write("app/jobs.py", BAD)
    project.write("app/ok.py", CLEAN)
    found = hook("claude-code", claude_event(project.root, "app/jobs.py"), project.root)
    assert found.returncode == 2 and found.stdout == ""
    assert "SEC001" in found.stderr and "app/jobs.py:5" in found.stderr
    assert "Do:" in found.stderr  # the remediation reaches the model
    for event in (
        claude_event(project.root, "app/ok.py", tool="Write"),
        claude_event(project.root, "README.md"),  # not Python
        claude_event(project.root, "app/deleted.py"),  # no longer there
        claude_event(project.root, "app/jobs.py", tool="Bash"),  # not an edit
        "{not json",
        "",
    ):
        quiet = hook("claude-code", event, project.root)
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", ""), event


def test_claude_hook_respects_excludes_and_never_blocks_on_broken_config(project) -> None:
    project.write("pyproject.toml", '[tool.guardrails]\nextend-exclude = ["legacy"]\n')
    project.write("legacy/old.py", BAD)
    skipped = hook("claude-code", claude_event(project.root, "legacy/old.py"), project.root)
    assert skipped.returncode == 0
    project.write("pyproject.toml", "[tool.guardrails\n")
    project.write("app.py", BAD)
    broken = hook("claude", claude_event(project.root, "app.py", tool="MultiEdit"), project.root)
    assert broken.returncode == 1  # shown to the user, not fed to the model as a block
    (line,) = broken.stderr.strip().splitlines()
    assert "invalid TOML" in line


def test_gemini_cli_hook_appends_findings_as_additional_context(project) -> None:
    project.write("svc.py", BAD)
    project.write("ok.py", CLEAN)
    found = hook("gemini-cli", gemini_event(project.root, "svc.py"), project.root)
    assert found.returncode == 0
    answer = json.loads(found.stdout)
    context = answer["hookSpecificOutput"]["additionalContext"]
    assert answer["hookSpecificOutput"]["hookEventName"] == "AfterTool"
    assert "SEC001" in context and "svc.py:5" in context
    for event in (gemini_event(project.root, "ok.py", tool="replace"), "[1, 2", {"x": 1}):
        quiet = hook("gemini", event, project.root)
        assert quiet.returncode == 0 and json.loads(quiet.stdout) == {}


def test_init_sets_a_repository_up_once_and_keeps_user_settings(project) -> None:
    project.git("init", "-q")
    project.write("pyproject.toml", '[project]\nname = "svc"\nversion = "1.0"\n')
    project.write(".claude/settings.json", json.dumps({"model": "x", "hooks": {"Stop": []}}))
    project.write("app.py", CLEAN)
    first = project.run("init", "--agent", "claude-code", "--agent", "gemini")
    assert first.code == 0, first.err
    assert "wrote pyproject.toml [tool.guardrails]" in first.out
    config = tomllib.loads((project.root / "pyproject.toml").read_text())
    assert config["project"]["name"] == "svc" and config["tool"]["guardrails"] == {}
    pre_commit = yaml.safe_load((project.root / ".pre-commit-config.yaml").read_text())
    assert pre_commit["repos"][0] == {
        "repo": _version.REPOSITORY,
        "rev": _version.RELEASE,
        "hooks": [{"id": "guardrails"}],
    }
    claude = json.loads((project.root / ".claude/settings.json").read_text())
    assert claude["model"] == "x" and claude["hooks"]["Stop"] == []
    (group,) = claude["hooks"]["PostToolUse"]
    assert group["matcher"] == "Edit|Write|MultiEdit"
    assert group["hooks"][0]["command"] == "guardrails hook --agent claude-code"
    gemini = json.loads((project.root / ".gemini/settings.json").read_text())
    assert gemini["hooks"]["AfterTool"][0]["hooks"][0]["command"].endswith("gemini-cli")
    mcp_entry = {"command": "guardrails", "args": ["mcp"]}
    assert gemini["mcpServers"]["guardrails"] == mcp_entry
    assert json.loads((project.root / ".mcp.json").read_text()) == {
        "mcpServers": {"guardrails": mcp_entry}
    }
    assert "guardrails:begin" in (project.root / "AGENTS.md").read_text()
    # each agent is made to read AGENTS.md: Claude Code through an import in CLAUDE.md,
    # Gemini CLI through context.fileName (GEMINI.md, its default, still read)
    assert (project.root / "CLAUDE.md").read_text().splitlines()[-1] == "@AGENTS.md"
    assert gemini["context"]["fileName"] == ["AGENTS.md", "GEMINI.md"]
    assert project.run("check").code == 0  # what init wrote is a working setup

    before = {
        p: p.read_text() for p in project.root.rglob("*") if p.is_file() and ".git/" not in str(p)
    }
    again = project.run("init", "--agent", "claude-code", "--agent", "gemini-cli")
    assert again.code == 0 and "wrote" not in again.out and "added" not in again.out
    after = {p: p.read_text() for p in before}
    assert after == before


def test_init_points_existing_agent_instructions_at_agents_md(project) -> None:
    """A CLAUDE.md of the team's keeps every line and gains the import; a Gemini context
    setting keeps its files and gains AGENTS.md; a second run changes nothing."""
    project.write("CLAUDE.md", "# Team notes\n\nRun `make test` before committing.\n")
    project.write(".gemini/settings.json", json.dumps({"context": {"fileName": "TEAM.md"}}))
    first = project.run("init", "--agent", "claude-code", "--agent", "gemini-cli")
    assert first.code == 0, first.err
    assert "added an import of AGENTS.md to CLAUDE.md" in first.out
    claude = (project.root / "CLAUDE.md").read_text()
    assert claude.startswith("# Team notes\n\nRun `make test` before committing.\n")
    assert claude.splitlines()[-1] == "@AGENTS.md"
    gemini = json.loads((project.root / ".gemini/settings.json").read_text())
    assert gemini["context"]["fileName"] == ["AGENTS.md", "TEAM.md"]
    again = project.run("init", "--agent", "claude-code", "--agent", "gemini-cli")
    assert again.code == 0 and "kept CLAUDE.md" in again.out
    assert (project.root / "CLAUDE.md").read_text() == claude
    project.write(".gemini/settings.json", json.dumps({"context": ["x"]}))
    bad = project.run("init", "--agent", "gemini-cli")
    assert bad.code == 2 and bad.err.count("\n") == 1
    assert "`context` is not an object" in bad.err


def test_init_never_overwrites_user_config_without_force(project) -> None:
    project.write(
        "pyproject.toml",
        '[tool.guardrails]\nselect = ["SEC"]\n\n[tool.guardrails.rules.ARC004]\n'
        "max-statements = 80\n\n[tool.ruff]\nline-length = 100\n",
    )
    project.write(".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks: []\n")
    kept = project.run("init")
    assert "kept pyproject.toml" in kept.out
    assert tomllib.loads((project.root / "pyproject.toml").read_text())["tool"]["guardrails"] == {
        "select": ["SEC"],
        "rules": {"ARC004": {"max-statements": 80}},
    }
    hooks = yaml.safe_load((project.root / ".pre-commit-config.yaml").read_text())["repos"]
    assert [h["id"] for r in hooks for h in r["hooks"]] == ["guardrails"]
    forced = project.run("init", "--force")
    assert forced.code == 0
    data = tomllib.loads((project.root / "pyproject.toml").read_text())
    assert data["tool"]["guardrails"] == {} and data["tool"]["ruff"] == {"line-length": 100}


def test_init_refuses_to_touch_files_it_cannot_parse(project) -> None:
    project.write(".claude/settings.json", "{broken")
    result = project.run("init", "--agent", "claude-code")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "guardrails: error: .claude/settings.json is not valid JSON; fix it first"
    ]
    assert (project.root / ".claude/settings.json").read_text() == "{broken"


# ------------------------------------------------------------------ MCP server


async def _session_calls(root: Path, calls: list[tuple[str, dict[str, object]]]):
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    # Started the way `guardrails init --agent claude-code` configures it in .mcp.json.
    server = json.loads((root / ".mcp.json").read_text())["mcpServers"]["guardrails"]
    params = StdioServerParameters(
        command=server["command"], args=server["args"], cwd=str(root), env=mcp_server_env()
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
        answers = []
        for name, arguments in calls:
            result = await session.call_tool(name, arguments)
            answers.append("".join(c.text for c in result.content if hasattr(c, "text")))
        return tools.tools, answers


def test_mcp_server_serves_every_tool_through_the_sdk_client(project) -> None:
    project.write(
        "pyproject.toml",
        '[tool.guardrails.rules.ARC001]\nlayers = ["shop.data", "shop.service", "shop.api"]\n',
    )
    project.write("shop/__init__.py", "")
    project.write("shop/service/__init__.py", "")
    original = "import yaml\n\n\ndef load(text: str) -> object:\n    return yaml.load(text)\n"
    project.write("shop/service/orders.py", original)
    fixable = (
        "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
        "def parse(text: str) -> int:\n    try:\n        return int(text)\n"
        '    except ValueError as err:\n        logger.error("bad %s: %s", text, err)\n'
        "        return 0\n"
    )
    project.write("shop/service/parse.py", fixable)
    assert project.run("init", "--agent", "claude-code").code == 0
    learn = {
        "before": "def load(text):\n    return yaml.load(text)\n",
        "after": "def load(text):\n    return yaml.safe_load(text)\n",
        "path": "shop/service/feed.py",
    }
    tools, (checked, unsaved, explained, policies, preview, bad, learned) = asyncio.run(
        _session_calls(
            project.root,
            [
                ("check", {"paths": ["shop"]}),
                ("check", {"source": BAD, "path": "shop/service/jobs.py"}),
                ("explain", {"rule_id": "sec001"}),
                ("policies", {"path": "shop/service/orders.py", "budget": 3000}),
                ("fix", {"paths": ["shop/service/parse.py"]}),
                ("explain", {"rule_id": "NOPE999"}),
                ("learn", learn),
            ],
        )
    )
    assert {t.name for t in tools} == {"check", "explain", "policies", "fix", "learn"}
    for tool in tools:
        assert tool.description and tool.inputSchema["type"] == "object"
    assert "SEC003" in checked and "shop/service/orders.py:5" in checked
    assert "SEC001" in unsaved and "shop/service/jobs.py:5" in unsaved
    assert not (project.root / "shop/service/jobs.py").exists()
    assert explained.startswith("SEC001") and "os.system" in explained
    assert "shop.service.orders" in policies and len(policies) <= 3100
    assert "layer `shop.service`; it may import shop.data" in policies
    assert "preview" in preview and "+        logger.exception(" in preview
    assert (project.root / "shop/service/parse.py").read_text() == fixable
    assert bad.startswith("error: unknown rule id")
    # a correction becomes a proposed guardrail, with the other places it would catch
    assert "call-replaced (generality 0): `yaml.load(...)`" in learned
    assert "reach: fires on 1 other places" in learned and "shop/service/orders.py:5" in learned


def test_mcp_server_exits_quietly_when_its_client_hangs_up(project) -> None:
    # the SDK's stdio transport closes stdout itself at EOF: a client that goes away
    # is a normal end, not "internal error: I/O operation on closed file" and exit 2
    proc = subprocess.run(
        [sys.executable, "-m", "guardrails", "mcp"],
        cwd=project.root,
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr


async def _answers(
    root: Path, calls: list[tuple[str, dict[str, object]]], errlog: Path
) -> list[tuple[bool, str]]:
    """(isError, text) of each call, through the SDK's stdio client; the server's stderr
    goes to `errlog`. The server gets this test's environment (plugins as the test set)."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "guardrails", "mcp"],
        cwd=str(root),
        env={k: v for k, v in os.environ.items() if k != "GUARDRAILS_DEBUG"},
    )
    with errlog.open("w") as stderr:
        async with (
            stdio_client(params, errlog=stderr) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            await session.list_tools()
            answers = []
            for name, arguments in calls:
                result = await session.call_tool(name, arguments)
                text = "".join(c.text for c in result.content if hasattr(c, "text"))
                answers.append((bool(result.isError), text))
    return answers


def _rule_lines(policies: str) -> list[str]:
    return [line for line in policies.splitlines() if line.startswith("- ")]


NET = "import requests\n\n\ndef fetch(url: str) -> bytes:\n    return requests.get(url).content\n"
PROC = (
    "import subprocess\n\n\ndef archive(path: str) -> None:\n"
    '    subprocess.run(["tar", "-czf", "backup.tgz", path], check=True)\n'
)


def test_mcp_policies_put_the_rules_a_file_can_trip_first(project, tmp_path) -> None:
    project.write(
        "pyproject.toml", '[tool.guardrails.rules.ARC001]\nlayers = ["pkg.data", "pkg.api"]\n'
    )
    project.write("net.py", NET)
    project.write("proc.py", PROC)
    small = 700
    net, proc, later, whole = asyncio.run(
        _answers(
            project.root,
            [
                ("policies", {"path": "net.py", "budget": small}),
                ("policies", {"path": "proc.py", "budget": small}),
                ("policies", {"path": "pkg/api/not_written_yet.py", "budget": small}),
                ("policies", {"path": "net.py", "budget": 10**7}),
            ],
            tmp_path / "stderr",
        )
    )
    assert not any(is_error for is_error, _ in (net, proc, later, whole))
    net, proc, later, whole = (text for _, text in (net, proc, later, whole))
    # what the file calls decides what comes first, even when little fits
    assert "REL001" in "".join(_rule_lines(net)[:3]), net
    assert "SEC001" in "".join(_rule_lines(proc)[:3]), proc
    # a file not written yet: its path and layer decide
    assert _rule_lines(later)[0].startswith("- ARC001 "), later
    assert "`pkg.api.not_written_yet` is in layer `pkg.api`" in _rule_lines(later)[0]
    assert "ARC001" not in "".join(_rule_lines(net)[:3])  # net.py is in no layer
    # engine diagnostics are not policy: no GR rule anywhere, nor counted
    count = int(whole.splitlines()[1].split()[0])
    assert len(_rule_lines(whole)) == count
    for text in (net, proc, later, whole):
        assert "GR0" not in text, text
    # whole lines within the budget: every rule line is a rule's sentence, the rest counted
    for text in (net, proc, later):
        assert len(text) <= small, text
        assert all(line.endswith(".") for line in _rule_lines(text)), text
        last = text.splitlines()[-1]
        assert last.startswith("… ") and last.endswith("call `explain` with an id for one rule.")
        assert int(last.split()[1]) + len(_rule_lines(text)) == count
    assert whole.index("- REL001 ") < whole.index("- SEC001 ")  # net.py runs no command


def test_mcp_policies_rank_a_plugin_rule_by_its_bad_example(
    project, tmp_path, entry_point_plugins
) -> None:
    # ACME002's bad examples call `boto3.client`: nothing but its examples says what it looks at
    project.write("store.py", 'import boto3\n\n\ndef bucket():\n    return boto3.client("s3")\n')
    ((is_error, text),) = asyncio.run(
        _answers(
            project.root, [("policies", {"path": "store.py", "budget": 600})], tmp_path / "err"
        )
    )
    assert not is_error and _rule_lines(text)[0].startswith("- ACME002 "), text


def test_mcp_tool_errors_are_error_results_of_one_line(project, tmp_path) -> None:
    project.write("app.py", BAD)
    project.write("pkg/__init__.py", "")
    refused = [
        ("check", {"paths": ["missing.py"]}),  # a bad path
        ("policies", {"path": "pkg"}),  # a folder, not a file
        ("policies", {"path": "app.py\x00"}),
        ("policies", {"path": "../elsewhere.py"}),  # outside the project
        ("fix", {"paths": ["/etc/passwd"]}),
        ("explain", {"rule_id": "NOPE999"}),  # an unknown rule id
        ("explain", {"rule_id": 7}),  # an argument the SDK rejects
    ]
    answers = asyncio.run(
        _answers(project.root, [*refused, ("check", {"paths": ["app.py"]})], tmp_path / "err")
    )
    for call, (is_error, text) in zip(refused, answers, strict=False):
        assert is_error, (call, text)
        assert text.startswith("error: ") and "\n" not in text, (call, text)
        assert "Error executing tool" not in text and "Traceback" not in text, (call, text)
    assert answers[-1][0] is False and "SEC001" in answers[-1][1]
    assert answers[5][1].startswith("error: unknown rule id 'NOPE999'")


def test_mcp_server_says_nothing_on_stderr(project, tmp_path) -> None:
    # a client shows the server's stderr to its user: a start, a call and an exit are silent
    # (pydantic-settings >= 2.15 warned about the SDK's incomplete `Settings` model)
    project.write("app.py", CLEAN)
    errlog = tmp_path / "stderr"
    ((is_error, text),) = asyncio.run(
        _answers(project.root, [("check", {"paths": ["app.py"]})], errlog)
    )
    assert (is_error, text.strip()) == (False, "guardrails: no findings (1 file checked).")
    assert errlog.read_text() == ""
