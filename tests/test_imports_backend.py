"""The "imports" backend: ARC001/ARC002 follow imports through other modules and name the chain."""

from __future__ import annotations

from pathlib import Path

from conftest import Project
from guardrails.backends.imports import INSTANCE, ImportGraph
from guardrails.config import load_settings
from guardrails.plugins import load_plan
from guardrails.source import load

CONFIG = """\
[tool.guardrails]
select = ["ARC001", "ARC002"]
[tool.guardrails.rules.ARC001]
layers = ["app.repo", "app.service"]
"""
CHAIN = "app.repo.orders -> app.util.helpers -> app.service.billing"


def _app(project: Project, config: str = CONFIG) -> None:
    project.write("pyproject.toml", config)
    for package in ("app", "app/repo", "app/service"):
        project.write(f"{package}/__init__.py", "")
    # app/util has no __init__.py: a namespace folder inside a package
    project.write("app/repo/orders.py", "import json\nfrom app.util import helpers\n")
    project.write("app/util/helpers.py", "from app.service import billing\n")
    project.write("app/service/billing.py", "RATE = 1\n")


def _findings(run) -> list[tuple[str, str, int, str]]:
    return [(v["path"], v["rule_id"], v["line"], v["message"]) for v in run.json()["violations"]]


def test_a_chain_through_a_module_in_no_layer_is_reported_with_the_chain(project: Project) -> None:
    _app(project)
    run = project.run("check", "--output-format", "json", ".")
    assert run.code == 1, run.err
    [(path, rule, line, message)] = _findings(run)
    assert (path, rule, line) == ("app/repo/orders.py", "ARC001", 2)
    assert message == (
        "`app.repo.orders` (layer app.repo) depends on `app.service.billing` (layer app.service) "
        f"through {CHAIN}"
    )
    assert run.json()["violations"][0]["column"] == 1


def test_a_direct_violation_is_reported_once(project: Project) -> None:
    _app(project)
    project.write("app/repo/orders.py", "from app.service.billing import RATE\n")
    run = project.run("check", "--output-format", "json", ".")
    found = _findings(run)
    assert [(p, r, n) for p, r, n, _ in found] == [("app/repo/orders.py", "ARC001", 1)]
    assert "imports `app.service.billing.RATE` from the higher layer" in found[0][3]


def test_a_chain_through_a_file_outside_the_batch_is_found(project: Project) -> None:
    _app(project)
    run = project.run("check", "--output-format", "json", "app/repo/orders.py")
    assert [(p, r, n) for p, r, n, _ in _findings(run)] == [("app/repo/orders.py", "ARC001", 2)]
    # and closing it again clears the finding, from the cache or not
    project.write("app/util/helpers.py", "RATE = 1\n")
    assert project.run("check", "--output-format", "json", ".").code == 0
    assert CHAIN in _findings(run)[0][3]
    # and the middle file named alone has no finding of its own (it is in no layer)
    assert project.run("check", "--output-format", "json", "app/util/helpers.py").code == 0


def test_a_syntax_error_in_the_chain_and_a_cycle_do_not_stop_it(project: Project) -> None:
    _app(project)
    project.write("app/util/broken.py", "def (:\n")
    project.write("app/repo/orders.py", "from app.util import broken, helpers\n")
    project.write(
        "app/util/helpers.py", "from app.util import loop\nfrom app.service import billing\n"
    )
    project.write("app/util/loop.py", "from app.util import helpers\n")
    run = project.run("check", "--output-format", "json", ".")
    found = sorted((p, r, n) for p, r, n, _ in _findings(run))
    assert found == [("app/repo/orders.py", "ARC001", 1), ("app/util/broken.py", "GR001", 1)]


def test_files_grimp_cannot_decode_are_left_out_of_the_graph(project: Project) -> None:
    """Not UTF-8 without a declaration, or an unknown declared encoding (the stdlib's own
    tests have both): grimp raises UnicodeError, not a syntax error; the run used to fail
    with exit 2 for the whole project."""
    _app(project)
    project.write("app/util/latin.py", b'print("b\xf6se")\n')
    project.write("app/util/typo.py", b"# -*- coding: uft-8 -*-\nX = 1\n")
    project.write("app/repo/orders.py", "from app.util import latin, typo, helpers\n")
    run = project.run("check", "--output-format", "json", ".")
    assert run.code == 1, run.err
    found = sorted((p, r, n) for p, r, n, _ in _findings(run))
    assert found == [
        ("app/repo/orders.py", "ARC001", 1),
        ("app/util/latin.py", "GR001", 1),
        ("app/util/typo.py", "GR001", 1),
    ]


