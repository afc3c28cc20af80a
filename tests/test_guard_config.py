"""Config values at their bounds, and paths a config may name: each a user would notice."""

from __future__ import annotations

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
