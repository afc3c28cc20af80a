"""Which files a run checks: default excludes, exclude vs extend-exclude, named paths, src."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from guardrails.config import load_settings
from guardrails.discovery import discover, module_name
from guardrails.plan import discovery_for

BAD = """\
import subprocess


def restart(name: str) -> None:
    subprocess.run(f"systemctl restart {name}", shell=True, check=True)
"""
CLEAN = "VALUE = 1\n"


def _hermetic_git(monkeypatch: pytest.MonkeyPatch, home: Path) -> dict[str, str]:
    """No user or system git config (no global excludes file) for us or guardrails."""
    env = {
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True)


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _found(root: Path, *named: str, force_exclude: bool = False) -> set[str]:
    """Root-relative files a run in `root` would check for these command-line paths."""
    config = root / "pyproject.toml"
    if not config.exists():  # never pick up a config from a folder above the test's
        config.write_text("[tool.guardrails]\n", encoding="utf-8")
    settings = load_settings(root)
    paths = [root / name for name in named] or [root]
    files = discover(paths, discovery_for(settings), force_exclude)
    return {path.resolve().relative_to(root.resolve()).as_posix() for path in files}


# --------------------------------------------------------- paths named on the CLI
def test_named_directory_and_file_are_checked_despite_default_excludes(project) -> None:
    project.write("pyproject.toml", "[tool.guardrails]\n")
    project.write("app.py", BAD)
    project.write("build/gen.py", BAD)
    project.write("build/dist/nested.py", BAD)  # excluded again below the named folder
    project.write("build/dist/named.py", BAD)
    project.write("env3/pyvenv.cfg", "home = /usr/bin\n")
    project.write("env3/lib/site.py", BAD)
    project.write("venv/lib/x.py", BAD)
    project.write("pkg.egg-info/x.py", BAD)
    result = project.run("check", "--output-format", "json")
    assert (result.code, result.ids()) == (1, [("app.py", "SEC001", 5)])
    assert result.json()["summary"]["files"] == 1
    named = ("build", "build/dist/named.py")
    result = project.run("check", "--output-format", "json", *named)
    assert result.code == 1
    assert sorted(result.ids()) == [
        ("build/dist/named.py", "SEC001", 5),
        ("build/gen.py", "SEC001", 5),
    ]
    assert result.json()["summary"]["files"] == 2
    result = project.run("check", "--force-exclude", "--output-format", "json", *named)
    assert (result.code, result.ids(), result.json()["summary"]["files"]) == (0, [], 0)


def test_named_directory_matching_configured_exclude_is_checked(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": """\
            [tool.guardrails]
            extend-exclude = ["legacy", "gen/*.py", "out/v1"]
            """,
            "app.py": CLEAN,
            "legacy/old.py": CLEAN,
            "legacy/deeper/older.py": CLEAN,
            "pkg/legacy/mod.py": CLEAN,
            "pkg/legacy/legacy/inner.py": CLEAN,
            "gen/api.py": CLEAN,
            "gen/sub/deep.py": CLEAN,  # `*` stays within one folder (gitignore-like)
            "out/v1/api.py": CLEAN,
        },
    )
    assert _found(tmp_path) == {"app.py", "gen/sub/deep.py"}
    assert _found(tmp_path, "legacy") == {"legacy/old.py", "legacy/deeper/older.py"}
    assert _found(tmp_path, "pkg") == set()
    # only the named components are exempt: a `legacy` below the named one is excluded
    assert _found(tmp_path, "pkg/legacy") == {"pkg/legacy/mod.py"}
    assert _found(tmp_path, "out/v1") == {"out/v1/api.py"}
    assert _found(tmp_path, "out") == set()
    # a pattern naming the files themselves still applies inside a named folder (as in Ruff)
    assert _found(tmp_path, "gen") == {"gen/sub/deep.py"}
    assert _found(tmp_path, "gen/api.py", "legacy/old.py") == {"gen/api.py", "legacy/old.py"}
    assert _found(tmp_path, "legacy", "gen/api.py", force_exclude=True) == set()


def test_named_directories_inside_git_even_when_git_ignores_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    _hermetic_git(monkeypatch, tmp_path)
    _write(
        root,
        {
            ".gitignore": "generated/\n",
            "app.py": CLEAN,
            "generated/api.py": CLEAN,
            "build/gen.py": CLEAN,
        },
    )
    _git_init(root)
    assert _found(root) == {"app.py"}
    assert _found(root, "generated") == {"generated/api.py"}
    assert _found(root, "build") == {"build/gen.py"}
    assert _found(root, "generated/api.py") == {"generated/api.py"}


def test_a_named_folder_whose_files_git_ignores_one_by_one_checks_none_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only an ignored *folder* asks to be walked; files ignored by pattern stay ignored."""
    root = tmp_path / "repo"
    _hermetic_git(monkeypatch, tmp_path)
    _write(root, {".gitignore": "gen/*.py\n", "app.py": CLEAN, "gen/api.py": CLEAN})
    _git_init(root)
    assert _found(root) == {"app.py"}
    assert _found(root, "gen") == set()


# ---------------------------------------------------------------- virtualenvs
VENV_TREE = {
    "app.py": CLEAN,
    "env3/pyvenv.cfg": "home = /usr/bin\n",
    "env3/lib/site.py": CLEAN,
    "tools/env/pyvenv.cfg": "home = /usr/bin\n",
    "tools/env/lib/deep/mod.py": CLEAN,
    "tools/helper.py": CLEAN,
    ".venv/lib/a.py": CLEAN,
    "venv/lib/b.py": CLEAN,
    "pkg/venv/c.py": CLEAN,
    "my_pkg.egg-info/setup.py": CLEAN,
    "src/lib.egg-info/x.py": CLEAN,
    "venvs.py": CLEAN,  # names that merely look alike stay checked
    "myvenv/ok.py": CLEAN,
    "egg-info/ok.py": CLEAN,
}
VENV_KEPT = {"app.py", "tools/helper.py", "venvs.py", "myvenv/ok.py", "egg-info/ok.py"}


