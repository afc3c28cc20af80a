"""Shared fixtures: run the real `guardrails` CLI in a scratch project, hermetically.

The suite must give the same answer wherever it starts: inside a coding agent (whose variables
switch the output format), with colour or format variables set, from another directory, with
another `guardrails` earlier on PATH, with plugins installed or a global git config. So the whole
session runs in an environment built from scratch (`hermetic_environment`), from a private HOME,
and every subprocess runs the code under test (this interpreter, its scripts first on PATH, no
PYTHONPATH but the folder where the repository's conftest.py installed the example plugin).
Entry-point plugins are off for the tests in this folder; a test that wants the installed
example plugin asks for the `entry_point_plugins` fixture.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zygote  # reads GUARDRAILS_TEST_FRESH before the environment is rebuilt

from guardrails.model import Violation

REPO = Path(__file__).resolve().parent.parent
"""This checkout (docs, examples, plugins): never found through the current directory."""

SCRIPTS = Path(sysconfig.get_path("scripts"))
"""Where this interpreter's `guardrails`, `semgrep`, `ruff` and `pre-commit` are installed."""


def violation(rule_id: str, line: int, path: str, **fields: Any) -> Violation:
    """A one-line finding with placeholder text, for tests of what is done with findings."""
    base: dict[str, Any] = dict(
        name="n",
        category="c",
        severity="error",
        column=1,
        end_line=line,
        end_column=2,
        message="m",
        remediation="r",
        docs="d",
    )
    return Violation(rule_id=rule_id, line=line, path=path, **{**base, **fields})


ON_CI = bool(os.environ.get("CI"))
"""Whether the session runs in CI (read before the environment is made hermetic): there a
test whose tool is missing fails instead of skipping, since .ci/run installs it."""

_KEPT = ("TMPDIR", "SYSTEMROOT", "GUARDRAILS_TEST_PLUGIN_SITE")
_KEPT_PREFIXES = ("PYTEST_", "COV_CORE_", "COVERAGE_", "MUTANT_UNDER_TEST", "HYPOTHESIS_")


def hermetic_environment(home: Path, base: Mapping[str, str]) -> dict[str, str]:
    """An environment from scratch: nothing of the caller's but PATH, temp dir and test-runner
    plumbing; a private HOME; git blind to global and system config; the code under test first."""
    path = [str(SCRIPTS), str(Path(sys.executable).parent), base.get("PATH", os.defpath)]
    env = {k: v for k, v in base.items() if k in _KEPT or k.startswith(_KEPT_PREFIXES)}
    env.update(
        PATH=os.pathsep.join(dict.fromkeys(path)),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
        # no background engine outlives a test's folder; tests/test_engine.py turns it on
        GUARDRAILS_ENGINE="off",
    )
    site = base.get("GUARDRAILS_TEST_PLUGIN_SITE")
    if site:  # the example plugin, installed for this session by the root conftest.py
        env["PYTHONPATH"] = site
    return env


def mcp_server_env() -> dict[str, str]:
    """The environment the MCP SDK gives a server by default, with no background engine:
    a server starts one for its project, which would outlive the test's folder."""
    from mcp.client.stdio import get_default_environment

    return {**get_default_environment(), "GUARDRAILS_ENGINE": "off"}


_HOME: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Swap the caller's environment and directory for hermetic ones, for the whole session."""
    global _HOME
    _HOME = Path(tempfile.mkdtemp(prefix="guardrails-tests-home-"))
    (_HOME / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    env = hermetic_environment(_HOME, os.environ)
    os.environ.clear()
    os.environ.update(env)


def pytest_unconfigure(config: pytest.Config) -> None:
    zygote.ZYGOTE.close()
    if _HOME is not None:
        shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def _from_a_neutral_directory() -> None:
    """Tests start in the private HOME (after collection, which needs the invocation directory):
    a test that found files through the current directory would pass only from the checkout."""
    assert _HOME is not None
    os.chdir(_HOME)


@pytest.fixture(autouse=True)
def _only_the_plugins_a_test_installs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plugins installed in this environment (the example one, a user's own) stay out."""
    monkeypatch.setenv("GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def entry_point_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For a test about installed plugins: entry points load again."""
    monkeypatch.delenv("GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD")
    yield


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def ids(self) -> list[tuple[str, str, int]]:
        """(path, rule id, line) of each finding in JSON output."""
        return [(v["path"], v["rule_id"], v["line"]) for v in self.json()["violations"]]


class Project:
    """A temporary directory to write files into and run guardrails in."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content))
        return path

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str | None] | None = None,
        python: Path | str = sys.executable,
    ) -> Run:
        """`python -m guardrails ARGS` in the project; `env` adds (or, with None, removes)
        variables of the hermetic environment; `python` is the interpreter (e.g.
        `bare_python`, whose scripts folder holds neither semgrep nor ruff).

        Run by a fork of a warm interpreter (`zygote`) when that is the same as a
        fresh one, else by a fresh one."""
        environment = dict(os.environ)
        for key, value in (env or {}).items():
            if value is None:
                environment.pop(key, None)
            else:
                environment[key] = value
        if zygote.usable(python, env or {}):
            done = zygote.ZYGOTE.run(list(args), cwd or self.root, environment, timeout=300)
            if done is not None:
                return Run(*done)
        proc = subprocess.run(
            [str(python), "-m", "guardrails", *args],
            cwd=cwd or self.root,
            capture_output=True,
            text=True,
            env=environment,
            timeout=300,
            check=False,  # the exit code is part of what tests assert
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root)


def terminal_output(leader: int) -> bytes:
    """The next output a child wrote to its terminal (`pty.openpty()`'s leader end); b""
    once it closed the terminal (EIO) or ended."""
    try:
        return os.read(leader, 4096)
    except OSError:  # EIO: the child closed the terminal
        return b""


def venv_seeing_this_environment(folder: Path, with_pip: bool = False) -> Path:
    """A new virtualenv whose interpreter also sees this test environment's packages; its
    python.

    `--system-site-packages` would show the *base* interpreter's packages, which are not
    this environment's when the suite runs in a virtualenv (as the README sets it up). A
    `.pth` file adds this environment's site folders instead, their own `.pth` files (an
    editable install, say) included, after the new environment's own.
    """
    import site
    import venv

    venv.EnvBuilder(with_pip=with_pip, symlinks=True).create(folder)
    python = folder / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    added = "; ".join(f"site.addsitedir({d!r})" for d in site.getsitepackages())
    (Path(purelib) / "_guardrails_test_environment.pth").write_text(f"import site; {added}\n")
    return python


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An interpreter that sees the test environment's packages but whose own scripts
    folder is empty: guardrails finds semgrep and ruff beside the running interpreter
    first, so a test of a missing tool runs this one with a PATH that lacks the tool."""
    return venv_seeing_this_environment(tmp_path_factory.mktemp("bare-venv"))


def fill_in_no_sleep(rule: Path) -> None:
    """Complete the `NoSleep` skeleton `guardrails new-rule` writes: two bad and two good
    examples and its check, as a rule author would (the plugin-authoring tests)."""
    text = rule.read_text()
    text = (
        text.replace(
            "bad=(),",
            'bad=(Example("import time\\ntime.sleep(1)  # bad\\n"),'
            ' Example("from time import sleep as nap\\nnap(2)  # bad\\n")),',
        )
        .replace(
            "good=(),",
            'good=(Example("import asyncio\\nasyncio.sleep(1)\\n"), Example("sleep = 1\\n")),',
        )
        .replace('if name == "FILL.IN":', 'if name == "time.sleep":')
    )
    rule.write_text(text)
