"""Inline suppressions: `# guardrails: ignore[ID, ...] [until=YYYY-MM-DD] reason`.

A trailing comment suppresses those ids on its own line (and, for a finding
that spans several lines, on the finding's last line, where a formatter
often moves trailing comments). A comment alone on its line applies to the
next line that holds code. Comments are found with `tokenize`, so the same
text inside a string literal is not a suppression. Backend-native comments
(`# noqa`, `# nosemgrep`) are not honoured: one syntax, one place to audit —
unless `foreign-suppressions` opts in to a project's existing `# noqa` /
`# nosec` triage (parsed here too, applied by `guardrails.foreign`).

`until=` makes a suppression temporary: it is honoured up to and including
that date, then the finding is reported again together with a GR006 finding
that quotes the reason. A date that does not parse suppresses nothing and is
reported (GR006) too, so a typo never becomes a permanent exception.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from guardrails import foreign
from guardrails.diagnostics import (
    EXPIRED_SUPPRESSION,
    SUPPRESSION_WITHOUT_REASON,
    UNUSED_SUPPRESSION,
)
from guardrails.lines import as_lf
from guardrails.model import RuleMeta, Violation

MARKER = "guardrails"
_COMMENT = re.compile(r"#\s*guardrails\s*:\s*ignore\b(?P<ids>\[[^\]]*\])?(?P<reason>.*)$")
_ID = re.compile(r"^[A-Z][A-Z_]*[0-9]{3}$")
_UNTIL = re.compile(r"until\s*=\s*(?P<date>\S*)\s*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Suppression:
    """One suppression comment and what it applies to."""

    line: int
    column: int
    ids: tuple[str, ...]
    reason: str
    target_line: int
    trailing: bool
    until: datetime.date | None = None  # honoured up to and including this day
    bad_until: str | None = None  # the text of an `until=` that is not a date
    used: set[str] = field(default_factory=set)
    kind: str = MARKER  # or a foreign kind ("noqa", "nosec"), applied by `guardrails.foreign`
    codes: tuple[str, ...] = ()  # a foreign comment's codes; () for a blanket one

    def active(self, today: datetime.date) -> bool:
        """Whether it suppresses anything today."""
        return self.bad_until is None and (self.until is None or today <= self.until)

    def covers(self, violation: Violation) -> bool:
        if violation.rule_id not in self.ids:
            return False
        if violation.line == self.target_line:
            return True
        return self.trailing and violation.end_line == self.line


_OPENING = {")": "(", "]": "[", "}": "{"}


def _brackets_balance(tokens: list[tokenize.TokenInfo]) -> bool:
    """Whether every bracket closes the one opened last: Python 3.11's tokenizer refuses
    such a source, 3.12's (the C tokenizer) returns tokens for it; either way the file is
    not Python, and its comments must not suppress anything."""
    stack: list[str] = []
    for token in tokens:
        if token.type != tokenize.OP:
            continue
        if token.string in "([{":
            stack.append(token.string)
        elif token.string in _OPENING and (not stack or stack.pop() != _OPENING[token.string]):
            return False
    return not stack


def parse(source: str, foreign_kinds: tuple[str, ...] = ()) -> list[Suppression]:
    """Every suppression comment in `source` (tokenized only if a marker occurs).

    With `foreign_kinds` (e.g. ("noqa",)), those linters' comments are
    returned too, as suppressions of that `kind`.
    """
    lowered = source.lower() if foreign_kinds else ""
    if MARKER not in source and not any(kind in lowered for kind in foreign_kinds):
        return []
    comments: list[tuple[int, int, str, bool]] = []
    code_lines: set[int] = set()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(as_lf(source)).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    if not _brackets_balance(tokens):
        return []
    for token in tokens:
        if token.type == tokenize.COMMENT:
            trailing = token.start[0] in code_lines
            comments.append((token.start[0], token.start[1], token.string, trailing))
        elif token.type not in (
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
            tokenize.ENCODING,
        ):
            for line in range(token.start[0], token.end[0] + 1):
                code_lines.add(line)
    ordered_code = sorted(code_lines)
    found = []
    for line, column, text, trailing in comments:
        match = _COMMENT.search(text)
        if not match:
            other = foreign.parse_comment(text, foreign_kinds) if foreign_kinds else None
            if other is not None:
                kind, codes = other
                found.append(
                    Suppression(line, column + 1, (), "", line, trailing, kind=kind, codes=codes)
                )
            continue
        raw_ids = (match.group("ids") or "[]")[1:-1]
        ids = tuple(part.strip() for part in raw_ids.split(",") if part.strip())
        reason = match.group("reason").strip().lstrip("-:—").strip()
        until, bad_until = None, None
        expiry = _UNTIL.match(reason)
        if expiry:
            reason = reason[expiry.end() :].strip().lstrip("-:—").strip()
            until, bad_until = _date(expiry.group("date"))
        if not any(char.isalnum() for char in reason):
            reason = ""  # `-`, `...`, `:` say nothing: no letter or digit, no reason
        target = line
        if not trailing:
            target = next((n for n in ordered_code if n > line), line)
        found.append(Suppression(line, column + 1, ids, reason, target, trailing, until, bad_until))
    return found


def _date(text: str) -> tuple[datetime.date | None, str | None]:
    """(date, None) for a valid YYYY-MM-DD, else (None, the text as written)."""
    if _ISO_DATE.match(text):
        with contextlib.suppress(ValueError):  # 2026-13-45 has the shape, not the date
            return datetime.date.fromisoformat(text), None
    return None, text


def valid_until(
    suppressions: Iterable[Suppression], today: datetime.date | None = None
) -> datetime.date | None:
    """The last day on which applying these suppressions gives today's result.

    The earliest `until` not yet passed (`today` itself counts): after it, a
    suppression expires and the file's findings change although its text did not.
    """
    today = today or datetime.date.today()
    dates = [s.until for s in suppressions if s.until is not None and s.until >= today]
    return min(dates) if dates else None


def apply(
    violations: Iterable[Violation],
    suppressions: list[Suppression],
    ran: set[str],
    known: set[str],
    make: Callable[[RuleMeta, int, int, str], Violation],
    today: datetime.date | None = None,
) -> list[Violation]:
    """Drop suppressed findings; add GR002/GR004/GR006 findings about the comments.

    `ran` holds the ids that checked this file (only their suppressions can
    be judged unused); `known` holds every loaded id; `make` builds an engine
    finding at (line, column) with a message.
    """
    today = today or datetime.date.today()
    suppressions = [s for s in suppressions if s.kind == MARKER]
    active = [s for s in suppressions if s.active(today)]
    kept = []
    for violation in violations:
        hit = next((s for s in active if s.covers(violation)), None)
        if hit is None:
            kept.append(violation)
        else:
            hit.used.add(violation.rule_id)
    report_unused = UNUSED_SUPPRESSION.id in ran
    report_reasonless = SUPPRESSION_WITHOUT_REASON.id in ran
    report_expired = EXPIRED_SUPPRESSION.id in ran
    for s in suppressions:
        problems: list[tuple[RuleMeta, str]] = []
        if not s.active(today):
            if report_expired:
                kept.append(make(EXPIRED_SUPPRESSION, s.line, s.column, _expired(s)))
            continue
        if not s.ids:
            problems.append(
                (
                    UNUSED_SUPPRESSION,
                    "suppression names no rule: list the ids, e.g. `ignore[SEC001]`",
                )
            )
        for rule_id in s.ids:
            if not _ID.match(rule_id) or rule_id not in known:
                problems.append(
                    (UNUSED_SUPPRESSION, f"suppression names unknown rule id {rule_id!r}")
                )
            elif rule_id in ran and rule_id not in s.used:
                problems.append(
                    (
                        UNUSED_SUPPRESSION,
                        f"unused suppression: no {rule_id} finding on line {s.target_line}",
                    )
                )
        if s.ids and not s.reason:
            problems.append(
                (
                    SUPPRESSION_WITHOUT_REASON,
                    f"suppression of {', '.join(s.ids)} gives no reason; say why after the bracket",
                )
            )
        for meta, message in problems:
            if (meta is UNUSED_SUPPRESSION and report_unused) or (
                meta is SUPPRESSION_WITHOUT_REASON and report_reasonless
            ):
                kept.append(make(meta, s.line, s.column, message))
    return kept


def _expired(s: Suppression) -> str:
    ids = ", ".join(s.ids) or "nothing"
    because = f" (reason given: {s.reason})" if s.reason else ""
    if s.bad_until is not None:
        return (
            f"suppression of {ids} has `until={s.bad_until}`, which is not a YYYY-MM-DD date, "
            f"so it suppresses nothing{because}; write a real date or remove the comment"
        )
    return (
        f"suppression of {ids} expired on {s.until.isoformat() if s.until else '?'}{because}; "
        "its findings are reported again: fix them, or renew the exception with a new date"
    )
