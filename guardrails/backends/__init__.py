"""The engines that check files, each behind the same small protocol.

A backend declares its rules from the plugin hooks (`declare`: LibCST rule
classes, Semgrep YAML folders, Ruff code mappings) into the registry, under
its own name, and checks a batch of files (`start`, then the job's
`collect`). The registry, the plan and the engine handle every backend alike:
they never read another backend's implementations, and adding one means
adding its module to `NAMES`.

LibCST is the per-file pass: it parses every file anyway, so it also reads
the suppression comments and says whether a file parsed; the engine runs it
in worker processes (`guardrails.backends.libcst`). Every other backend
runs as one job over the whole batch, beside that pass.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from guardrails.model import RuleMeta, Violation
    from guardrails.plan import Plan
    from guardrails.registry import Registry
    from guardrails.source import SourceFile

NAMES = ("libcst", "semgrep", "ruff", "imports")
"""Backends in order of precision: when two report one rule on one line, the first is kept."""

HookResults = Callable[[str], list[tuple[str, Any]]]
"""`results(hook name)`: (plugin name, the list it returned) for each implementation."""

Claim = Callable[[Any, str], "RuleMeta"]
"""`claim(meta, plugin)`: the validated meta, or PluginError (bad fields, a taken id)."""


class Job(Protocol):
    """A started check of a batch of files."""

    def done(self) -> bool:
        """Whether its results can be read without waiting."""

    def collect(self) -> dict[str, list[Violation]]:
        """Findings by shown path; BackendError when the backend itself failed."""

    def close(self) -> None:
        """Stop it (if still running) and free what it holds."""


class Backend(Protocol):
    name: str
    # True when a file's findings depend on other files (an import chain): the engine
    # runs it before the cache lookup and keys each file's cached findings by them too
    cross_file: bool

    def identity(self) -> str:
        """What decides its findings besides the rules: the tool's version or executable.
        Part of the cache key, so a new or replaced tool re-checks every file."""

    def declare(self, results: HookResults, registry: Registry, claim: Claim) -> None:
        """Add the rules the plugins' hooks give this backend to `registry`."""

    def start(self, plan: Plan, files: Sequence[SourceFile], cwd: Path, jobs: int) -> Job | None:
        """Start checking `files` with the active rules it implements; None if none apply.

        `jobs` is its share of the cores while the LibCST pass runs."""


def backend(name: str) -> Backend:
    """The backend called `name` (its module is imported only when asked for)."""
    return importlib.import_module(f"guardrails.backends.{name}").INSTANCE


def priority(name: str) -> int:
    """Rank of a finding's backend when two backends report one rule on one line."""
    return NAMES.index(name) if name in NAMES else len(NAMES)


def identities(rules: Sequence[Any]) -> dict[str, str]:
    """`identity()` of each backend some active rule needs (for the cache key)."""
    used = {name for rule in rules for name in rule.implementations}
    return {name: backend(name).identity() for name in NAMES if name in used}


def applicable_ids(plan: Plan, files: Sequence[SourceFile]) -> Callable[[str], set[str]]:
    """`applicable(given path)`: the ids of the active rules that apply to that file
    (`per-file-ignores`, test paths), for a batch backend that names files by the path
    it was given."""
    by_given = {str(source.path): source for source in files}

    def applicable(given: str) -> set[str]:
        return plan.applicable_ids(by_given[given].relative)

    return applicable
