"""Rule selection as configured: config layers, the CLI layer, specificity and ties."""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path

from guardrails.config import Settings, load_settings
from guardrails.model import RuleMeta
from guardrails.plan import build_plan
from guardrails.plugins import build_registry
from guardrails.registry import Registry, SelectionLayer

ALWAYS_ON = {"GR001", "GR003"}  # engine findings no selection switches off


@functools.lru_cache(maxsize=1)
def _registry() -> Registry:
    """The real registry (built-in rules and installed plugins), built once."""
    return build_registry(Settings(root=Path(__file__).resolve().parent))


def _toy_registry() -> Registry:
    """Three rules, one of them off by default, and no always-on rule."""
    registry = Registry()
    for rule_id, default in (("SEC001", True), ("SEC002", True), ("REL001", False)):
        registry.add(
            RuleMeta(rule_id, "n", "security", "warning", "s", "w", "r", default_enabled=default)
        )
    return registry


def _config(root: Path, name: str, body: str) -> Path:
    path = root / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _enabled(
    root: Path,
    pyproject: str | None = None,
    cli: SelectionLayer | None = None,
    config: Path | None = None,
    registry: Registry | None = None,
) -> set[str]:
    """Ids a run in `root` activates, read through the real config loader."""
    if pyproject is not None:
        _config(root, "pyproject.toml", pyproject)
    settings = load_settings(root, config=config, cli=cli)
    return {rule.id for rule in build_plan(settings, registry or _registry()).rules}


def _all_ids() -> set[str]:
    return set(_registry().rules)


def _with_prefix(prefix: str) -> set[str]:
    return {rid for rid in _registry().rules if rid.startswith(prefix)}


# ------------------------------------------------------------ extend-select
def test_extend_select_in_pyproject_adds_to_its_select(tmp_path: Path) -> None:
    body = '[tool.guardrails]\nselect = ["SEC001"]\nextend-select = ["REL003", "OBS00"]\n'
    assert _enabled(tmp_path, body) == {"SEC001", "REL003"} | _with_prefix("OBS00") | ALWAYS_ON


def test_extend_select_in_pyproject_turns_on_a_rule_off_by_default(tmp_path: Path) -> None:
    toy = _toy_registry()
    assert _enabled(tmp_path, "[tool.guardrails]\n", registry=toy) == {"SEC001", "SEC002"}
    body = '[tool.guardrails]\nextend-select = ["REL001"]\n'
    assert _enabled(tmp_path, body, registry=toy) == {"SEC001", "SEC002", "REL001"}
    body = '[tool.guardrails]\nselect = ["SEC002"]\nextend-select = ["REL"]\n'
    assert _enabled(tmp_path, body, registry=toy) == {"SEC002", "REL001"}


def test_extend_select_in_guardrails_toml_named_with_config(tmp_path: Path) -> None:
    flat = _config(tmp_path, "guardrails.toml", 'select = ["SEC001"]\nextend-select = ["REL003"]\n')
    assert _enabled(tmp_path, config=flat) == {"SEC001", "REL003"} | ALWAYS_ON
    tabled = _config(
        tmp_path,
        "guardrails.toml",
        '[tool.guardrails]\nselect = ["SEC002"]\nextend-select = ["OBS001"]\n',
    )
    assert _enabled(tmp_path, config=tabled) == {"SEC002", "OBS001"} | ALWAYS_ON


def test_guardrails_toml_wins_over_a_pyproject_beside_it(tmp_path: Path) -> None:
    _config(tmp_path, "pyproject.toml", '[tool.guardrails]\nselect = ["REL"]\n')
    chosen = _config(tmp_path, "guardrails.toml", 'select = ["SEC001"]\n')
    assert _enabled(tmp_path, config=chosen) == {"SEC001"} | ALWAYS_ON
    # found without --config too, as Ruff prefers ruff.toml to pyproject.toml
    assert _enabled(tmp_path) == {"SEC001"} | ALWAYS_ON


