"""bench/install_matrix.py reads the README's set-up line and fails loudly on a bad Python."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location(
        "install_matrix", REPO / "bench" / "install_matrix.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_runs_the_readme_line_and_reports_a_python_that_cannot_set_up(capsys) -> None:
    matrix = _module()
    line = matrix.setup_line()
    assert line.startswith("python3 -m venv .venv") and line.endswith(
        "guardrails check examples/service"
    )
    assert matrix.main(["/nonexistent/python3.99"]) == 1
    (report,) = capsys.readouterr().out.splitlines()
    assert report.startswith("FAIL  /nonexistent/python3.99: ") and "exit ?" not in report
