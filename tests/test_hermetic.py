"""The suite gives the same answer in a hostile environment: that is what makes it worth trusting.

A coding agent's variables switch the output format, colour variables change text, another
`guardrails` may come first on PATH, the user's git config may sign or rewrite commits, and a
plugin installed beside guardrails adds findings. Tests that depend on any of these pass on one
machine and fail on the next; `conftest.py` builds their world from scratch, and this runs a
sample of them, started from elsewhere, with all of it turned against them.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO

SAMPLE = [
    "tests/test_cli.py::test_findings_exit_1_with_remediation_and_summary",  # text format, colour
    "tests/test_cli.py::test_console_script_is_installed",  # which `guardrails`
    "tests/test_baseline_diff.py::test_diff_mode_reports_only_changed_lines",  # git config
    "tests/test_suppressions.py::test_trailing_suppression_with_reason",  # in-process plugins
]

HOSTILE = {
    "CLAUDECODE": "1",
    "GEMINI_CLI": "1",
    "CODEX_SANDBOX": "seatbelt",
    "GUARDRAILS_OUTPUT_FORMAT": "sarif",
    "GUARDRAILS_DEBUG": "1",
    "GUARDRAILS_BACKEND_TIMEOUT": "0.001",
    "FORCE_COLOR": "1",
    "NO_COLOR": "1",
    "GIT_DIR": "/nonexistent",
}


def test_a_sample_passes_inside_an_agent_from_elsewhere_with_an_impostor_on_path(tmp_path) -> None:
    impostor = tmp_path / "bin" / "guardrails"
    impostor.parent.mkdir()
    impostor.write_text("#!/bin/sh\necho impostor\nexit 99\n")
    impostor.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[commit]\n\tgpgsign = true\n[core]\n\tautocrlf = true\n\thooksPath = /nonexistent\n"
        "[init]\n\tdefaultBranch = trunk\n[diff]\n\tnoprefix = true\n\tmnemonicPrefix = true\n"
    )
    env = {
        **HOSTILE,
        "PATH": f"{impostor.parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        # the example plugin this session installed (installing it again costs a pip run)
        "GUARDRAILS_TEST_PLUGIN_SITE": os.environ["GUARDRAILS_TEST_PLUGIN_SITE"],
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "-q",
            *(str(REPO / t) for t in SAMPLE),
        ],
        cwd=tmp_path,  # not the checkout
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert f"{len(SAMPLE)} passed" in proc.stdout, proc.stdout[-2000:]
