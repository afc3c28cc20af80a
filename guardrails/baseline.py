"""Baselines: adopt guardrails on an old codebase and fail only on new findings.

A baseline is a committed JSON file of fingerprints (see `fingerprint.py`),
sorted and one entry per line-ish, so it diffs well in review. Matching is
by fingerprint only: moving code around, inserting lines above a finding or
reformatting elsewhere does not resurface it, while a second identical
violation in the same file gets a new fingerprint and is reported.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardrails.containment import replace_text
from guardrails.discovery import read_source
from guardrails.errors import ConfigError, UsageError
from guardrails.fingerprint import project_path
from guardrails.model import Violation

FORMAT_VERSION = 1


@dataclass
class Outcome:
    """What a baseline did to a run."""

    kept: list[Violation]
    hidden: int = 0
    stale: list[dict[str, Any]] = field(default_factory=list)


MAX_BYTES = 512 * 1024 * 1024
"""A baseline larger than this is refused, not read whole."""


def load(path: Path) -> list[dict[str, Any]]:
    """Entries of a baseline file; a broken file is a ConfigError naming it."""
    if not os.path.lexists(path):
        raise ConfigError(f"{path}: baseline file not found (create it with `guardrails baseline`)")
    try:
        # a regular file only, bounded: a FIFO or `/dev/zero` named as the baseline never hangs
        data = json.loads(read_source(path, MAX_BYTES).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: baseline is not valid JSON: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: baseline is nested too deeply to be a baseline") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(_well_formed(e) for e in entries):
        raise ConfigError(
            f"{path}: not a guardrails baseline (expected findings, each with a string "
            "fingerprint, rule_id and path and an integer line)"
        )
    return entries


def _well_formed(entry: object) -> bool:
    """Whether an entry has what `apply` and `dump` read: a crash there is no error message."""
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(key), str) for key in ("fingerprint", "rule_id", "path"))
        and type(entry.get("line")) is int
    )


def apply_file(
    violations: Sequence[Violation], path: Path, root: Path, files: Sequence[Path]
) -> Outcome:
    """`apply` with the baseline at `path`, judging staleness only for `files`."""
    checked = {project_path(str(f), root) for f in files}
    return apply(violations, load(path), root, checked)


def entry(v: Violation, root: Path) -> dict[str, Any]:
    return {
        "fingerprint": v.fingerprint,
        "rule_id": v.rule_id,
        "path": project_path(v.path, root),
        "line": v.line,
        "message": v.message,
    }


def dump(entries: Iterable[dict[str, Any]]) -> str:
    """Deterministic, diff-friendly JSON: sorted entries, one per line."""
    ordered = sorted(entries, key=lambda e: (e["path"], e["rule_id"], e["line"], e["fingerprint"]))
    lines = ",\n".join("    " + json.dumps(e, sort_keys=True) for e in ordered)
    body = f"[\n{lines}\n  ]" if ordered else "[]"
    return f'{{\n  "version": {FORMAT_VERSION},\n  "findings": {body}\n}}\n'


def write(path: Path, entries: Iterable[dict[str, Any]]) -> None:
    """Write atomically: a crash mid-write never leaves half a baseline.

    The text goes to a temporary file beside the target, then replaces it in
    one rename. A symlinked baseline is written through to its target, and an
    existing file keeps its permissions. A place that cannot hold the file (a
    folder, a missing or read-only parent) is a `UsageError` naming it.
    """
    target = writable(path)
    try:
        replace_text(target, dump(entries))
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None


def writable(path: Path) -> Path:
    """Where a baseline at `path` is written (symlinks followed), or why it cannot be."""
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise UsageError(f"cannot write baseline {path}: it is a folder")
    if not target.parent.is_dir():
        raise UsageError(f"cannot write baseline {path}: folder {path.parent} does not exist")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write baseline {path}: folder {path.parent} is not writable")
    return target


def apply(
    violations: Sequence[Violation],
    entries: Sequence[dict[str, Any]],
    root: Path,
    checked: set[str],
) -> Outcome:
    """Hide baselined findings; entries for checked files that matched nothing are stale.

    Engine diagnostics (GR ids) are never hidden: a crash or a parse error is
    about this run, not about old code.
    """
    known = {e["fingerprint"] for e in entries}
    kept = [v for v in violations if v.rule_id.startswith("GR") or v.fingerprint not in known]
    matched = {v.fingerprint for v in violations} & known
    stale = [e for e in entries if e["path"] in checked and e["fingerprint"] not in matched]
    return Outcome(kept, len(violations) - len(kept), stale)
