"""rdjson positions as reviewdog reads them: byte columns of the file's lines, from the real CLI.

reviewdog's `Position.column` counts bytes (UTF-8), and it builds a suggestion by
slicing the line's bytes at the columns (`line[:start-1] + text + line[end-1:]`).
So every test here slices the file's own bytes at the rdjson columns and checks
that they hold what the code-point columns of the `json` report point at.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

from guardrails.model import Edit, Fix, Violation
from guardrails.report import Summary, rdjson
from guardrails.source import in_memory

SCHEMA = json.loads((Path(__file__).parent / "data" / "rdjson-schema.json").read_text())
SELECT = ("--select", "SEC001,REL010,REL005")

# a tab, CJK, a letter with a combining accent and an astral emoji before the findings
UTF8_SOURCE = (
    "import datetime\n"
    "import subprocess\n"
    "\n"
    'x = "\t漢e\u0301😀"; subprocess.run("ls", shell=True)\n'
    'y = "😀"; t = datetime.datetime.utcnow()\n'
)


def validate(document: Any) -> None:
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


def raw_lines(data: bytes) -> list[bytes]:
    """The file's lines as bytes, as its diff shows them (a BOM stays on line 1)."""
    return re.split(rb"\r\n|\r|\n", data)


def reports(project, path: str) -> tuple[list[dict], list[dict]]:
    """(rdjson diagnostics, json violations) of one run each, in the same order."""
    rd = project.run("check", *SELECT, "--output-format", "rdjson", path)
    assert rd.code == 1, rd.err
    document = json.loads(rd.out)
    validate(document)
    found = project.run("check", *SELECT, "--output-format", "json", path).json()["violations"]
    assert [d["code"]["value"] for d in document["diagnostics"]] == [v["rule_id"] for v in found]
    return document["diagnostics"], found


def splice(line: bytes, start: int, end: int, text: bytes) -> bytes:
    """What reviewdog makes of a one-line suggestion (its buildNonLineBasedSuggestion)."""
    return line[: start - 1] + text + line[end - 1 :]


def test_columns_are_utf8_bytes_whatever_precedes_the_finding(project) -> None:
    data = UTF8_SOURCE.encode("utf-8")
    project.write("app.py", data)
    diagnostics, found = reports(project, "app.py")
    assert {v["rule_id"] for v in found} == {"SEC001", "REL010", "REL005"}
    lines, text = raw_lines(data), UTF8_SOURCE.split("\n")
    for diagnostic, violation in zip(diagnostics, found, strict=True):
        where = diagnostic["location"]["range"]
        line = where["start"]["line"]
        assert line == where["end"]["line"] == violation["line"] == violation["end_line"]
        start, end = where["start"]["column"], where["end"]["column"]
        # the bytes at the rdjson columns are the characters at the json columns
        chars = text[line - 1][violation["column"] - 1 : violation["end_column"] - 1]
        assert lines[line - 1][start - 1 : end - 1].decode("utf-8") == chars
        assert chars.startswith(("subprocess.run(", "datetime.datetime.utcnow("))
    sec001 = next(d for d in diagnostics if d["code"]["value"] == "SEC001")
    # tab 1 + 漢 3 + e 1 + U+0301 2 + 😀 4 bytes: 6 more bytes than the 5 code points
    assert sec001["location"]["range"] == {
        "start": {"line": 4, "column": 20},
        "end": {"line": 4, "column": len(lines[3]) + 1},  # the finding ends the line
    }
    assert found[[v["rule_id"] for v in found].index("SEC001")]["column"] == 14


def test_suggestions_splice_the_fix_where_it_belongs(project) -> None:
    data = UTF8_SOURCE.encode("utf-8")
    project.write("app.py", data)
    diagnostics, found = reports(project, "app.py")
    rel010 = next(d for d in diagnostics if d["code"]["value"] == "REL010")
    (suggestion,) = rel010["suggestions"]
    where = suggestion["range"]
    assert where["start"] == where["end"]  # an insertion before the closing parenthesis
    line = raw_lines(data)[where["start"]["line"] - 1]
    fixed = splice(line, where["start"]["column"], where["end"]["column"], b", check=True")
    assert suggestion["text"] == ", check=True"
    assert (
        fixed.decode("utf-8") == 'x = "\t漢e\u0301😀"; subprocess.run("ls", shell=True, check=True)'
    )
    # the same fix in json keeps code points: the byte columns are the only difference
    (edit,) = found[[v["rule_id"] for v in found].index("REL010")]["fix"]["edits"]
    assert edit["start_column"] == where["start"]["column"] - 6


