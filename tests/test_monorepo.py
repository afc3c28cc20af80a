"""A monorepo: each file is checked with its nearest config, wherever the command ran.

Two services with their own `[tool.guardrails]` and baselines, one of them
`extend`ing the repository's config. The same file must get the same findings
from the repository root (where pre-commit runs), from its service folder,
through pre-commit, the agent hook's service call and the MCP server; SARIF
and GitHub annotations name files from the repository root.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import Project

ROOT_CONFIG = """\
[tool.guardrails]
select = ["SEC", "OBS"]

[tool.guardrails.severity]
OBS001 = "error"
"""
# orders: its own policy (security only) and its own baseline
ORDERS_CONFIG = """\
[tool.guardrails]
select = ["SEC"]
baseline = "guardrails-baseline.json"
"""
# billing: the repository's policy, minus SEC003 for its legacy folder
BILLING_CONFIG = """\
[tool.guardrails]
extend = "../../pyproject.toml"

[tool.guardrails.per-file-ignores]
"legacy/*" = ["SEC003"]
"""
APP = """\
import pickle
import subprocess


def run(cmd: str) -> None:
    subprocess.run(cmd, shell=True, check=True)


def load(blob: bytes) -> object:
    print("loading")
    return pickle.loads(blob)
"""
# orders' baseline accepts its SEC003 (recorded below); billing has none
EXPECTED = {
    ("services/orders/app.py", "SEC001", 6),
    ("services/billing/app.py", "SEC001", 6),
    ("services/billing/app.py", "OBS001", 10),
    ("services/billing/app.py", "SEC003", 11),
    ("services/billing/legacy/old.py", "SEC001", 6),
    ("services/billing/legacy/old.py", "OBS001", 10),
}


@pytest.fixture
def monorepo(project: Project) -> Project:
    project.git("init", "-q")
    project.write("pyproject.toml", ROOT_CONFIG)
    project.write("services/orders/pyproject.toml", ORDERS_CONFIG)
    project.write("services/orders/app.py", APP)
    project.write("services/billing/pyproject.toml", BILLING_CONFIG)
    project.write("services/billing/app.py", APP)
    project.write("services/billing/legacy/old.py", APP)
    # orders records its current SEC003 in its own baseline, from its own folder
    orders = project.root / "services/orders"
    recorded = project.run("baseline", "--select", "SEC003", cwd=orders)
    assert recorded.code == 0, recorded.err
    entries = json.loads((orders / "guardrails-baseline.json").read_text())["findings"]
    assert [(e["path"], e["rule_id"]) for e in entries] == [("app.py", "SEC003")]
    return project


def _from(project: Project, where: str, *args: str) -> set[tuple[str, str, int]]:
    """Findings as (path from the repository root, rule, line), run from `where`."""
    result = project.run("check", "--output-format", "json", *args, cwd=project.root / where)
    assert result.code in (0, 1), result.err
    prefix = "" if where == "." else where + "/"
    return {(prefix + path, rule, line) for path, rule, line in result.ids()}


def _of(found: set[tuple[str, str, int]], service: str) -> set[tuple[str, str, int]]:
    return {f for f in found if f[0].startswith(f"services/{service}/")}


def test_each_file_gets_its_nearest_config_from_anywhere(monorepo: Project) -> None:
    assert _from(monorepo, ".") == EXPECTED
    assert _from(monorepo, ".", "services/orders") == _of(EXPECTED, "orders")
    assert _from(monorepo, "services/orders") == _of(EXPECTED, "orders")
    assert _from(monorepo, "services/billing") == _of(EXPECTED, "billing")
    # a file named on its own, from the root, as pre-commit passes them
    named = _from(monorepo, ".", "services/billing/legacy/old.py", "services/orders/app.py")
    assert named == {f for f in EXPECTED if f[0].endswith(("old.py", "orders/app.py"))}


def test_a_services_fail_on_and_severities_are_its_own(monorepo: Project) -> None:
    # OBS001 is an error by the repository config that billing extends: billing fails
    billing = monorepo.run("check", cwd=monorepo.root / "services/billing")
    assert billing.code == 1 and "OBS001" in billing.out
    # orders' only unbaselined finding is SEC001, an error there too
    monorepo.write("services/orders/app.py", APP.replace("shell=True", "shell=False"))
    orders = monorepo.run("check", "--output-format", "json", cwd=monorepo.root / "services/orders")
    assert orders.code == 0 and orders.json()["summary"]["baseline"]["hidden"] == 1, orders.out


def test_sarif_and_github_name_files_from_the_repository_root(monorepo: Project) -> None:
    orders = monorepo.root / "services/orders"
    sarif = json.loads(monorepo.run("check", "--output-format", "sarif", cwd=orders).out)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"services/orders/app.py"}
    github = monorepo.run("check", "--output-format", "github", cwd=orders).out
    assert "file=services/orders/app.py," in github, github


def test_agent_hook_and_mcp_give_the_same_findings(
    monorepo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guardrails import mcp_server, service

    monkeypatch.chdir(monorepo.root)
    target = monorepo.root / "services/billing/app.py"
    agent = service.check_files(monorepo.root, [target])
    assert {(v.rule_id, v.line) for v in agent.violations} == {
        (rule, line) for path, rule, line in EXPECTED if path == "services/billing/app.py"
    }
    answer = mcp_server.tool_check(paths=["services/orders/app.py"])
    assert "SEC001" in answer and "SEC003" not in answer and "OBS001" not in answer


def test_pre_commit_from_the_root_checks_each_file_with_its_config(
    monorepo: Project, tmp_path: Path
) -> None:
    hook = {
        "id": "guardrails",
        "name": "guardrails",
        "entry": f"{sys.executable} -m guardrails check --output-format jsonl",
        "language": "system",
        "types_or": ["python", "pyi"],
        "require_serial": True,
    }
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    monorepo.write(".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
    monorepo.git("add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=monorepo.root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert {(r["path"], r["rule_id"], r["line"]) for r in rows} == EXPECTED


def test_extend_merges_rule_options_and_refuses_cycles(tmp_path: Path) -> None:
    from guardrails.config import load_settings
    from guardrails.errors import ConfigError

    (tmp_path / "svc").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.guardrails]\nbaseline = "base.json"\nsrc = ["lib"]\n'
        "[tool.guardrails.rules.ARC003]\nmax-lines = 100\n"
        '[tool.guardrails.severity]\nOBS001 = "error"\n'
    )
    child = tmp_path / "svc" / "guardrails.toml"
    child.write_text('extend = "../pyproject.toml"\n[severity]\nSEC001 = "info"\n')
    settings = load_settings(tmp_path / "svc")
    assert settings.config_path == child and settings.root == (tmp_path / "svc").resolve()
    assert settings.severity == {"OBS001": "error", "SEC001": "info"}
    assert settings.rule_options == {"ARC003": {"max-lines": 100}}
    assert settings.baseline is None  # each project keeps its own
    assert settings.src == ((tmp_path / "lib").resolve(),)  # relative to the parent
    (tmp_path / "pyproject.toml").write_text('[tool.guardrails]\nextend = "svc/guardrails.toml"\n')
    with pytest.raises(ConfigError, match="cycle"):
        load_settings(tmp_path / "svc")
    child.write_text('extend = "../missing.toml"\n')
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "svc")
