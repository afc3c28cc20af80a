"""`guardrails new-rule`: a rule skeleton and its test, in a plugin's source tree.

The skeleton has every metadata field with a `FILL IN` placeholder and no
examples, and its test fails until there are at least two bad and two good
examples that behave as marked — so an empty rule cannot ship green.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from guardrails.errors import UsageError
from guardrails.model import RULE_ID, SEVERITIES

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Skeleton:
    """What a new rule is called and where it goes."""

    rule_id: str
    name: str
    category: str
    backend: str
    directory: Path
    severity: str = "warning"

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-"))

    def import_path(self) -> str:
        """The module path pytest's default import mode will find the rule under."""
        parts = [self.module]
        folder = self.directory.resolve()
        while (folder / "__init__.py").exists():
            parts.insert(0, folder.name)
            folder = folder.parent
        return ".".join(parts)


def validate(skeleton: Skeleton) -> None:
    if not RULE_ID.match(skeleton.rule_id):
        raise UsageError(f"rule id {skeleton.rule_id!r} must be capital letters then 3 digits")
    if not _NAME.match(skeleton.name):
        raise UsageError(f"name {skeleton.name!r} must be kebab-case, e.g. no-raw-sql")
    if not skeleton.category.isidentifier():
        raise UsageError(f"category {skeleton.category!r} must be a single word")
    if skeleton.severity not in SEVERITIES:
        raise UsageError(f"severity must be one of {', '.join(SEVERITIES)}")


def _libcst_source(s: Skeleton) -> str:
    return f'''"""{s.rule_id} {s.name}."""

from __future__ import annotations

import libcst as cst

from guardrails import CstRule, Example, RuleMeta


class {s.class_name}(CstRule):
    META = RuleMeta(
        id="{s.rule_id}",
        name="{s.name}",
        category="{s.category}",
        severity="{s.severity}",
        summary="FILL IN: what the rule flags, in one sentence.",
        why="FILL IN: the risk, in one or two sentences.",
        remediation="FILL IN: what to write instead, imperative, with a short code example.",
        # At least two of each. End every line a bad example must be reported on
        # with `# bad`. The first good example is the fix for the first bad one (the
        # code agents are shown); the others include the near misses careful code has.
        bad=(),
        good=(),
        references=(),
    )

    def visit_Call(self, node: cst.Call) -> None:
        # FILL IN: detect the problem; resolve names with self.context.qualified_name.
        name = self.context.qualified_name(node.func)
        if name == "FILL.IN":
            self.report(node, "FILL IN: an occurrence-specific message")
'''


def _libcst_test(s: Skeleton) -> str:
    return f'''"""Tests for {s.rule_id}: its examples run through the real engine."""

from guardrails.testing import example_tests, missing_examples

from {s.import_path()} import {s.class_name}

test_examples = example_tests(rules=[{s.class_name}])


def test_has_two_bad_and_two_good_examples() -> None:
    assert missing_examples(rules=[{s.class_name}]) == []
'''


def _semgrep_source(s: Skeleton) -> str:
    return f"""rules:
  - id: {s.name}
    languages: [python]
    severity: WARNING
    message: "FILL IN: an occurrence-specific message; $X interpolates a metavariable"
    pattern: FILL_IN($X)
    metadata:
      guardrails:
        id: {s.rule_id}
        name: {s.name}
        category: {s.category}
        severity: {s.severity}
        # strings without which the rule cannot match; files without them skip Semgrep
        triggers: [FILL_IN]
        summary: "FILL IN: what the rule flags, in one sentence."
        why: "FILL IN: the risk, in one or two sentences."
        remediation: "FILL IN: what to write instead, imperative."
        references: []
        # At least two of each; end each line that must be reported with `# bad`.
        # The first good example is the fix for the first bad one.
        bad: []
        good: []
"""


def _semgrep_test(s: Skeleton) -> str:
    return f'''"""Tests for {s.rule_id}: its examples run through the real engine and Semgrep."""

from pathlib import Path

from guardrails.testing import example_tests, missing_examples

RULES = Path(__file__).resolve().parent / "semgrep"

test_examples = example_tests(rule_ids=["{s.rule_id}"], semgrep_dirs=[RULES])


def test_has_two_bad_and_two_good_examples() -> None:
    assert missing_examples(rule_ids=["{s.rule_id}"], semgrep_dirs=[RULES]) == []
'''


def write(skeleton: Skeleton, force: bool = False) -> list[Path]:
    """Write the rule and its test; refuse to overwrite unless `force`."""
    validate(skeleton)
    directory = skeleton.directory
    if skeleton.backend == "semgrep":
        files = {
            directory / "semgrep" / f"{skeleton.module}.yaml": _semgrep_source(skeleton),
            directory / f"test_{skeleton.module}.py": _semgrep_test(skeleton),
        }
    else:
        files = {
            directory / f"{skeleton.module}.py": _libcst_source(skeleton),
            directory / f"test_{skeleton.module}.py": _libcst_test(skeleton),
        }
    existing = [str(p) for p in files if p.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)} already exists (use --force to overwrite)")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
