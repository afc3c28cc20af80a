"""Fingerprints survive unrelated edits and tell findings apart; suppressions parse alike."""

from __future__ import annotations

import datetime
import functools
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import violation
from guardrails import suppressions
from guardrails.fingerprint import with_fingerprints
from guardrails.model import Violation
from guardrails.testing import run

ROOT = Path("/project")
FINDING = 'os.system("restart " + name)'
FAST = settings(max_examples=60, deadline=None)
ENGINE = settings(max_examples=12, deadline=None)  # each example is a real engine run


def _v(rule_id: str, line: int, text: str, path: str = "/project/app.py") -> Violation:
    return violation(rule_id, line, path, source_line=text)


def _prints(*violations: Violation) -> list[str]:
    return [v.fingerprint for v in with_fingerprints(violations, ROOT)]


# --- fingerprint.py directly ------------------------------------------------------------------

INDENT = st.text(alphabet=" \t", max_size=12)
GAP = st.text(alphabet=" \t", min_size=1, max_size=3)  # whitespace between tokens
LINES = st.integers(min_value=1, max_value=10_000)


@FAST
@given(INDENT, GAP, LINES, LINES)
def test_fingerprint_ignores_indentation_spacing_and_line_number(
    indent: str, gap: str, line: int, moved: int
) -> None:
    respaced = indent + FINDING.replace(" ", gap) + indent
    assert _prints(_v("SEC001", line, FINDING)) == _prints(_v("SEC001", moved, respaced))


def test_fingerprint_is_a_32_hex_digest() -> None:
    (one,) = _prints(_v("SEC001", 1, FINDING))
    assert re.fullmatch(r"[0-9a-f]{32}", one)
    (blank,) = _prints(_v("SEC001", 1, ""))  # even a finding without source text has one
    assert re.fullmatch(r"[0-9a-f]{32}", blank)


CODE = st.text(alphabet="abcxyz_=()+ 0123456789", min_size=1, max_size=20).filter(
    lambda s: s.strip() != ""
)


@FAST
@given(CODE, CODE)
def test_different_code_on_the_same_line_gets_different_fingerprints(a: str, b: str) -> None:
    same = " ".join(a.split()) == " ".join(b.split())
    assert (_prints(_v("SEC001", 3, a)) == _prints(_v("SEC001", 3, b))) == same


def test_distinct_findings_get_distinct_fingerprints() -> None:
    prints = _prints(
        _v("SEC001", 2, FINDING),
        _v("SEC002", 2, FINDING),  # another rule, same line
        _v("SEC001", 5, FINDING),  # the same code again in the file
        _v("SEC001", 9, FINDING),  # and a third time
        _v("SEC001", 2, FINDING, path="/project/other.py"),  # same code, another file
        _v("SEC001", 7, 'os.system("stop " + name)'),  # other code
    )
    assert all(re.fullmatch(r"[0-9a-f]{32}", p) for p in prints)
    assert len(set(prints)) == len(prints)


def test_a_fingerprint_does_not_depend_on_other_rules_or_files_findings() -> None:
    together = _prints(
        _v("SEC001", 2, FINDING),
        _v("SEC001", 2, FINDING, path="/project/b.py"),
        _v("SEC002", 2, FINDING),
    )
    assert together[1:] == [
        *_prints(_v("SEC001", 2, FINDING, path="/project/b.py")),
        *_prints(_v("SEC002", 2, FINDING)),
    ]


def test_repeated_code_ranks_by_report_order_not_line_numbers() -> None:
    before = _prints(_v("SEC001", 2, FINDING), _v("SEC001", 5, FINDING))
    after = _prints(_v("SEC001", 12, FINDING), _v("SEC001", 40, FINDING))
    assert before == after and before[0] != before[1]


def test_fingerprint_path_counts_from_the_project_root() -> None:
    absolute = _prints(_v("SEC001", 1, FINDING, path="/project/pkg/app.py"))
    elsewhere = [
        v.fingerprint
        for v in with_fingerprints([_v("SEC001", 1, FINDING, path="/x/pkg/app.py")], Path("/x"))
    ]
    assert absolute == elsewhere


# --- the real engine: edits a user makes -----------------------------------------------------

BODY = f"import os\n\n\ndef restart(name: str) -> None:\n    {FINDING}\n"
ABOVE = st.lists(
    st.sampled_from(["", "# a comment", "X = 1", "import sys", '"""Doc."""', "Y: int = 2"]),
    min_size=1,
    max_size=4,
)


