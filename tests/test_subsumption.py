"""One construct, one finding: a rule's finding stands for the rules it subsumes.

Each false-positive class (several findings for one construct) is shown gone,
next to its true-positive twin: the other rule still reports where the
subsuming rule does not flag the same construct.
"""

from __future__ import annotations

import dataclasses

from guardrails.model import Edit, Example, Fix, RuffMapping, RuleMeta, Violation
from guardrails.precedence import closure, logical_starts, subsume
from guardrails.registry import Registry, SelectionLayer, select_rules
from guardrails.testing import assert_findings, run

EXCEPT_IDS = ["REL002", "OBS005", "OBS006"]


# ------------------------------------------------------------ except handlers
def test_bare_except_pass_is_one_rel002_naming_the_others() -> None:
    source = """\
        def load(read):
            try:
                return read()
            except:
                pass
        """
    assert_findings(source, {("REL002", 4)}, select=EXCEPT_IDS)
    (finding,) = run(source, select=EXCEPT_IDS)
    assert "swallowed-exception OBS005" in finding.message
    # OBS006 leaves pass-only bodies to OBS005, so it is not among the merged concerns
    assert "OBS006" not in finding.message


def test_broad_except_swallowing_is_one_obs005() -> None:
    assert_findings(
        """\
        def load(read):
            try:
                return read()
            except Exception:
                pass
            try:
                return read()
            except BaseException:
                ...
        """,
        {("OBS005", 4), ("OBS005", 8)},
        select=EXCEPT_IDS,
    )


def test_twins_each_rule_still_reports_its_own_construct() -> None:
    # broad and unlogged but not swallowing: OBS006 alone; narrow and swallowing: OBS005 alone
    assert_findings(
        """\
        def load(read):
            try:
                return read()
            except Exception:
                return {}
            try:
                return read()
            except ValueError:
                pass
        """,
        {("OBS006", 4), ("OBS005", 8)},
        select=EXCEPT_IDS,
    )


def test_a_nested_handler_is_another_construct() -> None:
    # the inner handler's range lies inside the outer one's, yet it is its own construct
    assert_findings(
        """\
        def load(read, fallback):
            try:
                return read()
            except:
                try:
                    return fallback()
                except ValueError:
                    pass
            try:
                return read()
            except Exception:
                try:
                    return fallback()
                except ValueError:
                    pass
        """,
        {("REL002", 4), ("OBS005", 7), ("OBS006", 11), ("OBS005", 14)},
        select=EXCEPT_IDS,
    )


def test_without_the_subsuming_rule_the_others_report() -> None:
    source = """\
        def load(read):
            try:
                return read()
            except:
                pass
        """
    assert_findings(source, {("OBS005", 4)}, select=["OBS005", "OBS006"])
    assert_findings(source, {("REL002", 4)}, select=["REL002", "OBS006"])
    fallback = source.replace("pass", "return {}")
    assert_findings(fallback, {("OBS006", 4)}, select=["OBS006"])
    assert_findings(fallback, {("REL002", 4)}, select=["REL002", "OBS006"])


# ---------------------------------------------------------------- suppressions
def test_suppressing_a_subsumed_id_is_used_and_leaves_the_kept_finding() -> None:
    assert_findings(
        """\
        def load(read):
            try:
                return read()
            except:  # guardrails: ignore[OBS006] callers log
                return {}
        """,
        {("REL002", 4)},
        select=[*EXCEPT_IDS, "GR"],
    )


def test_suppressing_the_kept_finding_leaves_the_untriaged_concern() -> None:
    assert_findings(
        """\
        def load(read):
            try:
                return read()
            except:  # guardrails: ignore[REL002] must survive Ctrl-C here
                pass
            try:
                return read()
            except:  # guardrails: ignore[REL002, OBS005] best effort by design
                pass
        """,
        {("OBS005", 4)},
        select=[*EXCEPT_IDS, "GR"],
    )


# ------------------------------------------- across backends (Semgrep, LibCST, Ruff)
def test_request_data_marked_safe_is_one_sec015() -> None:
    assert_findings(
        """\
        from django.utils.safestring import mark_safe


        def preview(request):
            return mark_safe(request.GET["body"])


        def quote(request):
            return mark_safe(
                request.POST["text"]
            )


        def badge(name):
            return mark_safe("<b>" + name + "</b>")
        """,
        {("SEC015", 5), ("SEC015", 10), ("SEC017", 15)},
        select=["SEC015", "SEC017"],
    )


def test_request_data_to_a_shell_is_one_sec015_over_libcst_sec001() -> None:
    assert_findings(
        """\
        import os

        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/run")
        def run_it():
            os.system(request.args["cmd"])
            return "ok"


        def nightly(cmd):
            os.system(cmd)
        """,
        {("SEC015", 10), ("SEC001", 15)},
        select=["SEC001", "SEC015"],
    )


