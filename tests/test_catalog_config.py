"""Architecture rules configured in pyproject.toml, test code and entry points."""

from __future__ import annotations

LAYERED = {
    "pyproject.toml": """\
        [tool.guardrails]
        select = ["ARC001", "ARC002", "ARC005"]
        src = ["src"]

        [tool.guardrails.rules.ARC001]
        layers = ["app.types", "app.config", "app.repo", "app.service", "app.runtime", "app.ui"]

        [tool.guardrails.rules.ARC002]
        forbidden = { "app.domain.*" = ["requests", "httpx"] }

        [tool.guardrails.rules.ARC005]
        config-modules = ["app.config", "app.settings.*"]
        """,
    "src/app/__init__.py": "",
    "src/app/types.py": "from app.service import orders\n",
    "src/app/repo/__init__.py": "",
    "src/app/repo/orders.py": (
        "from ..service import billing\nfrom . import rows\nfrom app.types import Order\n"
    ),
    "src/app/repo/rows.py": "import os\n\nDSN = os.environ['DSN']\n",
    "src/app/service/__init__.py": "",
    "src/app/service/billing.py": "from app.repo import orders\nfrom app.ui.views import page\n",
    "src/app/domain/pricing.py": (
        "import requests.adapters\nfrom httpx import Client\nimport json\n"
    ),
    "src/app/config.py": "import os\n\nDEBUG = os.getenv('DEBUG')\n",
    "src/app/settings/prod.py": "from os import environ\n\nHOST = environ.get('HOST')\n",
}


def test_layers_forbidden_imports_and_config_modules(project) -> None:
    for path, text in LAYERED.items():
        project.write(path, text)
    ids = project.run("check", "--output-format", "json").ids()
    assert ids == [
        ("src/app/domain/pricing.py", "ARC002", 1),
        ("src/app/domain/pricing.py", "ARC002", 2),
        ("src/app/repo/orders.py", "ARC001", 1),
        ("src/app/repo/rows.py", "ARC005", 3),
        ("src/app/service/billing.py", "ARC001", 2),
        ("src/app/types.py", "ARC001", 1),
    ]


def test_bad_options_exit_2_naming_the_key(project) -> None:
    project.write("app.py", "x = 1\n")
    cases = {
        'layers = ["a", "b", "a"]': "rules.ARC001.layers: layer 'a' is listed twice",
        "layers = 3": "rules.ARC001.layers: expected list of str",
    }
    for body, expected in cases.items():
        project.write("pyproject.toml", f"[tool.guardrails.rules.ARC001]\n{body}\n")
        result = project.run("check")
        assert result.code == 2 and expected in result.err, result.err
    project.write("pyproject.toml", '[tool.guardrails.rules.ARC008]\npattern = "(["\n')
    bad_regex = project.run("check")
    assert bad_regex.code == 2 and "rules.ARC008.pattern: not a valid regular expression" in (
        bad_regex.err
    )
    project.write("pyproject.toml", "[tool.guardrails.rules.ARC003]\nmax-lines = 0\n")
    assert "must be a positive number" in project.run("check").err


def test_limits_from_config(project) -> None:
    project.write(
        "pyproject.toml",
        """\
        [tool.guardrails]
        select = ["ARC003", "ARC004", "ARC008"]
        [tool.guardrails.rules.ARC003]
        max-lines = 3
        [tool.guardrails.rules.ARC004]
        max-complexity = 2
        [tool.guardrails.rules.ARC008]
        pattern = "JIRA-\\\\d+"
        """,
    )
    project.write(
        "mod.py",
        "def f(a: int) -> int:  # TODO(JIRA-1): x\n    if a:\n        return 1\n"
        "    elif a > 2:\n        return 2\n    return 3  # TODO(PROJ-2): y\n",
    )
    ids = {(rule, line) for _, rule, line in project.run("check", "--output-format", "json").ids()}
    assert ids == {("ARC003", 1), ("ARC004", 1), ("ARC008", 6)}


TEST_AND_ENTRY = {
    "tests/test_orders.py": (
        "def test_total(order):\n    assert order.total == 2\n    print('debug')\n"
    ),
    "conftest.py": "import sys\n\n\ndef pytest_configure(config):\n    print('setup')\n",
    "app/cli.py": "import sys\n\n\ndef main() -> None:\n    print('usage')\n    sys.exit(2)\n",
    "app/tool.py": (
        "import sys\n\n\ndef main() -> int:\n    print('ok')\n    return 0\n\n\n"
        "if __name__ == '__main__':\n    sys.exit(main())\n"
    ),
    "app/lib.py": "import sys\n\n\ndef stop() -> None:\n    print('bye')\n    sys.exit(1)\n",
}


def test_test_code_and_entry_points_are_exempt(project) -> None:
    for path, text in TEST_AND_ENTRY.items():
        project.write(path, text)
    selected = ("--select", "OBS001,REL009,REL011")
    ids = project.run("check", "--output-format", "json", *selected).ids()
    assert ids == [("app/lib.py", "OBS001", 5), ("app/lib.py", "REL011", 6)]
    # test-paths and entry-modules are configurable
    project.write(
        "pyproject.toml",
        """\
        [tool.guardrails]
        test-paths = []
        [tool.guardrails.rules.OBS001]
        entry-modules = ["app.lib"]
        """,
    )
    ids = project.run("check", "--output-format", "json", *selected).ids()
    assert ("tests/test_orders.py", "REL009", 2) in ids
    assert ("tests/test_orders.py", "OBS001", 3) in ids
    assert ("app/lib.py", "OBS001", 5) not in ids
    assert ("app/cli.py", "OBS001", 5) in ids  # the default entry list was replaced
