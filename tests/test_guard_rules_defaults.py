"""REL003 beyond which defaults it flags: the message and the fix.

The fix turns the default into `None`, adds `| None` to an annotation that lacks it, and
builds the object in the body, below the docstring. Each test pins one of those choices
on code a user would write, so a fix that lands above the docstring, drops the annotation
or doubles `| None` fails a test.
"""

from __future__ import annotations

import ast

import pytest
from test_guard_rules import found, lines, marked

from guardrails.fixer import apply_fixes
from guardrails.model import Violation
from guardrails.testing import run


def rel003(source: str) -> list[Violation]:
    """REL003's findings in `source`; the rule must not have crashed."""
    violations = run(source, select=["REL003"])
    broken = [v.message for v in violations if v.rule_id in ("GR001", "GR003")]
    assert not broken, f"the rule failed instead of judging the code: {broken}"
    return [v for v in violations if v.rule_id == "REL003"]


def fixed(source: str) -> str:
    """`source` with every REL003 fix applied (each finding must offer one)."""
    violations = rel003(source)
    assert violations and all(v.fix is not None for v in violations)
    new, count = apply_fixes(source, [v.fix for v in violations if v.fix is not None])
    assert count == len(violations)
    ast.parse(new)
    return new


# --- which parameters are reported ------------------------------------------------------


def test_rel003_a_read_only_default_does_not_hide_a_later_mutated_one() -> None:
    # `context` is only read; checking moves on to `seen`, it does not stop there
    source = (
        "def render(template: str, context: dict = {}, seen: list = []) -> str:  # bad\n"
        "    seen.append(template)\n"
        '    return template.replace("$title", context.get("title", ""))\n'
    )
    assert lines(source, "REL003") == marked(source)


def test_rel003_message_shows_a_default_of_up_to_30_characters_whole() -> None:
    thirty = '{"timeout": 30, "retries": 10}'
    thirty_one = '{"timeout": 30, "retries": 100}'
    assert (len(thirty), len(thirty_one)) == (30, 31)
    source = (
        f"def connect(url: str, options: dict = {thirty}) -> dict:\n"
        '    options["url"] = url\n'
        "    return options\n\n\n"
        f"def reconnect(url: str, options: dict = {thirty_one}) -> dict:\n"
        '    options["url"] = url\n'
        "    return options\n"
    )
    shared = ", which is created once and shared by every call"
    assert found(source, "REL003") == [
        (1, f"`options` defaults to the mutable `{thirty}`{shared}"),
        (6, f"`options` defaults to the mutable `{thirty_one[:29]}…`{shared}"),
    ]


# --- the fix ----------------------------------------------------------------------------


def test_rel003_fix_builds_the_default_before_the_first_statement_and_widens_the_type() -> None:
    source = (
        "def add(item: str, items: list[str] = []) -> list[str]:\n"
        "    items.append(item)\n"
        "    return items\n"
    )
    assert fixed(source) == (
        "def add(item: str, items: list[str] | None = None) -> list[str]:\n"
        "    if items is None:\n"
        "        items = []\n"
        "    items.append(item)\n"
        "    return items\n"
    )


def test_rel003_fix_goes_below_the_docstring() -> None:
    # a docstring and one statement: the fix goes between them
    source = (
        "def remember(key: str, value: str, cache: dict[str, str] = {}) -> None:\n"
        '    """Keep `value` for the next lookup of `key`."""\n'
        "    cache[key] = value\n"
    )
    assert fixed(source) == (
        "def remember(key: str, value: str, cache: dict[str, str] | None = None) -> None:\n"
        '    """Keep `value` for the next lookup of `key`."""\n'
        "    if cache is None:\n"
        "        cache = {}\n"
        "    cache[key] = value\n"
    )


@pytest.mark.parametrize("annotation", ["Optional[list[str]]", "list[str] | None", "Any"])
def test_rel003_fix_keeps_an_annotation_that_already_allows_none(annotation: str) -> None:
    source = (
        "from typing import Any, Optional\n\n\n"
        f"def tag(name: str, tags: {annotation} = []) -> None:\n"
        "    tags.append(name)\n"
    )
    assert fixed(source) == source.replace(" = []", " = None").replace(
        "    tags.append", "    if tags is None:\n        tags = []\n    tags.append"
    )


def test_rel003_docstring_only_stubs_are_judged_without_error() -> None:
    # a protocol's method: its body is the docstring alone, no statement to fix before
    source = (
        "from typing import Protocol\n\n\n"
        "class Store(Protocol):\n"
        "    def save(self, rows: list[dict] = []) -> None:\n"
        '        """Persist `rows`."""\n'
    )
    assert rel003(source) == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "def push(item: int, stack: list[int] = []) -> None: stack.append(item)\n",
            id="rel003-one-line-body",
        ),
        pytest.param(
            "def push(item: int, stack: 'list[int]' = []) -> None:\n    stack.append(item)\n",
            id="rel003-string-annotation",
        ),
    ],
)
def test_rel003_no_fix_where_it_cannot_be_written_safely(source: str) -> None:
    # no line to insert before; a quoted annotation cannot take `| None` outside its quotes
    assert [v.fix for v in rel003(source)] == [None]