BARE = RuleMeta(
    id="XRF001",
    name="ruff-bare-except",
    category="reliability",
    severity="warning",
    summary="bare except, via Ruff",
    why="it catches everything",
    remediation="name the exceptions",
    bad=(Example("try:\n    pass\nexcept:  # bad\n    pass\n"),),
    good=(Example("try:\n    pass\nexcept ValueError:\n    raise\n"),),
    subsumes=("OBS005", "OBS006"),
)


def test_a_ruff_backed_rule_subsumes_libcst_findings() -> None:
    found = run(
        """\
        def load(read):
            try:
                return read()
            except:
                pass
            try:
                return read()
            except Exception:
                pass
        """,
        select=["XRF001", "OBS005", "OBS006"],
        ruff_mappings=[RuffMapping("XRF001", ("E722",), meta=BARE)],
    )
    assert sorted((v.rule_id, v.line, v.backend) for v in found) == [
        ("OBS005", 8, "libcst"),
        ("XRF001", 4, "ruff"),
    ]


# ---------------------------------------------------------------- the mechanism
def finding(rule_id: str, line: int, column: int, end: tuple[int, int], **kw: str) -> Violation:
    return Violation(
        rule_id=rule_id,
        name=rule_id.lower(),
        category="reliability",
        severity=kw.get("severity", "warning"),
        path=kw.get("path", "a.py"),
        line=line,
        column=column,
        end_line=end[0],
        end_column=end[1],
        message=f"{rule_id} message",
        remediation="",
        docs="",
    )


def no_lines() -> list[str]:
    raise AssertionError("lines read although every candidate starts on one line")


def test_kept_finding_takes_the_highest_severity() -> None:
    kept = subsume(
        [finding("A001", 1, 1, (1, 9)), finding("B001", 1, 3, (1, 5), severity="error")],
        closure({"A001": ("B001",)}),
        no_lines,
    )
    assert [(v.rule_id, v.severity, v.message) for v in kept] == [
        ("A001", "error", "A001 message (also b001 B001)")
    ]


def test_kept_finding_without_a_fix_carries_the_subsumed_fix() -> None:
    fix = Fix((Edit(1, 3, 1, 5, "x"),))
    subsumed = dataclasses.replace(finding("B001", 1, 3, (1, 5)), fix=fix)
    (kept,) = subsume(
        [finding("A001", 1, 1, (1, 9)), subsumed], closure({"A001": ("B001",)}), no_lines
    )
    assert kept.rule_id == "A001" and kept.fix == fix


def test_no_overlap_other_file_or_unrelated_rule_keeps_both() -> None:
    subsumes = closure({"A001": ("B001",)})
    pairs = [
        [finding("A001", 1, 1, (1, 5)), finding("B001", 1, 5, (1, 9))],  # adjacent only
        [finding("A001", 1, 1, (1, 9)), finding("B001", 1, 1, (1, 9), path="b.py")],
        [finding("A001", 1, 1, (1, 9)), finding("C001", 1, 1, (1, 9))],
        [finding("B001", 1, 1, (1, 9)), finding("A001", 1, 1, (1, 9), path="b.py")],
    ]
    for pair in pairs:
        assert subsume(pair, subsumes, no_lines) == pair


def test_transitive_mutual_and_never_itself() -> None:
    chain = closure({"A001": ("B001",), "B001": ("C001",)})
    assert chain == {"A001": frozenset({"B001", "C001"}), "B001": frozenset({"C001"})}
    found = [finding("C001", 1, 1, (1, 9)), finding("A001", 1, 1, (1, 9))]
    assert [v.rule_id for v in subsume(found, chain, no_lines)] == ["A001"]
    mutual = closure({"A001": ("B001",), "B001": ("A001",)})
    found = [finding("B001", 1, 1, (1, 9)), finding("A001", 1, 1, (1, 9))]
    assert [v.rule_id for v in subsume(found, mutual, no_lines)] == ["B001"]
    assert closure({"A001": ("A001",)}) == {}
    twice = [finding("A001", 1, 1, (1, 9)), finding("A001", 1, 3, (1, 5))]
    assert subsume(twice, closure({"A001": ("A001", "B001")}), no_lines) == twice


def test_logical_lines_join_brackets_and_backslashes_only() -> None:
    starts = logical_starts(
        ["x = f(", "    1,", ")", "# comment", "y = 1 + \\", "    2", "if y:", "    pass"]
    )
    assert [starts.get(n) for n in range(1, 9)] == [1, 1, 1, None, 5, 5, 7, 8]


# ------------------------------------------------------------- --select ALL
def test_select_all_turns_on_rules_that_are_off_by_default() -> None:
    registry = Registry()
    registry.add(RuleMeta("ON001", "on", "reliability", "warning", "s", "w", "r"))
    registry.add(
        RuleMeta("OFF001", "off", "reliability", "warning", "s", "w", "r", default_enabled=False)
    )
    config = SelectionLayer(select=("ON",), ignore=("OFF",))
    assert select_rules(registry, [config]) == {"ON001"}
    assert select_rules(registry, [config, SelectionLayer(select=("ALL",))]) == {
        "ON001",
        "OFF001",
    }
    assert select_rules(registry, [SelectionLayer(extend_select=("ALL",))]) == {
        "ON001",
        "OFF001",
    }
