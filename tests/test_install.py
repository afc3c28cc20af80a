"""Installing guardrails as the README and docs say, for real.

The README's set-up line runs as written in a new virtualenv with the pip that `venv` ships;
a non-editable install (what `pipx` and `uv tool install` make) runs without being activated;
and every install line, pre-commit `rev:` and `repo:` the pages show names the one pinned
commit (`guardrails._version.RELEASE`), which must exist in this repository's history.

The virtualenvs see the test environment's packages (`venv_seeing_this_environment`): what
is tested is this project's own install, not a download of its dependencies.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import venv_seeing_this_environment
from guardrails import _version

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
PINNED = f"guardrails-lint[lsp,mcp] @ git+{_version.REPOSITORY}@{_version.RELEASE}"
"""With the extras for `guardrails server` (editors) and `guardrails mcp` (`init --agent`)."""
TOOL_INSTALL = re.compile(r"\b(?:pipx install|uv tool install)\s+'(?P<spec>[^']+)'")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, **extra}


def _run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=_env(**extra), capture_output=True, text=True, timeout=600
    )


def _readme_setup_line() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.search(r"```sh\n(python3 -m venv .*)\n```", text).group(1)


def test_the_readme_setup_line_works_with_the_pip_venv_ships(tmp_path: Path) -> None:
    line = _readme_setup_line()
    venv = tmp_path / "venv"
    venv_seeing_this_environment(venv, with_pip=True)  # the line's `venv` keeps what is there
    line = line.replace("python3 -m venv .venv", f"python3 -m venv {venv}", 1).replace(
        ". .venv/bin/activate", f". {venv}/bin/activate", 1
    )
    done = _run(["bash", "-c", line + "; echo exit=$?"], cwd=REPO)
    assert "exit=1" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    assert re.search(r"^Found \d+ findings", done.stdout, re.M), done.stdout[-2000:]
    local = _run([str(venv / "bin" / "python"), "-m", "pip", "list", "--local"], cwd=tmp_path)
    assert "guardrails-lint" in local.stdout
    assert "guardrails-acme" not in local.stdout  # the example plugin stays out of a user's venv


def test_a_non_editable_install_runs_without_activation(tmp_path: Path) -> None:
    """What `pipx install` makes: guardrails in a venv of its own, called by its full path
    (not on PATH, the venv not activated), finding its rule files and its tools."""
    venv = tmp_path / "tool"
    python = venv_seeing_this_environment(venv, with_pip=True)
    source = tmp_path / "source"  # setuptools builds in the tree: a copy, not the checkout
    skip = (".git", "build", "*.egg-info", "__pycache__", ".*_cache", ".venv")
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*skip))
    pip = [str(python), "-m", "pip", "install", "-q", "--no-deps", str(source)]
    installed = _run(pip, tmp_path)
    assert installed.returncode == 0, installed.stderr[-2000:]
    where = _run([str(python), "-c", "import guardrails; print(guardrails.__file__)"], tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # its own copy

    project = tmp_path / "service"
    shutil.copytree(REPO / "examples" / "service", project)
    args = ["check", "--no-cache", "--output-format", "json", "."]
    tool = _run([str(venv / "bin" / "guardrails"), *args], cwd=project)
    here = _run([sys.executable, "-m", "guardrails", *args], cwd=project)
    assert tool.returncode == here.returncode == 1, tool.stderr + here.stderr

    def ids(out: str) -> list[tuple[str, int]]:
        return [(v["rule_id"], v["line"]) for v in json.loads(out)["violations"]]

    assert ids(tool.stdout) == ids(here.stdout)
    listed = [
        _run([*command, "rules", "--output-format", "json"], cwd=project).stdout
        for command in ([str(venv / "bin" / "guardrails")], [sys.executable, "-m", "guardrails"])
    ]
    assert listed[0] == listed[1]  # every rule file shipped, Semgrep YAML included
    assert '"backend": "semgrep"' in listed[0]


def test_every_documented_install_and_hook_pins_the_release() -> None:
    specs, revs, repos = [], [], []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        specs += TOOL_INSTALL.findall(text)
        for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
            data = yaml.safe_load(block)
            for repo in data.get("repos") or [] if isinstance(data, dict) else []:
                repos.append(repo["repo"])
                revs.append(repo.get("rev"))
    assert specs and revs, "no install line or pre-commit recipe found: the test checks nothing"
    assert set(specs) == {PINNED}
    assert set(revs) == {_version.RELEASE}
    assert set(repos) == {_version.REPOSITORY}


def test_the_pinned_commit_is_in_this_repository_with_the_hooks_the_docs_use() -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the history that holds the pinned commit is absent")
    ancestor = subprocess.run(
        ["git", "merge-base", "--is-ancestor", _version.RELEASE, "HEAD"], cwd=REPO, check=False
    )
    assert ancestor.returncode == 0, f"{_version.RELEASE} is not a commit of this branch"
    hooks = subprocess.run(
        ["git", "show", f"{_version.RELEASE}:.pre-commit-hooks.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_id = {hook["id"]: hook for hook in yaml.safe_load(hooks)}
    assert set(by_id) == {"guardrails", "guardrails-fix"}
    assert "--fixes-only" in by_id["guardrails-fix"]["entry"]
