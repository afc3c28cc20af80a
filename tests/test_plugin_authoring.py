"""Writing an org rule as a new user would: scaffold, fill in, test, list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import fill_in_no_sleep


def _pytest(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )


def test_scaffolded_rule_fails_until_filled_in(project) -> None:
    package = project.root / "acme_rules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    made = project.run(
        "new-rule",
        "ACME050",
        "--name",
        "no-sleep",
        "--category",
        "reliability",
        "--path",
        "acme_rules",
    )
    assert made.code == 0, made.err
    assert "wrote acme_rules/no_sleep.py" in made.out
    empty = _pytest(project.root)
    assert empty.returncode == 1, empty.stdout
    assert "no rule examples selected" in empty.stdout

    fill_in_no_sleep(package / "no_sleep.py")
    filled = _pytest(project.root)
    assert filled.returncode == 0, filled.stdout


def test_scaffolded_test_imports_the_rule_whether_or_not_the_folder_is_a_package(
    project,
) -> None:
    """The test used to bake in how its folder was imported when it was written: a folder
    that became a package afterwards (or stopped being one) broke it with
    ModuleNotFoundError."""
    folder = project.root / "policies"
    made = project.run(
        "new-rule",
        "ACME052",
        "--name",
        "no-sleep",
        "--category",
        "reliability",
        "--path",
        "policies",
    )
    assert made.code == 0, made.err
    fill_in_no_sleep(folder / "no_sleep.py")
    plain = _pytest(project.root)
    assert plain.returncode == 0, plain.stdout
    assert "5 passed" in plain.stdout

    (folder / "__init__.py").write_text("")  # the folder becomes a package
    package = _pytest(project.root)
    assert package.returncode == 0, package.stdout
    assert "5 passed" in package.stdout

    (project.root / "__init__.py").write_text("")  # and a subpackage of another
    nested = _pytest(project.root)
    assert nested.returncode == 0, nested.stdout


def test_scaffolded_semgrep_rule_fails_until_filled_in(project) -> None:
    made = project.run(
        "new-rule",
        "ACME051",
        "--name",
        "no-yaml-dump",
        "--category",
        "reliability",
        "--backend",
        "semgrep",
        "--path",
        "rules",
    )
    assert made.code == 0, made.err
    assert _pytest(project.root).returncode == 1
    path = project.root / "rules" / "semgrep" / "no_yaml_dump.yaml"
    text = path.read_text()
    text = text.replace("pattern: FILL_IN($X)", "pattern: yaml.dump($X)")
    text = text.replace("triggers: [FILL_IN]", "triggers: [yaml]")
    text = text.replace(
        "bad: []",
        'bad: ["import yaml\\nyaml.dump(1)  # bad\\n",'
        ' "from yaml import dump\\ndump(2)  # bad\\n"]',
    ).replace("good: []", 'good: ["import yaml\\nyaml.safe_dump(1)\\n", "dump = 1\\n"]')
    path.write_text(text)
    filled = _pytest(project.root)
    assert filled.returncode == 0, filled.stdout


def test_new_rule_validates_its_input(project) -> None:
    bad_id = project.run("new-rule", "acme1", "--name", "x", "--category", "security")
    assert bad_id.code == 2 and "capital letters then 3 digits" in bad_id.err
    bad_name = project.run("new-rule", "ACME001", "--name", "No Spaces", "--category", "x")
    assert bad_name.code == 2 and "kebab-case" in bad_name.err


def test_in_repo_plugin_with_new_category_is_listed(project) -> None:
    project.write(
        "tools/guardrails_local.py",
        """\
        import libcst as cst
        from guardrails import CstRule, Example, RuleMeta, hookimpl

        __version__ = "0.3"


        class NoPickleImport(CstRule):
            META = RuleMeta(
                id="CMP001", name="no-pickle-import", category="compliance",
                severity="error", summary="s", why="w", remediation="use json",
                bad=(Example("import pickle  # bad\\n"), Example("import pickle as p  # bad\\n")),
                good=(Example("import json\\n"), Example("pickle = 1\\n")),
            )

            def visit_Import(self, node: cst.Import) -> None:
                for alias in node.names:
                    if self.context.qualified_name(alias.name) == "pickle":
                        self.report(node, "pickle is banned here")


        @hookimpl
        def guardrails_categories():
            return ["compliance"]


        @hookimpl
        def guardrails_rules():
            return [NoPickleImport]
        """,
    )
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.guardrails_local"]\n')
    project.write("app.py", "import pickle\n")
    result = project.run("check", "--output-format", "json", "app.py")
    assert result.ids() == [("app.py", "CMP001", 1)]
    assert result.json()["violations"][0]["category"] == "compliance"
    plugins = {r["name"]: r for r in project.run("plugins", "--output-format", "json").json()}
    assert plugins["tools.guardrails_local"] == {
        "name": "tools.guardrails_local",
        "source": "config",
        "version": "0.3",
        "rules": 1,
        "ids": ["CMP001"],
    }


def test_undeclared_category_is_rejected(project) -> None:
    project.write(
        "tools/p.py",
        "from guardrails import CstRule, RuleMeta, hookimpl\n\n"
        "class R(CstRule):\n    META = RuleMeta(id='CMP002', name='r', category='legal',\n"
        "        severity='error', summary='s', why='w', remediation='r')\n\n"
        "@hookimpl\ndef guardrails_rules():\n    return [R]\n",
    )
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.p"]\n')
    result = project.run("rules")
    assert result.code == 2
    assert "category 'legal' is unknown (declare it with guardrails_categories)" in result.err
