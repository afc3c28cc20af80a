"""`guardrails new-rule`: a rule skeleton and its test, in a plugin's source tree.

The skeleton has every metadata field with a `FILL IN` placeholder and no
examples, and its test fails until there are at least two bad and two good
examples that behave as marked — so an empty rule cannot ship green.

Inside a plugin package (a folder whose pyproject.toml declares a
`guardrails` entry point, as `guardrails new-plugin` writes), the rule goes
where the package's hook module finds it (`src/<package>/rules/`) and its
test into `tests/`, selecting the rule by id from the installed plugin.
Elsewhere both go into `--path`, and the test imports the rule beside it
whether or not that folder is a package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from guardrails.config import tomllib
from guardrails.errors import UsageError
from guardrails.model import RULE_ID, SEVERITIES
from guardrails.scaffold_plugin import RULES_PACKAGE

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


@dataclass(frozen=True)
class PluginLayout:
    """A plugin package's folders: where its rules and their tests belong."""

    root: Path
    rules: Path  # src/<package>/rules: the hook module registers every rule module here
    tests: Path


def plugin_layout(directory: Path) -> PluginLayout | None:
    """The plugin package `directory` lies in, if its nearest pyproject.toml is one.

    A plugin package declares `[project.entry-points.guardrails]` and has the
    `src/<package>/rules/` folder `guardrails new-plugin` writes.
    """
    folder = directory.resolve()
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if not pyproject.is_file():
            continue
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None
        entries: object = data
        for key in ("project", "entry-points", "guardrails"):
            entries = entries.get(key, {}) if isinstance(entries, dict) else {}
        for target in entries.values() if isinstance(entries, dict) else ():
            module = str(target).split(":")[0].strip()
            rules = candidate / "src" / Path(*module.split(".")) / RULES_PACKAGE
            if (rules / "__init__.py").is_file():
                return PluginLayout(candidate, rules, candidate / "tests")
        return None
    return None


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
        # Example(code, path="tests/test_x.py") places one in a file.
        bad=(),
        good=(),
        references=(),
        # skip_tests=True exempts test code; subsumes=("OBS001",) makes this rule's
        # finding stand for a built-in one on the same construct (docs/precedence.md).
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

if __package__:  # the folder is a package: pytest imports this test as part of it
    from .{s.module} import {s.class_name}
else:  # a plain folder: pytest puts it on sys.path
    from {s.module} import {s.class_name}

test_examples = example_tests(rules=[{s.class_name}])


def test_has_two_bad_and_two_good_examples() -> None:
    assert missing_examples(rules=[{s.class_name}]) == []
'''


def _plugin_test(s: Skeleton) -> str:
    return f'''"""Tests for {s.rule_id}: its examples run through the real engine.

The plugin registers every module of its rules folder, so the rule is selected
by id from the installed plugin (`pip install -e .`).
"""

from guardrails.testing import example_tests, missing_examples

test_examples = example_tests(rule_ids=["{s.rule_id}"])


def test_has_two_bad_and_two_good_examples() -> None:
    assert missing_examples(rule_ids=["{s.rule_id}"]) == []
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
        # ids whose finding on the same construct this rule's stands for (docs/precedence.md)
        subsumes: []
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


def files(skeleton: Skeleton) -> dict[Path, str]:
    """The rule and its test, at the paths `write` uses."""
    layout = plugin_layout(skeleton.directory)
    module = skeleton.module
    if layout is not None:
        rules = _shown(layout.rules)
        test = _shown(layout.tests / f"test_{module}.py")
        if skeleton.backend == "semgrep":
            return {
                rules / "semgrep" / f"{module}.yaml": _semgrep_source(skeleton),
                test: _plugin_test(skeleton),
            }
        return {rules / f"{module}.py": _libcst_source(skeleton), test: _plugin_test(skeleton)}
    directory = skeleton.directory
    if skeleton.backend == "semgrep":
        return {
            directory / "semgrep" / f"{module}.yaml": _semgrep_source(skeleton),
            directory / f"test_{module}.py": _semgrep_test(skeleton),
        }
    return {
        directory / f"{module}.py": _libcst_source(skeleton),
        directory / f"test_{module}.py": _libcst_test(skeleton),
    }


def _shown(path: Path) -> Path:
    """`path` relative to the working directory when it is below it, as users typed it."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def write(skeleton: Skeleton, force: bool = False) -> list[Path]:
    """Write the rule and its test; refuse to overwrite unless `force`."""
    validate(skeleton)
    planned = files(skeleton)
    existing = [str(p) for p in planned if p.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)} already exists (use --force to overwrite)")
    for path, text in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(planned)
