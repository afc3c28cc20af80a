"""`# guardrails: ignore[ID] reason` comments, judged like a reviewer would."""

from __future__ import annotations

import datetime
import json

from guardrails.cache import Cache
from guardrails.testing import assert_findings, run

DAY = datetime.date(2031, 5, 17)  # a fixed "today", injected: no test reads the wall clock


def test_trailing_suppression_with_reason() -> None:
    assert_findings(
        """\
        import os
        os.system("sync")  # guardrails: ignore[SEC001] constant command, no input
        os.system("sync")
        """,
        {("SEC001", 3)},
    )


def test_own_line_suppression_applies_to_next_code_line() -> None:
    assert_findings(
        """\
        import os
        # guardrails: ignore[SEC001] constant command, no input
        # (another comment between is fine)

        os.system("sync")
        os.system("sync")
        """,
        {("SEC001", 6)},
    )


def test_several_ids_and_multiline_statement() -> None:
    assert_findings(
        """\
        import subprocess

        def f(cmd: str, x: list = []) -> object:  # guardrails: ignore[REL003, SEC002] x is fine
            return subprocess.run(  # guardrails: ignore[SEC001] cmd is an allow-listed constant
                cmd,
                shell=True,
                check=True,
            )
        """,
        {("GR002", 3)},  # SEC002 named but unused there
    )


def test_unused_and_unknown_suppressions_are_gr002() -> None:
    found = run(
        """\
        x = 1  # guardrails: ignore[SEC001] not needed any more
        y = 2  # guardrails: ignore[SEC999] typo
        z = 3  # guardrails: ignore no ids
        """
    )
    messages = {(v.rule_id, v.line): v.message for v in found}
    assert set(messages) == {("GR002", 1), ("GR002", 2), ("GR002", 3)}
    assert "no SEC001 finding on line 1" in messages[("GR002", 1)]
    assert "unknown rule id 'SEC999'" in messages[("GR002", 2)]
    assert "names no rule" in messages[("GR002", 3)]


def test_suppression_without_reason_is_gr004() -> None:
    found = run("import os\nos.system('sync')  # guardrails: ignore[SEC001]\n")
    assert [(v.rule_id, v.line) for v in found] == [("GR004", 2)]
    assert "gives no reason" in found[0].message


def test_gr004_can_be_switched_off_in_config() -> None:
    source = "import os\nos.system('sync')  # guardrails: ignore[SEC001]\n"
    assert [(v.rule_id, v.line) for v in run(source, select=["SEC", "GR004"])] == [("GR004", 2)]
    assert run(source, select=["SEC", "GR002"]) == []


def test_marker_inside_a_string_is_not_a_suppression() -> None:
    assert_findings(
        """\
        import os
        os.system("echo '# guardrails: ignore[SEC001] nope'")
        """,
        {("SEC001", 2)},
    )


def test_suppression_for_inactive_rule_is_not_reported_unused() -> None:
    source = "x = 1  # guardrails: ignore[SEC001] reason\n"
    # GR002 is on in both runs: only whether SEC001 ran differs
    assert run(source, select=["REL", "GR002"]) == []
    assert [(v.rule_id, v.line) for v in run(source, select=["SEC", "GR002"])] == [("GR002", 1)]


def test_engine_rule_examples_show_what_they_claim() -> None:
    from guardrails.diagnostics import (
        EXPIRED_SUPPRESSION,
        SUPPRESSION_WITHOUT_REASON,
        UNUSED_SUPPRESSION,
    )

    for meta in (UNUSED_SUPPRESSION, SUPPRESSION_WITHOUT_REASON, EXPIRED_SUPPRESSION):
        (bad,) = meta.bad
        (good,) = meta.good
        assert meta.id in {v.rule_id for v in run(bad.code)}
        assert run(good.code) == []


def _dated(day: datetime.date | str, reason: str = "key rotation in OPS-112") -> str:
    return f"import os\nos.system('sync')  # guardrails: ignore[SEC001] until={day} {reason}\n"


def test_suppression_is_honoured_until_its_date_inclusive() -> None:
    assert run(_dated(DAY + datetime.timedelta(days=1)), today=DAY) == []
    assert run(_dated(DAY), today=DAY) == []
    found = run(_dated(DAY), today=DAY + datetime.timedelta(days=1))
    assert [(v.rule_id, v.line) for v in found] == [("SEC001", 2), ("GR006", 2)]


def test_expired_suppression_reports_the_finding_and_gr006_with_the_reason() -> None:
    yesterday = DAY - datetime.timedelta(days=1)
    found = run(_dated(yesterday), today=DAY)
    assert [(v.rule_id, v.line) for v in found] == [("SEC001", 2), ("GR006", 2)]
    message = found[1].message
    assert f"expired on {yesterday.isoformat()}" in message
    assert "key rotation in OPS-112" in message
    assert not any(v.rule_id == "GR002" for v in found)  # expired is not "unused"


def test_malformed_date_suppresses_nothing_and_is_reported() -> None:
    for written in ("2026-13-45", "31.12.2026", "tomorrow", ""):
        found = run(_dated(written), today=DAY)
        assert [(v.rule_id, v.line) for v in found] == [("SEC001", 2), ("GR006", 2)], written
        assert "not a YYYY-MM-DD date" in found[1].message


def test_a_date_is_not_a_reason() -> None:
    found = run(_dated(DAY + datetime.timedelta(days=30), reason=""), today=DAY)
    assert [(v.rule_id, v.line) for v in found] == [("GR004", 2)]


def test_cache_entry_stops_at_the_first_expiry(tmp_path) -> None:
    cache = Cache(tmp_path, "key")
    entry = cache.entry("app.py", "app", b"x = 1\n")
    cache.put(entry, [], DAY)
    assert cache.get(entry, today=DAY) == []
    cache.put(entry, [], DAY - datetime.timedelta(days=1))
    assert json.loads(entry.read_text())["valid_until"] == "2031-05-16"
    assert cache.get(entry, today=DAY) is None
