"""`guardrails new-plugin`: an organisation plugin package that installs and passes its tests.

Copying `plugins/guardrails-acme` by hand meant editing a pyproject, an entry
point, a hook module and a test in step. The skeleton written here is the
smallest complete plugin: a setuptools src-layout package whose entry point
names a hook module that registers every rule module in `rules/` (so
`guardrails new-rule` run in the folder needs no edit to it), one LibCST
rule with good and bad examples, a test running them through the real
engine, and a README. Nothing is written unless everything is valid and the
target folder is new or empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from guardrails._version import REPOSITORY, __version__
from guardrails.errors import UsageError

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_PREFIX = re.compile(r"^[A-Z][A-Z_]*$")
RULES_PACKAGE = "rules"
"""The subpackage of a plugin whose modules hold its rules (`semgrep/` beside them)."""


@dataclass(frozen=True)
class PluginSkeleton:
    """What a new plugin is called and where it goes."""

    name: str  # short kebab-case name: the entry-point (plugin) name, e.g. acme
    parent: Path  # the folder the plugin's own folder is created in
    prefix: str = ""  # rule-id prefix; default: the name's letters, upper-cased

    @property
    def rule_prefix(self) -> str:
        return self.prefix or re.sub(r"[^A-Z]", "", self.name.upper())

    @property
    def distribution(self) -> str:
        return f"guardrails-{self.name}"

    @property
    def package(self) -> str:
        return f"guardrails_{self.name.replace('-', '_')}"

    @property
    def folder(self) -> Path:
        return self.parent / self.distribution

    @property
    def rule_id(self) -> str:
        return f"{self.rule_prefix}001"


def normalised_name(name: str) -> str:
    """`guardrails-acme` and `acme` both name the plugin `acme`."""
    return name.removeprefix("guardrails-")


def validate(skeleton: PluginSkeleton, taken_ids: set[str]) -> None:
    """Raise UsageError (one line) for a bad name, prefix or target; never write."""
    if not _NAME.match(skeleton.name):
        raise UsageError(f"plugin name {skeleton.name!r} must be kebab-case, e.g. acme or my-org")
    if not _PREFIX.match(skeleton.rule_prefix):
        raise UsageError(
            f"prefix {skeleton.rule_prefix!r} must be capital letters (rule ids are PREFIX001)"
        )
    clash = sorted(i for i in taken_ids if re.fullmatch(rf"{skeleton.rule_prefix}\d{{3}}", i))
    if clash:
        raise UsageError(
            f"prefix {skeleton.rule_prefix!r} is already used by loaded rules ({clash[0]}); "
            "choose another with --prefix"
        )
    if not skeleton.parent.is_dir():
        raise UsageError(f"{skeleton.parent} is not a directory")
    folder = skeleton.folder
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder} already exists and is not empty")


def files(s: PluginSkeleton) -> dict[Path, str]:
    """Every file of the plugin, relative to its folder."""
    src = Path("src") / s.package
    return {
        Path("pyproject.toml"): _pyproject(s),
        Path("README.md"): _readme(s),
        src / "__init__.py": _hook_module(s),
        src / RULES_PACKAGE / "__init__.py": _rules_init(s),
        src / RULES_PACKAGE / "no_pprint.py": _rule(s),
        Path("tests") / f"test_{s.package}.py": _test(s),
    }


def write(skeleton: PluginSkeleton, taken_ids: set[str]) -> list[Path]:
    """Validate, then create the plugin folder and its files; return what was written."""
    validate(skeleton, taken_ids)
    written = []
    for relative, text in files(skeleton).items():
        path = skeleton.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _pyproject(s: PluginSkeleton) -> str:
    major_minor = ".".join(__version__.split(".")[:2])
    return f'''[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{s.distribution}"
version = "0.1.0"
description = "Organisation policies for guardrails: the {s.name} plugin."
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["guardrails-lint>={major_minor}"]

# The one line that makes guardrails find the plugin once it is installed:
# plugin name = the hook module.
[project.entry-points.guardrails]
{s.name} = "{s.package}"

[tool.setuptools.packages.find]
where = ["src"]

[tool.setuptools.package-data]
"{s.package}.{RULES_PACKAGE}" = ["semgrep/*.yaml", "semgrep/*.yml"]

[tool.pytest.ini_options]
testpaths = ["tests"]
# Tests import the rules under src/ as they are now, even after a non-editable install.
pythonpath = ["src"]

[tool.ruff]
line-length = 100
'''


def _readme(s: PluginSkeleton) -> str:
    return f"""# {s.distribution}

Organisation policies for [guardrails]({REPOSITORY}),
installed next to it in every repository that should follow them.

Install it into the environment guardrails runs from (it depends on
`guardrails-lint`, which must be installed there already), then run its tests:

```sh
pip install -e .
python -m pytest
guardrails rules
```

With guardrails installed as a tool, add it there instead:
`pipx inject guardrails-lint ./{s.distribution}` (or `uv tool install` with
`--with`). Under pre-commit, list it in the hooks' `additional_dependencies` and
name it in `required-plugins`.

| id | rule | what it flags |
|---|---|---|
| {s.rule_id} | no-pprint | `pprint.pprint()` debugging output left in service code |

## Layout

- `pyproject.toml`: the `[project.entry-points.guardrails]` entry point names
  the hook module; guardrails loads it once the package is installed.
- `src/{s.package}/__init__.py`: the hook module. It registers every rule
  class defined in a module of `src/{s.package}/{RULES_PACKAGE}/` and every
  Semgrep YAML file in `src/{s.package}/{RULES_PACKAGE}/semgrep/`.
