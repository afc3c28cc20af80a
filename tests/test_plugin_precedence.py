"""A plugin rule and a built-in rule on the same construct: one finding, by declaration.

A plugin rule that stands for a built-in concern declares `subsumes=(...)`, as built-in
rules do (docs/precedence.md); it works across plugins and across backends (a Semgrep or
LibCST plugin rule over a LibCST built-in). Without the declaration both report: two
rules, two policies. A plugin backing a built-in id with another backend (Ruff codes
mapped onto it) adds no second finding of that id on the same line.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from guardrails import CstRule, Example, RuffMapping, RuleMeta
from guardrails.testing import assert_findings, run

SOURCE = "def dump(stats: dict) -> None:\n    print(stats)\n"


def _meta(rule_id: str, subsumes: tuple[str, ...]) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        name="no-print-at-all",
        category="observability",
        severity="error",
        summary="print() anywhere.",
        why="ACME ships no stdout output.",
        remediation="Use the ACME logger.",
        bad=(Example("print(1)  # bad\n"), Example("print(2)  # bad\n")),
        good=(Example("log(1)\n"), Example("printer = 1\n")),
        subsumes=subsumes,
    )


def _libcst_rule(rule_id: str, subsumes: tuple[str, ...]) -> type[CstRule]:
    class NoPrintAtAll(CstRule):
        META = _meta(rule_id, subsumes)

        def visit_Call(self, node: cst.Call) -> None:
            if self.context.qualified_name(node.func) == "builtins.print":
                self.report(node, "ACME code does not print")

    return NoPrintAtAll


def _semgrep_dir(tmp_path: Path, rule_id: str, subsumes: str) -> Path:
    folder = tmp_path / f"semgrep-{rule_id}"
    folder.mkdir()
    (folder / "no_print.yaml").write_text(
        f"""\
rules:
  - id: no-print-at-all
    languages: [python]
    severity: ERROR
    message: ACME code does not print
    pattern: print(...)
    metadata:
      guardrails:
        id: {rule_id}
        name: no-print-at-all
        category: observability
        severity: error
        summary: print() anywhere.
        why: ACME ships no stdout output.
        remediation: Use the ACME logger.
        {subsumes}
        bad: ["print(1)  # bad\\n", "print(2)  # bad\\n"]
        good: ["log(1)\\n", "printer = 1\\n"]
"""
    )
    return folder


def test_libcst_plugin_rule_subsuming_a_builtin_reports_once() -> None:
    rule = _libcst_rule("ACME091", ("OBS001",))
    (finding,) = run(SOURCE, select=["ACME091", "OBS001"], rules=[rule])
    assert (finding.rule_id, finding.line) == ("ACME091", 2)
    assert finding.message == "ACME code does not print (also print-in-library OBS001)"


def test_without_the_declaration_both_rules_report() -> None:
    rule = _libcst_rule("ACME092", ())
    assert_findings(
        SOURCE, {("ACME092", 2), ("OBS001", 2)}, select=["ACME092", "OBS001"], rules=[rule]
    )


@pytest.mark.parametrize(
    ("rule_id", "subsumes", "expected"),
    [
        ("ACME093", "subsumes: [OBS001]", {("ACME093", 2)}),
        ("ACME094", "", {("ACME094", 2), ("OBS001", 2)}),
    ],
)
def test_semgrep_plugin_rule_subsumes_a_libcst_builtin(
    tmp_path: Path, rule_id: str, subsumes: str, expected: set[tuple[str, int]]
) -> None:
    folder = _semgrep_dir(tmp_path, rule_id, subsumes)
    assert_findings(SOURCE, expected, select=[rule_id, "OBS001"], semgrep_dirs=[folder])


def test_the_builtin_reports_when_the_plugin_rule_is_not_active() -> None:
    """Only active findings subsume: ignoring the plugin rule leaves the built-in one."""
    rule = _libcst_rule("ACME095", ("OBS001",))
    assert_findings(SOURCE, {("OBS001", 2)}, select=["OBS001"], rules=[rule])


def test_a_plugin_backing_a_builtin_id_with_ruff_adds_no_duplicate() -> None:
    """Ruff's T201 mapped onto OBS001 finds the same print call LibCST's OBS001 does: one
    finding of the id per line, whichever backends found it."""
    mapping = RuffMapping("OBS001", ("T201",))
    (finding,) = run(SOURCE, select=["OBS001"], ruff_mappings=[mapping])
    assert (finding.rule_id, finding.line) == ("OBS001", 2)
