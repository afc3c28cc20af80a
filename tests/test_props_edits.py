"""Properties of `fixer.apply_fixes` against a simple reference applier, on generated edits."""

from __future__ import annotations

import itertools
import re
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrails.fixer import apply_fixes
from guardrails.model import Edit, Fix

# Line breaks as Python counts them (`\n`, `\r\n`, `\r`) plus characters that are not.
TEXTS = st.text(alphabet="ab é\n\r\t\x0c\u2028", max_size=30)
Span = tuple[int, int, str]


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`, breaking lines only at `\\n`, `\\r\\n`, `\\r`."""
    line_start, line = 0, 1
    for match in re.finditer(r"\r\n|\r|\n", text):
        if match.end() > offset:
            break
        line_start, line = match.end(), line + 1
    return line, offset - line_start + 1


def edit(text: str, start: int, end: int, content: str) -> Edit:
    return Edit(*position(text, start), *position(text, end), content)


def conflict(a: Span, b: Span) -> bool:
    """Reference: edits overlap if they share a character, or insert at one point."""
    (s1, e1, _), (s2, e2, _) = a, b
    if s1 == e1 and s2 == e2:
        return s1 == s2
    if s1 == e1:
        return s2 < s1 < e2
    if s2 == e2:
        return s1 < s2 < e1
    return max(s1, s2) < min(e1, e2)


def reference(text: str, fixes: list[list[Span]]) -> tuple[str, int]:
    """Take each fix whose edits conflict with none taken; build the text left to right."""
    taken: list[Span] = []
    count = 0
    for spans in fixes:
        if any(s > e for s, e, _ in spans):
            continue
        if any(conflict(a, b) for a in spans for b in taken):
            continue
        taken.extend(spans)
        count += 1
    inserts = {s: c for s, e, c in taken if s == e}
    replaces = {s: (e, c) for s, e, c in taken if s != e}
    out, i = [], 0
    while i <= len(text):
        out.append(inserts.get(i, ""))
        if i in replaces:
            end, content = replaces[i]
            out.append(content)
            i = end
            continue
        out.append(text[i : i + 1])
        i += 1
    return "".join(out), count


@st.composite
def text_and_fixes(draw: st.DrawFn, disjoint: bool = False) -> tuple[str, list[list[Span]]]:
    text = draw(TEXTS)
    offsets = st.integers(0, len(text))
    contents = st.text(alphabet="XY\n", max_size=3)
    fixes: list[list[Span]] = []
    taken: list[Span] = []
    for _ in range(draw(st.integers(0, 6))):
        spans: list[Span] = []
        for _ in range(draw(st.integers(1, 2))):
            a, b = draw(offsets), draw(offsets)
            if disjoint or draw(st.booleans()):
                a, b = min(a, b), max(a, b)
            span = (a, b, draw(contents))
            # edits within one fix never overlap each other (the engine's contract)
            if any(conflict(span, other) for other in spans) and (a <= b):
                continue
            if disjoint and any(conflict(span, other) for other in taken):
                continue
            spans.append(span)
        if spans:
            fixes.append(spans)
            taken.extend(spans)
    return text, fixes


def as_fixes(text: str, fixes: list[list[Span]]) -> list[Fix]:
    return [Fix(tuple(edit(text, s, e, c) for s, e, c in spans)) for spans in fixes]


@settings(max_examples=300, deadline=None)
@given(text_and_fixes())
def test_apply_fixes_matches_the_reference_applier(case: tuple[str, list[list[Span]]]) -> None:
    text, fixes = case
    assert apply_fixes(text, as_fixes(text, fixes)) == reference(text, fixes)


@settings(max_examples=150, deadline=None)
@given(text_and_fixes(disjoint=True), st.randoms(use_true_random=False))
def test_non_overlapping_fixes_commute_and_are_all_applied(
    case: tuple[str, list[list[Span]]], random: Random
) -> None:
    text, fixes = case
    expected = reference(text, fixes)
    assert expected[1] == len(fixes)
    orders = list(itertools.islice(itertools.permutations(fixes), 6))
    orders.append(random.sample(fixes, len(fixes)))
    for order in orders:
        assert apply_fixes(text, as_fixes(text, list(order))) == expected


@settings(max_examples=200, deadline=None)
@given(text_and_fixes())
def test_of_two_overlapping_fixes_only_the_first_is_applied(
    case: tuple[str, list[list[Span]]],
) -> None:
    text, fixes = case
    for first, second in itertools.combinations(fixes, 2):
        if any(s > e for s, e, _ in first + second):
            continue
        if not any(conflict(a, b) for a in first for b in second):
            continue
        pair = as_fixes(text, [first, second])
        assert apply_fixes(text, pair) == apply_fixes(text, pair[:1])
        assert apply_fixes(text, pair)[1] == 1


@settings(max_examples=200, deadline=None)
@given(text_and_fixes())
def test_the_count_is_the_number_of_fixes_applied(case: tuple[str, list[list[Span]]]) -> None:
    text, fixes = case
    new, count = apply_fixes(text, as_fixes(text, fixes))
    # the fixes taken are those that added to the reference count; they alone give the result
    taken = [
        spans
        for index, spans in enumerate(fixes)
        if reference(text, fixes[: index + 1])[1] > reference(text, fixes[:index])[1]
    ]
    assert count == len(taken)
    assert apply_fixes(text, as_fixes(text, taken)) == (new, count)


# Offsets past 256 too: CPython shares small ints, so `is` would pass for `==` below them.
LONG = "".join(f"line {n:03d} of a file long enough for large offsets\n" for n in range(40))


@pytest.mark.parametrize("base", [0, 500, 1500])
def test_insertions_and_replacements_conflict_exactly_where_they_overlap(base: int) -> None:
    def one(start: int, end: int, content: str) -> Fix:
        return Fix((edit(LONG, base + start, base + end, content),))

    cases = [
        # (first fix, second fix, both applied?)
        (one(10, 20, "R"), one(15, 15, "I"), False),  # insertion strictly inside
        (one(15, 15, "I"), one(10, 20, "R"), False),  # ... in either order
        (one(10, 20, "R"), one(10, 10, "I"), True),  # at its start: both
        (one(10, 20, "R"), one(20, 20, "I"), True),  # at its end: both
        (one(12, 12, "I"), one(12, 12, "J"), False),  # two insertions at one point
        (one(12, 12, "I"), one(13, 13, "J"), True),
        (one(10, 20, "R"), one(19, 25, "S"), False),  # replacements sharing a character
        (one(10, 20, "R"), one(20, 25, "S"), True),  # adjacent
    ]
    for first, second, both in cases:
        text, applied = apply_fixes(LONG, [first, second])
        assert applied == (2 if both else 1), (base, first, second)
        only_first, _ = apply_fixes(LONG, [first])
        if not both:
            assert text == only_first