- `tests/test_{s.package}.py`: every example of every rule of the plugin,
  run through the real engine (`guardrails.testing`).

## Adding a rule

Run in this folder:

```sh
guardrails new-rule {s.rule_prefix}002 --name no-raw-sql --category security
```

It writes `src/{s.package}/{RULES_PACKAGE}/no_raw_sql.py` and
`tests/test_no_raw_sql.py`; the test fails until the rule has two bad and two
good examples that behave as marked. A rule that reports the same construct
as a built-in one declares `subsumes=("OBS001",)` in its `RuleMeta`, so the
construct is reported once. See guardrails' `docs/plugins.md`.
"""


def _hook_module(s: PluginSkeleton) -> str:
    return f'''"""The {s.name} guardrails plugin: its hook module, named by the entry point.

Every `CstRule` subclass defined in a module of `{RULES_PACKAGE}/` is registered, and
every Semgrep YAML file in `{RULES_PACKAGE}/semgrep/`, so a new rule needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from guardrails import CstRule, hookimpl

from {s.package} import {RULES_PACKAGE}

__version__ = "0.1.0"

CATEGORIES: tuple[str, ...] = ()
"""Categories beyond the built-in ones (security, observability, reliability, architecture)."""


def _rule_modules() -> list[ModuleType]:
    """The modules of `{RULES_PACKAGE}/`, private (`_x`) and test modules left out."""
    names = sorted(info.name for info in pkgutil.iter_modules({RULES_PACKAGE}.__path__))
    return [
        importlib.import_module(f"{{{RULES_PACKAGE}.__name__}}.{{name}}")
        for name in names
        if not name.startswith(("_", "test_"))
    ]


@hookimpl
def guardrails_categories() -> list[str]:
    return list(CATEGORIES)


@hookimpl
def guardrails_rules() -> list[type[CstRule]]:
    found = [
        value
        for module in _rule_modules()
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, CstRule)
        and value.__module__ == module.__name__
        and hasattr(value, "META")
    ]
    return sorted(found, key=lambda rule: rule.META.id)


@hookimpl
def guardrails_semgrep_rule_dirs() -> list[Path]:
    folder = Path({RULES_PACKAGE}.__file__).resolve().parent / "semgrep"
    return [folder] if folder.is_dir() else []
'''


def _rules_init(s: PluginSkeleton) -> str:
    return f'''"""The {s.name} plugin's rules, one module per rule: the hook module finds them."""
'''


def _rule(s: PluginSkeleton) -> str:
    return f'''"""{s.rule_id} no-pprint: `pprint.pprint()` debugging output left in service code."""

from __future__ import annotations

import libcst as cst
from guardrails import CstRule, Example, RuleMeta

_PRINTERS = frozenset({{"pprint.pprint", "pprint.pp"}})


class NoPprint(CstRule):
    META = RuleMeta(
        id="{s.rule_id}",
        name="no-pprint",
        category="observability",
        severity="warning",
        summary="`pprint.pprint()` debugging output left in service code.",
        why="Pretty-printed dumps go to stdout, which services do not collect: the output is "
        "lost in production and clutters everyone's terminal in development.",
        remediation="Log the value through the module logger: "
        '`logger.debug("order: %s", pprint.pformat(order))`.',
        # At least two of each. A bad example ends each line it must be reported on
        # with `# bad`; good examples show the near misses careful code has.
        bad=(
            Example(
                "import pprint\\n\\n\\ndef show(order: dict) -> None:\\n"
                "    pprint.pprint(order)  # bad\\n"
            ),
            Example(
                "from pprint import pp as dump\\n\\n\\ndef show(order: dict) -> None:\\n"
                "    dump(order)  # bad\\n"
            ),
        ),
        good=(
            Example(
                "import logging\\nimport pprint\\n\\nlogger = logging.getLogger(__name__)\\n\\n\\n"
                "def show(order: dict) -> None:\\n"
                '    logger.debug("order: %s", pprint.pformat(order))\\n'
            ),
            # `path=` places an example in a file: test code is exempt (skip_tests below)
            Example(
                "import pprint\\n\\n\\ndef test_order() -> None:\\n    pprint.pprint({{1: 2}})\\n",
                path="tests/test_orders.py",
            ),
        ),
        # Files matching `test-paths` (tests/, test_*.py, *_test.py, conftest.py) are exempt.
        skip_tests=True,
        # A rule whose finding stands for a built-in one on the same construct lists it,
        # e.g. subsumes=("OBS001",): the construct is then reported once, as this rule.
        subsumes=(),
    )
    TRIGGERS = ("pprint",)  # files without this text skip the rule

    def visit_Call(self, node: cst.Call) -> None:
        # imports and aliases are resolved: `from pprint import pp as dump; dump(x)`
        # is `pprint.pp`; a builtin would be `builtins.print`
        name = self.context.qualified_name(node.func)
        if name in _PRINTERS:
            self.report(node, f"`{{name}}()` writes to stdout: log the value instead")
'''


def _test(s: PluginSkeleton) -> str:
    return f'''"""The {s.name} plugin's rules, run through the real engine (every backend).

guardrails finds the plugin by its entry point: install it first (`pip install -e .`).
"""

from __future__ import annotations

from guardrails.testing import assert_findings, example_tests, missing_examples

test_examples = example_tests(plugin="{s.name}")


def test_every_rule_has_two_bad_and_two_good_examples() -> None:
    assert missing_examples(plugin="{s.name}") == []


def test_no_pprint_resolves_imported_names() -> None:
    source = "from pprint import pprint as show\\n\\nshow(1)\\nprint(2)\\n"
    assert_findings(source, {{("{s.rule_id}", 3)}}, select=["{s.rule_id}"])
'''
