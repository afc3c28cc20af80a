"""The `guardrails` command's entry point: a hook answered warm, else the full command line.

An agent hook runs after every edit, so its process must not pay for the
engine's imports when a running engine can answer (`guardrails.engine_client`,
standard library only). Every other command goes straight to `guardrails.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    event = None
    if args[:1] == ["hook"]:
        from guardrails import engine_client

        code, event = engine_client.hook(args)
        if code is not None:
            return code
    from guardrails.cli import main as cli_main

    return cli_main(argv, event)
