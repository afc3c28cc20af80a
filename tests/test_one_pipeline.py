"""Every surface gives the answer CI gives: one pipeline (`guardrails.service.check`).

The agent hooks and the MCP server used to run the engine and the baseline
themselves and never applied `policy-base`, so an agent could get a green
answer for a change CI then failed; `fix` and the MCP `fix` tool ignored the
baseline, so the fix hook failed commits the check hook passed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import Project
from guardrails import mcp_server, service

CONFIG = """\
[tool.guardrails]
select = ["SEC", "REL"]
baseline = "guardrails-baseline.json"
policy-base = "HEAD"
"""
APP = (
    "import subprocess\n\n\n"
    "def run(args: list[str]) -> None:\n"
    "    subprocess.run(args, check=True)\n"
)
# a new suppression: a weakening of the policy since HEAD (GR005)
WEAKENED = (
    "import pickle\n\n\n"
    "def load(blob: bytes) -> object:\n"
    "    return pickle.loads(blob)  # guardrails: ignore[SEC003] trusted cache\n"
)


def _repo(project: Project) -> None:
    project.git("init", "-q")
    project.write("pyproject.toml", CONFIG)
    project.write("shop/__init__.py", "")
    project.write("shop/app.py", APP)
    project.write("guardrails-baseline.json", json.dumps({"version": 1, "findings": []}))
    project.git("add", "-A")
    project.git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")


def _ci(project: Project, *paths: str) -> list[tuple[str, str, int]]:
    result = project.run("check", "--output-format", "json", *paths)
    assert result.code in (0, 1), result.err
    return result.ids()


@pytest.fixture
def in_project(project: Project) -> Project:
    cwd = Path.cwd()
    os.chdir(project.root)
    yield project
    os.chdir(cwd)


def test_agent_check_applies_policy_base_as_ci_does(in_project: Project) -> None:
    project = in_project
    _repo(project)
    project.write("shop/cache.py", WEAKENED)
    ci = _ci(project, "shop/cache.py")
    assert ("shop/cache.py", "GR005", 5) in ci
    agent = service.check_files(project.root, [project.root / "shop/cache.py"])
    assert [(v.path, v.rule_id, v.line) for v in agent.violations] == ci
    assert agent.summary.failing and "GR005" in agent.text
    mcp = mcp_server.tool_check(paths=["shop/cache.py"])
    assert "GR005" in mcp


def test_fix_reports_what_remains_as_check_does_under_a_baseline(in_project: Project) -> None:
    project = in_project
    project.write("pyproject.toml", '[tool.guardrails]\nbaseline = "base.json"\n')
    # SEC001 (no automatic fix) is recorded in the baseline
    project.write(
        "svc.py",
        "import subprocess\n\n\ndef run(cmd: str) -> None:\n"
        "    subprocess.run(cmd, shell=True, check=True)\n",
    )
    assert project.run("baseline").code == 0
    check = project.run("check", "--output-format", "json")
    assert check.code == 0 and check.ids() == [], check.out
    fixed = project.run("fix")
    assert fixed.code == 0, fixed.out + fixed.err
    assert "1 finding hidden by the baseline" in fixed.out, fixed.out
    answer = mcp_server.tool_fix(["svc.py"], apply=True)
    assert "0 finding(s) remain" in answer, answer


def test_service_check_is_what_the_cli_prints(in_project: Project) -> None:
    project = in_project
    project.write("app.py", APP.replace("args, check=True", "'ls', shell=True"))
    result = service.check(service.CheckRequest([Path("app.py")], project.root))
    ci = _ci(project, "app.py")
    assert [(v.path, v.rule_id, v.line) for v in result.violations] == ci
    assert result.exit_code() == 1 and result.exit_code(exit_zero=True) == 0
