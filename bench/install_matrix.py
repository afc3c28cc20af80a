"""The README's set-up line on every supported Python, with the pip each one's `venv` ships.

The test suite runs the line on the interpreter it runs on, in a virtualenv that sees the test
environment's packages (no downloads). This command does what a newcomer does, per Python:
copy the checkout, create a bare virtualenv, and run the README's line as written, downloading
every dependency from the package registry. It is slow (a few minutes per Python) and needs
the registry, so it is a separate command, not a test.

    python bench/install_matrix.py                  # python3.10 ... python3.13 found on PATH
    python bench/install_matrix.py /opt/py/bin/python3.12 python3.13

Prints one line per interpreter (its pip version, the exit code, the summary line) and exits
1 if any line failed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUPPORTED = ("python3.10", "python3.11", "python3.12", "python3.13")
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache")


def setup_line() -> str:
    """The README's first shell block: the one-line set-up and main job."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```sh\n(python3 -m venv .*)\n```", text)
    if found is None:
        raise SystemExit("install_matrix: the README has no set-up line")
    return found.group(1)


def run_on(python: str, line: str) -> tuple[bool, str]:
    """Run the README line with `python` as `python3`; (worked, one-line report)."""
    with tempfile.TemporaryDirectory(prefix="guardrails-install-") as scratch:
        checkout = Path(scratch) / "guardrails"
        shutil.copytree(REPO, checkout, ignore=SKIP)
        script = line.replace("python3 -m venv", f"{python} -m venv", 1)
        script += "; echo exit=$?; python -m pip --version"
        done = subprocess.run(
            ["bash", "-c", script], cwd=checkout, capture_output=True, text=True, check=False
        )
    out = done.stdout
    code = re.search(r"^exit=(\d+)$", out, re.M)
    summary = re.search(r"^Found \d+ findings?.*$", out, re.M)
    pip = re.search(r"^pip (\S+)", out, re.M)
    worked = bool(code and code.group(1) == "1" and summary)
    detail = summary.group(0) if summary else (done.stderr.strip().splitlines() or ["?"])[-1]
    report = (
        f"{python}: pip {pip.group(1) if pip else '?'}, "
        f"exit {code.group(1) if code else '?'}: {detail}"
    )
    return worked, report


def main(argv: list[str]) -> int:
    pythons = argv or [p for p in SUPPORTED if shutil.which(p)]
    if not pythons:
        print("install_matrix: no python3.10 ... python3.13 on PATH; name some", file=sys.stderr)
        return 2
    line = setup_line()
    failed = 0
    for python in pythons:
        worked, report = run_on(python, line)
        failed += not worked
        print(("ok    " if worked else "FAIL  ") + report, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
