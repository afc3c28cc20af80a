"""Every output format, produced by the real CLI on a project with findings from all backends."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest

from guardrails.diagnostics import POLICY_WEAKENED
from guardrails.model import Violation
from guardrails.report import sarif

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
# With formats checked (`uri`, `uri-reference`, `date-time`): the schema is draft-04, whose
# default checker knows no `uri-reference`; the generic one does when rfc3986-validator is in.
FORMATS = jsonschema.FormatChecker()
assert "uri-reference" in FORMATS.checkers, "install the `test` extra (rfc3986-validator)"


def validate_sarif(log: object) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=FORMATS).validate(log)


SOURCE = """\
import datetime
import subprocess


def restart(name: str, cur: object, tags: list = []) -> object:  # noqa: B006
    subprocess.run(f"systemctl restart {name}", shell=True, check=True)
    cur.execute(f"UPDATE services SET restarted = 1 WHERE name = '{name}'")
    return datetime.datetime.utcnow(), tags
"""


@pytest.fixture
def findings_project(project):
    project.write("app/service.py", SOURCE)
    project.write("app/__init__.py", "")
    # SEC001 is a warning by default; raised here so every format's error mapping is covered
    project.write("pyproject.toml", '[tool.guardrails.severity]\nSEC001 = "error"\n')
    return project


def test_sarif_validates_and_lists_every_active_rule(findings_project) -> None:
    result = findings_project.run("check", "--output-format", "sarif")
    assert result.code == 1, result.err
    log = json.loads(result.out)
    validate_sarif(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert {"SEC001", "SEC006", "REL003", "REL005", "OBS002", "SEC015"} <= set(ids)
    sec001 = rules[ids.index("SEC001")]
    assert sec001["shortDescription"]["text"] and sec001["fullDescription"]["text"]
    assert "Do instead" in sec001["help"]["text"] and "```python" in sec001["help"]["markdown"]
    assert sec001["defaultConfiguration"]["level"] == "error"
    assert "security" in sec001["properties"]["tags"]
    assert float(sec001["properties"]["security-severity"]) > 0
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"SEC001", "SEC006", "REL003", "REL005"}
    first = results["SEC001"]
    assert ids[first["ruleIndex"]] == "SEC001"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/service.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 6 and location["region"]["startColumn"] == 5
    assert first["partialFingerprints"]["guardrails/v1"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_carries_fixes(project) -> None:
    project.write(
        "app.py",
        "import datetime\n\nfrom flask import Flask\n\napp = Flask(__name__)\n"
        "NOW = datetime.datetime.now()\n\n\n"
        "def rebuild(run):\n    try:\n        run()\n    except KeyError as err:\n"
        "        raise ValueError(1)\n\n\n"
        'if __name__ == "__main__":\n    app.run(debug=True)\n',
    )
    select = ("--select", "OBS007,REL005,SEC014")
    log = json.loads(project.run("check", *select, "--output-format", "sarif", "app.py").out)
    validate_sarif(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    location = {"uri": "app.py", "uriBaseId": "%SRCROOT%"}

    def change(region: tuple[int, int, int, int], text: str) -> dict:
        keys = ("startLine", "startColumn", "endLine", "endColumn")
        return {
            "artifactLocation": location,
            "replacements": [
                {
                    "deletedRegion": dict(zip(keys, region, strict=True)),
                    "insertedContent": {"text": text},
                }
            ],
        }

    # a LibCST rule's fix (an insertion), a Semgrep rule's (a replacement), none for REL005
    assert results["OBS007"]["fixes"] == [
        {
            "description": {"text": "add `from err`"},
            "artifactChanges": [change((13, 28, 13, 28), " from err")],
        }
    ]
    assert results["SEC014"]["fixes"] == [
        {
            "description": {"text": "Fix SEC014"},
            "artifactChanges": [change((17, 5, 17, 24), "app.run(debug=False)")],
        }
    ]
    assert "fixes" not in results["REL005"]


def test_agent_output_is_compact_markdown(findings_project) -> None:
    result = findings_project.run("check", "--output-format", "agent")
    assert result.code == 1
    out = result.out
    assert out.startswith("# guardrails: 4 findings in 1 file\n")
    assert "\x1b[" not in out
    block = out[out.index("## SEC001") :]
    block = block[: block.find("\n## ", 1) if "\n## " in block[1:] else len(block)]
    assert "Why: " in block and "Do: Pass the command as a list" in block
    assert "```python" in block
    assert "- app/service.py:6 `subprocess.run(..., shell=True)`" in block
    assert '  `subprocess.run(f"systemctl restart {name}", shell=True, check=True)`' in block
    assert out.count("## ") == 4  # each rule's explanation appears once


def test_agent_output_is_bounded_and_says_what_was_cut(project) -> None:
    project.write(
        "many.py", "".join(f"def f{i}(x: list = []) -> list:\n    return x\n" for i in range(30))
    )
    result = project.run("check", "--output-format", "agent", "--max-findings", "5")
    assert result.out.count("\n- many.py:") == 5
    assert "25 more findings not shown (REL003 25)" in result.out
    assert "--max-findings 30" in result.out


def test_agent_is_default_under_a_coding_agent(findings_project) -> None:
    for variable in ("CLAUDECODE", "GEMINI_CLI", "CODEX_SANDBOX"):
        result = findings_project.run("check", env={variable: "1"})
        assert result.out.startswith("# guardrails:"), variable
    forced = findings_project.run(
        "check", env={"CLAUDECODE": "1", "GUARDRAILS_OUTPUT_FORMAT": "json"}
    )
    assert json.loads(forced.out)["summary"]["total"] == 4
    findings_project.write("app/service.py", "X = 1\n")
    clean = findings_project.run("check", env={"CLAUDECODE": "1"})
    assert clean.code == 0
    assert clean.out == "guardrails: no findings (2 files checked).\n"
    bad = findings_project.run("check", env={"GUARDRAILS_OUTPUT_FORMAT": "yaml"})
    assert bad.code == 2 and "GUARDRAILS_OUTPUT_FORMAT='yaml'" in bad.err


def test_github_annotations(findings_project) -> None:
    result = findings_project.run("check", "--output-format", "github")
    lines = result.out.splitlines()
    first = next(line for line in lines if "title=SEC001" in line)
    assert first.startswith(
        "::error file=app/service.py,line=6,col=5,endLine=6,endColumn=72,title=SEC001 "
        "subprocess-shell::"
    )
    assert "%0Ahelp: Pass the command" in first
    assert lines[-1].startswith("Found 4 findings")


def test_jsonl_matches_json(findings_project) -> None:
    lines = findings_project.run("check", "--output-format", "jsonl").out.splitlines()
    whole = findings_project.run("check", "--output-format", "json").json()["violations"]
    assert [json.loads(line) for line in lines] == whole


def test_rdjson(findings_project) -> None:
    data = json.loads(findings_project.run("check", "--output-format", "rdjson").out)
    assert data["source"]["name"] == "guardrails"
    first = next(d for d in data["diagnostics"] if d["code"]["value"] == "SEC001")
    assert first["severity"] == "ERROR"
    assert first["location"]["path"] == "app/service.py"
    assert first["location"]["range"]["start"] == {"line": 6, "column": 5}


def test_fingerprints_survive_inserted_lines(findings_project) -> None:
    found = findings_project.run("check", "--output-format", "json").json()["violations"]
    before = {v["rule_id"]: v["fingerprint"] for v in found}
    # not vacuous: every finding has its own 32-hex-digit fingerprint (empty ones would all match)
    assert len(before) == len(found) >= 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", fingerprint) for fingerprint in before.values())
    assert len(set(before.values())) == len(before)
    findings_project.write(
        "app/service.py",
        "# a new comment\n\n"
        + SOURCE.replace("    subprocess.run", "    # restart it\n    subprocess.run"),
    )
    after = {
        v["rule_id"]: v["fingerprint"]
        for v in findings_project.run("check", "--output-format", "json").json()["violations"]
    }
    assert before == after


def test_sarif_rules_link_their_page_and_tag_their_cwes(findings_project) -> None:
    log = json.loads(findings_project.run("check", "--output-format", "sarif").out)
    validate_sarif(log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    pages = "https://github.com/guardrails-lint/guardrails/blob/main/docs/rules/"
    assert rules["SEC001"]["helpUri"] == pages + "SEC001.md"
    # the category first, then each CWE the rule names, spelt as code scanning reads it
    assert rules["SEC001"]["properties"]["tags"] == ["security", "external/cwe/cwe-078"]
    assert rules["SEC006"]["properties"]["tags"][1:] == ["external/cwe/cwe-089"]
    assert rules["OBS002"]["properties"]["tags"] == ["observability"]  # it names no CWE
    repo = Path(__file__).resolve().parent.parent
    for rule in rules.values():  # every built-in rule's link is a page this repository has
        assert rule["helpUri"].startswith(pages), rule["id"]
        assert (repo / "docs" / "rules" / rule["helpUri"][len(pages) :]).is_file()


# --- one run, several outputs ----------------------------------------------------------


def test_one_run_prints_annotations_and_writes_sarif(findings_project) -> None:
    alone = findings_project.run("check", "--output-format", "github")
    result = findings_project.run(
        "check", "--output-format", "github", "--output-format", "sarif:guardrails.sarif"
    )
    assert result.code == alone.code == 1
    assert result.out == alone.out  # annotations on stdout, as without the file
    written = findings_project.root / "guardrails.sarif"
    log = json.loads(written.read_text())
    validate_sarif(log)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {
        "SEC001",
        "SEC006",
        "REL003",
        "REL005",
    }
    assert written.read_text() == findings_project.run("check", "--output-format", "sarif").out
    assert not list(findings_project.root.glob(".guardrails.sarif.*"))  # no temporary left


def test_output_file_takes_the_standard_output_format(findings_project) -> None:
    result = findings_project.run(
        "check", "--output-format", "json", "--output-file", "report.json", "--exit-zero"
    )
    assert result.code == 0 and result.out == ""
    data = json.loads((findings_project.root / "report.json").read_text())
    assert data["summary"]["total"] == 4
    # several files, and the environment's format for the one --output-file takes
    (findings_project.root / "out").mkdir()
    result = findings_project.run(
        "check",
        "--output-format",
        "rdjson:out/r.json",
        "--output-format",
        "jsonl:out/r.jsonl",
        "--output-file",
        "out/main.json",
        env={"GUARDRAILS_OUTPUT_FORMAT": "json"},
    )
    assert result.code == 1 and result.out == ""
    out = findings_project.root / "out"
    assert json.loads((out / "main.json").read_text())["summary"]["total"] == 4
    assert len(json.loads((out / "r.json").read_text())["diagnostics"]) == 4
    assert len((out / "r.jsonl").read_text().splitlines()) == 4


def test_without_a_standard_output_format_the_default_is_printed(findings_project) -> None:
    result = findings_project.run(
        "check", "--output-format", "sarif:x.sarif", env={"GUARDRAILS_OUTPUT_FORMAT": "json"}
    )
    assert result.code == 1
    assert json.loads(result.out)["summary"]["total"] == 4  # the environment's choice
    validate_sarif(json.loads((findings_project.root / "x.sarif").read_text()))
    plain = findings_project.run("check", "--output-format", "jsonl:x.jsonl")
    assert plain.out.splitlines()[-1].startswith("Found 4 findings")  # text by default


def test_files_get_no_colour(findings_project) -> None:
    result = findings_project.run(
        "check", "--output-format", "text:report.txt", env={"FORCE_COLOR": "1"}
    )
    assert "\x1b[" in result.out
    written = (findings_project.root / "report.txt").read_text()
    assert "\x1b[" not in written and written.startswith("app/service.py:")


def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(findings_project) -> None:
    kept = findings_project.write("kept.json", "old")
    kept.chmod(0o640)
    findings_project.run(
        "check", "--output-format", "json:kept.json", "--output-format", "sarif:new.sarif"
    )
    assert kept.stat().st_mode & 0o777 == 0o640 and json.loads(kept.read_text())["summary"]
    current = os.umask(0)
    os.umask(current)
    assert (findings_project.root / "new.sarif").stat().st_mode & 0o777 == 0o666 & ~current


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--output-format", "yaml"), "'yaml' is not one of text, json, jsonl"),
        (("--output-format", "yaml:x.yaml"), "'yaml' is not one of"),
        (("--output-format", "sarif:"), "name the file after the colon"),
        (("--output-format", "json", "--output-format", "github"), "only one format"),
        (("--output-format", "sarif:a.sarif", "--output-file", "a.sarif"), "two outputs"),
        (("--output-format", "sarif:missing/a.sarif"), "cannot write missing/a.sarif: no folder"),
        (("--output-format", "sarif:app"), "cannot write app: it is a folder"),
        (("--output-file", "app/service.py/x.txt"), "is not a folder"),
    ],
)
def test_bad_outputs_are_one_error_line_before_the_run(findings_project, args, error) -> None:
    before = sorted(p.relative_to(findings_project.root) for p in findings_project.root.rglob("*"))
    result = findings_project.run("check", "--output-format", "json:first.json", *args)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("guardrails: error: ") and error in result.err
    assert result.err.count("\n") == 1
    after = sorted(p.relative_to(findings_project.root) for p in findings_project.root.rglob("*"))
    assert after == before  # nothing written, not even the output that was fine


def test_a_file_that_cannot_be_written_after_the_run_leaves_nothing_printed(
    findings_project,
) -> None:
    # /proc takes no new files, whoever asks: refused up front or when written
    result = findings_project.run(
        "check", "--output-format", "github", "--output-format", "json:/proc/guardrails.json"
    )
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("guardrails: error: cannot write /proc/guardrails.json: ")
    assert result.err.count("\n") == 1


@pytest.mark.parametrize("command", ["rules", "plugins"])
def test_rules_and_plugins_write_files_too(project, command) -> None:
    text = project.run(command)
    listing = project.run(command, "--output-format", "json").out
    both = project.run(command, "--output-format", "text", "--output-format", "json:list.json")
    assert both.code == 0 and both.out == text.out
    assert (project.root / "list.json").read_text() == listing
    moved = project.run(command, "--output-file", "list.txt")
    assert moved.out == "" and (project.root / "list.txt").read_text() == text.out
    bad = project.run(command, "--output-format", "sarif")
    assert bad.code == 2 and bad.err == (
        "guardrails: error: --output-format 'sarif': 'sarif' is not one of text, json\n"
    )


def test_sarif_describes_a_finding_of_an_inactive_rule_by_its_own_meta(tmp_path: Path) -> None:
    meta = dataclasses.replace(POLICY_WEAKENED, plugin="guardrails")
    finding = Violation(
        rule_id=meta.id,
        name=meta.name,
        category=meta.category,
        severity="error",
        path=str(tmp_path / "pyproject.toml"),
        line=1,
        column=1,
        end_line=1,
        end_column=2,
        message="the policy got weaker",
        remediation="undo it",
        docs=meta.docs,
    )
    log = sarif.document([finding], [], tmp_path, described={meta.id: meta})
    validate_sarif(log)
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"].endswith(f"/docs/rules/{meta.id}.md")
    # the rule's own text, not the finding's
    assert rule["shortDescription"]["text"] != "the policy got weaker"
    bare = sarif.document([finding], [], tmp_path)["runs"][0]["tool"]["driver"]["rules"][0]
    assert "helpUri" not in bare and bare["shortDescription"]["text"] == "the policy got weaker"
