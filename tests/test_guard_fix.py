"""`guardrails fix`: overlapping edits never both applied, every other fix applied, exact output."""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst
import pytest

from guardrails import CstRule, RuleMeta
from guardrails.cst.rule import NodeFix, replace
from guardrails.discovery import display_path
from guardrails.fixer import apply_fixes
from guardrails.model import Edit, Fix
from guardrails.testing import run

# Test rules: TST011 renames `old` to `new`; TST013 flags every `NAME = 1` and, only
# while the name is `old`, offers to rewrite the whole statement (overlapping TST011's edit);
# TST014 always offers to rewrite `NAME = 1` as `NAME = 2` (also overlapping it).
PLUGIN = """\
import libcst as cst
from guardrails import CstRule, RuleMeta, hookimpl
from guardrails.cst.rule import NodeFix, replace


class Renames(CstRule):
    META = RuleMeta(id="TST011", name="renames", category="reliability",
                    severity="error", summary="s", why="w", remediation="rename it", fix="safe")

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "old":
            self.report(node, "old name", fix=NodeFix((replace(node, "new"),), "safe"))


class Statement(CstRule):
    META = RuleMeta(id="TST013", name="statement", category="observability",
                    severity="error", summary="s", why="w", remediation="use two", fix="safe")

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if not (isinstance(value, cst.Integer) and value.value == "1"):
            return
        target = node.targets[0].target
        fix = None
        if isinstance(target, cst.Name) and target.value == "old":
            fix = NodeFix((replace(node, "old = 2"),), "safe")
        self.report(node, "assigns one", fix=fix)


class Rewrites(CstRule):
    META = RuleMeta(id="TST014", name="rewrites", category="reliability",
                    severity="error", summary="s", why="w", remediation="r", fix="safe")

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target
        if isinstance(node.value, cst.Integer) and node.value.value == "1":
            fix = NodeFix((replace(node, f"{target.value} = 2"),), "safe")
            self.report(node, "assigns one", fix=fix)


class Breaks(CstRule):
    META = RuleMeta(id="TST015", name="breaks", category="reliability",
                    severity="error", summary="s", why="w", remediation="r", fix="safe")

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "gone":  # LibCST parses the result, Python does not (non-ASCII bytes)
            self.report(node, "gone", fix=NodeFix((replace(node, 'b"\\u00e9"'),), "safe"))


class Idle(CstRule):
    META = RuleMeta(id="TST016", name="idle", category="reliability",
                    severity="error", summary="s", why="w", remediation="r", fix="safe")

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "same":  # a fix that changes nothing
            self.report(node, "same", fix=NodeFix((replace(node, "same"),), "safe"))


@hookimpl
def guardrails_rules():
    return [Renames, Statement, Rewrites, Breaks, Idle]
"""


class Renames(CstRule):
    """TST011 of PLUGIN, in-process."""

    META = RuleMeta(
        id="TST011",
        name="renames",
        category="reliability",
        severity="error",
        summary="s",
        why="w",
        remediation="rename it",
        fix="safe",
    )

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "old":
            self.report(node, "old name", fix=NodeFix((replace(node, "new"),), "safe"))


PYPROJECT = '[tool.guardrails]\nplugins = ["tools.fixes"]\n'


@pytest.fixture
def plugin_project(project: Any) -> Any:
    project.write("tools/fixes.py", PLUGIN)
    project.write("pyproject.toml", PYPROJECT)
    return project


def fix(*edits: tuple[int, int, int, int, str]) -> Fix:
    return Fix(tuple(Edit(*e) for e in edits))


# --- apply_fixes on known edits ---------------------------------------------------------


def test_of_two_overlapping_fixes_the_first_wins_and_the_other_is_not_applied() -> None:
    text = "abcdef\n"
    left, right = fix((1, 1, 1, 4, "X")), fix((1, 3, 1, 6, "Y"))  # abc / cde share `c`
    assert apply_fixes(text, [left, right]) == ("Xdef\n", 1)
    assert apply_fixes(text, [right, left]) == ("abYf\n", 1)
    # one range inside another
    inner, outer = fix((1, 2, 1, 3, "I")), fix((1, 1, 1, 7, "O"))
    assert apply_fixes(text, [inner, outer]) == ("aIcdef\n", 1)
    assert apply_fixes(text, [outer, inner]) == ("O\n", 1)
    # the same range twice (two rules rewriting one node)
    assert apply_fixes(text, [fix((1, 1, 1, 4, "P")), fix((1, 1, 1, 4, "Q"))]) == ("Pdef\n", 1)


