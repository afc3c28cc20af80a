"""Suppressions as users rely on them: spans, unused ids, reasons, expiry, cache validity."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from guardrails import suppressions
from guardrails.cache import Cache
from guardrails.diagnostics import EXPIRED_SUPPRESSION
from guardrails.model import RuleMeta, Violation
from guardrails.registry import make_violation
from guardrails.testing import run

DAY = datetime.date(2031, 5, 17)  # any fixed day: tests never read the wall clock
NEXT = DAY + datetime.timedelta(days=1)
BEFORE = DAY - datetime.timedelta(days=1)
SUPPRESS = "  # guardrails: ignore[SEC001] constant command, no input"


def _found(source: str, select: list[str] | None = None) -> list[tuple[str, int]]:
    return [(v.rule_id, v.line) for v in run(source, select=select)]


def _multiline(first: str = "", middle: str = "", last: str = "", after: str = "") -> str:
    """`os.system(...)` spanning lines 2-4, then `x = 1` on line 5, comments where asked."""
    return f"import os\nos.system({first}\n    'sync',{middle}\n){last}\nx = 1{after}\n"


# --- which lines a trailing comment covers -------------------------------------------------


def test_unsuppressed_multiline_finding_spans_lines_2_to_4() -> None:
    (finding,) = run(_multiline())
    assert (finding.rule_id, finding.line, finding.end_line) == ("SEC001", 2, 4)


def test_comment_on_first_line_of_multiline_finding_suppresses_it() -> None:
    assert _found(_multiline(first=SUPPRESS)) == []


def test_comment_on_last_line_of_multiline_finding_suppresses_it() -> None:
    assert _found(_multiline(last=SUPPRESS)) == []


def test_comment_on_a_middle_line_of_multiline_finding_does_not_suppress_it() -> None:
    found = run(_multiline(middle=SUPPRESS))
    assert [(v.rule_id, v.line) for v in found] == [("SEC001", 2), ("GR002", 3)]
    assert "no SEC001 finding on line 3" in found[1].message


def test_comment_on_the_line_after_multiline_finding_does_not_suppress_it() -> None:
    found = run(_multiline(after=SUPPRESS))
    assert [(v.rule_id, v.line) for v in found] == [("SEC001", 2), ("GR002", 5)]
    assert "no SEC001 finding on line 5" in found[1].message


def test_trailing_comment_on_the_line_before_a_finding_does_not_suppress_it() -> None:
    source = f"import os\nx = 1{SUPPRESS}\nos.system('sync')\n"
    assert _found(source) == [("GR002", 2), ("SEC001", 3)]


def test_last_line_comment_names_only_its_ids() -> None:
    source = _multiline(last="  # guardrails: ignore[SEC002] wrong rule named")
    assert _found(source) == [("SEC001", 2), ("GR002", 4)]


# --- GR002 only for rules that ran ------------------------------------------------------------


def test_suppression_of_a_deselected_rule_is_not_reported_unused() -> None:
    # GR002 is selected, so it could fire: SEC001 did not run, so its comment is not "unused"
    assert _found("x = 1  # guardrails: ignore[SEC001] reason\n", select=["REL", "GR002"]) == []


def test_suppression_of_a_rule_that_ran_and_found_nothing_is_gr002() -> None:
    found = run("x = 1  # guardrails: ignore[SEC001] reason\n", select=["SEC001", "GR002"])
    assert [(v.rule_id, v.line) for v in found] == [("GR002", 1)]
    assert "unused suppression: no SEC001 finding on line 1" in found[0].message


def test_ran_and_deselected_ids_in_one_comment_judged_separately() -> None:
    found = run("x = 1  # guardrails: ignore[SEC001, REL003] reason\n", select=["REL", "GR002"])
    assert [(v.rule_id, v.line) for v in found] == [("GR002", 1)]
    assert "no REL003 finding" in found[0].message
    assert "SEC001" not in found[0].message


def test_gr002_unknown_id_is_reported_even_if_nothing_ran_for_it() -> None:
    found = run("x = 1  # guardrails: ignore[SEC999] typo\n", select=["REL", "GR002"])
    assert [(v.rule_id, v.line) for v in found] == [("GR002", 1)]
    assert "unknown rule id 'SEC999'" in found[0].message


def test_rule_switched_off_in_config_or_per_file_makes_no_gr002(project) -> None:
    project.write(
        "pyproject.toml",
        '[tool.guardrails]\nignore = ["SEC002"]\n\n'
        '[tool.guardrails.per-file-ignores]\n"skip/*.py" = ["SEC001"]\n',
    )
    comment = "x = 1  # guardrails: ignore[{}] reason\n"
    project.write("skip/a.py", comment.format("SEC001"))  # SEC001 off for this file
    project.write("app/b.py", comment.format("SEC002"))  # SEC002 off everywhere
    project.write("app/c.py", comment.format("SEC001"))  # SEC001 ran here: unused
    result = project.run("check", "--no-cache", "--output-format", "json", ".")
    assert result.ids() == [("app/c.py", "GR002", 1)], result.out + result.err
    selected = project.run(
        "check", "--no-cache", "--output-format", "json", "--select", "REL,GR", "app/c.py"
    )
    assert selected.ids() == [], selected.out + selected.err


# --- what counts as a reason ------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "-", "--", "...", ":", "—", "- -", ". . .", "?!", "-- :"])
def test_punctuation_only_is_not_a_reason(reason: str) -> None:
    found = run(f"import os\nos.system('sync')  # guardrails: ignore[SEC001] {reason}\n")
    assert [(v.rule_id, v.line) for v in found] == [("GR004", 2)]  # still suppressed


@pytest.mark.parametrize("reason", ["ok", "x", "CVE-1", "- vetted", ": 42", "…needed"])
def test_a_short_real_reason_is_accepted(reason: str) -> None:
    assert _found(f"import os\nos.system('sync')  # guardrails: ignore[SEC001] {reason}\n") == []


def test_punctuation_after_a_date_is_not_a_reason() -> None:
    source = "import os\nos.system('sync')  # guardrails: ignore[SEC001] until=2999-01-01 ...\n"
    assert _found(source) == [("GR004", 2)]


def test_parsed_reason_drops_leading_separator_only() -> None:
    (s,) = suppressions.parse("x = 1  # guardrails: ignore[SEC001] -- vetted: no input\n")
    assert s.reason == "vetted: no input"
    (s,) = suppressions.parse("x = 1  # guardrails: ignore[SEC001] ...\n")
    assert s.reason == ""


# --- expiry, with the day injected ----------------------------------------------------------


def _engine(meta: RuleMeta, line: int, column: int, message: str) -> Violation:
    return make_violation(meta, "a.py", (line, column), (line, column + 1), message, [])


def _sec001(line: int) -> Violation:
    meta = RuleMeta(
        id="SEC001",
        name="n",
        category="security",
        severity="warning",
        summary="s",
        why="w",
        remediation="r",
    )
    return make_violation(meta, "a.py", (line, 1), (line, 5), "m", [])


def _apply(until: str, today: datetime.date) -> list[tuple[str, int]]:
    source = f"import os\nos.system('x')  # guardrails: ignore[SEC001] until={until} why\n"
    kept = suppressions.apply(
        [_sec001(2)],
        suppressions.parse(source),
        {"SEC001", "GR002", "GR004", "GR006"},
        {"SEC001", "GR002", "GR004", "GR006"},
        _engine,
        today=today,
    )
    return [(v.rule_id, v.line) for v in kept]


def test_dated_suppression_is_honoured_through_its_day_and_expires_the_next() -> None:
    assert _apply(DAY.isoformat(), BEFORE) == []
    assert _apply(DAY.isoformat(), DAY) == []
    assert _apply(DAY.isoformat(), NEXT) == [("SEC001", 2), (EXPIRED_SUPPRESSION.id, 2)]


def test_engine_expires_a_past_date_and_honours_a_future_one() -> None:
    # dates years away from any clock: the result cannot change if the run crosses midnight
    past = "import os\nos.system('x')  # guardrails: ignore[SEC001] until=2001-02-03 why\n"
    future = past.replace("2001-02-03", "2999-02-03")
    found = run(past)
    assert [(v.rule_id, v.line) for v in found] == [("SEC001", 2), ("GR006", 2)]
    assert "expired on 2001-02-03 (reason given: why)" in found[1].message
    assert run(future) == []


def _until(*days: datetime.date | None) -> list[suppressions.Suppression]:
    text = "".join(
        f"x{i} = 1  # guardrails: ignore[SEC001] {f'until={d} ' if d else ''}why\n"
        for i, d in enumerate(days)
    )
    return suppressions.parse(text)


def test_valid_until_is_the_day_itself_on_that_day() -> None:
    assert suppressions.valid_until(_until(DAY), today=DAY) == DAY
    assert suppressions.valid_until(_until(DAY), today=BEFORE) == DAY


def test_valid_until_is_none_once_the_day_has_passed() -> None:
    assert suppressions.valid_until(_until(DAY), today=NEXT) is None


def test_valid_until_is_the_earliest_date_not_yet_passed() -> None:
    later = DAY + datetime.timedelta(days=10)
    earlier = DAY - datetime.timedelta(days=10)
    sups = _until(later, None, DAY, earlier)
    assert suppressions.valid_until(sups, today=earlier) == earlier
    assert suppressions.valid_until(sups, today=BEFORE) == DAY
    assert suppressions.valid_until(sups, today=DAY) == DAY
    assert suppressions.valid_until(sups, today=NEXT) == later
    assert suppressions.valid_until(sups, today=later + datetime.timedelta(days=1)) is None


def test_valid_until_ignores_undated_and_malformed_dates() -> None:
    text = (
        "x = 1  # guardrails: ignore[SEC001] until=2031-13-45 typo\n"
        "y = 2  # guardrails: ignore[SEC001] why\n"
    )
    assert suppressions.valid_until(suppressions.parse(text), today=DAY) is None


def test_valid_until_defaults_to_the_real_today() -> None:
    far = datetime.date(2999, 1, 1)
    assert suppressions.valid_until(_until(far)) == far
    assert suppressions.valid_until(_until(datetime.date(2001, 1, 1))) is None


def test_cache_entry_valid_through_its_day_and_rechecked_the_next(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "key")
    entry = cache.entry("app.py", "app", b"x = 1\n")
    source = f"x = 1  # guardrails: ignore[SEC001] until={DAY} why\n"
    cache.put(entry, [], suppressions.valid_until(suppressions.parse(source), today=DAY))
    assert cache.get(entry, today=BEFORE) == []
    assert cache.get(entry, today=DAY) == []  # not re-checked on the last valid day
    assert cache.get(entry, today=NEXT) is None  # re-checked the day after


def test_cache_entry_without_expiry_never_goes_stale(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "key")
    entry = cache.entry("app.py", "app", b"x = 1\n")
    cache.put(entry, [], None)
    assert cache.get(entry, today=datetime.date(2999, 1, 1)) == []


def test_engine_caches_a_file_with_its_earliest_expiry(project) -> None:
    project.write(
        "app.py",
        "import os\n"
        "os.system('x')  # guardrails: ignore[SEC001] until=2999-03-04 why\n"
        "os.system('y')  # guardrails: ignore[SEC001] until=2998-01-02 why\n",
    )
    project.write("plain.py", "x = 1\n")
    result = project.run("check", "--cache-dir", ".c", "--output-format", "json")
    assert result.code == 0 and result.ids() == [], result.out + result.err
    stored = [json.loads(p.read_text()) for p in (project.root / ".c").glob("v*/*/*.json")]
    assert sorted(map(str, (e["valid_until"] for e in stored))) == ["2998-01-02", "None"]
    assert all(e["violations"] == [] for e in stored)


# --- where a suppression is, and sources that do not tokenize --------------------------------


def test_suppression_positions_are_the_comments_own_line_and_column() -> None:
    source = (
        "import os\n"
        "x = 1    # guardrails: ignore[SEC001] trailing\n"
        "    # guardrails: ignore[SEC004] own line\n"
        "y = 2\n"
    )
    trailing, own = suppressions.parse(source)
    assert (trailing.line, trailing.column, trailing.trailing) == (2, 10, True)
    assert (own.line, own.column, own.target_line, own.trailing) == (3, 5, 4, False)
    found = {(v.rule_id, v.line, v.column) for v in run(source)}
    assert found == {("GR002", 2, 10), ("GR002", 3, 5)}


@pytest.mark.parametrize(
    "source",
    [
        "x = '''never closed  # guardrails: ignore[SEC001] r\n",  # tokenize.TokenError
        "if x:\n        a = 1\n    b = 2  # guardrails: ignore[SEC001] r\n",  # IndentationError
        "x = 1  # guardrails: ignore[SEC001] r\n)\n",  # unmatched bracket
    ],
)
def test_a_source_that_does_not_tokenize_has_no_suppressions(source: str) -> None:
    assert suppressions.parse(source) == []
    assert suppressions.parse(source, ("noqa",)) == []


def test_every_comment_is_judged_not_only_those_before_a_plain_or_expired_one() -> None:
    day = datetime.date(2026, 6, 1)
    source = (
        "import os\n"
        "# an ordinary comment first\n"
        "x = 1  # guardrails: ignore until=2026-01-01 no ids, long expired\n"
        "os.system('sync')  # guardrails: ignore[SEC001] until=2026-01-02 key rotation\n"
        "y = 2  # guardrails: ignore[SEC001] nothing here\n"
        "z = 3  # guardrails: ignore[SEC004]\n"
    )
    found = run(source, today=day)
    assert sorted((v.rule_id, v.line) for v in found) == [
        ("GR002", 5),
        ("GR002", 6),
        ("GR004", 6),
        ("GR006", 3),
        ("GR006", 4),
        ("SEC001", 4),
    ]
    messages = {v.line: v.message for v in found if v.rule_id == "GR006"}
    assert messages[3].startswith("suppression of nothing expired on 2026-01-01")
    assert messages[4].startswith(
        "suppression of SEC001 expired on 2026-01-02 (reason given: key rotation)"
    )


def test_a_foreign_comment_is_found_at_its_own_column() -> None:
    (noqa,) = suppressions.parse("import os  # noqa: F401\n", ("noqa",))
    assert (noqa.line, noqa.column, noqa.kind, noqa.codes) == (1, 12, "noqa", ("F401",))