def test_cli_extend_select_adds_to_the_config_selection(tmp_path: Path) -> None:
    body = '[tool.guardrails]\nselect = ["SEC001"]\nignore = ["REL"]\n'
    cli = SelectionLayer(extend_select=("REL003",))
    assert _enabled(tmp_path, body, cli) == {"SEC001", "REL003"} | ALWAYS_ON
    # a layer without select keeps what the earlier layers chose
    assert _enabled(tmp_path, body, SelectionLayer()) == {"SEC001"} | ALWAYS_ON


# ------------------------------------------------------ ALL and specificity
def test_ignore_all_with_a_specific_extend_select_keeps_that_rule(tmp_path: Path) -> None:
    body = '[tool.guardrails]\nignore = ["ALL"]\nextend-select = ["SEC001"]\n'
    assert _enabled(tmp_path, body) == {"SEC001"} | ALWAYS_ON
    body = '[tool.guardrails]\nignore = ["ALL"]\nselect = ["REL00"]\n'
    assert _enabled(tmp_path, body) == _with_prefix("REL00") | ALWAYS_ON
    # the next layer (the command line) may add rules back the config ignored
    body = '[tool.guardrails]\nignore = ["ALL"]\n'
    assert _enabled(tmp_path, body) == ALWAYS_ON
    cli = SelectionLayer(extend_select=("SEC002",))
    assert _enabled(tmp_path, body, cli) == {"SEC002"} | ALWAYS_ON


def test_all_is_less_specific_than_any_prefix(tmp_path: Path) -> None:
    # "S" is one character long, shorter than "ALL": still more specific than ALL
    body = '[tool.guardrails]\nselect = ["ALL"]\nignore = ["S"]\n'
    assert _enabled(tmp_path, body) == _all_ids() - _with_prefix("S") | ALWAYS_ON
    body = '[tool.guardrails]\nignore = ["ALL"]\nextend-select = ["S"]\n'
    assert _enabled(tmp_path, body) == _with_prefix("S") | ALWAYS_ON


def test_the_longer_prefix_wins_within_a_layer(tmp_path: Path) -> None:
    body = '[tool.guardrails]\nselect = ["SEC"]\nignore = ["SEC00"]\nextend-select = ["SEC001"]\n'
    expected = (_with_prefix("SEC") - _with_prefix("SEC00")) | {"SEC001"} | ALWAYS_ON
    assert _enabled(tmp_path, body) == expected
    body = '[tool.guardrails]\nselect = ["SEC001"]\nignore = ["SEC"]\n'
    assert _enabled(tmp_path, body) == {"SEC001"} | ALWAYS_ON
    body = '[tool.guardrails]\nselect = ["SEC"]\nignore = ["SEC001"]\n'
    assert _enabled(tmp_path, body) == _with_prefix("SEC") - {"SEC001"} | ALWAYS_ON


# --------------------------------------------------------------------- ties
def test_select_and_ignore_of_the_same_selector_in_one_layer_ignore_wins(tmp_path: Path) -> None:
    """Ruff applies a layer's ignores after its selects of equal specificity."""
    cases = {
        '["SEC001"]': ("select", {"SEC001", "SEC002"}, {"SEC002"}),
        '["SEC"]': ("select", {"SEC", "REL003"}, {"REL003"}),
        '["ALL"]': ("select", {"ALL"}, set()),
    }
    for ignore, (key, selected, expected) in cases.items():
        names = ", ".join(f'"{s}"' for s in sorted(selected))
        body = f"[tool.guardrails]\n{key} = [{names}]\nignore = {ignore}\n"
        assert _enabled(tmp_path, body) == expected | ALWAYS_ON, body
    # extend-select against ignore in one layer: a default-on rule is switched off
    body = '[tool.guardrails]\nextend-select = ["REL003"]\nignore = ["REL003"]\n'
    assert _enabled(tmp_path, body) == _all_ids() - {"REL003"} | ALWAYS_ON
    # and on the command line as well
    cli = SelectionLayer(select=("OBS001", "SEC001"), ignore=("SEC001",))
    assert _enabled(tmp_path, "[tool.guardrails]\n", cli) == {"OBS001"} | ALWAYS_ON


