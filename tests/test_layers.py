"""Layers point one way: checked by what importing each layer loads, in a fresh interpreter.

The project's own `guardrails check` enforces the same with ARC001/ARC002
(`[tool.guardrails.rules.ARC001]` in pyproject.toml); this test catches what
a static check cannot see: an import that happens at import time through a
third module (the plan loading every plugin and so both backends, the public
API re-exporting a backend's type).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

BACKENDS = (
    "guardrails.backends.libcst",
    "guardrails.backends.semgrep",
    "guardrails.backends.ruff",
    "guardrails.backends.imports",
)

# module imported -> prefixes of modules it must not load
FORBIDDEN = {
    "guardrails": (*BACKENDS, "guardrails.plugins", "guardrails.engine", "guardrails.cli"),
    "guardrails.plan": (*BACKENDS, "guardrails.plugins"),
    "guardrails.registry": (*BACKENDS, "guardrails.plugins", "guardrails.engine"),
    "guardrails.source": (*BACKENDS, "guardrails.plugins", "guardrails.engine"),
    "guardrails.backends.libcst.checker": (*BACKENDS[1:], "guardrails.plugins"),
    "guardrails.backends.libcst.workers": (*BACKENDS[1:], "guardrails.plugins"),
    "guardrails.backends.semgrep": (*BACKENDS[:1], *BACKENDS[2:], "guardrails.engine"),
    "guardrails.backends.ruff": (*BACKENDS[:2], *BACKENDS[3:], "guardrails.engine"),
    "guardrails.backends.imports": (*BACKENDS[:3], "guardrails.engine"),
    "guardrails.report.sarif": (*BACKENDS, "guardrails.engine", "guardrails.cli"),
    "guardrails.report.agent": (*BACKENDS, "guardrails.engine", "guardrails.cli"),
    "guardrails.report.text": (*BACKENDS, "guardrails.engine", "guardrails.cli"),
    "guardrails.report.json_format": (*BACKENDS, "guardrails.engine", "guardrails.cli"),
    # the quality report lays out numbers: it runs nothing
    "guardrails.report.quality_html": (*BACKENDS, "guardrails.engine", "guardrails.service"),
    "guardrails.report.quality_md": (*BACKENDS, "guardrails.engine", "guardrails.service"),
    "guardrails.quality": (*BACKENDS, "guardrails.plugins", "guardrails.engine", "guardrails.cli"),
    "guardrails.rules": ("guardrails.cli", "guardrails.report", "guardrails.engine", *BACKENDS),
    "guardrails.ruletext": (
        *BACKENDS,
        "guardrails.engine",
        "guardrails.cli",
        "guardrails.report",
        "guardrails.plugins",
    ),
    # what a rule looks at is read from its examples: no plugin, backend or run needed
    "guardrails.relevance": (
        *BACKENDS,
        "guardrails.plugins",
        "guardrails.engine",
        "guardrails.cli",
    ),
    "guardrails.mcp_server": ("guardrails.cli",),
    "guardrails.cli": ("guardrails.mcp_server", "guardrails.engine", *BACKENDS),
}

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("guardrails"))))
"""


def _loaded(module: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, module], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_importing_a_layer_loads_nothing_above_or_beside_it(module: str) -> None:
    loaded = _loaded(module)
    assert module in loaded
    wrong = [m for m in loaded for p in FORBIDDEN[module] if m == p or m.startswith(p + ".")]
    assert not wrong, f"importing {module} loads {wrong}"


def test_the_probe_sees_what_a_module_loads() -> None:
    # the check above could not fail if the probe saw nothing: a transitive import shows
    assert "guardrails.backends.process" in _loaded("guardrails.backends.semgrep")
