"""Errors that end a run with exit code 2 and one line of explanation.

The CLI catches `GuardrailsError` and prints `guardrails: error: <message>`;
anything else reaching the top is a bug and is reported as an internal error,
never as a clean run.
"""

from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def check_exit_code(crashed: bool, failing: int, exit_zero: bool = False) -> int:
    """A check's exit code: 2 when a rule crashed (the run is incomplete, never clean),
    else 1 for failing findings unless `--exit-zero`, else 0. `check` and `merge` agree."""
    if crashed:
        return EXIT_ERROR
    if failing and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK
"""Exit codes (Ruff's): clean; findings at or above `fail-on`; an error or an incomplete run."""


class GuardrailsError(Exception):
    """A problem the user can fix (bad config, bad arguments, broken plugin)."""


class ConfigError(GuardrailsError):
    """The configuration file or a command-line override is invalid."""


class PluginError(GuardrailsError):
    """A plugin failed to import, raised in a hook, or collided with another."""


class UsageError(GuardrailsError):
    """The command line asks for something that cannot be done."""
