"""Plain data shared by every part of guardrails.

Every backend (LibCST today, Semgrep and Ruff later) describes its rules with
the same `RuleMeta` and reports the same `Violation`, so suppression,
reporting and documentation are written once and never learn which engine a
finding came from.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from guardrails.lines import split_lines

SEVERITIES = ("info", "warning", "error")
"""Ordered lowest first, so `fail-on` can compare by index."""

BUILTIN_CATEGORIES = ("security", "observability", "reliability", "architecture", "engine")

RULE_ID = re.compile(r"^[A-Z][A-Z_]*[0-9]{3}$")

BAD_MARK = re.compile(r"#\s*bad\b")
"""A trailing `# bad` comment marks a line a bad example must be reported on."""


def severity_rank(severity: str) -> int:
    """Position of `severity` in `SEVERITIES`; used for `fail-on` comparisons."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Option:
    """One per-rule option users set under `[tool.guardrails.rules.ID]`.

    `kind` is the Python type the value must have (`int`, `str`, `bool`,
    `list` of `str`, or `dict`); the config loader checks it so a typo is an
    error naming the key instead of a silently ignored setting.
    """

    name: str
    kind: type
    default: Any
    description: str
    item_kind: type | None = None  # element type for list options (value type for dicts)
    check: Callable[[Any], str | None] | None = None  # returns a problem, or None if valid
    # Which change weakens the rule, for the policy ratchet (GR005): "higher" or
    # "lower" numbers, "fewer" or "more" list items, "layers" (an ordered list whose
    # forbidden pairs must not shrink), "changed" (any change). Empty:
    # max-*/min-* numbers are higher/lower, lists and tables fewer, others changed.
    weaker: str = ""


@dataclass(frozen=True)
class Example:
    """A snippet shown in the docs and executed by the tests.

    In bad examples, each line that must be reported ends with a `# bad`
    comment; good examples must produce no finding of the rule. A rule's
    first good example is its fix (see `RuleMeta.good`).
    """

    code: str
    path: str = ""  # where the example lives, when that matters (e.g. "tests/test_x.py")
    # rule options the example is checked with, e.g. {"max-lines": 5}; shown in the docs
    options: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)

    def flagged_lines(self) -> list[int]:
        """1-based lines marked `# bad`."""
        return [n for n, text in enumerate(split_lines(self.code), 1) if BAD_MARK.search(text)]


@dataclass(frozen=True)
class RuleMeta:
    """Everything a user, a test or a docs page needs to know about a rule.

    The rule definition is the single source: detection, the tests (its
    examples) and the documentation all read from here.
    """

    id: str
    name: str
    category: str
    severity: str
    summary: str
    why: str
    remediation: str
    bad: tuple[Example, ...] = ()
    # The first good example is the fix: the code to write instead of the first bad
    # example, in the same file with the same options. Agent output, AGENTS.md, llms.txt
    # and MCP show only that one (`ruletext.good_example`); later ones may show what the
    # rule leaves alone (a test file, an entry point, a deliberate exception).
    good: tuple[Example, ...] = ()
    references: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    fix: str = "none"  # none | safe | unsafe
    backend: str = "libcst"
    plugin: str = ""
    docs_url: str = ""
    default_enabled: bool = True
    skip_tests: bool = False  # non-test rule: test code is exempt by default
    # Ids whose finding on the same construct this rule's finding stands for
    # (see `guardrails.precedence`): `except: pass` is one REL002, not three findings.
    subsumes: tuple[str, ...] = ()
    # Other linters' codes for the same concern (Ruff/flake8 noqa codes, bandit
    # nosec ids such as "B602"): with `foreign-suppressions` on, their comments
    # suppress this rule. Ruff-backed rules add their mapped Ruff codes themselves.
    foreign_codes: tuple[str, ...] = ()
    # Why the rule has its default severity, or is off by default, when its measured
    # precision on real code decided it (shown on its docs page and by `explain`).
    severity_note: str = ""
    # What to write instead in a few words, one sentence (AGENTS.md's line per rule);
    # empty: the remediation's first sentence.
    instead: str = ""

    @property
    def docs(self) -> str:
        """Where to read more: an explicit URL, else the command that explains it."""
        return self.docs_url or f"guardrails explain {self.id}"

    def option_defaults(self) -> dict[str, Any]:
        """The options a rule sees when the config sets none."""
        return {opt.name: opt.default for opt in self.options}


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True)
class Fix:
    """Edits that resolve a finding, with whether they can change behaviour."""

    edits: tuple[Edit, ...]
    applicability: str = "safe"  # safe | unsafe
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (`dataclasses.asdict` is several times slower)."""
        return {
            "edits": [
                {
                    "start_line": e.start_line,
                    "start_column": e.start_column,
                    "end_line": e.end_line,
                    "end_column": e.end_column,
                    "content": e.content,
                }
                for e in self.edits
            ],
            "applicability": self.applicability,
            "description": self.description,
        }


@dataclass(frozen=True)
class Violation:
    """One finding, the same shape whatever backend produced it.

    Lines and columns are 1-based; `end_column` is exclusive. `path` is the
    path as discovered (relative to the directory guardrails runs in).
    """

    rule_id: str
    name: str
    category: str
    severity: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    remediation: str
    docs: str
    fix: Fix | None = None
    source_line: str = ""
    backend: str = "libcst"
    fingerprint: str = ""
    # Why the finding is reported as suppressed instead of active, e.g.
    # "foreign-comment" (a noqa or nosec comment honoured by `foreign-suppressions`).
    suppressed_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON data, the fix included."""
        data = {f.name: getattr(self, f.name) for f in _VIOLATION_FIELDS}
        data["fix"] = self.fix.to_dict() if self.fix is not None else None
        return data

    def sort_key(self) -> tuple[str, int, int, str]:
        """Deterministic report order regardless of how work was scheduled."""
        return (self.path, self.line, self.column, self.rule_id)


@dataclass
class FileResult:
    """What checking one file produced; picklable so workers can return it.

    Suppressions are applied later, once findings from every backend for
    the file are known, so `violations` here are unsuppressed.
    """

    path: str
    violations: list[Violation] = field(default_factory=list)
    suppressions: list[Any] = field(default_factory=list)
    parsed: bool = True


_VIOLATION_FIELDS = dataclasses.fields(Violation)


@dataclass(frozen=True)
class RuffMapping:
    """Ruff codes that back a guardrails rule (returned by `guardrails_ruff_mappings`).

    With `meta`, the mapping defines a new Ruff-backed rule; without it, the
    codes are added to an existing rule id (from any plugin), e.g. an org
    backing the built-in SEC006 with Ruff's S608 as well. A declaration only:
    it lives here so that plugins importing it do not load the Ruff backend.
    """

    rule_id: str
    codes: tuple[str, ...]
    meta: RuleMeta | None = None
