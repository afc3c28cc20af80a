"""Hostile input and output: diff mode, Python's lines, escaped output, broken pipes, hook input.

Each test is one case of the hostile matrix (issue 15): a real git repository
with hostile file names and hostile git config, files whose line breaks only
`str.splitlines` sees, file names that try to forge a line of output, a
reader that closes the pipe, and agent hook input no agent would send.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import jsonschema
import pytest

SHELL = "import subprocess\n\nsubprocess.run('ls', shell=True)\n"
"""SEC001 on line 3."""
GROWN = SHELL + "x = '''\n++ b/unchanged.py\ndiff --git a/unchanged.py b/unchanged.py\n'''\n" + (
    "subprocess.run('ls', shell=True)\n"
)
"""SHELL with SEC001 added on line 8, after added lines that read like diff headers."""

HOSTILE_NAMES = (
    "a b.py",
    "tab\there.py",
    'q"uote.py',
    "q'uote.py",
    "ünï cödé.py",
    "new\nline.py",
    "cr\rname.py",
    "back\\slash.py",
    "trailing space .py",
    "-dash.py",
    "sp ace/x.py",
    "#hash?.py",
)


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err and "Exception ignored" not in err, err


def _found(result) -> list[tuple[str, str, int]]:
    return sorted(result.ids())


# ---------------------------------------------------------------- diff mode
HOSTILE_GIT_CONFIG = (
    ("diff.mnemonicPrefix", "true"),
    ("diff.noprefix", "true"),
    ("diff.srcPrefix", "X/"),
    ("diff.dstPrefix", "Y/"),
    ("diff.external", "false"),
    ("diff.relative", "true"),
    ("diff.renames", "copies"),
    ("diff.submodule", "log"),
    ("diff.context", "7"),
    ("diff.algorithm", "patience"),
    ("diff.suppressBlankEmpty", "true"),
    ("color.ui", "always"),
    ("color.diff", "always"),
    ("core.quotePath", "false"),
    ("core.pager", "false"),
    ("pager.diff", "true"),
    ("diff.interHunkContext", "9"),
    ("diff.evil.command", "false"),  # an external diff driver, and a text conversion
    ("diff.evil.textconv", "false"),
)
HOSTILE_ATTRIBUTES = "*.py diff=evil\nq*.py -diff\n"
"""Every Python file goes through the driver above; some are declared binary."""


@pytest.mark.parametrize("config", ["default-git-config", "hostile-git-config"])
def test_diff_base_hostile_names_and_git_config(project, tmp_path, config) -> None:
    """Changed lines are found for any file name under any user git config;
    new, renamed and untracked files count in full; engine findings always stay."""
    for name in HOSTILE_NAMES:
        project.write(name, SHELL)
    project.write("unchanged.py", SHELL)
    project.write("dev/null", "not python\n")  # `+++ b/dev/null` must not read as a deletion
    project.write("lone_cr.py", SHELL.replace("\n", "\r").encode())  # one line to git
    project.write("old_name.py", SHELL)
    project.write("deleted.py", SHELL)
    project.write("broken.py", "x = 1\n\ndef f(:\n    pass\n")  # GR001 on an unchanged line
    project.write("stale.py", "X = 1  # guardrails: ignore[SEC001] legacy\n")  # GR002
    project.git("init", "-q")
    env: dict[str, str] = {}
    if config == "hostile-git-config":
        for key, value in HOSTILE_GIT_CONFIG:
            project.git("config", key, value)
        (project.root / ".git" / "info" / "attributes").write_text(HOSTILE_ATTRIBUTES)
        env = {"GIT_DIFF_OPTS": "--unified=3", "GIT_EXTERNAL_DIFF": "false"}
    project.git("add", "-A")
    project.git("commit", "-qm", "base")
    for name in HOSTILE_NAMES:
        project.write(name, GROWN)
    project.write("dev/null", "still not python\n")
    project.write("lone_cr.py", GROWN.replace("\n", "\r").encode())
    project.git("mv", "old_name.py", "new name.py")
    (project.root / "deleted.py").unlink()
    project.write("untracked ü\n.py", SHELL)
    project.write("staged new.py", SHELL)
    project.git("add", "staged new.py")

    result = project.run(
        "check", "--select", "SEC001,GR002", "--diff-base", "HEAD", "--output-format", "json",
        env=env,
    )  # fmt: skip
    _no_traceback(result.err)
    assert result.code == 1, result.err
    expected = [(name, "SEC001", 8) for name in HOSTILE_NAMES]
    expected += [
        ("broken.py", "GR001", 3),
        ("lone_cr.py", "SEC001", 3),  # git cannot say which of its lines changed: all count
        ("lone_cr.py", "SEC001", 8),
        ("new name.py", "SEC001", 3),
        ("stale.py", "GR002", 1),
        ("staged new.py", "SEC001", 3),
        ("untracked ü\n.py", "SEC001", 3),
    ]
    assert _found(result) == sorted(expected)

    # From a sub-folder, through a symlink to the project: the same lines, shown relative.
    link = tmp_path / "link"
    link.symlink_to(project.root, target_is_directory=True)
    inner = project.run(
        "check", "--select", "SEC001", "--diff-base", "HEAD", "--output-format", "json", ".",
        cwd=link / "sp ace", env=env,
    )  # fmt: skip
    assert (inner.code, inner.ids()) == (1, [("x.py", "SEC001", 8)]), inner.err


def test_diff_base_refuses_option_like_ref_and_missing_git(project) -> None:
    project.write("app.py", SHELL)
    project.git("init", "-q")
    project.git("add", "-A")
    project.git("commit", "-qm", "base")
    result = project.run("check", "--select", "SEC001", "--diff-base=--output=written.txt")
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("guardrails: error:")
    assert not (project.root / "written.txt").exists()
    # No git on PATH: one line, exit 2, never a report that looks clean.
    nogit = project.run("check", "--select", "SEC001", "--diff-base", "HEAD", env={"PATH": ""})
    assert (nogit.code, nogit.out, nogit.err.count("\n")) == (2, "", 1)
    assert nogit.err.startswith("guardrails: error: --diff-base needs git")


# ---------------------------------------------------------------- broken pipe
@pytest.mark.parametrize(
    ("fmt", "buffered"), [("text", True), ("text", False), ("sarif", True)]
)
def test_broken_pipe_exits_nonzero(project, fmt, buffered) -> None:
    """`guardrails check | head -1`: the reader left, so the run did not report; never 0."""
    project.write("app.py", SHELL)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "guardrails", "check", "--select=SEC001", f"--output-format={fmt}"],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert err == ""


def test_broken_pipe_in_a_shell_pipeline(project) -> None:
    project.write("many.py", "import subprocess\n" + "subprocess.run('ls', shell=True)\n" * 600)
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} -m guardrails check "
         "--select SEC001 many.py | head -1"],
        cwd=project.root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 141
    assert proc.stdout.startswith("many.py:2:1: SEC001") and proc.stdout.count("\n") == 1
    assert proc.stderr == ""


@pytest.mark.parametrize(
    ("redirect", "message"),
    [(">&-", "standard output is closed"), ("> /dev/full", "No space left on device")],
)
def test_output_that_cannot_be_written_is_one_error_line(project, redirect, message) -> None:
    """No report reached anyone: exit 2 with one line, never an internal error or exit 0."""
    project.write("app.py", SHELL)
    for command in ("check --select SEC001", "check --select SEC001 --output-format json", "rules"):
        proc = subprocess.run(
            ["bash", "-c", f"{sys.executable} -m guardrails {command} {redirect}"],
            cwd=project.root, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert proc.returncode == 2, (command, proc.stderr)
        assert proc.stderr == f"guardrails: error: {message}\n", (command, proc.stderr)


# ---------------------------------------------------------------- Python's lines
ODD_BREAKS = "\x0c\x0b\x1c\x1d\x1e\x85\u2028\u2029"


def test_lines_split_as_python_does(project) -> None:
    """Form feed & co. are not line breaks; `\\r` alone is. Lines, code frames and
    suppressions agree with the tokenizer's numbering."""
    odd = (
        "import subprocess\n"
        f"# {ODD_BREAKS} in a comment\n"
        "\x0c\n"  # a form feed line (legal indentation)
        f"NOTE = '{ODD_BREAKS}'\n"
        "subprocess.run('a', shell=True)  # guardrails: ignore[SEC001] trusted command\n"
        "# guardrails: ignore[SEC001] next line is trusted too\n"
        "subprocess.run('b', shell=True)\n"
        "subprocess.run('c', shell=True)\n"
    )
    project.write("odd_lf.py", odd.encode())
    project.write("odd_cr.py", odd.replace("\n", "\r").encode())
    project.write("odd_crlf.py", odd.replace("\n", "\r\n").encode())
    # Ordinary files keep the fingerprints guardrails gave them before (baselines still match).
    project.write("lf.py", SHELL.encode())
    project.write("crlf.py", SHELL.replace("\n", "\r\n").encode())

    result = project.run("check", "--select", "SEC001,GR002", "--output-format", "json")
    _no_traceback(result.err)
    assert result.code == 1
    violations = result.json()["violations"]
    assert sorted((v["path"], v["rule_id"], v["line"]) for v in violations) == [
        ("crlf.py", "SEC001", 3),
        ("lf.py", "SEC001", 3),
        ("odd_cr.py", "SEC001", 8),
        ("odd_crlf.py", "SEC001", 8),
        ("odd_lf.py", "SEC001", 8),
    ]
    fingerprints = {v["path"]: v["fingerprint"] for v in violations}
    assert fingerprints["lf.py"] == "43c72685be2902dafa6c0ee1466ecb6d"
    assert fingerprints["crlf.py"] == "6b593f66a87ddc8efc9229459743b80c"

    agent = project.run("check", "--select", "SEC001", "--output-format", "agent", "odd_cr.py",
                        "odd_crlf.py", "odd_lf.py")  # fmt: skip
    frames = [row.strip() for row in agent.out.splitlines() if row.startswith("  `")]
    assert frames == ["`subprocess.run('c', shell=True)`"] * 3, agent.out


