"""`guardrails fix`: before/after for each fixable rule, and the safety guarantees."""

from __future__ import annotations

import os
import stat

BEFORE = """\
import logging

from flask import Flask

logger = logging.getLogger(__name__)
app = Flask(__name__)


def add(item: str, items: list[str] = []) -> list[str]:
    \"\"\"Append an item.\"\"\"
    items.append(item)
    return items


def rebuild(run):
    try:
        run()
    except (OSError, ValueError):
        logger.error("reindex failed")
        raise RuntimeError("index rebuild failed")


if __name__ == "__main__":
    app.run(host="127.0.0.1", debug=True, port=5000)
"""

SAFE_AFTER = BEFORE.replace(
    '    except (OSError, ValueError):\n        logger.error("reindex failed")\n'
    '        raise RuntimeError("index rebuild failed")\n',
    '    except (OSError, ValueError) as exc:\n        logger.exception("reindex failed")\n'
    '        raise RuntimeError("index rebuild failed") from exc\n',
)

ALL_AFTER = SAFE_AFTER.replace(
    'def add(item: str, items: list[str] = []) -> list[str]:\n    """Append an item."""\n',
    "def add(item: str, items: list[str] | None = None) -> list[str]:\n"
    '    """Append an item."""\n    if items is None:\n        items = []\n',
).replace("debug=True", "debug=False")

SELECT = ("--select", "REL003,OBS003,OBS007,SEC014")


def test_safe_fixes_by_default(project) -> None:
    path = project.write("app.py", BEFORE)
    result = project.run("fix", *SELECT)
    assert path.read_text() == SAFE_AFTER
    assert result.code == 1  # REL003 and SEC014 remain: their fixes are unsafe
    assert "fixed 2 in app.py" in result.out
    assert "2 more can be fixed with --unsafe-fixes" in result.out


def test_unsafe_fixes_including_semgrep_and_idempotence(project) -> None:
    path = project.write("app.py", BEFORE)
    first = project.run("fix", *SELECT, "--unsafe-fixes")
    assert first.code == 0, first.out + first.err
    assert path.read_text() == ALL_AFTER
    assert project.run("check", *SELECT).code == 0
    again = project.run("fix", *SELECT, "--unsafe-fixes")
    assert again.code == 0 and "Fixed 0 findings in 0 files." in again.out
    assert path.read_text() == ALL_AFTER


def test_diff_previews_without_writing(project) -> None:
    path = project.write("app.py", BEFORE)
    result = project.run("fix", *SELECT, "--diff")
    assert result.code == 1
    assert path.read_text() == BEFORE
    assert '-        logger.error("reindex failed")' in result.out
    assert '+        logger.exception("reindex failed")' in result.out
    assert "Would fix 2 findings in 1 file." in result.err


def test_permissions_encoding_and_line_endings_are_kept(project) -> None:
    source = (
        "# -*- coding: latin-1 -*-\r\nimport logging\r\nNAME = 'caf\xe9'\r\n\r\n"
        "def f(run):\r\n    try:\r\n        run()\r\n    except KeyError as err:\r\n"
        "        raise ValueError(NAME)\r\n"
    )
    path = project.write("legacy.py", source.encode("latin-1"))
    os.chmod(path, 0o640)
    assert project.run("fix", "--select", "OBS007").code == 0
    assert path.read_bytes() == source.replace(
        "raise ValueError(NAME)", "raise ValueError(NAME) from err"
    ).encode("latin-1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [p for p in project.root.iterdir() if p.name.endswith(".tmp")]


BROKEN_FIX_PLUGIN = """\
import libcst as cst
from guardrails import CstRule, RuleMeta, hookimpl
from guardrails.cst.rule import NodeFix, replace


class BreaksCode(CstRule):
    META = RuleMeta(id="TST010", name="breaks-code", category="reliability",
                    severity="error", summary="s", why="w", remediation="r", fix="safe")

    def visit_Call(self, node: cst.Call) -> None:
        self.report(node, "call", fix=NodeFix((replace(node, "print(("),), "safe"))


class Renames(CstRule):
    META = RuleMeta(id="TST011", name="renames", category="reliability",
                    severity="error", summary="s", why="w", remediation="r", fix="safe")

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "old":
            self.report(node, "old", fix=NodeFix((replace(node, "new"),), "safe"))


class AlsoRenames(Renames):
    META = RuleMeta(id="TST012", name="also-renames", category="reliability",
                    severity="error", summary="s", why="w", remediation="r", fix="safe")

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "old":
            self.report(node, "old", fix=NodeFix((replace(node, "newer"),), "safe"))


@hookimpl
def guardrails_rules():
    return [BreaksCode, Renames, AlsoRenames]
"""


def test_a_fix_that_would_not_parse_is_not_written(project) -> None:
    project.write("tools/fixes.py", BROKEN_FIX_PLUGIN)
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.fixes"]\n')
    path = project.write("app.py", "value = len([])\n")
    result = project.run("fix", "--select", "TST010", "app.py")
    assert result.code == 1
    assert path.read_text() == "value = len([])\n"
    assert "app.py: a fix produced code that does not parse; file left unchanged" in result.err


def test_conflicting_fixes_are_not_applied_blindly(project) -> None:
    project.write("tools/fixes.py", BROKEN_FIX_PLUGIN)
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.fixes"]\n')
    path = project.write("app.py", "old = 1\n")
    result = project.run("fix", "--select", "TST011,TST012", "app.py")
    # Both rewrite the same name: the first in report order (TST011) wins; TST012's
    # edit is not applied on top of it, and after the rename it no longer applies.
    assert path.read_text() == "new = 1\n"
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("fixed 1 in app.py\n")
    assert result.out.endswith("Fixed 1 finding in 1 file.\n")


def test_fix_before_a_with_statement(project) -> None:
    # `With.lpar` is one optional paren, not a list: anchoring edits must cope.
    path = project.write(
        "app.py",
        "def read(paths: list = []) -> list:\n    with open(paths.pop()) as handle:\n"
        "        return [handle.read()]\n",
    )
    result = project.run("fix", "--select", "REL003", "--unsafe-fixes")
    assert result.code == 0, result.out + result.err
    assert path.read_text() == (
        "def read(paths: list | None = None) -> list:\n    if paths is None:\n        paths = []\n"
        "    with open(paths.pop()) as handle:\n        return [handle.read()]\n"
    )
