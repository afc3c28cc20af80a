"""ACME's guardrails policies: a LibCST rule, a Semgrep rule and a Ruff mapping."""

from __future__ import annotations

from pathlib import Path

from guardrails import CstRule, RuffMapping, hookimpl
from guardrails_acme.rules import NO_DEBUGGER, TracedHandlers

__version__ = "1.2.0"


@hookimpl
def guardrails_categories() -> list[str]:
    return ["compliance"]


@hookimpl
def guardrails_rules() -> list[type[CstRule]]:
    return [TracedHandlers]


@hookimpl
def guardrails_semgrep_rule_dirs() -> list[Path]:
    return [Path(__file__).resolve().parent / "semgrep"]


@hookimpl
def guardrails_ruff_mappings() -> list[RuffMapping]:
    return [RuffMapping("ACME003", ("T100",), meta=NO_DEBUGGER)]