def test_fix_in_a_file_with_form_feeds_and_lone_cr(project) -> None:
    """A fix that inserts indented lines reads the indentation of the right line."""
    source = (
        "class Box:\n"
        "    '''\x0c\x85\u2028 odd breaks in a docstring'''\n"
        "\x0c\n"
        "    def add(self, item: int, into: list = []) -> list:\n"
        "        into.append(item)\n"
        "        return into\n"
    )
    fixed_body = "        if into is None:\n            into = []\n        into.append(item)\n"
    for name, text in (("ff.py", source), ("cr.py", source.replace("\n", "\r"))):
        project.write(name, text.encode())
    result = project.run("fix", "--select", "REL003", "--unsafe-fixes", "ff.py", "cr.py")
    _no_traceback(result.err)
    assert result.code == 0, result.out + result.err
    ff = (project.root / "ff.py").read_bytes().decode()
    cr = (project.root / "cr.py").read_bytes().decode()
    assert "into: list | None = None" in ff and fixed_body in ff
    assert cr == ff.replace("\n", "\r")


# ---------------------------------------------------------------- SARIF URIs
def test_sarif_uris_are_percent_encoded(project) -> None:
    names = ["#hash.py", "what?.py", "50%.py", "c:x.py", "file:y.py", "sp ace.py", "ünï.py",
             "a:b/c d.py", "semi;colon@at.py"]  # fmt: skip
    for name in names:
        project.write(name, SHELL)
    result = project.run("check", "--select", "SEC001", "--output-format", "sarif")
    assert result.code == 1, result.err
    log = result.json()
    checker = jsonschema.FormatChecker()
    # jsonschema checks `uri-reference` only with rfc3987 or rfc3986-validator installed.
    assert "uri-reference" in checker.checkers, "install the `test` extra (rfc3986-validator)"
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema, format_checker=checker).validate(log)

    locations = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]
    ]
    for location in locations:
        assert location["uriBaseId"] == "%SRCROOT%"
        parts = urllib.parse.urlsplit(location["uri"])
        assert not parts.scheme and not parts.query and not parts.fragment, location
        assert re.fullmatch(r"(?:[A-Za-z0-9._~!$&'()*+,;=@/-]|%[0-9A-F]{2})+", location["uri"])
    assert sorted(urllib.parse.unquote(loc["uri"]) for loc in locations) == sorted(names)


