"""ACME's policies, tested through the real engine with guardrails.testing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from guardrails.cli import AGENT_ENVIRONMENT
from guardrails.testing import assert_findings, example_tests, missing_examples

# Variables that change what `guardrails check` prints: the output format and colour.
_OUTPUT = ("GUARDRAILS_OUTPUT_FORMAT", "GUARDRAILS_DEBUG", "NO_COLOR", "FORCE_COLOR")


@pytest.fixture(autouse=True)
def _plain_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same answer inside a coding agent or a coloured shell."""
    for name in (*AGENT_ENVIRONMENT, *_OUTPUT):
        monkeypatch.delenv(name, raising=False)


test_acme_examples = example_tests(plugin="acme")


def test_every_acme_rule_has_enough_examples() -> None:
    assert missing_examples(plugin="acme") == []


def test_decorator_option_is_honoured() -> None:
    source = """\
        from fastapi import APIRouter

        from acme.telemetry import span

        router = APIRouter()


        @router.post("/orders")
        @span
        def create() -> dict:
            return {}
        """
    assert_findings(source, {("ACME001", 10)}, path="acme/api/orders.py", select=["ACME001"])
    assert_findings(
        source,
        set(),
        path="acme/api/orders.py",
        select=["ACME001"],
        options={"ACME001": {"decorator": "acme.telemetry.span"}},
    )


def test_modules_option_moves_the_scope() -> None:
    source = '@app.get("/x")\ndef x():\n    return 1\n'
    assert_findings(source, set(), path="shop/views.py", select=["ACME001"])
    assert_findings(
        source,
        {("ACME001", 2)},
        path="shop/views.py",
        select=["ACME001"],
        options={"ACME001": {"modules": ["shop.*"]}},
    )


def test_end_to_end_check_shows_acme_findings(tmp_path) -> None:
    api = tmp_path / "acme" / "api"
    api.mkdir(parents=True)
    (api / "orders.py").write_text(
        textwrap.dedent(
            """\
            import boto3
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/orders")
            def orders() -> list:
                breakpoint()
                return boto3.client("s3").list_buckets()["Buckets"]
            """
        )
    )
    proc = subprocess.run(
        [sys.executable, "-m", "guardrails", "check", "--select", "ACME"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if not line.startswith(" ")]
    assert lines[:3] == [
        "acme/api/orders.py:8:5: ACME001 HTTP handler `orders` is not decorated with `@traced` "
        "(`acme.observability.traced`), so it emits no trace spans",
        "acme/api/orders.py:9:5: ACME003 Trace found: `breakpoint` used [T100]",
        "acme/api/orders.py:10:12: ACME002 This creates an AWS client directly with boto3; "
        "ACME's audit logging and retry policy only apply to clients from `acme.aws.client()`",
    ]
    listing = subprocess.run(
        [sys.executable, "-m", "guardrails", "plugins"], capture_output=True, text=True, check=True
    )
    assert any(
        row.split()[:3] == ["acme", "entry-point", "1.2.0"] for row in listing.stdout.splitlines()
    ), listing.stdout