def _engine_prints(source: str) -> list[tuple[str, str]]:
    return [(v.rule_id, v.fingerprint) for v in run(source, select=["SEC001"])]


@functools.cache
def _base() -> list[tuple[str, str]]:
    """The unedited file's (rule id, fingerprint) pairs, computed once."""
    return _engine_prints(BODY)


def test_engine_gives_the_finding_a_fingerprint() -> None:
    (only,) = _base()
    assert only[0] == "SEC001" and re.fullmatch(r"[0-9a-f]{32}", only[1])


@ENGINE
@given(ABOVE)
def test_engine_fingerprint_survives_lines_inserted_above(above: list[str]) -> None:
    source = BODY.replace("\n\ndef", "\n" + "\n".join(above) + "\n\ndef", 1)
    assert _engine_prints(source) == _base()


@ENGINE
@given(st.sampled_from(["if name:", "while name:", "with open(name):", "try:"]), INDENT)
def test_engine_fingerprint_survives_reindenting_into_a_block(head: str, pad: str) -> None:
    inner = "    " + pad.replace("\t", "    ") if pad else "    "
    tail = "\n    except OSError:\n        raise" if head == "try:" else ""
    source = BODY.replace(f"    {FINDING}", f"    {head}\n    {inner}{FINDING}{tail}")
    assert _engine_prints(source) == _base()


def test_engine_fingerprints_tell_repeated_code_and_rules_apart() -> None:
    source = BODY + f"    {FINDING}\n    {FINDING}\n    eval(name)\n"
    found = run(source, select=["SEC001", "SEC002"])
    prints = [v.fingerprint for v in found]
    assert [v.rule_id for v in found] == ["SEC001", "SEC001", "SEC001", "SEC002"]
    assert all(prints) and len(set(prints)) == len(prints)
    assert prints[0] == _base()[0][1]  # the first of the three keeps its fingerprint


# --- suppression comments: spacing does not change what they say ---------------------------

SPACE = st.text(alphabet=" \t", max_size=3)
SOME = st.text(alphabet=" \t", min_size=1, max_size=3)
REASON = st.sampled_from(["constant command", "vetted in OPS-112: no input", "ok", "x"])
SEPARATOR = st.sampled_from(["", "- ", "-- ", ": ", "— ", "-"])
DATE = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2999, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(SPACE, min_size=9, max_size=9),
    SOME,
    st.none() | DATE,
    SEPARATOR,
    REASON,
)
def test_suppression_comment_parses_the_same_however_spaced(
    s: list[str], gap: str, until: datetime.date | None, separator: str, reason: str
) -> None:
    expiry = f"until{s[6]}={s[7]}{until.isoformat()}{gap}" if until else ""
    comment = (
        f"#{s[0]}guardrails{s[1]}:{s[2]}ignore[{s[3]}SEC001{s[4]},{s[5]}REL003{s[8]}]"
        f"{gap}{expiry}{separator}{reason}"
    )
    (parsed,) = suppressions.parse(f"x = 1  {comment}\n")
    (canonical,) = suppressions.parse(
        "x = 1  # guardrails: ignore[SEC001, REL003] "
        + (f"until={until.isoformat()} " if until else "")
        + reason
        + "\n"
    )
    for got in (parsed, canonical):
        assert got.ids == ("SEC001", "REL003")
        assert got.reason == reason
        assert got.until == until and got.bad_until is None
        assert (got.line, got.target_line, got.trailing) == (1, 1, True)


@FAST
@given(SPACE, SPACE, REASON)
def test_own_line_suppression_parses_the_same_however_spaced(a: str, b: str, reason: str) -> None:
    (parsed,) = suppressions.parse(f"#{a}guardrails:{b}ignore[SEC001] {reason}\n\nx = 1\n")
    assert (parsed.ids, parsed.reason, parsed.target_line, parsed.trailing) == (
        ("SEC001",),
        reason,
        3,
        False,
    )


def test_fingerprints_are_stable_across_versions() -> None:
    """Committed baselines hold these values: changing the scheme orphans every baseline entry
    in every repository, so it takes a new `fingerprint.VERSION`, never a silent change."""
    same = 'os.system("restart " + name)'
    first, second, outside = _prints(
        _v("SEC001", 3, same), _v("SEC001", 9, same), _v("SEC001", 1, "x", "/elsewhere/b.py")
    )
    assert first == "4ffa4dde07f10aa5c406b60393d74aad"
    assert second == "5e8f17e365ffc5a2941ec2045f168579"  # the same code again: its rank counts
    assert outside == "0ef124eeba9a9c72244a0b2468522baf"  # outside the root: the absolute path
