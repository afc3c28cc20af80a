"""`guardrails init` merges its hook into any valid pre-commit config (issue 19).

Each case runs the real CLI in a scratch git repository and checks that the result
parses, keeps every entry and comment of the user's, holds the guardrails hook exactly
once, is accepted by `pre-commit validate-config`, and that a second run changes
nothing. A config it cannot merge into is one error line, exit 2, nothing written.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from test_hostile_containment import one_line_error, snapshot

from guardrails import _version

SAMPLE = subprocess.run(
    [sys.executable, "-m", "pre_commit", "sample-config"],
    capture_output=True,
    text=True,
    check=True,
).stdout

COMMENTED = """\
# Team hooks: keep this header

repos:
  # formatting first
  - repo: https://github.com/psf/black
    rev: 24.1.0
    hooks:
      - id: black  # pinned by CI
        args: [--quiet]

  # - repo: https://example.com/disabled
  #   rev: v1

# settings below the hooks
default_language_version:
  python: python3
ci:
  autofix_prs: false  # no bot commits
"""

CASES = {
    "sample-config": SAMPLE,
    "empty-list": "repos: []\n",
    "empty-list-commented": "# none yet\nrepos: []  # fill me\nfail_fast: true\n",
    "flow-entries": "repos: [{repo: local, hooks: []}]\n",
    "flow-multiline-commented": (
        "repos: [\n  {repo: local, hooks: []},  # kept\n]\ndefault_stages: [pre-commit]\n"
    ),
    "comments-and-blank-lines": COMMENTED,
    "keys-after-repos": (
        "repos:\n- repo: local\n  hooks: []\ndefault_language_version:\n  python: python3\n"
        "ci:\n  skip: [black]\n"
    ),
    "no-final-newline": "repos:\n  - repo: local\n    hooks: []",
    "empty-file": "",
    "only-comments": "# pre-commit config, to be filled\n",
    "no-repos-key": "fail_fast: true  # stop early\n",
    "block-scalar-last": (
        "repos:\n  - repo: local\n    hooks:\n      - id: say\n        name: say\n"
        "        entry: |\n          echo hi\n        language: system\n"
        "# end\n"
    ),
}

FLOW = {"empty-list", "empty-list-commented", "flow-entries", "flow-multiline-commented"}
"""Cases where the line holding the flow list `repos: [...]` is edited."""


def _hook_ids(data: dict) -> list[str]:
    return [h["id"] for r in data["repos"] for h in r.get("hooks") or []]


def _comments(text: str) -> list[str]:
    return [line[line.index("#") :].strip() for line in text.splitlines() if "#" in line]


@pytest.mark.parametrize("case", sorted(CASES))
def test_init_merges_into_a_valid_config_and_keeps_every_line(project, case) -> None:
    original = CASES[case]
    project.git("init", "-q")
    path = project.write(".pre-commit-config.yaml", original)
    path.write_text(original)  # exactly, not dedented
    before = yaml.safe_load(original) or {}

    first = project.run("init")
    assert first.code == 0, first.err
    assert "added the guardrails hook to .pre-commit-config.yaml" in first.out
    assert "wrote AGENTS.md policy section" in first.out  # the other files still written
    assert (project.root / "AGENTS.md").is_file()
    assert (project.root / "pyproject.toml").is_file()

    text = path.read_text()
    after = yaml.safe_load(text)
    old_repos = before.get("repos") or []
    assert after["repos"][: len(old_repos)] == old_repos  # the user's entries, in order
    assert {k: v for k, v in after.items() if k != "repos"} == {
        k: v for k, v in before.items() if k != "repos"
    }
    assert _hook_ids(after).count("guardrails") == 1
    (ours,) = [r for r in after["repos"] if any(h["id"] == "guardrails" for h in r["hooks"])]
    assert ours == {
        "repo": _version.REPOSITORY,
        "rev": _version.RELEASE,
        "hooks": [{"id": "guardrails"}],
    }
    for comment in _comments(original):  # comments kept, the same line each
        assert any(comment in line for line in text.splitlines()), comment
    if case not in FLOW:  # a block list: every line of the user's kept as it was
        for line in original.splitlines():
            assert line in text.splitlines(), line
    validated = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr

    files = snapshot(project.root, skip=".git")
    again = project.run("init")
    assert again.code == 0, again.err
    assert "kept .pre-commit-config.yaml (already runs guardrails)" in again.out
    assert snapshot(project.root, skip=".git") == files


def test_init_keeps_a_config_that_already_runs_guardrails(project) -> None:
    original = SAMPLE + "-   repo: local\n    hooks:\n    -   id: guardrails  # ours\n"
    original += "        name: guardrails\n        entry: guardrails check\n"
    original += "        language: system\n"
    path = project.write(".pre-commit-config.yaml", "")
    path.write_text(original)
    result = project.run("init")
    assert result.code == 0, result.err
    assert "kept .pre-commit-config.yaml (already runs guardrails)" in result.out
    assert path.read_text() == original


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("repos: [\n", ("not valid YAML", "line 2")),
        ("repos:\n  - a\n b: [\n", ("not valid YAML",)),
        ("- repo: local\n  hooks: []\n", ("top level is a list", "not a mapping")),
        ("just text\n", ("top level is a string",)),
        ("repos: 3\n", ("`repos` is a number, not a list",)),
        ("repos: {repo: local}\n", ("`repos` is a mapping, not a list",)),
        ("repos: local\n", ("`repos` is a string, not a list",)),
    ],
)
def test_init_explains_in_one_line_what_it_cannot_merge_into(project, content, words) -> None:
    path = project.write(".pre-commit-config.yaml", "")
    path.write_text(content)
    before = snapshot(project.root)
    one_line_error(project.run("init"), ".pre-commit-config.yaml", *words)
    assert snapshot(project.root) == before  # not pyproject, not AGENTS.md: nothing


def test_init_rewrites_only_a_config_without_comments(project) -> None:
    # `repos: null` with a value after the key: no text edit fits, a re-dump loses nothing
    path = project.write(".pre-commit-config.yaml", "")
    path.write_text("repos: ~\nfail_fast: true\n")
    result = project.run("init")
    assert result.code == 0, result.err
    assert "rewritten: no comments to keep" in result.out
    data = yaml.safe_load(path.read_text())
    assert data["fail_fast"] is True and _hook_ids(data) == ["guardrails"]
    # the same with a comment: the comment would be lost, so say what to add by hand
    path.write_text("repos: ~  # later\nfail_fast: true\n")
    (project.root / "AGENTS.md").unlink()
    before = snapshot(project.root)
    one_line_error(
        project.run("init"),
        ".pre-commit-config.yaml",
        "by hand",
        f"{{repo: '{_version.REPOSITORY}', rev: {_version.RELEASE}, hooks: [{{id: guardrails}}]}}",
    )
    assert snapshot(project.root) == before
