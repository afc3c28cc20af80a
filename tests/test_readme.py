"""The README a newcomer reads in five minutes, and the pages it sends them to, stay true.

README.md says what guardrails is, how to set it up and run the tests, the everyday
commands, and where the rest is documented (docs/*.md). These tests keep it that way:
short, every link landing on a page and heading that exist, no hand-kept copy of the
generated rule list, the set-up command identical to what CI runs, and every `guardrails`
command the README or a docs page shows actually working.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from guardrails import cli

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
CI_RUN = REPO / ".ci" / "run"
PAGES = [README, *sorted((REPO / "docs").glob("*.md"))]
"""The hand-written pages: README.md and docs/*.md (docs/rules/ is generated and tested
by test_docs.py::test_committed_docs_are_current)."""

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>[^\n`]*)$")


def rel(page: Path) -> str:
    return page.relative_to(REPO).as_posix()


def blocks(page: Path) -> list[tuple[str, list[str]]]:
    """(info string, lines) of each fenced code block, indented ones (in lists) included."""
    found: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    closing = ""
    for line in page.read_text(encoding="utf-8").splitlines():
        match = FENCE.match(line)
        if current is None and match:
            current, closing = (match["info"].strip(), []), match["fence"]
        elif current is not None and line.strip() == closing:
            found.append(current)
            current = None
        elif current is not None:
            current[1].append(line)
    assert current is None, f"{rel(page)}: a code block is never closed"
    return found


def prose(page: Path) -> list[str]:
    """The page's lines outside fenced code blocks."""
    lines, inside, closing = [], False, ""
    for line in page.read_text(encoding="utf-8").splitlines():
        match = FENCE.match(line)
        if not inside and match:
            inside, closing = True, match["fence"]
        elif inside and line.strip() == closing:
            inside = False
        elif not inside:
            lines.append(line)
    return lines


# --- 1. short --------------------------------------------------------------------------


def test_readme_is_read_in_five_minutes() -> None:
    """Everything beyond set-up, everyday commands and a map of the docs lives in docs/;
    a README that grows back past 200 lines is one nobody finishes."""
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines; move detail to docs/"


# --- 2. links ----------------------------------------------------------------------------

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\((?P<target>[^()\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: markup dropped, lowercase, punctuation other
    than - and _ removed, spaces turned into -."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a Markdown page, with GitHub's -1, -2 for repeats."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose(page):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        slug = github_slug(match.group(1))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(page: Path) -> list[str]:
    """Targets of the inline links in a page's prose (not inside code)."""
    targets = []
    for line in prose(page):
        for match in LINK.finditer(CODE_SPAN.sub("", line)):
            targets.append(match["target"])
    return targets


@pytest.mark.parametrize("page", PAGES, ids=rel)
def test_every_relative_link_lands_on_a_file_and_heading_that_exist(page: Path) -> None:
    """Moving text out of the README moved many links; a link to a renamed page or a
    reworded heading must fail here, not on a reader."""
    broken = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        path_part, _, anchor = target.partition("#")
        destination = (page.parent / path_part).resolve() if path_part else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading #{anchor} in {rel(destination)}")
    assert not broken, f"{rel(page)}: " + "; ".join(broken)


def test_the_slug_rule_is_githubs() -> None:
    """The anchors above are only as right as the slug rule."""
    assert github_slug("`fix` never loses work") == "fix-never-loses-work"
    assert github_slug("AGENTS.md and llms.txt") == "agentsmd-and-llmstxt"
    assert github_slug("2026-11-26, issue 8 (speed)") == "2026-11-26-issue-8-speed"
    assert github_slug("Deleting and writing only what is guardrails' own") == (
        "deleting-and-writing-only-what-is-guardrails-own"
    )


# --- 3. no hand-kept rule table --------------------------------------------------------


def test_readme_links_the_generated_rule_index_instead_of_keeping_a_table() -> None:
    """A hand-kept table of rules drifted from the rules (engines, flags, ids); the list
    is generated by `guardrails docs` into docs/rules/index.md and checked against the
    registry by test_docs.py::test_committed_docs_are_current."""
    text = README.read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*\[?`?[A-Z]{2,6}\d{3}\b.*$", text, flags=re.MULTILINE)
    assert not rows, f"README.md keeps a rule table by hand: {rows[:3]}"
    assert "docs/rules/index.md" in links(README)
    assert (REPO / "docs" / "rules" / "index.md").exists()


# --- 4. the set-up command is the one CI runs ------------------------------------------

OUTPUT_ONLY = {"--quiet", "-q", "--disable-pip-version-check"}
"""pip options that change what pip prints, not what it installs."""


def shell_commands(line: str) -> list[list[str]]:
    """The words of each simple command of a shell line (`a && b; c | d`), comments and
    the operators between commands dropped."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in ("&&", "||", ";", "|", "&"):
            commands.append([])
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


def pip_installs(command_lines: list[str]) -> list[list[str]]:
    """The arguments after `pip install` of each pip call, less output-only options."""
    installs = []
    for line in command_lines:
        for words in shell_commands(line):
            for i in range(len(words) - 1):
                if words[i] in ("pip", "pip3") and words[i + 1] == "install":
                    installs.append([w for w in words[i + 2 :] if w not in OUTPUT_ONLY])
    return installs


def sh_blocks(page: Path) -> list[list[str]]:
    return [lines for info, lines in blocks(page) if info in ("sh", "bash", "console", "shell")]


def ci_lines() -> list[str]:
    return [
        line.strip()
        for line in CI_RUN.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def test_readme_setup_installs_exactly_what_ci_installs() -> None:
    """The Definition of done: a fresh machine needs the README's two commands. The first
    creates a virtualenv, installs as .ci/run does (guardrails and its test extra in one
    pip call; never the example plugin, which the test session installs for itself) and
    runs the main job on the example; they must not drift apart."""
    setup = sh_blocks(README)[0]
    assert len(setup) == 1, "the set-up command is one copy-pasteable line"
    line = setup[0]
    assert line.startswith("python3 -m venv .venv && . .venv/bin/activate && "), line
    assert pip_installs(setup) == pip_installs(ci_lines()) == [["-e", ".[test]"]]
    assert line.endswith("&& guardrails check examples/service"), line
    assert "python -m pip install" in line, "the venv's own pip, whatever is first on PATH"
    assert "acme" not in line


def test_readme_test_command_is_the_one_ci_runs() -> None:
    """.ci/run ends with the README's test command, so what CI runs is what a newcomer
    runs."""
    assert sh_blocks(README)[1] == [ci_lines()[-1]] == ["python -m pytest"]


# --- 5. every documented command runs --------------------------------------------------

PLACEHOLDERS = {
    "PATH": "src",  # `[PATH ...]` is read as PATH
    "ID": "SEC001",
    "FILE": "guardrails-baseline.json",
    "REF": "origin/main",
    "DIR": "out",
    "N": "2",
}
"""Usage notation in documented commands and the real value each one runs with."""

SKIPPED = {
    "mcp": "serves MCP over stdio until the client leaves; "
    "test_agents.py::test_mcp_server_serves_every_tool_through_the_sdk_client",
    "hook": "answers one agent event read from stdin; "
    "test_agents.py::test_claude_code_hook_feeds_findings_back_with_exit_2",
}
"""Subcommands that cannot run as a one-off here, why, and the test that covers them."""

EXPECTED_CODES = {
    ("README.md", "guardrails check examples/service"): {1},  # "exits with code 1"
}
"""Commands whose documented outcome is a particular exit code; others must exit 0 or 1."""


GITHUB_EXPRESSIONS = {"${{ github.base_ref }}": "main"}
"""GitHub Actions expressions in documented workflow steps and what they run with."""

RUN_STEP = re.compile(r"^\s*(?:-\s+)?run:\s*(?P<command>[^|>\s].*)$")


def workflow_lines(page: Path) -> list[str]:
    """The one-line `run:` steps of the page's YAML blocks (GitHub Actions workflows), with
    their expressions replaced by real values."""
    found = []
    for info, lines in blocks(page):
        if info not in ("yaml", "yml"):
            continue
        for line in lines:
            match = RUN_STEP.match(line)
            if match:
                command = match["command"]
                for expression, value in GITHUB_EXPRESSIONS.items():
                    command = command.replace(expression, value)
                assert "${{" not in command, f"{rel(page)}: add its value to GITHUB_EXPRESSIONS"
                found.append(command)
    return found


def documented_commands(page: Path) -> list[str]:
    """Each `guardrails ...` (or `python -m guardrails ...`) command of the page's shell
    blocks, then of its workflow `run:` steps, in order, without comments, prompts or
    output redirection."""
    commands = []
    for lines in [*sh_blocks(page), workflow_lines(page)]:
        joined = "\n".join(lines).replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.strip().removeprefix("$ ").replace("[PATH ...]", "PATH")
            for words in shell_commands(line):
                if words[:3] == ["python", "-m", "guardrails"]:
                    words = ["guardrails", *words[3:]]
                if words[:1] == ["guardrails"]:
                    if ">" in words:
                        words = words[: words.index(">")]
                    commands.append(shlex.join(words))
    return commands


def argv_of(command: str) -> list[str]:
    """The arguments `guardrails.cli.main` gets for a documented command: placeholders
    replaced by real values."""
    return [PLACEHOLDERS.get(word, word) for word in shlex.split(command)[1:]]


def example_project(root: Path) -> Path:
    """A git repository holding the example service where the docs' commands expect code
    (examples/service, src/), committed, with `origin/main` pointing at that commit."""
    example = REPO / "examples" / "service"
    shutil.copytree(example, root / "examples" / "service")
    shutil.copytree(example, root / "src")
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["commit", "-q", "-m", "example"],
        ["update-ref", "refs/remotes/origin/main", "HEAD"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


PAGES_WITH_COMMANDS = [page for page in PAGES if documented_commands(page)]


def test_the_documented_commands_are_found() -> None:
    """The extraction below must see the commands, or the next test checks nothing."""
    found = {command for page in PAGES for command in documented_commands(page)}
    for expected in (
        "guardrails check examples/service",
        "guardrails fix --diff",
        "guardrails init --agent claude-code --agent gemini-cli",
        "guardrails check --diff-base origin/main",
        "guardrails baseline --out guardrails-baseline.json",
        "guardrails docs --out docs/rules --agents-md AGENTS.md --check",
        # a workflow step (docs/ci.md): one run, annotations and a SARIF file
        "guardrails check --output-format github --output-format sarif:guardrails.sarif",
        # the quality report from a stored result (docs/quality.md)
        "guardrails report --results guardrails.json --out quality",
    ):
        assert expected in found
    assert "guardrails check PATH" in found
    assert argv_of("guardrails check PATH") == ["check", "src"]
    assert argv_of("guardrails explain ID") == ["explain", "SEC001"]


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=rel)
def test_every_documented_command_runs(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A command a page shows must work as shown: no traceback, no internal error, and the
    exit code it documents (0 or 1 unless listed in EXPECTED_CODES). The page's commands
    run in order in one example project, as a reader would type them (a baseline is
    written before it is used). A failing command means the page is wrong: fix the page."""
    monkeypatch.chdir(example_project(tmp_path))
    failures = []
    for command in documented_commands(page):
        argv = argv_of(command)
        if argv[0] in SKIPPED:
            continue
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse: a usage error, --help
            code = exc.code
        out, err = capsys.readouterr()
        expected = EXPECTED_CODES.get((rel(page), command), {0, 1})
        if code not in expected or "Traceback" in out + err or "internal error" in err:
            failures.append(f"{command!r} -> exit {code}: {err.strip()[-300:]}")
    assert not failures, f"{rel(page)}: " + " | ".join(failures)


def test_every_skip_names_a_test_that_exists() -> None:
    """A skipped command is covered elsewhere; the named test must still be there."""
    for reason in SKIPPED.values():
        module, name = reason.rsplit("; ", 1)[1].split("::")
        assert f"def {name}(" in (REPO / "tests" / module).read_text(encoding="utf-8"), reason


# --- what the docs say about JSON output is what it prints ------------------------------


def test_documented_json_output_has_the_fields_json_output_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """docs/formats.md shows the one description of `--output-format json`; its example
    must have exactly the fields a real report has (the README once left out
    `fingerprint` and `summary.baseline`)."""
    page = REPO / "docs" / "formats.md"
    documented = json.loads(
        "\n".join(next(lines for info, lines in blocks(page) if info == "json"))
    )
    monkeypatch.chdir(example_project(tmp_path))
    assert cli.main(["check", "--output-format", "json", "src"]) == 1
    real = json.loads(capsys.readouterr().out)
    assert documented.keys() == real.keys()
    assert documented["violations"][0].keys() == real["violations"][0].keys()
    assert documented["summary"].keys() == real["summary"].keys()
    assert documented["summary"]["baseline"].keys() == real["summary"]["baseline"].keys()
