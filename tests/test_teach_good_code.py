"""Teach only good code: what guardrails shows as the fix must pass every rule.

Agents copy the good example the agent output prints, the examples of the
docs and the MCP server's `explain`, and the code in a rule's remediation
text. If any of that code tripped another rule, an agent following the
advice would get a new finding for it. So every good example, and every
remediation snippet that is a complete statement, is checked here through
the *full* default catalog (every backend), not just its own rule.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict

import pytest

from guardrails.testing import example_cases, run_many

_SNIPPET = re.compile(r"`([^`\n]+)`")


def _statements(text: str) -> list[str]:
    """Backticked code in prose that parses as Python statements on its own."""
    found = []
    for snippet in _SNIPPET.findall(text):
        if not any(c in snippet for c in "(=:") or snippet.startswith(("#", "-", "--")):
            continue  # a bare name or a command-line flag, not code to copy
        if re.fullmatch(r"[\w.]+\(\)", snippet):
            continue  # `name()` names an API in prose; it is not a statement to copy
        if _parses(snippet):
            found.append(snippet)
    return found


def _parses(snippet: str) -> bool:
    try:
        ast.parse(snippet)
    except SyntaxError:
        return False  # prose such as `except OSError as err: raise ... from err`
    return True


def _sources() -> dict[str, tuple[str, dict[str, dict[str, object]]]]:
    """relative path -> (code, rule options it is shown with)."""
    sources: dict[str, tuple[str, dict[str, dict[str, object]]]] = {}
    for case in example_cases():
        if case.kind != "good":
            continue
        options = {case.meta.id: dict(case.example.options)} if case.example.options else {}
        sources[case.relative_path] = (case.example.code, options)
        for index, snippet in enumerate(_statements(case.meta.remediation)):
            if case.index == 0:
                sources[f"{case.meta.id}-remediation{index}/snippet.py"] = (snippet + "\n", {})
    return sources


SOURCES = _sources()


@pytest.fixture(scope="module")
def findings() -> dict[str, list[str]]:
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    option_sets: dict[str, dict[str, dict[str, object]]] = {}
    for relative, (code, options) in SOURCES.items():
        key = repr(sorted(options.items()))
        option_sets[key] = options
        groups[key][relative] = code
    found: dict[str, list[str]] = {}
    for key, sources in groups.items():
        folders = sorted({relative.split("/")[0] for relative in sources})
        results = run_many(sources, select=None, options=option_sets[key] or None, src=folders)
        for relative, violations in results.items():
            found[relative] = [f"{v.rule_id} line {v.line}: {v.message}" for v in violations]
    return found


def test_there_is_good_code_to_check() -> None:
    assert len(SOURCES) > 100


@pytest.mark.parametrize("relative", sorted(SOURCES))
def test_shown_code_passes_the_full_catalog(relative: str, findings) -> None:
    assert findings[relative] == [], f"{relative} ({SOURCES[relative][0]!r})"
