"""A broken plugin or a crashing rule must never look like a clean run."""

from __future__ import annotations

import pytest

from guardrails.errors import ConfigError
from guardrails.testing import run

CRASHY_PLUGIN = """\
import libcst as cst
from guardrails import CstRule, Example, RuleMeta, hookimpl


class Crashy(CstRule):
    META = RuleMeta(
        id="TST001", name="crashy", category="reliability", severity="error",
        summary="s", why="w", remediation="r",
        bad=(Example("x = 1  # bad\\n"),), good=(Example("y = 2\\n"),),
    )

    def visit_Call(self, node: cst.Call) -> None:
        raise KeyError("boom")


@hookimpl
def guardrails_rules():
    return [Crashy]
"""

BAD = "import os\n\n\ndef f(x):\n    print(x)\n    os.system(x)\n"


def test_crashing_rule_is_gr003_and_rest_of_run_completes(project) -> None:
    project.write("tools/local_rules.py", CRASHY_PLUGIN)
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.local_rules"]\n')
    project.write("app.py", BAD)
    project.write("other.py", BAD)
    result = project.run("check", "--output-format", "json")
    assert result.code == 2, result.err
    ids = result.ids()
    assert ("app.py", "SEC001", 6) in ids and ("other.py", "SEC001", 6) in ids
    crashes = [v for v in result.json()["violations"] if v["rule_id"] == "GR003"]
    # every file with a call crashes the rule, the plugin's own module included
    assert sorted(v["path"] for v in crashes) == ["app.py", "other.py", "tools/local_rules.py"]
    assert "TST001" in crashes[0]["message"] and "KeyError: 'boom'" in crashes[0]["message"]
    assert crashes[0]["line"] == 5


def test_plugin_that_fails_to_import(project) -> None:
    project.write("tools/broken.py", "import does_not_exist\n")
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.broken"]\n')
    project.write("app.py", "x = 1\n")
    result = project.run("check")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "guardrails: error: plugin 'tools.broken' listed in pyproject.toml: [tool.guardrails] "
        "plugins failed to import: ModuleNotFoundError: No module named 'does_not_exist'"
    ]


def test_rule_id_collision_names_both_plugins(project) -> None:
    project.write(
        "tools/dupe.py",
        CRASHY_PLUGIN.replace('"TST001"', '"SEC001"'),
    )
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.dupe"]\n')
    project.write("app.py", "x = 1\n")
    result = project.run("check")
    assert result.code == 2
    assert (
        "rule id SEC001 is defined twice: by plugin 'guardrails.rules' and by plugin 'tools.dupe'"
    ) in result.err


def test_hook_that_raises(project) -> None:
    project.write(
        "tools/raiser.py",
        "from guardrails import hookimpl\n\n@hookimpl\ndef guardrails_rules():\n"
        "    raise RuntimeError('no rules today')\n",
    )
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.raiser"]\n')
    project.write("app.py", "x = 1\n")
    result = project.run("rules")
    assert result.code == 2
    assert "plugin 'tools.raiser': hook guardrails_rules raised RuntimeError: no rules today" in (
        result.err
    )


def test_config_plugin_rule_is_listed_with_its_plugin(project) -> None:
    project.write("tools/local_rules.py", CRASHY_PLUGIN)
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.local_rules"]\n')
    rows = {r["id"]: r for r in project.run("rules", "--output-format", "json").json()}
    assert rows["TST001"]["plugin"] == "tools.local_rules"


SCOPE_PLUGIN = """\
import libcst as cst
from libcst.metadata import ScopeProvider
from guardrails import CstRule, Example, RuleMeta, hookimpl


class UnusedGlobalName(CstRule):
    META = RuleMeta(
        id="TST002", name="module-global-assigned-in-function", category="reliability",
        severity="warning", summary="s", why="w", remediation="r",
    )
    METADATA_DEPENDENCIES = (ScopeProvider,)

    def visit_Global(self, node: cst.Global) -> None:
        scope = self.get_metadata(ScopeProvider, node)
        if scope is not None and type(scope).__name__ == "FunctionScope":
            self.report(node, "function rebinds a module global")


@hookimpl
def guardrails_rules():
    return [UnusedGlobalName]
"""


def test_rule_with_metadata_dependencies_gets_them(project) -> None:
    project.write("tools/scoped.py", SCOPE_PLUGIN)
    project.write(
        "pyproject.toml",
        '[tool.guardrails]\nplugins = ["tools.scoped"]\nselect = ["TST"]\n',
    )
    project.write("app.py", "COUNT = 0\n\n\ndef bump():\n    global COUNT\n    COUNT += 1\n")
    result = project.run("check", "--output-format", "json", "app.py")
    assert result.ids() == [("app.py", "TST002", 5)], result.err


def test_autoload_switch_skips_installed_plugins_but_not_listed_ones(
    project, entry_point_plugins
) -> None:
    def rows(*extra: str, **env: str | None) -> list[list[str]]:
        result = project.run("plugins", *extra, env=env)
        assert result.code == 0, result.err
        return [line.split()[:2] for line in result.out.splitlines()]

    assert ["acme", "entry-point"] in rows()
    off = rows(GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD="1")
    assert not any(name == "acme" or "acme" in name for name, _ in off), off
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["guardrails_acme"]\n')
    assert ["guardrails_acme", "config"] in rows(GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD="1")


def test_testing_helpers_see_plugins_switched_back_on(monkeypatch) -> None:
    """guardrails.testing caches registries; one built with autoload off must not answer a
    later test that has it on (order-dependent failures of a plugin's own tests under xdist)."""
    source = "import boto3\n\nclient = boto3.client('s3')\n"
    assert run(source, path="acme/x.py", select=["SEC"]) == []
    monkeypatch.delenv("GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD")
    found = run(source, path="acme/x.py", select=["ACME"])
    assert found, "the installed example plugin was not loaded"
    monkeypatch.setenv("GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD", "1")
    with pytest.raises(ConfigError, match="unknown rule id or prefix 'ACME'"):
        run(source, path="acme/x.py", select=["ACME"])
