"""False-positive classes of the OBS and ARC warning rules, each beside its true-positive twin.

Each case runs the real engine and asserts exact (id, line) pairs, so a
fixed false positive coming back fails as loudly as a real finding lost.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from guardrails.testing import assert_findings, run_many

UNTYPED_API = """\
def parse(raw, strict=False):
    return raw.split()
"""


def _findings(files: Mapping[str, str], rule: str, **kwargs: object) -> dict[str, list[int]]:
    """Lines of `rule` per Python file of a multi-file project."""
    found = run_many(files, select=[rule], **kwargs)  # type: ignore[arg-type]
    return {
        path: sorted(v.line for v in violations if v.rule_id == rule)
        for path, violations in found.items()
        if path.endswith(".py")
    }


def test_arc006_untyped_package_is_not_checked() -> None:
    found = _findings({"legacy/__init__.py": "", "legacy/parse.py": UNTYPED_API}, "ARC006")
    assert found == {"legacy/__init__.py": [], "legacy/parse.py": []}


def test_arc006_py_typed_package_is_checked() -> None:
    files = {
        "typedpkg/__init__.py": "",
        "typedpkg/py.typed": "",
        "typedpkg/sub/__init__.py": "",
        "typedpkg/sub/parse.py": UNTYPED_API,
    }
    assert _findings(files, "ARC006")["typedpkg/sub/parse.py"] == [1]


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ("pyproject.toml", "[tool.mypy]\nstrict = true\n"),
        ("pyproject.toml", "[tool.mypy]\ndisallow_untyped_defs = true\n"),
        ("pyproject.toml", '[tool.pyright]\ntypeCheckingMode = "strict"\n'),
        ("mypy.ini", "[mypy]\ndisallow_untyped_defs = True\n"),
        ("setup.cfg", "[mypy]\nstrict = true\n"),
    ],
)
def test_arc006_strict_type_checker_config_is_checked(config: str, text: str) -> None:
    files = {f"proj/{config}": text, "proj/app/__init__.py": "", "proj/app/parse.py": UNTYPED_API}
    assert _findings(files, "ARC006")["proj/app/parse.py"] == [1]


def test_arc006_lenient_type_checker_config_is_not_checked() -> None:
    files = {
        "proj/pyproject.toml": "[tool.mypy]\nstrict = false\nwarn_unused_ignores = true\n",
        "proj/app/__init__.py": "",
        "proj/app/parse.py": UNTYPED_API,
    }
    assert _findings(files, "ARC006")["proj/app/parse.py"] == []


def test_arc006_inline_marker_and_option() -> None:
    assert_findings("# pyright: strict\n" + UNTYPED_API, {("ARC006", 2)}, select=["ARC006"])
    assert_findings("# mypy: disallow-untyped-defs=False\n" + UNTYPED_API, set(), select=["ARC006"])
    assert_findings(
        UNTYPED_API, {("ARC006", 1)}, select=["ARC006"], options={"ARC006": {"typed-only": False}}
    )
