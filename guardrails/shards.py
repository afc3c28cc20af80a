"""`check --shard I/N`: which files one of N CI runners checks.

The CI system is the distributed engine: each runner checks one shard and
`guardrails merge` (`guardrails.merge`) puts the results back together as
one run. So every runner must compute the same split from the same
checkout, without talking to the others:

- the files are ordered by their path relative to the project root (never
  an absolute path: runners check out at different places);
- the ordered list is cut into N contiguous ranges of about equal weight
  (the file's size in bytes plus a fixed per-file cost), so a shard of a
  few huge files is not four times slower than its neighbours;
- a file belongs to the range its weight's midpoint falls in.

A file added or removed elsewhere only moves the boundaries by its weight
over N, so only files next to a boundary change shard; the rest keep it
(and their runner's restored cache stays warm). Cross-file rules are not
affected: the import graph is always built over the whole project
(`guardrails.backends.imports`), a shard only decides which files'
findings are reported.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guardrails.errors import UsageError
from guardrails.paths import display_path, root_relative

PER_FILE_BYTES = 2048
"""A file's fixed cost in bytes of source: parsing, the per-file passes, its cache entry."""

_SPEC = re.compile(r"([0-9]+)/([0-9]+)")
MAX_SHARDS = 1024


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`, as the user wrote `--shard index/count`."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SPEC.fullmatch(text.strip())
        if match is None:
            raise UsageError(f"--shard {text!r}: write I/N, e.g. 2/4 for the second of four")
        index, count = int(match[1]), int(match[2])
        if not 1 <= count <= MAX_SHARDS:
            raise UsageError(f"--shard {text!r}: N must be between 1 and {MAX_SHARDS}")
        if not 1 <= index <= count:
            raise UsageError(f"--shard {text!r}: I must be between 1 and {count}")
        return cls(index, count)


@dataclass(frozen=True)
class Assigned:
    """This runner's share of a run: what reports record so `merge` can check the set."""

    index: int
    count: int
    run: str  # digest of the whole run's file list: shards of another checkout never mix
    mine: frozenset[str]  # the shown paths of this shard's files
    others: frozenset[str]  # the shown paths of every other shard's files

    def record(self) -> dict[str, object]:
        """What a shard's JSON or SARIF output carries (and a merged one drops)."""
        return {"index": self.index, "count": self.count, "run": self.run}

    def owns(self, shown: str) -> bool:
        """Whether this shard reports a finding at `shown`: its own files' findings, and
        findings on no checked file (a weakened config: GR005) in shard 1 only, so the
        merged result holds each once."""
        if shown in self.mine:
            return True
        return self.index == 1 and shown not in self.others


def _key(path: Path, root: Path) -> str:
    relative = root_relative(path, root)
    return relative if relative is not None else Path(os.path.abspath(path)).as_posix()


def _weight(path: Path) -> int:
    try:
        size = os.lstat(path).st_size
    except OSError:
        size = 0  # reported as unreadable (GR001) by whichever shard has it
    return size + PER_FILE_BYTES


def select(files: Sequence[Path], root: Path, shard: Shard) -> tuple[list[Path], Assigned]:
    """The files of `shard` (in the order given), and the record of the assignment."""
    keyed = sorted((_key(path, root), index) for index, path in enumerate(files))
    weights = [_weight(files[index]) for _key_text, index in keyed]
    total = sum(weights) or 1
    chosen: set[int] = set()
    mine: set[str] = set()
    others: set[str] = set()
    before = 0
    for (_key_text, index), weight in zip(keyed, weights, strict=True):
        # the range the midpoint of this file's weight falls in, in integers
        owner = min(shard.count - 1, (2 * before + weight) * shard.count // (2 * total))
        before += weight
        shown = display_path(files[index])
        if owner == shard.index - 1:
            chosen.add(index)
            mine.add(shown)
        else:
            others.add(shown)
    digest = hashlib.sha256()
    for key_text, _index in keyed:
        digest.update(key_text.encode("utf-8", "surrogateescape") + b"\0")
    assigned = Assigned(
        shard.index, shard.count, digest.hexdigest()[:16], frozenset(mine), frozenset(others)
    )
    return [path for index, path in enumerate(files) if index in chosen], assigned