# ---------------------------------------------------------------- output escaping
INJECTING_DIR = "d\n::error file=evil.py,line=1::forged\r::warning::forged too\x1b[2J\u2028# Forged"


def test_output_escapes_paths_and_messages(project) -> None:
    """A file name cannot start a line (a workflow command, a Markdown heading) in any format."""
    project.write(f"{INJECTING_DIR}/app.py", SHELL)
    project.write("ok.py", SHELL.replace("'ls'", "'`ls` \u2028'"))  # a code span, a separator
    real = os.fsdecode(b"latin\xe9.py")  # not UTF-8: cannot be written as it is
    (project.root / real).write_text(SHELL)
    shown = {f"{INJECTING_DIR}/app.py", "ok.py", real}
    for fmt, colour in (("text", ""), ("text", "1"), ("github", ""), ("agent", "")):
        # cached after the first format: the cache takes a non-UTF-8 name too
        result = project.run(
            "check", "--select", "SEC001", "--output-format", fmt,
            env={"FORCE_COLOR": colour, "NO_COLOR": ""},
        )  # fmt: skip
        _no_traceback(result.err)
        assert result.code == 1, (fmt, result.err)
        out = re.sub(r"\x1b\[[0-9;]*m", "", result.out) if colour else result.out  # rich's styles
        assert colour == "" or out != result.out
        rows = out.split("\n")
        starts = ("d\\n", "- d\\n", "::warning file=d")
        assert not any("forged" in row and not row.startswith(starts) for row in rows), (fmt, out)
        assert "\r" not in out
        if fmt != "github":  # there the runner decodes the name: it must stay exact
            assert "\x1b" not in out and "\u2028" not in out
        assert not any(row.startswith("# Forged") for row in rows)
        if fmt == "github":
            commands = [row for row in rows if row.startswith("::")]
            assert len(commands) == 3 and all(row.startswith("::warning file=") for row in commands)
            assert "::warning file=d%0A%3A%3Aerror file=evil.py%2Cline=1%3A%3Aforged%0D" in out
        if fmt == "agent":  # the source line stays one code span though it holds backticks
            assert "  ``subprocess.run('`ls` \\u2028', shell=True)``\n" in out
    result = project.run("check", "--select", "SEC001", "--output-format", "json")
    assert result.code == 1, result.err
    assert {v["path"] for v in result.json()["violations"]} == shown  # JSON escapes: exact
    assert (project.root / ".guardrails_cache").is_dir()


