"""The example org plugin, installed for the test session only.

The README's set-up command installs guardrails and nothing else: a user who runs it must
not find ACME's policies applied to their own code. The tests need the example plugin as a
real installed distribution (its entry point is how guardrails finds it, and its own tests run
in the suite), so the session installs it with the real pip into a scratch folder and puts
that folder first on `sys.path` and on the `PYTHONPATH` of every subprocess. The caller's
environment is never changed; a copy of the plugin installed there is shadowed by this one.

This runs before `tests/conftest.py` builds the hermetic environment (which keeps
`PYTHONPATH` only when it is this folder), in the xdist controller once; workers inherit it.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

EXAMPLE_PLUGIN = Path(__file__).resolve().parent / "plugins" / "guardrails-acme"
SITE_VARIABLE = "GUARDRAILS_TEST_PLUGIN_SITE"
"""Names the folder the example plugin is installed in, for xdist workers and subprocesses."""

_CREATED: list[str] = []


def _install(site: str) -> None:
    """A real, non-editable `pip install` of the example plugin into `site`."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--target",
        site,
        str(EXAMPLE_PLUGIN),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        raise pytest.UsageError(
            "could not install the example plugin for the tests: "
            + (done.stderr.strip().splitlines() or ["pip failed"])[-1]
        )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    site = os.environ.get(SITE_VARIABLE)
    if not site:
        site = tempfile.mkdtemp(prefix="guardrails-example-plugin-")
        _CREATED.append(site)
        _install(site)
        os.environ[SITE_VARIABLE] = site
    os.environ["PYTHONPATH"] = site
    if site not in sys.path:
        sys.path.insert(0, site)
    importlib.invalidate_caches()


def pytest_unconfigure(config: pytest.Config) -> None:
    for site in _CREATED:
        shutil.rmtree(site, ignore_errors=True)
