"""Exact field values of known findings in every output format (text, json, sarif, github, ...)."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import pytest

from guardrails._version import __version__
from guardrails.model import Edit, Example, Fix, RuleMeta, Violation
from guardrails.report import Summary, agent, github, json_format, rdjson, sarif, text
from guardrails.testing import run

FIX = Fix((Edit(6, 20, 6, 30, "['ls']"), Edit(6, 32, 7, 1, "")), "safe", "pass a list")

ERROR = Violation(
    rule_id="SEC001",
    name="subprocess-shell",
    category="security",
    severity="error",
    path="app/service.py",
    line=6,
    column=5,
    end_line=6,
    end_column=72,
    message="runs through the shell.",
    remediation="Pass the command as a list.",
    docs="https://example.com/SEC001",
    fix=FIX,
    source_line='    subprocess.run("ls", shell=True)',
    fingerprint="f1",
)
WARNING = Violation(
    rule_id="REL003",
    name="mutable-default",
    category="reliability",
    severity="warning",
    path="app/service.py",
    line=9,
    column=1,
    end_line=10,
    end_column=12,
    message="a list default is shared",
    remediation="Default to None.",
    docs="guardrails explain REL003",
    source_line="def f(x=[]):",
    fingerprint="f2",
)
INFO = Violation(
    rule_id="REL005",
    name="naive-datetime",
    category="reliability",
    severity="info",
    path="lib.py",
    line=2,
    column=7,
    end_line=2,
    end_column=30,
    message="naive datetime",
    remediation="Create aware datetimes.",
    docs="guardrails explain REL005",
    fingerprint="f3",
)

SEC001 = RuleMeta(
    id="SEC001",
    name="subprocess-shell",
    category="security",
    severity="warning",
    summary="Shell command.",
    why="The shell expands text. It is risky.",
    remediation="Pass the command as a list.",
    bad=(Example('subprocess.run("ls", shell=True)  # bad\n'), Example("os.system('ls')  # bad\n")),
    good=(Example("subprocess.run(['ls', '-l'])\n"), Example("run(['ls'])\n")),
    references=("https://a.example", "https://b.example"),
    docs_url="https://example.com/SEC001",
)
REL003 = RuleMeta(
    id="REL003",
    name="mutable-default",
    category="reliability",
    severity="warning",
    summary="Mutable default.",
    why="Defaults are shared, e.g. between calls; it surprises.",
    remediation="Default to None.",
)


def summary_of(violations: list[Violation], files: int = 2, **extra: int) -> Summary:
    return Summary.of(violations, files, "warning", **extra)


def at(root: Path, v: Violation) -> Violation:
    """`v` with its path absolute under `root` (SARIF URIs are relative to the root)."""
    return dataclasses.replace(v, path=str(root / v.path))


# --- SARIF ----------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path.resolve()


def sarif_run(root: Path, *violations: Violation, **kwargs: object) -> dict:
    rules = [(SEC001, "error"), (REL003, "warning")]
    found = [at(root, v) for v in violations]
    return sarif.document(found, rules, root, **kwargs)["runs"][0]  # type: ignore[arg-type]


def test_sarif_result_location_level_message_and_fingerprint(root: Path) -> None:
    run_ = sarif_run(root, INFO, WARNING, ERROR)
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root.as_uri() + "/"}}
    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["SEC001", "REL003", "REL005"]  # path, line order
    first = results[0]
    assert first["level"] == "error"
    assert first["message"] == {"text": "runs through the shell. Pass the command as a list."}
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "app/service.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 6, "startColumn": 5, "endLine": 6, "endColumn": 72},
            }
        }
    ]
    assert first["partialFingerprints"] == {"guardrails/v1": "f1"}
    assert "suppressions" not in first
    assert results[1]["level"] == "warning"
    assert results[1]["message"] == {"text": "a list default is shared. Default to None."}
    assert results[1]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 9,
        "startColumn": 1,
        "endLine": 10,
        "endColumn": 12,
    }
    assert results[2]["level"] == "note"
    assert results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lib.py"


def test_sarif_fixes_carry_the_exact_replacements_and_only_for_fixable_findings(
    root: Path,
) -> None:
    results = sarif_run(root, ERROR, WARNING)["results"]
    location = {"uri": "app/service.py", "uriBaseId": "%SRCROOT%"}
    assert results[0]["fixes"] == [
        {
            "description": {"text": "pass a list"},
            "artifactChanges": [
                {
                    "artifactLocation": location,
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 6,
                                "startColumn": 20,
                                "endLine": 6,
                                "endColumn": 30,
                            },
                            "insertedContent": {"text": "['ls']"},
                        },
                        {
                            "deletedRegion": {
                                "startLine": 6,
                                "startColumn": 32,
                                "endLine": 7,
                                "endColumn": 1,
                            },
                            "insertedContent": {"text": ""},
                        },
                    ],
                }
            ],
        }
    ]
    assert "fixes" not in results[1]
    unnamed = dataclasses.replace(ERROR, fix=Fix((Edit(1, 1, 1, 1, "  x\n"),)))
    fix = sarif_run(root, unnamed)["results"][0]["fixes"][0]
    assert fix["description"] == {"text": "Fix SEC001"}
    assert fix["artifactChanges"][0]["replacements"] == [
        {
            "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
            "insertedContent": {"text": "  x\n"},
        }
    ]


def test_sarif_regions_of_real_findings_count_code_points(root: Path) -> None:
    source = (
        "import datetime\nimport subprocess\n"
        'x = "é€𝄞"; subprocess.run("ls", shell=True)\n'
        'y = "𝄞"; t = datetime.datetime.utcnow()\n'
    )
    found = run(source, select=["SEC001", "REL010", "REL005"])
    results = {r["ruleId"]: r for r in sarif.document(found, [], root)["runs"][0]["results"]}

    def region(rule_id: str) -> dict:
        return results[rule_id]["locations"][0]["physicalLocation"]["region"]

    # LibCST findings: `subprocess.run(...)` is code points 12-43 of line 3
    for rule_id in ("SEC001", "REL010"):
        assert region(rule_id) == {"startLine": 3, "startColumn": 12, "endLine": 3, "endColumn": 44}
    # a Ruff finding: `datetime.datetime.utcnow()` is code points 14-39 of line 4
    assert region("REL005") == {"startLine": 4, "startColumn": 14, "endLine": 4, "endColumn": 40}
    assert "fixes" not in results["SEC001"]
    (change,) = results["REL010"]["fixes"][0]["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 3, "startColumn": 43, "endLine": 3, "endColumn": 43},
            "insertedContent": {"text": ", check=True"},
        }
    ]


def test_sarif_region_clamps_to_one_and_drops_an_end_before_the_start(root: Path) -> None:
    def region(v: Violation) -> dict:
        return sarif_run(root, v)["results"][0]["locations"][0]["physicalLocation"]["region"]

    empty = dataclasses.replace(ERROR, end_line=6, end_column=5)
    assert region(empty) == {"startLine": 6, "startColumn": 5, "endLine": 6, "endColumn": 5}
    reversed_ = dataclasses.replace(ERROR, end_line=6, end_column=4)
    assert region(reversed_) == {"startLine": 6, "startColumn": 5}
    earlier_line = dataclasses.replace(ERROR, end_line=5, end_column=80)
    assert region(earlier_line) == {"startLine": 6, "startColumn": 5}
    whole_file = dataclasses.replace(ERROR, line=0, column=0, end_line=0, end_column=0)
    assert region(whole_file) == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}


def test_sarif_uris_are_percent_encoded_relative_or_absolute_outside(root: Path) -> None:
    odd = dataclasses.replace(INFO, path="my dir/a#b?é%.py")
    location = sarif_run(root, odd)["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "my%20dir/a%23b%3F%C3%A9%25.py",
        "uriBaseId": "%SRCROOT%",
    }
    outside = dataclasses.replace(INFO, path=str(root.parent / "elsewhere.py"))
    result = sarif.document([outside], [], root)["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (root.parent / "elsewhere.py").as_uri()}


def test_sarif_rules_listed_once_each_with_their_descriptions(root: Path) -> None:
    second = dataclasses.replace(ERROR, line=20, end_line=20)
    run_ = sarif_run(root, ERROR, second, WARNING, INFO)
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["REL003", "REL005", "SEC001"]
    assert [r["ruleIndex"] for r in run_["results"]] == [2, 0, 2, 1]
    assert run_["tool"]["driver"]["name"] == "guardrails"
    assert run_["tool"]["driver"]["version"] == __version__
    sec = rules[2]
    assert sec == {
        "id": "SEC001",
        "name": "subprocess-shell",
        "shortDescription": {"text": "Shell command."},
        "fullDescription": {"text": "Shell command. The shell expands text. It is risky."},
        "help": {
            "text": "The shell expands text. It is risky.\n"
            "Do instead: Pass the command as a list.\nDocs: https://example.com/SEC001",
            # the body of the rule's docs page: every example, fix, options, references
            "markdown": "## What it does\n\nShell command.\n\n"
            "## Why it matters\n\nThe shell expands text. It is risky.\n\n"
            "## Example\n\nFlagged (the reported lines end with `# bad`):\n\n"
            '```python\nsubprocess.run("ls", shell=True)  # bad\n```\n\n'
            "```python\nos.system('ls')  # bad\n```\n\n"
            "## Use instead\n\nPass the command as a list.\n\n"
            "```python\nsubprocess.run(['ls', '-l'])\n```\n\n"
            "Also not flagged:\n\n```python\nrun(['ls'])\n```\n\n"
            "## Fix\n\nNot fixed automatically: the right change depends on the code around it."
            "\n\n## Options\n\nNone.\n\n"
            "## References\n\n- <https://a.example>\n- <https://b.example>\n",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security"], "security-severity": "8.0"},
        "helpUri": "https://example.com/SEC001",
    }
    rel = rules[0]
    assert "helpUri" not in rel
    assert rel["defaultConfiguration"] == {"level": "warning"}
    assert rel["properties"] == {"tags": ["reliability"]}
    assert rel["help"]["text"].endswith("Docs: guardrails explain REL003")
    placeholder = rules[1]  # a finding whose rule is not active: described by the finding
    assert placeholder["shortDescription"] == {"text": "naive datetime"}
    # the finding's remediation, once: it has no rule text to say why
    assert placeholder["help"]["text"] == (
        "Do instead: Create aware datetimes.\nDocs: guardrails explain REL005"
    )
    assert placeholder["defaultConfiguration"] == {"level": "note"}


@pytest.mark.parametrize(
    ("severity", "level", "score"),
    [("error", "error", "8.0"), ("warning", "warning", "5.0"), ("info", "note", "2.0")],
)
def test_sarif_levels_and_security_severity(
    root: Path, severity: str, level: str, score: str
) -> None:
    finding = at(root, dataclasses.replace(ERROR, severity=severity))
    run_ = sarif.document([finding], [(SEC001, severity)], root)["runs"][0]
    assert run_["results"][0]["level"] == level
    rule = run_["tool"]["driver"]["rules"][0]
    assert rule["defaultConfiguration"] == {"level": level}
    assert rule["properties"]["security-severity"] == score


def test_sarif_marks_suppressed_findings(root: Path) -> None:
    quiet = at(root, dataclasses.replace(WARNING, suppressed_by="foreign-comment"))
    results = sarif.document([at(root, ERROR)], [], root, suppressed=[quiet])["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["SEC001", "REL003"]
    assert "suppressions" not in results[0]
    assert results[1]["suppressions"] == [
        {"kind": "inSource", "justification": "suppressed by foreign-comment"}
    ]


# --- text ------------------------------------------------------------------------------


def test_text_lists_each_finding_with_its_help_and_a_summary_line() -> None:
    out = io.StringIO()
    found = [ERROR, WARNING, INFO]
    text.render(found, summary_of(found, files=3), out, color=False)
    assert out.getvalue() == (
        "app/service.py:6:5: SEC001 runs through the shell.\n"
        "    help: Pass the command as a list.\n"
        "app/service.py:9:1: REL003 a list default is shared\n"
        "    help: Default to None.\n"
        "lib.py:2:7: REL005 naive datetime\n"
        "    help: Create aware datetimes.\n"
        "\n"
        "Found 3 findings: 2 reliability, 1 security (3 files checked).\n"
    )


def test_text_escapes_line_breaks_and_controls() -> None:
    odd = dataclasses.replace(
        INFO, path="a\nb\udcff.py", message="x\x1b[31m\u202eé\t", remediation="r\rs"
    )
    out = io.StringIO()
    text.render([odd], summary_of([odd], files=1), out, color=False)
    assert out.getvalue().splitlines()[:2] == [
        "a\\nb\\xff.py:2:7: REL005 x\\x1b[31m\\u202eé\\t",
        "    help: r\\rs",
    ]


def test_text_summary_line_counts_and_plurals() -> None:
    assert text.summary_line(summary_of([], files=1)) == "All checks passed (1 file checked)."
    hidden = summary_of([], files=1, baseline_hidden=1)
    assert text.summary_line(hidden) == (
        "All checks passed (1 file checked). 1 finding hidden by the baseline."
    )
    assert text.summary_line(summary_of([], files=0)) == "All checks passed (0 files checked)."
    one = summary_of([WARNING], files=1)
    assert text.summary_line(one) == "Found 1 finding: 1 reliability (1 file checked)."
    extra = summary_of([ERROR, ERROR], files=2, baseline_hidden=1, baseline_stale=2, suppressed=3)
    assert text.summary_line(extra) == (
        "Found 2 findings: 2 security (2 files checked). 1 finding hidden by the baseline."
        " 3 findings suppressed by `# noqa`/`# nosec` comments (foreign-suppressions)."
        " 2 baseline entries no longer match (shrink it with --prune)."
    )
    stale = summary_of([], files=2, baseline_stale=1, baseline_hidden=2)
    assert text.summary_line(stale) == (
        "All checks passed (2 files checked). 2 findings hidden by the baseline."
        " 1 baseline entry no longer match (shrink it with --prune)."
    )


def test_summary_counts_failing_at_the_threshold() -> None:
    found = [ERROR, WARNING, INFO]
    assert Summary.of(found, 2, "warning").failing == 2
    assert Summary.of(found, 2, "error").failing == 1
    assert Summary.of(found, 2, "info").failing == 3
    summary = Summary.of(found, 2, "warning")
    assert summary.by_severity == {"error": 1, "info": 1, "warning": 1}
    assert summary.by_rule == {"REL003": 1, "REL005": 1, "SEC001": 1}
    assert summary.by_category == {"reliability": 2, "security": 1}


def test_text_colour_styles_the_rule_id_by_severity() -> None:
    out = io.StringIO()
    text.render([ERROR, WARNING, INFO], summary_of([ERROR]), out, color=True)
    value = out.getvalue()
    assert "\x1b[1;31mSEC001\x1b[0m" in value  # bold red
    assert "\x1b[1;33mREL003\x1b[0m" in value  # bold yellow
    assert "\x1b[1;36mREL005\x1b[0m" in value  # bold cyan
    assert "Found 1 finding: 1 security (2 files checked)." in value


def test_text_colour_keeps_the_plain_layout_one_line_per_finding_however_long() -> None:
    """Colour changes styling only: no wrapping at the console width, the same blank line."""
    long = dataclasses.replace(INFO, message="x" * 200, remediation="y" * 200)
    out = io.StringIO()
    text.render([long], summary_of([long]), out, color=True)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert plain == (
        f"lib.py:2:7: REL005 {'x' * 200}\n    help: {'y' * 200}\n\n"
        "Found 1 finding: 1 reliability (2 files checked).\n"
    )
    clean = io.StringIO()
    text.render([], summary_of([]), clean, color=True)
    assert (
        re.sub(r"\x1b\[[0-9;]*m", "", clean.getvalue()) == "All checks passed (2 files checked).\n"
    )


# --- json ------------------------------------------------------------------------------


def test_json_has_every_field_of_a_finding_and_the_summary() -> None:
    out = io.StringIO()
    quiet = dataclasses.replace(WARNING, suppressed_by="foreign-comment")
    found = [ERROR, INFO]
    json_format.render(found, summary_of(found, baseline_hidden=4, suppressed=1), out, [quiet])
    data = json.loads(out.getvalue())
    assert data["version"] == __version__
    assert data["violations"][0] == {
        "rule_id": "SEC001",
        "name": "subprocess-shell",
        "category": "security",
        "severity": "error",
        "path": "app/service.py",
        "line": 6,
        "column": 5,
        "end_line": 6,
        "end_column": 72,
        "message": "runs through the shell.",
        "remediation": "Pass the command as a list.",
        "docs": "https://example.com/SEC001",
        "fingerprint": "f1",
        "fix": {
            "edits": [
                {
                    "start_line": 6,
                    "start_column": 20,
                    "end_line": 6,
                    "end_column": 30,
                    "content": "['ls']",
                },
                {
                    "start_line": 6,
                    "start_column": 32,
                    "end_line": 7,
                    "end_column": 1,
                    "content": "",
                },
            ],
            "applicability": "safe",
            "description": "pass a list",
        },
        "suppressed_by": None,
    }
    assert data["violations"][1]["fix"] is None
    assert data["violations"][1]["rule_id"] == "REL005"
    assert [v["suppressed_by"] for v in data["suppressed"]] == ["foreign-comment"]
    assert data["summary"] == {
        "files": 2,
        "total": 2,
        "failing": 1,
        "fail_on": "warning",
        "by_category": {"reliability": 1, "security": 1},
        "by_severity": {"error": 1, "info": 1},
        "by_rule": {"REL005": 1, "SEC001": 1},
        "baseline": {"hidden": 4, "stale": 0},
        "suppressed": 1,
    }
    empty = io.StringIO()
    json_format.render([], summary_of([]), empty)
    assert json.loads(empty.getvalue())["violations"] == []


def test_jsonl_is_one_json_object_per_finding() -> None:
    out = io.StringIO()
    json_format.render_lines([ERROR, INFO], out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [
        json_format.violation_dict(ERROR),
        json_format.violation_dict(INFO),
    ]


# --- github ----------------------------------------------------------------------------


def test_github_annotation_levels_properties_and_message() -> None:
    out = io.StringIO()
    github.render([ERROR, WARNING, INFO], summary_of([]), out)
    assert out.getvalue().splitlines() == [
        "::error file=app/service.py,line=6,col=5,endLine=6,endColumn=72,"
        "title=SEC001 subprocess-shell::"
        "runs through the shell.%0Ahelp: Pass the command as a list.",
        # a finding over several lines: no columns, which the Actions toolkit rejects there
        "::warning file=app/service.py,line=9,endLine=10,"
        "title=REL003 mutable-default::a list default is shared%0Ahelp: Default to None.",
        "::notice file=lib.py,line=2,col=7,endLine=2,endColumn=30,"
        "title=REL005 naive-datetime::naive datetime%0Ahelp: Create aware datetimes.",
    ]


def test_github_escapes_percent_breaks_colons_and_commas() -> None:
    odd = dataclasses.replace(
        INFO,
        path="a,b:c%d\r\ne.py",
        name="n:a,m",
        message="100% done: a, b\nnext",
        remediation="50%\r",
    )
    out = io.StringIO()
    github.render([odd], summary_of([]), out)
    assert out.getvalue() == (
        "::notice file=a%2Cb%3Ac%25d%0D%0Ae.py,line=2,col=7,endLine=2,endColumn=30,"
        "title=REL005 n%3Aa%2Cm::100%25 done: a, b\\nnext%0Ahelp: 50%25\\r\n"
    )


# --- rdjson ----------------------------------------------------------------------------


def test_rdjson_diagnostic_fields_and_suggestions() -> None:
    out = io.StringIO()
    rdjson.render([ERROR, WARNING, INFO], summary_of([]), out, read=lambda path: None)
    data = json.loads(out.getvalue())
    assert data["source"] == {"name": "guardrails"}
    first, second, third = data["diagnostics"]
    assert first == {
        "message": "runs through the shell.\nhelp: Pass the command as a list.",
        "location": {
            "path": "app/service.py",
            "range": {"start": {"line": 6, "column": 5}, "end": {"line": 6, "column": 72}},
        },
        "severity": "ERROR",
        "code": {"value": "SEC001", "url": "https://example.com/SEC001"},
        "original_output": "app/service.py:6:5: SEC001 runs through the shell.",
        "suggestions": [
            {
                "range": {"start": {"line": 6, "column": 20}, "end": {"line": 6, "column": 30}},
                "text": "['ls']",
            },
            {
                "range": {"start": {"line": 6, "column": 32}, "end": {"line": 7, "column": 1}},
                "text": "",
            },
        ],
    }
    assert second["severity"] == "WARNING"
    assert second["code"] == {"value": "REL003"}  # docs that are not a URL give no url
    assert second["location"]["range"] == {
        "start": {"line": 9, "column": 1},
        "end": {"line": 10, "column": 12},
    }
    assert "suggestions" not in second
    assert third["severity"] == "INFO"


# --- agent -----------------------------------------------------------------------------


def test_agent_sections_per_rule_with_why_do_example_and_locations() -> None:
    second = dataclasses.replace(WARNING, path="b.py", line=3, source_line="  x = `y`  ")
    found = [ERROR, WARNING, second]
    out = io.StringIO()
    agent.render(found, summary_of(found), {"SEC001": SEC001, "REL003": REL003}, out)
    assert out.getvalue() == (
        "# guardrails: 3 findings in 2 files\n\n"
        "Fix each finding as its rule says; the example is the fix, as code.\n"
        "\n## REL003 mutable-default (reliability, warning)\n"
        "Why: Defaults are shared, e.g. between calls; it surprises.\n"
        "Do: Default to None.\n"
        "- app/service.py:9 a list default is shared\n"
        "  `def f(x=[]):`\n"
        "- b.py:3 a list default is shared\n"
        "  `` x = `y` ``\n"
        "\n## SEC001 subprocess-shell (security, error)\n"
        "Why: The shell expands text.\n"
        "Do: Pass the command as a list.\n"
        "Fix: `guardrails fix` applies this to every finding below.\n"
        "Good:\n```python\nsubprocess.run(['ls', '-l'])\n```\n"
        "- app/service.py:6 runs through the shell.\n"
        '  `subprocess.run("ls", shell=True)`\n'
    )


def test_agent_output_is_cut_at_max_findings_and_says_how_to_see_the_rest() -> None:
    found = [dataclasses.replace(INFO, line=n) for n in range(1, 4)] + [ERROR, WARNING]
    out = io.StringIO()
    # files in the summary counts files checked; the header counts files with findings
    agent.render(found, summary_of(found, files=7), {}, out, max_findings=2, command="gr check")
    value = out.getvalue()
    assert value.startswith("# guardrails: 5 findings in 2 files\n")
    assert "- lib.py:1 naive datetime\n" in value and "- lib.py:2 naive datetime\n" in value
    assert "lib.py:3" not in value and "## SEC001" not in value and "## REL003" not in value
    assert value.endswith(
        "\n3 more findings not shown (REL003 1, REL005 1, SEC001 1). "
        "See them with `gr check --max-findings 5` or `--select REL003,REL005,SEC001`.\n"
    )


def test_agent_clean_run_is_one_line() -> None:
    for files, shown in ((1, "1 file"), (3, "3 files")):
        out = io.StringIO()
        agent.render([], summary_of([], files=files), {}, out)
        assert out.getvalue() == f"guardrails: no findings ({shown} checked).\n"


def test_agent_output_that_fits_exactly_says_nothing_was_cut() -> None:
    found = [ERROR, WARNING]
    out = io.StringIO()
    agent.render(found, summary_of(found), {}, out, max_findings=2)
    value = out.getvalue()
    assert "not shown" not in value
    assert value.endswith(
        '- app/service.py:6 runs through the shell.\n  `subprocess.run("ls", shell=True)`\n'
    )


def test_text_without_findings_is_only_the_summary_line() -> None:
    out = io.StringIO()
    text.render([], summary_of([], files=2), out, color=False)
    assert out.getvalue() == "All checks passed (2 files checked).\n"


def test_github_output_is_writable_as_utf8_for_undecodable_file_names() -> None:
    odd = dataclasses.replace(INFO, path="a\udcffb.py", message="m\udcfe")
    out = io.StringIO()
    github.render([odd], summary_of([]), out)
    line = out.getvalue().encode("utf-8").decode("utf-8")  # no lone surrogate left
    assert line.startswith("::notice file=a\\udcffb.py,line=2,")
    assert "::m\\xfe%0Ahelp: " in line


def test_agent_escapes_line_breaks_in_paths_and_messages() -> None:
    odd = dataclasses.replace(INFO, path="x\n## y.py", message="m\n# z", source_line="a\rb")
    out = io.StringIO()
    agent.render([odd], summary_of([odd]), {}, out)
    assert out.getvalue().endswith("- x\\n## y.py:2 m\\n# z\n  `a\\rb`\n")


def test_agent_counts_are_singular_for_one_and_the_default_bound_is_40() -> None:
    one = io.StringIO()
    agent.render([INFO], summary_of([INFO]), {}, one)
    assert one.getvalue().startswith("# guardrails: 1 finding in 1 file\n\n")
    found = [dataclasses.replace(INFO, line=n) for n in range(1, 42)]
    out = io.StringIO()
    agent.render(found, summary_of(found), {}, out)
    value = out.getvalue()
    assert value.startswith("# guardrails: 41 findings in 1 file\n\n")
    assert value.count("\n- lib.py:") == 40 and "- lib.py:40 " in value
    assert "- lib.py:41 " not in value
    assert value.endswith(
        "\n1 more finding not shown (REL005 1). "
        "See them with `guardrails check --max-findings 41` or `--select REL005`.\n"
    )


def test_json_lists_one_finding_per_line_so_diffs_of_reports_stay_readable() -> None:
    out = io.StringIO()
    json_format.render([ERROR, INFO], summary_of([ERROR, INFO]), out)
    lines = out.getvalue().splitlines()
    start = lines.index('  "violations": [')
    assert [json.loads(line.strip().rstrip(",")) for line in lines[start + 1 : start + 3]] == [
        json_format.violation_dict(ERROR),
        json_format.violation_dict(INFO),
    ]
    assert lines[start + 3] == "  ],"
    assert '  "suppressed": [],' in lines