# ---------------------------------------------------------------- agent hook input
HOSTILE_EVENTS = {
    "nested-arrays": "[" * 100_000 + "]" * 100_000,
    "nested-objects": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "nested-in-tool-input": '{"tool_name": "Write", "tool_input": ' + "[" * 100_000,
    "huge-number": '{"tool_name": "Write", "n": ' + "9" * 100_000 + "}",
    "not-an-object": '["Write", {"file_path": "app.py"}]',
    "nul-in-path": json.dumps({"tool_name": "Write", "tool_input": {"file_path": "a\0.py"}}),
    "long-path": json.dumps(
        {"tool_name": "Write", "tool_input": {"file_path": "a" * 9000 + ".py"}}
    ),
    "long-cwd": json.dumps(
        {"tool_name": "Write", "cwd": "/" + "c" * 9000, "tool_input": {"file_path": "ROOT"}}
    ),
    "nul-in-cwd": json.dumps(
        {"tool_name": "Write", "cwd": "a\0b", "tool_input": {"file_path": "app.py"}}
    ),
    "lone-surrogate": '{"tool_name": "Write", "tool_input": {"file_path": "\\udc80.py"}}',
    "not-utf-8": b'{"tool_name": "Write", "tool_input": {"file_path": "\xff.py"}}',
}


QUIET = {"claude-code": "", "gemini-cli": "{}\n"}


@pytest.mark.parametrize("case", sorted(HOSTILE_EVENTS))
def test_hook_input_unreasonable_is_a_no_op(project, case) -> None:
    """The hook's policy for input it cannot use: say nothing, never block the agent."""
    project.write("app.py", SHELL)
    # Both protocols for the case; the others alternate, to keep the suite fast.
    agents = sorted(QUIET) if case == "nested-arrays" else [sorted(QUIET)[len(case) % 2]]
    for agent in agents:
        quiet = QUIET[agent]
        event = HOSTILE_EVENTS[case]
        if isinstance(event, str):
            event = event.replace("ROOT", json.dumps(str(project.root))[1:-1]).encode()
        proc = subprocess.run(
            [sys.executable, "-m", "guardrails", "hook", "--agent", agent],
            input=event, cwd=project.root, capture_output=True, timeout=120, check=False,
            env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},  # as in a UTF-8 locale
        )  # fmt: skip
        answer = (proc.returncode, proc.stdout.decode(), proc.stderr.decode())
        assert answer == (0, quiet, ""), (agent, answer)