def test_arc002_follows_imports_to_a_banned_project_module(project: Project) -> None:
    config = """\
    [tool.guardrails]
    select = ["ARC002"]
    [tool.guardrails.rules.ARC002.forbidden]
    "app.domain*" = ["app.web", "requests"]
    """
    project.write("pyproject.toml", config)
    project.write("app/__init__.py", "")
    project.write("app/domain/prices.py", "from app.shared import money\n")
    project.write("app/shared/money.py", "import app.web.views\n")
    project.write("app/web/views.py", "")
    # a banned third-party package reached through an adapter is the remedy, not a finding
    project.write("app/domain/fetch.py", "from app.gateway import http\n")
    project.write("app/gateway/http.py", "import requests\n")
    run = project.run("check", "--output-format", "json", ".")
    [(path, rule, line, message)] = _findings(run)
    assert (path, rule, line) == ("app/domain/prices.py", "ARC002", 1)
    assert message == (
        "`app.domain.prices` depends on `app.web.views` (`app.web` is forbidden there) through "
        "app.domain.prices -> app.shared.money -> app.web.views"
    )


def test_a_project_in_src_with_a_top_level_module_is_graphed(project: Project) -> None:
    config = CONFIG.replace('"app.repo", "app.service"', '"app.repo", "app.service", "tool"')
    project.write("pyproject.toml", config)
    project.write("src/app/repo/orders.py", "from app.util import helpers\n")
    project.write("src/app/util/helpers.py", "import tool\n")
    project.write("src/tool.py", "")
    run = project.run("check", "--output-format", "json", ".")
    assert [(p, r, n) for p, r, n, _ in _findings(run)] == [("src/app/repo/orders.py", "ARC001", 1)]
    assert "app.repo.orders -> app.util.helpers -> tool" in _findings(run)[0][3]


def test_no_layers_and_no_bans_build_no_graph(project: Project, monkeypatch) -> None:
    project.write("pyproject.toml", '[tool.guardrails]\nselect = ["ARC"]\n')
    path = project.write("app/repo/orders.py", "from app.util import helpers\n")
    monkeypatch.chdir(project.root)
    settings = load_settings(project.root)
    plan = load_plan(settings)
    source = load(Path(path), settings.root, settings.src, settings.max_file_size)
    assert INSTANCE.start(plan, [source], project.root, 1) is None
    _app(project)
    plan = load_plan(load_settings(project.root))
    job = INSTANCE.start(plan, [source], project.root, 1)
    assert job is not None
    job.close()


def test_shortest_chains_stop_at_targets_and_terminate_on_cycles() -> None:
    graph = ImportGraph(
        [("a", "b"), ("b", "c"), ("c", "b"), ("c", "t"), ("a", "x"), ("x", "t"), ("y", "a")]
    )
    chains = graph.shortest_chains(lambda m: m == "t", lambda m: m != "x")
    assert chains["a"] == ("a", "b", "c", "t")  # not through x
    assert chains["x"] == ("x", "t") and chains["c"] == ("c", "t")
    assert chains["y"] == ("y", "a", "b", "c", "t")
    assert "t" not in chains
    assert graph.imports_of("a") == {"b", "x"} and graph.importers_of("t") == {"c", "x"}


def test_a_cached_file_sees_a_chain_another_file_opened(project: Project) -> None:
    # the chain depends on a file other than the one it is reported on: the cached
    # findings of orders.py are keyed by the chains that start there too
    _app(project)
    project.write("app/util/helpers.py", "RATE = 1\n")
    assert project.run("check", "--output-format", "json", ".").code == 0
    project.write("app/util/helpers.py", "from app.service import billing\n")
    run = project.run("check", "--output-format", "json", ".")
    assert [(p, r, n) for p, r, n, _ in _findings(run)] == [("app/repo/orders.py", "ARC001", 2)]
    # and closing it again clears the finding, from the cache or not
    project.write("app/util/helpers.py", "RATE = 1\n")
    assert project.run("check", "--output-format", "json", ".").code == 0