def test_a_later_layer_overrides_the_config_whatever_its_specificity(tmp_path: Path) -> None:
    body = '[tool.guardrails]\nselect = ["SEC"]\nignore = ["SEC001"]\n'
    # a broad select on the command line replaces the config, its ignore included
    assert _enabled(tmp_path, body, SelectionLayer(select=("SEC",))) == (
        _with_prefix("SEC") | ALWAYS_ON
    )
    # a broad ignore on the command line removes what the config chose specifically
    body = '[tool.guardrails]\nselect = ["SEC001", "REL003"]\n'
    assert _enabled(tmp_path, body, SelectionLayer(ignore=("SEC",))) == {"REL003"} | ALWAYS_ON
    assert _enabled(tmp_path, body, SelectionLayer(ignore=("ALL",))) == ALWAYS_ON


def test_select_replaces_the_default_set(tmp_path: Path) -> None:
    assert _enabled(tmp_path, "[tool.guardrails]\n") == _all_ids()
    assert _enabled(tmp_path, '[tool.guardrails]\nselect = ["OBS001"]\n') == {"OBS001"} | ALWAYS_ON
    assert _enabled(tmp_path, "[tool.guardrails]\nselect = []\n") == ALWAYS_ON


# ------------------------------------------------------------ per-file-ignores
def test_per_file_ignores_drop_rules_for_matching_paths_only(tmp_path: Path) -> None:
    _config(
        tmp_path,
        "pyproject.toml",
        """\
        [tool.guardrails]
        select = ["SEC001", "SEC002", "REL003"]
        [tool.guardrails.per-file-ignores]
        "scripts/*" = ["SEC"]
        "legacy/**" = ["ALL"]
        "app/models.py" = ["REL003"]
        "fixtures" = ["SEC002"]
        "*_pb2.py" = ["SEC001"]
        """,
    )
    plan = build_plan(load_settings(tmp_path), _registry())

    def ids(relative: str) -> set[str]:
        return {rule.id for rule in plan.rules_for(relative, is_test=False)}

    everything = {"SEC001", "SEC002", "REL003"} | ALWAYS_ON
    assert ids("app/views.py") == everything
    assert ids("scripts/ops.py") == everything - {"SEC001", "SEC002"}
    assert ids("legacy/deep/old.py") - ALWAYS_ON == set()  # the engine keeps GR001 anyway
    assert ids("app/models.py") == everything - {"REL003"}
    assert ids("other/scripts/ops.py") == everything  # a pattern with "/" is anchored
    # one without "/" matches any single component, folders included
    assert ids("tests/fixtures/data.py") == everything - {"SEC002"}
    assert ids("fixtures.py") == everything
    assert ids("gen/api_pb2.py") == everything - {"SEC001"}
    assert ids("gen/api_pb2.py/x.py") == everything - {"SEC001"}


# ------------------------------------------------------------ the real CLI
SOURCE = """\
import subprocess


def restart(name: str) -> None:
    subprocess.run(f"systemctl restart {name}", shell=True, check=True)


def add(item: int, items: list = []) -> list:
    items.append(item)
    return items


def run(code: str) -> object:
    return eval(code)
"""


def test_cli_layers_end_to_end(project) -> None:
    project.write("app.py", SOURCE)
    project.write(
        "pyproject.toml",
        '[tool.guardrails]\nselect = ["SEC001"]\nextend-select = ["REL003"]\nignore = ["SEC00"]\n',
    )
    result = project.run("check", "--no-cache", "--output-format", "json")
    assert (result.code, result.ids()) == (1, [("app.py", "SEC001", 5), ("app.py", "REL003", 8)])
    result = project.run(
        "check", "--no-cache", "--output-format", "json", "--extend-select", "SEC002"
    )
    assert result.code == 1
    assert sorted(result.ids()) == [
        ("app.py", "REL003", 8),
        ("app.py", "SEC001", 5),
        ("app.py", "SEC002", 14),
    ]
    project.write("guardrails.toml", 'ignore = ["ALL"]\nextend-select = ["SEC002"]\n')
    result = project.run(
        "check", "--no-cache", "--output-format", "json", "--config", "guardrails.toml"
    )
    assert (result.code, result.ids()) == (1, [("app.py", "SEC002", 14)])


