"""`guardrails new-plugin`: a plugin package that installs and passes its tests at once.

The real path a platform team takes: scaffold, build and install with pip (no network:
no build isolation, no dependencies), run the plugin's own tests with pytest, list its
rules, check code with it, and add a second rule with `new-rule` inside it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import fill_in_no_sleep

ENTRY_POINTS_ON = {"GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD": None}


def _builds_wheels_offline() -> bool:
    """setuptools builds wheels itself from 70.1 on; before, it needs `wheel`."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def _run(args: list[str], cwd: Path, **env: str | None) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    for key, value in env.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env=environment, check=False, timeout=300
    )


@pytest.mark.skipif(
    not _builds_wheels_offline(), reason="needs setuptools>=70.1 (or wheel) to build offline"
)
def test_new_plugin_installs_passes_its_tests_and_reports(project, tmp_path: Path) -> None:
    made = project.run("new-plugin", "shop")
    assert made.code == 0, made.err
    plugin = project.root / "guardrails-shop"
    assert f"wrote {Path('guardrails-shop') / 'pyproject.toml'}" in made.out
    assert _files(project.root) == {
        "guardrails-shop",
        *(
            f"guardrails-shop/{f}"
            for f in (
                "pyproject.toml",
                "README.md",
                "src",
                "src/guardrails_shop",
                "src/guardrails_shop/__init__.py",
                "src/guardrails_shop/rules",
                "src/guardrails_shop/rules/__init__.py",
                "src/guardrails_shop/rules/no_pprint.py",
                "tests",
                "tests/test_guardrails_shop.py",
            )
        ),
    }

    # what it writes is clean by ruff's and guardrails' own standards
    for ruff in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        linted = _run([sys.executable, "-m", "ruff", *ruff], plugin)
        assert linted.returncode == 0, linted.stdout + linted.stderr
    assert project.run("check", "--no-cache", ".", cwd=plugin).code == 0

    # a second rule, added inside the package, lands where the hook module finds it
    added = project.run(
        "new-rule", "SHOP002", "--name", "no-sleep", "--category", "reliability", cwd=plugin
    )
    assert added.code == 0, added.err
    rule = plugin / "src" / "guardrails_shop" / "rules" / "no_sleep.py"
    assert added.out.splitlines()[:2] == [
        f"wrote {Path('src/guardrails_shop/rules/no_sleep.py')}",
        f"wrote {Path('tests/test_no_sleep.py')}",
    ]
    fill_in_no_sleep(rule)

    # installed the way CI installs a plugin, without the network
    site = tmp_path / "site"
    pip = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(plugin),
        ],
        project.root,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    installed = {"PYTHONPATH": str(site), **ENTRY_POINTS_ON}

    tests = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"],
        plugin,
        **installed,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "15 passed" in tests.stdout, tests.stdout[-3000:]

    rules = project.run("rules", env=installed)
    rows = [line.split() for line in rules.out.splitlines()]
    assert ["SHOP001", "no-pprint", "observability", "warning", "libcst", "shop"] in rows
    assert ["SHOP002", "no-sleep", "reliability", "warning", "libcst", "shop"] in rows

    project.write(
        "app/report.py", "import pprint\n\n\ndef show(order):\n    pprint.pprint(order)\n"
    )
    project.write("tests/test_report.py", "import pprint\n\npprint.pprint(1)\n")
    found = project.run("check", "--select", "SHOP", "--output-format", "json", env=installed)
    assert found.code == 1, found.err
    assert found.ids() == [("app/report.py", "SHOP001", 5)]  # test code is exempt


def test_new_plugin_refuses_a_folder_in_use_and_writes_nothing(project) -> None:
    project.write("guardrails-shop/notes.txt", "mine\n")
    before = _files(project.root)
    refused = project.run("new-plugin", "shop")
    assert refused.code == 2
    assert refused.err.splitlines() == [
        f"guardrails: error: {Path('guardrails-shop')} already exists and is not empty"
    ]
    assert _files(project.root) == before
    (project.root / "guardrails-shop" / "notes.txt").unlink()
    assert project.run("new-plugin", "guardrails-shop").code == 0  # an empty folder is fine


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Shop_1"], "plugin name 'Shop_1' must be kebab-case, e.g. acme or my-org"),
        (["shop", "--prefix", "sh0p"], "prefix 'sh0p' must be capital letters"),
        (["sec", "--prefix", "SEC"], "prefix 'SEC' is already used by loaded rules (SEC001)"),
        (["gr"], "prefix 'GR' is already used by loaded rules (GR001)"),
        (["shop", "--out", "missing"], "missing is not a directory"),
    ],
)
def test_new_plugin_validates_its_input(project, args: list[str], message: str) -> None:
    result = project.run("new-plugin", *args)
    assert result.code == 2
    assert len(result.err.splitlines()) == 1 and message in result.err, result.err
    assert "Traceback" not in result.err
    assert _files(project.root) == set()


def test_new_plugin_out_and_prefix(project) -> None:
    (project.root / "plugins").mkdir()
    made = project.run("new-plugin", "my-org", "--prefix", "ORG", "--out", "plugins")
    assert made.code == 0, made.err
    package = project.root / "plugins" / "guardrails-my-org" / "src" / "guardrails_my_org"
    assert 'id="ORG001"' in (package / "rules" / "no_pprint.py").read_text()
    pyproject = (package.parent.parent / "pyproject.toml").read_text()
    assert '[project.entry-points.guardrails]\nmy-org = "guardrails_my_org"' in pyproject


def test_new_rule_anywhere_in_a_plugin_writes_where_the_package_expects(project) -> None:
    assert project.run("new-plugin", "shop").code == 0
    plugin = project.root / "guardrails-shop"
    made = project.run(
        "new-rule",
        "SHOP003",
        "--name",
        "no-yaml-dump",
        "--category",
        "reliability",
        "--backend",
        "semgrep",
        "--path",
        "src",
        cwd=plugin,
    )
    assert made.code == 0, made.err
    assert made.out.splitlines()[:2] == [
        f"wrote {Path('src/guardrails_shop/rules/semgrep/no_yaml_dump.yaml')}",
        f"wrote {Path('tests/test_no_yaml_dump.py')}",
    ]
    assert "the plugin's hook module registers it" in made.out
    test = (plugin / "tests" / "test_no_yaml_dump.py").read_text()
    assert 'example_tests(rule_ids=["SHOP003"])' in test
