"""`required-plugins`: a run without an org plugin the project depends on fails loudly.

pre-commit runs hooks in an isolated environment holding only what `additional_dependencies`
names; without this setting such a run silently checks less than CI does and passes.
"""

from __future__ import annotations

import pytest

CONFIG = '[tool.guardrails]\nrequired-plugins = [{names}]\nselect = ["ACME", "SEC"]\n'
BOTO = "import boto3\n\nclient = boto3.client('s3')\n"


@pytest.mark.parametrize("name", ["guardrails-acme", "guardrails_ACME", "acme"])
def test_an_installed_plugin_satisfies_it_by_distribution_or_entry_point_name(
    project, entry_point_plugins, name: str
) -> None:
    project.write("pyproject.toml", CONFIG.format(names=f'"{name}"'))
    project.write("acme/x.py", BOTO)
    result = project.run("check", "--output-format", "json", "acme/x.py")
    assert result.code == 1, result.err
    assert any(rule.startswith("ACME") for _, rule, _ in result.ids())


def test_a_missing_plugin_is_one_error_line_naming_the_fix(project, entry_point_plugins) -> None:
    project.write("pyproject.toml", CONFIG.format(names='"guardrails-acme", "guardrails-widgets"'))
    project.write("app.py", BOTO)
    result = project.run("check", "app.py")
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    where = "pyproject.toml: [tool.guardrails] required-plugins"
    assert f"'guardrails-widgets' is required by {where}" in lines[0]
    assert "additional_dependencies" in lines[0]


def test_autoload_switched_off_is_named_as_the_cause(project) -> None:
    """The test session turns entry-point plugins off: the installed one does not count."""
    project.write("pyproject.toml", CONFIG.format(names='"guardrails-acme"'))
    project.write("app.py", BOTO)
    result = project.run("check", "app.py")
    assert result.code == 2
    assert "GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD is set" in result.err


def test_a_plugin_listed_in_plugins_counts(project) -> None:
    project.write(
        "pyproject.toml",
        '[tool.guardrails]\nplugins = ["guardrails_acme"]\n'
        'required-plugins = ["guardrails_acme"]\n',
    )
    project.write("app.py", "X = 1\n")
    assert project.run("check", "app.py").code == 0


def test_it_must_be_a_list_of_names(project) -> None:
    project.write("pyproject.toml", '[tool.guardrails]\nrequired-plugins = "guardrails-acme"\n')
    project.write("app.py", "X = 1\n")
    result = project.run("check", "app.py")
    assert result.code == 2
    assert "required-plugins" in result.err and "Traceback" not in result.err
