"""One file, one reading: every backend's findings show the file's own decoding.

A file with a latin-1 coding line used to be decoded three ways: LibCST
findings showed `café`, Semgrep and Ruff findings `caf�` (read again as
UTF-8), and fingerprints hashed that garbled text. Now `guardrails.source`
reads and decodes each file once, and every stage takes its lines from there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import Project
from guardrails.paths import display_path, project_path, root_relative
from guardrails.source import decode, decode_or_error, load

# One finding per backend, each on a line with a non-ASCII character:
# OBS002 (LibCST), SEC006 (Semgrep), REL005 (Ruff's DTZ codes).
CODE = """\
import datetime
import logging

log = logging.getLogger(__name__)


def report(cursor, name):
    log.info("café for " + name)
    cursor.execute("SELECT * FROM cafés WHERE name = '" + name + "'")
    return datetime.datetime.now(), "déjà vu"
"""

RULES = "OBS002,SEC006,REL005"


def _write(project: Project, encoding: str) -> None:
    project.write("app.py", f"# -*- coding: {encoding} -*-\n{CODE}".encode(encoding))


def _fingerprints(run_json: dict) -> dict[str, str]:
    return {v["rule_id"]: v["fingerprint"] for v in run_json["violations"]}


def test_latin1_file_shows_one_decoding_in_every_backend_and_format(
    project: Project, tmp_path: Path
) -> None:
    _write(project, "latin-1")
    checked = project.run("check", "--select", RULES, "--output-format", "json", "--no-cache")
    assert checked.code == 1, checked.err
    latin = _fingerprints(checked.json())
    assert set(latin) == {"OBS002", "SEC006", "REL005"}, checked.out

    # The same code saved as UTF-8: the same text, so the same fingerprints.
    other = Project(tmp_path / "utf8")
    other.root.mkdir()
    _write(other, "utf-8")
    utf8 = _fingerprints(
        other.run("check", "--select", RULES, "--output-format", "json", "--no-cache").json()
    )
    assert latin == utf8

    agent = project.run("check", "--select", RULES, "--output-format", "agent", "--no-cache").out
    for shown in ("café for", "FROM cafés", "déjà vu"):
        assert shown in agent, agent
    assert "\ufffd" not in agent

    sarif = json.loads(
        project.run("check", "--select", RULES, "--output-format", "sarif", "--no-cache").out
    )
    prints = {
        r["ruleId"]: r["partialFingerprints"]["guardrails/v1"] for r in sarif["runs"][0]["results"]
    }
    assert prints == latin

    lines = project.run("check", "--select", RULES, "--output-format", "jsonl", "--no-cache")
    assert {json.loads(row)["fingerprint"] for row in lines.out.splitlines()} == set(latin.values())

    # the baseline records the same fingerprints, so it hides all three findings
    assert project.run("baseline", "--select", RULES, "--out", "base.json").code == 0
    written = json.loads((project.root / "base.json").read_text())
    recorded = {e["fingerprint"] for e in written["findings"]}
    assert recorded == set(latin.values())
    clean = project.run("check", "--select", RULES, "--baseline", "base.json", "--no-cache")
    assert clean.code == 0, clean.out + clean.err


def test_undecodable_file_is_one_gr001_and_goes_to_no_backend(project: Project) -> None:
    project.write("bad.py", b"# -*- coding: utf-8 -*-\nname = 'caf\xe9'\n")
    result = project.run("check", "--output-format", "json", "--no-cache")
    found = result.json()["violations"]
    assert [(v["rule_id"], v["line"]) for v in found] == [("GR001", 1)]
    assert "cannot decode file" in found[0]["message"]


def test_decode_follows_bom_then_cookie_then_utf8() -> None:
    assert decode(b"\xef\xbb\xbfx = 1\n") == ("x = 1\n", "utf-8-sig")
    assert decode(b"# coding: latin-1\nx = '\xe9'\n")[0].endswith("x = 'é'\n")
    assert decode("x = 'é'\n".encode())[1] == "utf-8"
    assert decode_or_error(b"# coding: nonsense\n").error.startswith("cannot decode file")
    assert decode_or_error(b"x = '\xff'\n").text is None


def test_a_file_is_read_once_into_names_bytes_and_text(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "pkg").mkdir()
    path = root / "pkg" / "mod.py"
    path.write_bytes(b"# coding: latin-1\nX = '\xe9'\n")
    source = load(path, root, (root,), 1000)
    assert (source.relative, source.module, source.is_package) == ("pkg/mod.py", "pkg.mod", False)
    assert source.lines == ["# coding: latin-1", "X = 'é'"]
    assert source.data == path.read_bytes() and len(source.digest) == 64
    too_big = load(path, root, (root,), 4)
    assert too_big.data is None and too_big.problem and "over the limit" in too_big.problem


def test_project_path_keeps_links_below_the_root_and_accepts_a_linked_root(
    tmp_path: Path,
) -> None:
    root = (tmp_path / "proj").resolve()
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "x.py").write_text("X = 1\n")
    os.symlink(root / "lib", root / "linked")
    # a folder linked inside the project: the name the user reached it by
    assert project_path(root / "linked" / "x.py", root) == "linked/x.py"
    # the root itself reached through a link
    os.symlink(root, tmp_path / "alias")
    assert project_path(tmp_path / "alias" / "lib" / "x.py", root) == "lib/x.py"
    # outside the root: the absolute posix path, and no root-relative name
    outside = tmp_path / "elsewhere.py"
    assert project_path(outside, root) == outside.as_posix()
    assert root_relative(outside, root) is None
    assert root_relative(root, root) == "."


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_display_path_is_relative_to_the_working_directory_only_below_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    if where == "inside":
        assert display_path(tmp_path / "cwd" / "a" / "b.py") == "a/b.py"
        assert display_path(tmp_path / "cwd") == "."
    else:
        assert display_path(tmp_path / "x.py") == (tmp_path / "x.py").resolve().as_posix()


def test_symlinked_folder_is_named_by_its_link_in_globs_and_fingerprints(
    project: Project,
) -> None:
    project.write("real/app.py", "print('hello')\n")
    os.symlink(project.root / "real", project.root / "linked")
    project.write(
        "pyproject.toml",
        '[tool.guardrails]\nselect = ["OBS001"]\n[tool.guardrails.per-file-ignores]\n'
        '"linked/*" = ["OBS001"]\n',
    )
    # per-file-ignores match the link's name, as the report shows it
    ignored = project.run("check", "linked/app.py", "--output-format", "json", "--no-cache")
    assert ignored.json()["violations"] == [], ignored.out
    shown = project.run("check", "real/app.py", "--output-format", "sarif", "--no-cache")
    results = json.loads(shown.out)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == [
        "real/app.py"
    ]
