"""Shared fixtures: run the real `guardrails` CLI in a scratch project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


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

    def run(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
        environment = {**os.environ, **(env or {})}
        environment.pop("GUARDRAILS_DEBUG", None)
        proc = subprocess.run(
            [sys.executable, "-m", "guardrails", *args],
            cwd=cwd or self.root,
            capture_output=True,
            text=True,
            env=environment,
            timeout=300,
            check=False,  # the exit code is part of what tests assert
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    def git(self, *args: str) -> None:
        subprocess.run(
            ["git", *args],
            cwd=self.root,
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.com",
            },
        )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root)
