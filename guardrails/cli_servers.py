"""The command line's long-running and agent-facing commands: `mcp`, `server`, `engine`, `hook`.

Kept apart from `guardrails.cli` (the one-shot commands) because each of these
hands the process to another loop (an MCP or LSP session, the warm engine) or
must answer an agent's hook without ever blocking it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from guardrails.errors import EXIT_FINDINGS, EXIT_OK, UsageError


def add_servers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The long-running surfaces: MCP for agents, LSP for editors."""
    commands.add_parser("mcp", help="serve checks, rule explanations and policies over MCP (stdio)")
    commands.add_parser("server", help="serve diagnostics and fixes to editors over LSP (stdio)")
    engine = commands.add_parser(
        "engine",
        help="keep the project's plan warm for agent hooks (hooks start it; see docs/agents.md)",
    )
    engine.add_argument(
        "--idle-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="exit after this long without a request (default: 900)",
    )
    engine.add_argument(
        "--stop", action="store_true", help="stop the project's running engine, if any"
    )


def cmd_engine(args: argparse.Namespace) -> int:
    """Serve agent hooks from a warm engine until idle (or stop the running one)."""
    from guardrails import engine_host

    if args.stop:
        return EXIT_OK if engine_host.stop(Path.cwd()) else EXIT_FINDINGS
    idle = engine_host.IDLE_TIMEOUT if args.idle_timeout is None else args.idle_timeout
    if not idle > 0:
        raise UsageError("--idle-timeout must be a positive number of seconds")
    return engine_host.serve(Path.cwd(), idle)


def cmd_hook(args: argparse.Namespace) -> int:
    """Answer one agent hook event in this process; never fail in a way that blocks the agent.

    `event`: stdin, when the launcher already read it (the warm engine did not answer).
    Then an engine is started for the next events (`guardrails.engine_host`)."""
    from guardrails import agent_hooks

    agent = agent_hooks.agent_named(args.agent)
    event = args.event
    # Bytes: input that is not UTF-8 is malformed input (a no-op), not a failure.
    answer = agent_hooks.answer(agent, sys.stdin.buffer.read() if event is None else event)
    out, err = answer.streams()
    sys.stdout.write(out)
    sys.stderr.write(err)
    if event is not None:
        from guardrails import engine_host

        engine_host.start_in_background(Path.cwd())
    return answer.code


def cmd_mcp(args: argparse.Namespace) -> int:
    from guardrails import mcp_server

    mcp_server.serve()
    return EXIT_OK


def cmd_server(args: argparse.Namespace) -> int:
    """The language server; pygls is an extra (`guardrails[lsp]`), so say how to get it."""
    try:
        from guardrails import lsp_server
    except ImportError as exc:
        raise UsageError(
            f"`guardrails server` needs pygls ({exc.name} is missing): "
            "pip install 'guardrails[lsp]'"
        ) from None
    lsp_server.serve()
    return EXIT_OK