def test_a_bom_is_counted_on_line_one(project) -> None:
    data = '\ufeffimport subprocess; subprocess.run("ls", shell=True)\n'.encode()
    project.write("bom.py", data)
    diagnostics, found = reports(project, "bom.py")
    line = raw_lines(data)[0]
    assert line.startswith(b"\xef\xbb\xbf")
    for diagnostic, violation in zip(diagnostics, found, strict=True):
        where = diagnostic["location"]["range"]
        assert where["start"]["column"] == violation["column"] + 3
        sliced = line[where["start"]["column"] - 1 : where["end"]["column"] - 1]
        assert sliced == b'subprocess.run("ls", shell=True)'


def test_a_latin1_file_counts_its_own_bytes_and_gets_no_suggestions(project) -> None:
    source = (
        "# -*- coding: latin-1 -*-\nimport subprocess\n"
        'x = "café"; subprocess.run("ls", shell=True)\n'
    )
    data = source.encode("latin-1")
    project.write("old.py", data)
    diagnostics, found = reports(project, "old.py")
    line = raw_lines(data)[2]
    for diagnostic in diagnostics:
        where = diagnostic["location"]["range"]
        sliced = line[where["start"]["column"] - 1 : where["end"]["column"] - 1]
        assert sliced.decode("latin-1") == 'subprocess.run("ls", shell=True)'
        # reviewdog would splice UTF-8 text between latin-1 bytes: no suggestion
        assert "suggestions" not in diagnostic
    assert any(v["fix"] for v in found)  # the fix exists; `guardrails fix` applies it


def test_code_url_is_the_rules_page(project) -> None:
    project.write("app.py", UTF8_SOURCE)
    diagnostics, _ = reports(project, "app.py")
    urls = {d["code"]["value"]: d["code"]["url"] for d in diagnostics}
    assert urls["SEC001"] == (
        "https://github.com/guardrails-lint/guardrails/blob/main/docs/rules/SEC001.md"
    )
    repo = Path(__file__).resolve().parent.parent
    for url in urls.values():
        assert (repo / url.split("/blob/main/", 1)[1]).is_file(), url


def test_every_range_end_is_converted_on_its_own_line(tmp_path: Path) -> None:
    """A multi-line finding and edit: each end converts with its own line's text; a column
    past the end of a line or a line past the end of the file keeps its distance."""
    data = 'a = "😀"; f(\n    "漢", b)\n'.encode()
    source = in_memory(tmp_path / "m.py", tmp_path, (), data)
    finding = Violation(
        rule_id="X001",
        name="x",
        category="reliability",
        severity="warning",
        path="m.py",
        line=1,
        column=10,  # f
        end_line=2,
        end_column=12,  # after `)`
        message="m",
        remediation="r",
        docs="guardrails explain X001",
        fix=Fix((Edit(1, 12, 2, 9, "'x'"), Edit(2, 15, 3, 1, ""))),
    )
    out = io.StringIO()
    rdjson.render([finding], Summary.of([finding], 1, "warning"), out, read=lambda p: source)
    (diagnostic,) = json.loads(out.getvalue())["diagnostics"]
    validate({"diagnostics": [diagnostic]})
    assert diagnostic["location"]["range"] == {
        "start": {"line": 1, "column": 13},  # 😀 is 4 bytes
        "end": {"line": 2, "column": 14},  # 漢 is 3 bytes
    }
    first, second = (s["range"] for s in diagnostic["suggestions"])
    assert first == {"start": {"line": 1, "column": 15}, "end": {"line": 2, "column": 11}}
    # column 15 of line 2 is three past its 11 code points (13 bytes); line 3 does not exist
    assert second == {"start": {"line": 2, "column": 17}, "end": {"line": 3, "column": 1}}
    lines = raw_lines(data)
    assert lines[0][12:] == b"f(" and first["start"]["column"] == len(lines[0]) + 1
    assert lines[1][: first["end"]["column"] - 1] == '    "漢",'.encode()
    unreadable = io.StringIO()
    rdjson.render([finding], Summary.of([finding], 1, "warning"), unreadable, read=lambda p: None)
    (kept,) = json.loads(unreadable.getvalue())["diagnostics"]
    assert kept["location"]["range"]["start"] == {"line": 1, "column": 10}  # code points kept