# ----------------------------------------------------------------- severity
def test_severity_all_sets_every_rule_and_longer_prefixes_override_it(tmp_path: Path) -> None:
    _config(
        tmp_path,
        "pyproject.toml",
        """\
        [tool.guardrails]
        select = ["SEC001", "SEC002", "OBS001", "REL003"]
        [tool.guardrails.severity]
        SEC001 = "info"
        SEC = "warning"
        ALL = "error"
        """,
    )
    plan = build_plan(load_settings(tmp_path), _registry())
    severities = {rule.id: rule.severity for rule in plan.rules}
    assert {k: severities[k] for k in ("SEC001", "SEC002", "OBS001", "REL003", "GR003")} == {
        "SEC001": "info",
        "SEC002": "warning",
        "OBS001": "error",
        "REL003": "error",
        "GR003": "error",
    }


# ------------------------------------------------------- which config is read
def test_nearest_pyproject_with_a_guardrails_table_is_the_config(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    inner = outer / "pkg" / "inner"
    inner.mkdir(parents=True)
    _config(outer, "pyproject.toml", '[tool.guardrails]\nselect = ["SEC001"]\n')
    _config(inner, "pyproject.toml", "[tool.black]\nline-length = 100\n")  # no table: skipped
    settings = load_settings(inner)
    assert (settings.config_path, settings.root) == (outer / "pyproject.toml", outer.resolve())
    assert _enabled(inner) == {"SEC001"} | ALWAYS_ON
    _config(inner, "pyproject.toml", '[tool.guardrails]\nselect = ["REL003"]\n')
    assert _enabled(inner) == {"REL003"} | ALWAYS_ON
    assert load_settings(inner).root == inner.resolve()
    isolated = load_settings(inner, isolated=True)
    assert (isolated.config_path, isolated.layers) == (None, (SelectionLayer(),))


def test_cli_id_lists_split_on_commas_and_repeat() -> None:
    from guardrails.cli import _id_list

    assert _id_list(None) is None
    assert _id_list(["SEC001, REL", "OBS001", " ,ARC001,"]) == ("SEC001", "REL", "OBS001", "ARC001")


# --------------------------------------------------------------- test-paths
def test_test_paths_exempt_test_code_from_non_test_rules(tmp_path: Path) -> None:
    non_test = {rid for rid, meta in _registry().rules.items() if meta.skip_tests}
    assert "REL001" in non_test
    _config(tmp_path, "pyproject.toml", "[tool.guardrails]\n")
    plan = build_plan(load_settings(tmp_path), _registry())

    def ids(relative: str) -> set[str]:
        return {rule.id for rule in plan.rules_for(relative)}

    for relative in ("tests/unit/helpers.py", "pkg/test_api.py", "api_test.py", "conftest.py"):
        assert ids(relative) == _all_ids() - non_test, relative
    for relative in ("pkg/testing.py", "contest.py", "pkg/api_tests.py", "latest/x.py"):
        assert ids(relative) == _all_ids(), relative
    _config(tmp_path, "pyproject.toml", '[tool.guardrails]\ntest-paths = ["checks"]\n')
    plan = build_plan(load_settings(tmp_path), _registry())
    assert ids("checks/x.py") == _all_ids() - non_test
    assert ids("tests/test_api.py") == _all_ids()
    _config(tmp_path, "pyproject.toml", "[tool.guardrails]\ntest-paths = []\n")  # switched off
    plan = build_plan(load_settings(tmp_path), _registry())
    assert ids("tests/test_api.py") == _all_ids()
