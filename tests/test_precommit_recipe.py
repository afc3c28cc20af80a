"""docs/ci.md's pre-commit recipes, run by the real `pre-commit` as a project would.

pre-commit clones guardrails at the pinned commit (`repo:` pointed at this checkout, which
holds that commit), builds the hook's own environment with `pip install .` plus the
`additional_dependencies`, and runs the hooks. The hook environment sees the test
environment's site folders through PYTHONPATH (not `--system-site-packages`, which would show
the base interpreter's when the suite runs in a virtualenv), so only guardrails itself and the
example plugin are built: the recipe is tested, not a download of semgrep. Those folders hold
guardrails only as an editable install's finder, which PYTHONPATH does not run, so the hook
imports the pinned commit's code.
"""

from __future__ import annotations

import os
import re
import site
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from guardrails import _version

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_PLUGIN = REPO / "plugins" / "guardrails-acme"

BOTO = "import boto3\n\n\ndef upload():\n    return boto3.client('s3')\n"
FIXABLE = (
    "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
    '    except ValueError as err:\n        raise RuntimeError(f"bad port {raw}")\n'
)


def recipes() -> list[str]:
    """The YAML blocks of docs/ci.md's pre-commit section, in order."""
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text.split("## pre-commit", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, re.S)


def local(recipe: str) -> str:
    """The recipe with the published repository replaced by this checkout and the org
    plugin's release by the example plugin's folder."""
    data = yaml.safe_load(recipe)
    for repo in data["repos"]:
        assert repo["repo"] == _version.REPOSITORY and repo["rev"] == _version.RELEASE
        repo["repo"] = str(REPO)
        for hook in repo["hooks"]:
            deps = hook.get("additional_dependencies", [])
            hook["additional_dependencies"] = [
                str(EXAMPLE_PLUGIN) if d.startswith("guardrails-acme") else d for d in deps
            ]
    return yaml.safe_dump(data, sort_keys=False)


@pytest.fixture
def commit(project, tmp_path):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: pre-commit cannot clone the pinned commit from it")
    env = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD"}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PYTHONPATH=os.pathsep.join(site.getsitepackages()),
    )
    project.git("init", "-q")

    def run(config: str, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
        project.write(".pre-commit-config.yaml", config)
        for name, text in files.items():
            project.write(name, text)
        project.git("add", "-A")
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files"],
            cwd=project.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    return run


def test_the_docs_recipes_run_at_the_pinned_commit(commit) -> None:
    plain, with_plugin = recipes()
    config = '[tool.guardrails]\nrequired-plugins = ["guardrails-acme"]\n'

    # init's entry, without the plugin: the required plugin is missing, and it says so
    bare = commit(local(plain), {"pyproject.toml": config, "app/aws.py": BOTO})
    assert bare.returncode == 1, bare.stdout
    assert "'guardrails-acme' is required by pyproject.toml" in bare.stdout, bare.stdout
    assert "additional_dependencies" in bare.stdout

    # with the plugin in additional_dependencies: its rule runs in the hook's environment,
    # the fix hook fixes, and each remaining finding is printed once
    done = commit(local(with_plugin), {"ports.py": FIXABLE})
    output = done.stdout
    assert done.returncode == 1, output
    assert re.search(r"^guardrails \(fix\)\.+Failed$", output, re.M), output
    assert "Fixed 1 finding in 1 file." in output
    assert re.search(r"^guardrails\.+Failed$", output, re.M), output
    (acme,) = re.findall(r"app/aws\.py:\d+:\d+: (ACME\d+)", output)
    assert output.count(acme) == 1
    again = commit(local(with_plugin), {})  # the fix is in; the ACME finding remains
    assert re.search(r"^guardrails \(fix\)\.+Passed$", again.stdout, re.M), again.stdout