def test_a_fix_whose_any_edit_overlaps_is_skipped_whole() -> None:
    text = "abcdef\n"
    taken = fix((1, 2, 1, 3, "B"))
    both = fix((1, 5, 1, 6, "E"), (1, 2, 1, 4, "Z"))  # its second edit overlaps `taken`
    assert apply_fixes(text, [taken, both]) == ("aBcdef\n", 1)


def test_adjacent_and_disjoint_edits_are_all_applied() -> None:
    text = "abcdef\n"
    assert apply_fixes(text, [fix((1, 1, 1, 3, "X")), fix((1, 3, 1, 5, "Y"))]) == ("XYef\n", 2)
    assert apply_fixes(text, [fix((1, 3, 1, 5, "Y")), fix((1, 1, 1, 3, "X"))]) == ("XYef\n", 2)
    # insertions at either end of a replacement touch it without overlapping it
    at_start, at_end, middle = fix((1, 2, 1, 2, "<")), fix((1, 4, 1, 4, ">")), (1, 2, 1, 4, "M")
    assert apply_fixes(text, [fix(middle), at_start, at_end]) == ("a<M>def\n", 3)
    # an insertion strictly inside a replacement does overlap it
    assert apply_fixes(text, [fix(middle), fix((1, 3, 1, 3, "!"))]) == ("aMdef\n", 1)
    # two insertions at one point: their order would be arbitrary, so only the first
    assert apply_fixes(text, [fix((1, 3, 1, 3, "1")), fix((1, 3, 1, 3, "2"))]) == ("ab1cdef\n", 1)


def test_edits_on_several_lines_use_each_lines_offset() -> None:
    text = "one\r\ntwo\rthree\nfour"
    fixes = [fix((4, 1, 4, 5, "FOUR")), fix((2, 1, 3, 3, "T")), fix((1, 4, 1, 4, "!"))]
    assert apply_fixes(text, fixes) == ("one!\r\nTree\nFOUR", 3)


def test_a_reversed_edit_is_never_applied() -> None:
    assert apply_fixes("abc\n", [fix((1, 3, 1, 2, "X")), fix((1, 1, 1, 2, "A"))]) == ("Abc\n", 1)


# --- fixes of real findings, in-process -------------------------------------------------


def test_one_pass_applies_every_fix_in_a_file_not_only_the_first() -> None:
    source = "old = 2\nvalue = old + old\nprint(old)\n"
    found = run(source, select=["TST011"], rules=[Renames])
    assert [(v.line, v.column) for v in found] == [(1, 1), (2, 9), (2, 15), (3, 7)]
    new, count = apply_fixes(source, [v.fix for v in found if v.fix is not None])
    assert (new, count) == ("new = 2\nvalue = new + new\nprint(new)\n", 4)
    ast.parse(new)


def test_a_real_rules_two_fixes_in_one_file_are_both_applied() -> None:
    source = (
        "def f(run):\n"
        "    try:\n        run()\n    except KeyError as err:\n        raise ValueError(1)\n"
        "    try:\n        run()\n    except OSError as exc:\n        raise ValueError(2)\n"
    )
    found = run(source, select=["OBS007"])
    assert [(v.rule_id, v.line) for v in found] == [("OBS007", 5), ("OBS007", 9)]
    new, count = apply_fixes(source, [v.fix for v in found if v.fix is not None])
    assert count == 2
    assert new == source.replace("(1)\n", "(1) from err\n").replace("(2)\n", "(2) from exc\n")
    ast.parse(new)


# --- the CLI ---------------------------------------------------------------------------


def test_fix_applies_every_fix_and_reports_exactly(plugin_project: Any) -> None:
    path = plugin_project.write("app.py", "old = 2\nvalue = old + old\nprint(old)\n")
    preview = plugin_project.run("fix", "--select", "TST011", "--diff", "app.py")
    assert preview.code == 1  # there is something to fix
    assert preview.err == "Would fix 4 findings in 1 file.\n"
    assert preview.out == (
        "--- a/app.py\n+++ b/app.py\n@@ -1,3 +1,3 @@\n"
        "-old = 2\n-value = old + old\n-print(old)\n"
        "+new = 2\n+value = new + new\n+print(new)\n"
    )
    assert path.read_text() == "old = 2\nvalue = old + old\nprint(old)\n"

    result = plugin_project.run("fix", "--select", "TST011", "app.py")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "fixed 4 in app.py\nAll checks passed (1 file checked).\nFixed 4 findings in 1 file.\n"
    )
    assert path.read_text() == "new = 2\nvalue = new + new\nprint(new)\n"
    ast.parse(path.read_text())

    nothing = plugin_project.run("fix", "--select", "TST011", "--diff", "app.py")
    assert (nothing.code, nothing.out) == (0, "")
    assert nothing.err == "Would fix 0 findings in 0 files.\n"


