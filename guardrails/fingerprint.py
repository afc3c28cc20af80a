"""Fingerprints that survive unrelated edits: for SARIF and baselines.

A finding is identified by its rule, its file, the whitespace-normalised
text of its line and its rank among identical (rule, file, text) findings —
not by its line number, so inserting or deleting lines above it, or
re-indenting it, keeps the fingerprint, while a second identical violation
in the same file gets a new one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from guardrails.model import Violation
from guardrails.paths import project_path

VERSION = "guardrails/v1"


def _content(violation: Violation) -> str:
    return " ".join(violation.source_line.split())


def with_fingerprints(violations: Iterable[Violation], root: Path) -> list[Violation]:
    """Violations (in report order) with `fingerprint` set; paths count from `root`."""
    seen: Counter[tuple[str, str, str]] = Counter()
    paths: dict[str, str] = {}  # a file's findings share one path computation
    out = []
    for v in violations:
        shown = paths.get(v.path)
        if shown is None:
            shown = paths[v.path] = project_path(v.path, root)
        key = (v.rule_id, shown, _content(v))
        rank = seen[key]
        seen[key] += 1
        # surrogateescape: a file name that is not UTF-8 hashes as its bytes (same digest otherwise)
        text = "\0".join((*key, str(rank)))
        digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
        out.append(dataclasses.replace(v, fingerprint=digest[:32]))
    return out
