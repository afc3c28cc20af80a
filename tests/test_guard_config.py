"""Config values at their bounds, and paths a config may name: each a user would notice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guardrails.config import MAX_FILE_SIZE_CAP, load_settings
from guardrails.errors import ConfigError


def _load(tmp_path: Path, body: str):
    (tmp_path / "pyproject.toml").write_text(f"[tool.guardrails]\n{body}\n")
    return load_settings(tmp_path)


@pytest.mark.parametrize("size", [1, 1024, 2**31 - 1])
def test_max_file_size_accepts_one_byte_up_to_the_cap(tmp_path: Path, size: int) -> None:
    assert MAX_FILE_SIZE_CAP == 2**31 - 1
    assert _load(tmp_path, f"max-file-size = {size}").max_file_size == size


@pytest.mark.parametrize("value", ["0", "-1", str(2**31), "1.5", "true", '"1MB"'])
def test_max_file_size_refuses_what_is_not_a_size(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, f"max-file-size = {value}")
    assert "max-file-size: expected a positive number of bytes up to 2147483647" in str(
        raised.value
    )


def test_cache_dir_and_baseline_are_paths_inside_the_project(tmp_path: Path) -> None:
    settings = _load(tmp_path, 'cache-dir = ".cache/gr"\nbaseline = "gr-baseline.json"')
    assert settings.cache_dir == tmp_path.resolve() / ".cache/gr"
    assert settings.baseline == tmp_path.resolve() / "gr-baseline.json"
    for key, kind in (("cache-dir", "a folder path"), ("baseline", "a file path")):
        with pytest.raises(ConfigError) as raised:
            _load(tmp_path, f"{key} = 5")
        assert f"{key}: expected {kind}, got" in str(raised.value)


def test_a_config_that_cannot_be_read_is_one_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").mkdir()
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, config=tmp_path / "guardrails.toml")
    assert "config file not found" in str(raised.value)
    folder = tmp_path / "conf.toml"
    folder.mkdir()
    (folder / "x").write_text("")
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, config=folder)
    assert str(raised.value) == f"{folder}: config file not found"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("colour = true", "colour: unknown key (known keys: "),
        ("zeta = 1\nalpha = 2\nmid = 3", "alpha: unknown key (known keys: "),
        ('select = "SEC001"', "select: expected a list of strings, got"),  # not S, E, C, ...
        ("exclude = [1]", "exclude: expected a list of strings, got"),
        ('foreign-suppressions = ["noqa", "pylint"]', "foreign-suppressions: expected one of"),
        ("[tool.guardrails.rules]\nSEC001 = 5", "rules: expected tables like"),
        ('[tool.guardrails.severity]\nSEC001 = "fatal"', "severity.SEC001: expected one of"),
        ("policy-base = 5", "policy-base: expected a string, got"),
        ("policy-approvals = [1]", "policy-approvals: expected a string, got"),
    ],
)
def test_each_bad_value_is_named_by_its_key(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, body)
    assert message in str(raised.value)


def test_good_values_of_the_same_keys_load(tmp_path: Path) -> None:
    settings = _load(
        tmp_path,
        'foreign-suppressions = ["nosec", "noqa", "nosec"]\npolicy-base = "origin/main"\n'
        '[tool.guardrails.severity]\nSEC001 = "error"\n'
        '[tool.guardrails.rules.REL003]\nextend-mutable-calls = ["a.B"]',
    )
    assert settings.foreign_suppressions == ("nosec", "noqa")
    assert settings.severity == {"SEC001": "error"}
    assert settings.rule_options["REL003"] == {"extend-mutable-calls": ["a.B"]}


def test_a_config_that_is_not_utf8_is_one_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.guardrails]\nexclude = ["caf\xe9"]\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path)
    assert "invalid TOML: not UTF-8" in str(raised.value)


def test_a_config_path_the_os_cannot_use_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, 'cache-dir = "a\\u0000b"')
    # the OS's own words follow, and differ by Python version ("embedded null byte",
    # "lstat: embedded null character in path")
    assert re.search(r"a\\x00b' is not a usable path: .*embedded null", str(raised.value))
    assert "[tool.guardrails] cache-dir: " in str(raised.value)


def test_registry_names_each_rules_engines_and_places_findings_exactly(tmp_path: Path) -> None:
    from guardrails.config import Settings
    from guardrails.plan import build_plan
    from guardrails.plugins import build_registry

    settings = Settings(root=tmp_path, src=(tmp_path,))
    registry = build_registry(settings)
    engines = {i: registry.backends(i) for i in ("SEC001", "SEC006", "REL005", "GR001")}
    assert engines == {"SEC001": "libcst", "SEC006": "semgrep", "REL005": "ruff", "GR001": "engine"}
    rule = next(r for r in build_plan(settings, registry).rules if r.id == "SEC001")
    found = rule.violation("a.py", (3, 5), (4, 9), "msg", source_line="x")
    assert (found.line, found.column, found.end_line, found.end_column) == (3, 5, 4, 9)
    assert (found.rule_id, found.severity, found.message, found.backend) == (
        "SEC001",
        rule.severity,
        "msg",
        "libcst",
    )