def test_fix_leaves_the_overlapping_loser_and_reports_it_remaining(plugin_project: Any) -> None:
    path = plugin_project.write("app.py", "old = 1\nkeep = 3\n")
    # One pass (the preview): TST011 (first in report order) wins; TST013's overlapping
    # whole-statement edit is not applied on top of it.
    preview = plugin_project.run("fix", "--select", "TST011,TST013", "--diff", "app.py")
    assert preview.err == "Would fix 1 finding in 1 file.\n"
    assert preview.out.endswith("@@ -1,2 +1,2 @@\n-old = 1\n+new = 1\n keep = 3\n")

    result = plugin_project.run("fix", "--select", "TST011,TST013", "app.py")
    assert path.read_text() == "new = 1\nkeep = 3\n"
    assert result.code == 1  # a finding remains
    assert result.out == (
        "fixed 1 in app.py\n"
        "app.py:1:1: TST013 assigns one\n"
        "    help: use two\n"
        "\n"
        "Found 1 finding: 1 observability (1 file checked).\n"
        "Fixed 1 finding in 1 file.\n"
    )
    assert result.err == ""


def test_a_fix_that_lost_an_overlap_is_applied_by_the_next_pass(plugin_project: Any) -> None:
    path = plugin_project.write("app.py", "old = 1\n")
    result = plugin_project.run("fix", "--select", "TST011,TST014", "app.py")
    assert path.read_text() == "new = 2\n"  # re-checked after the rename, then rewritten
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "fixed 2 in app.py\nAll checks passed (1 file checked).\nFixed 2 findings in 1 file.\n"
    )


def test_fix_writes_nothing_that_python_cannot_parse_or_that_changes_nothing(
    plugin_project: Any,
) -> None:
    # info findings do not fail the run: only the fix that would not parse makes it exit 1
    info = '[tool.guardrails.severity]\nTST015 = "info"\nTST016 = "info"\n'
    plugin_project.write("pyproject.toml", PYPROJECT + info)
    broken = plugin_project.write("broken.py", b"value = gone\n")
    idle = plugin_project.write("idle.py", b"value = same\n")
    result = plugin_project.run("fix", "--select", "TST015,TST016", "broken.py", "idle.py")
    assert broken.read_bytes() == b"value = gone\n"
    assert idle.read_bytes() == b"value = same\n"
    assert result.code == 1
    assert result.err == (
        "guardrails: broken.py: a fix produced code that does not parse; file left unchanged\n"
    )
    assert result.out.startswith("broken.py:1:9: TST015 gone\n")
    assert result.out.endswith(
        "Found 2 findings: 2 reliability (2 files checked).\nFixed 0 findings in 0 files.\n"
    )


def test_fix_exits_zero_when_what_remains_is_below_fail_on(plugin_project: Any) -> None:
    plugin_project.write(
        "pyproject.toml", PYPROJECT + '[tool.guardrails.severity]\nTST013 = "info"\n'
    )
    path = plugin_project.write("app.py", "old = 1\n")
    result = plugin_project.run("fix", "--select", "TST011,TST013", "app.py")
    assert path.read_text() == "new = 1\n"
    assert result.code == 0
    assert result.out.endswith(
        "Found 1 finding: 1 observability (1 file checked).\nFixed 1 finding in 1 file.\n"
    )


def test_fix_paths_by_default_writes_safe_fixes_only(tmp_path: Any) -> None:
    """The library call's defaults are the CLI's: write (no diff), safe fixes only."""
    from guardrails.config import load_settings
    from guardrails.fixer import fix_paths
    from guardrails.plan import build_plan
    from guardrails.plugins import build_registry

    root = tmp_path.resolve() / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.guardrails]\nselect = ["OBS007", "REL003"]\n')
    path, outside = root / "app.py", tmp_path.resolve() / "outside.py"
    source = (
        "def f(run, seen=[]):\n"
        "    seen.append(1)\n"
        "    try:\n        run()\n    except KeyError as err:\n        raise ValueError(1)\n"
    )
    path.write_text(source)
    outside.write_text(source)
    settings = load_settings(root)
    report = fix_paths(build_plan(settings, build_registry(settings)), [path, outside])
    fixed = source.replace("ValueError(1)", "ValueError(1) from err")  # REL003's fix is unsafe
    assert path.read_text() == fixed
    assert outside.read_text() == source  # outside the root: only when the user named it
    assert report.fixed == {display_path(path): 1}
    assert report.refused == {display_path(outside): "it is outside the project"}
    assert report.diffs == []
    assert [v.rule_id for v in report.remaining] == ["REL003", "OBS007", "REL003"]
