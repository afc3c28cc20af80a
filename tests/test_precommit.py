"""The pre-commit hooks, run by the real `pre-commit` in a scratch git repository.

The hooks are taken from this repository's `.pre-commit-hooks.yaml` as they
are (entry, file types, serial, args) and run as `language: system` against
the guardrails installed in the test environment: `language: python` would
make pre-commit build a fresh virtualenv with all of guardrails' dependencies
on every run, which tests the pip resolver rather than the hooks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HOOKS = yaml.safe_load((Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text())

BAD = (
    "import subprocess\n\n\ndef run(cmd: str) -> None:\n"
    "    subprocess.run(cmd, shell=True, check=True)\n"
)
CLEAN = (
    "import subprocess\n\n\ndef run(cmd: list[str]) -> None:\n    subprocess.run(cmd, check=True)\n"
)
FIXABLE = (
    "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
    '    except ValueError as err:\n        raise RuntimeError(f"bad port {raw}")\n'
)


@pytest.fixture
def repo(project, tmp_path):
    hooks = []
    for hook in HOOKS:
        local = {
            k: v for k, v in hook.items() if k not in ("description", "minimum_pre_commit_version")
        }
        local["language"] = "system"
        local["entry"] = hook["entry"].replace("guardrails", f"{sys.executable} -m guardrails", 1)
        hooks.append(local)
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    project.write(".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
    project.git("init", "-q")
    # conftest's environment already has a committer and no user git config (a global
    # core.hooksPath, say, must not decide the outcome) or output-format variables
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args),
            cwd=project.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    installed = run(sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "pre-commit installed at .git/hooks/pre-commit" in installed.stdout
    hook = project.root / ".git" / "hooks" / "pre-commit"
    assert os.access(hook, os.X_OK) and "pre-commit" in hook.read_text()
    return project, run


def hook_result(output: str, name: str) -> str | None:
    """What pre-commit printed for the hook `name`: Passed, Failed, Skipped (None: not run)."""
    found = re.search(rf"^{re.escape(name)}\.+(?:\(no files to check\))?(\w+)$", output, re.M)
    return found.group(1) if found else None


def test_hook_definitions_look_like_ruffs() -> None:
    by_id = {hook["id"]: hook for hook in HOOKS}
    assert set(by_id) == {"guardrails", "guardrails-fix"}
    for hook in by_id.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi"]
        assert hook["require_serial"] is True
        assert "--force-exclude" in hook["entry"]


def test_bad_file_blocks_the_commit(repo) -> None:
    project, run = repo
    project.write("app.py", BAD)
    run("git", "add", "app.py", ".pre-commit-config.yaml")
    commit = run("git", "commit", "-qm", "add app")
    assert commit.returncode != 0
    output = commit.stdout + commit.stderr
    assert hook_result(output, "guardrails") == "Failed"
    assert "- hook id: guardrails\n" in output
    assert "app.py:5:5: SEC001" in output and "help: Pass the command as a list" in output
    assert run("git", "rev-parse", "--verify", "HEAD").returncode != 0  # nothing committed


def test_clean_file_passes(repo) -> None:
    project, run = repo
    project.write("app.py", CLEAN)
    run("git", "add", "app.py", ".pre-commit-config.yaml")
    commit = run("git", "commit", "-qm", "add app")
    output = commit.stdout + commit.stderr
    assert commit.returncode == 0, output
    # the hooks ran on the file and passed it: not skipped, not absent
    assert hook_result(output, "guardrails") == "Passed", output
    assert hook_result(output, "guardrails (fix)") == "Passed", output
    tree = run("git", "ls-tree", "--name-only", "HEAD")
    assert tree.stdout.split() == [".pre-commit-config.yaml", "app.py"]


def test_fix_hook_rewrites_what_it_safely_can(repo) -> None:
    project, run = repo
    path = project.write("ports.py", FIXABLE)
    run("git", "add", "ports.py", ".pre-commit-config.yaml")
    result = run(sys.executable, "-m", "pre_commit", "run", "guardrails-fix", "--files", "ports.py")
    assert result.returncode == 1  # pre-commit fails a hook that modified files
    assert hook_result(result.stdout, "guardrails (fix)") == "Failed"
    assert "- hook id: guardrails-fix\n" in result.stdout
    assert "files were modified by this hook" in result.stdout
    assert hook_result(result.stdout, "guardrails") is None  # only the hook asked for ran
    assert path.read_text() == FIXABLE.replace('{raw}")\n', '{raw}") from err\n')
    run("git", "add", "ports.py")
    commit = run("git", "commit", "-qm", "fixed")
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert hook_result(commit.stderr + commit.stdout, "guardrails (fix)") == "Passed"


BOTH = (
    "import subprocess\n\n\ndef run(cmd: str, raw: str) -> int:\n"
    "    subprocess.run(cmd, shell=True, check=True)\n"
    "    try:\n        return int(raw)\n"
    '    except ValueError as err:\n        raise RuntimeError(f"bad port {raw}")\n'
)


def test_a_commit_failing_both_hooks_shows_each_finding_once(repo) -> None:
    """The fix hook reports what it fixed; what remains is the check hook's to report."""
    project, run = repo
    path = project.write("app.py", BOTH)
    run("git", "add", "app.py", ".pre-commit-config.yaml")
    commit = run("git", "commit", "-qm", "add app")
    output = commit.stdout + commit.stderr
    assert commit.returncode != 0
    assert hook_result(output, "guardrails (fix)") == "Failed", output
    assert hook_result(output, "guardrails") == "Failed", output
    assert "Fixed 1 finding in 1 file." in output
    assert output.count("SEC001") == 1, output  # printed by the check hook alone
    assert "REL" not in output.split("- hook id: guardrails\n")[-1]  # fixed before the check
    assert path.read_text().endswith('{raw}") from err\n')


def test_both_hooks_pass_on_a_commit_touching_baselined_code(repo) -> None:
    """`fix` honours the baseline as `check` does: an adopted finding fails neither hook."""
    project, run = repo
    project.write("app.py", BAD)
    project.write("pyproject.toml", '[tool.guardrails]\nbaseline = "guardrails-baseline.json"\n')
    recorded = project.run("baseline")
    assert recorded.code == 0, recorded.err
    project.write("app.py", BAD + "\n\nVERSION = 2\n")  # touches the file, adds nothing bad
    run("git", "add", "-A")
    commit = run("git", "commit", "-qm", "adopt")
    output = commit.stdout + commit.stderr
    assert commit.returncode == 0, output
    assert hook_result(output, "guardrails (fix)") == "Passed", output
    assert hook_result(output, "guardrails") == "Passed", output