def test_virtualenvs_and_egg_info_are_skipped_outside_git(tmp_path: Path) -> None:
    _write(tmp_path, VENV_TREE)
    assert _found(tmp_path) == VENV_KEPT
    assert _found(tmp_path, "tools") == {"tools/helper.py"}


def test_virtualenvs_and_egg_info_are_skipped_inside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    _hermetic_git(monkeypatch, tmp_path)
    _write(root, VENV_TREE)
    _git_init(root)
    assert _found(root) == VENV_KEPT
    assert _found(root, "tools") == {"tools/helper.py"}


# ------------------------------------------------------ exclude vs extend-exclude
EXCLUDE_TREE = {
    "app.py": CLEAN,
    "build/out.py": CLEAN,
    ".venv/lib/a.py": CLEAN,
    "legacy/old.py": CLEAN,
    "app/migrations/0001.py": CLEAN,
    "other/app/migrations/0001.py": CLEAN,
    "proto/api_pb2.py": CLEAN,
}


def test_exclude_replaces_the_default_excludes(tmp_path: Path) -> None:
    _write(tmp_path, EXCLUDE_TREE)
    _write(tmp_path, {"pyproject.toml": '[tool.guardrails]\nexclude = ["legacy"]\n'})
    assert _found(tmp_path) == set(EXCLUDE_TREE) - {"legacy/old.py"}
    _write(tmp_path, {"pyproject.toml": "[tool.guardrails]\nexclude = []\n"})
    assert _found(tmp_path) == set(EXCLUDE_TREE)


def test_extend_exclude_adds_to_the_default_excludes(tmp_path: Path) -> None:
    _write(tmp_path, EXCLUDE_TREE)
    assert _found(tmp_path) == set(EXCLUDE_TREE) - {"build/out.py", ".venv/lib/a.py"}
    _write(
        tmp_path,
        {
            "pyproject.toml": """\
            [tool.guardrails]
            extend-exclude = ["legacy/", "app/migrations", "*_pb2.py"]
            """
        },
    )
    assert _found(tmp_path) == {"app.py", "other/app/migrations/0001.py"}


def test_exclude_and_extend_exclude_together(tmp_path: Path) -> None:
    _write(tmp_path, EXCLUDE_TREE)
    body = '[tool.guardrails]\nexclude = ["build"]\nextend-exclude = ["legacy"]\n'
    _write(tmp_path, {"pyproject.toml": body})
    assert _found(tmp_path) == set(EXCLUDE_TREE) - {"build/out.py", "legacy/old.py"}


# ------------------------------------------------------------------ src layout
def test_src_folder_is_a_source_root_by_default(tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[tool.guardrails]\n", "src/app/__init__.py": ""})
    root = tmp_path.resolve()
    settings = load_settings(tmp_path)
    assert settings.src == (root, root / "src")
    assert module_name(root / "src/app/domain/pricing.py", settings.src) == (
        "app.domain.pricing",
        False,
    )
    assert module_name(root / "src/app/__init__.py", settings.src) == ("app", True)
    assert module_name(root / "tools/run.py", settings.src) == ("tools.run", False)
    _write(tmp_path, {"pyproject.toml": '[tool.guardrails]\nsrc = ["lib"]\n'})
    assert load_settings(tmp_path).src == (root / "lib",)


def test_without_a_src_folder_the_root_is_the_only_source_root(tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[tool.guardrails]\n", "source/app.py": CLEAN})
    settings = load_settings(tmp_path)
    assert settings.src == (tmp_path.resolve(),)
    assert module_name(tmp_path / "source/app.py", settings.src) == ("source.app", False)


SRC_CONFIG = """\
[tool.guardrails]
select = ["ARC002"]
{src}
[tool.guardrails.rules.ARC002]
forbidden = {{"app.domain.*" = ["requests"]}}
"""


def test_src_layout_names_modules_for_rules_end_to_end(project) -> None:
    project.write("src/app/__init__.py", "")
    project.write("src/app/domain/__init__.py", "")
    project.write("src/app/domain/pricing.py", "import requests\n\nSESSION = requests.Session()\n")
    project.write("pyproject.toml", SRC_CONFIG.format(src=""))
    result = project.run("check", "--no-cache", "--output-format", "json")
    assert (result.code, result.ids()) == (1, [("src/app/domain/pricing.py", "ARC002", 1)])
    # with `.` as the only root the file is `src.app.domain.pricing`: no ban applies
    project.write("pyproject.toml", SRC_CONFIG.format(src='src = ["."]'))
    result = project.run("check", "--no-cache", "--output-format", "json")
    assert (result.code, result.ids()) == (0, [])


def test_force_exclude_skips_named_paths_inside_a_virtualenv(tmp_path: Path) -> None:
    """What pre-commit passes (`--force-exclude` + file names) agrees with `check .`."""
    _write(tmp_path, VENV_TREE)
    named = ("env3/lib/site.py", "tools/env/lib/deep/mod.py", "venv/lib/b.py", "tools/helper.py")
    assert _found(tmp_path, *named) == set(named)  # named without --force-exclude: checked
    assert _found(tmp_path, *named, force_exclude=True) == {"tools/helper.py"}
    assert _found(tmp_path, "env3", "tools/env/lib", force_exclude=True) == set()
    assert _found(tmp_path, "env3", "tools") == {"env3/lib/site.py", "tools/helper.py"}
