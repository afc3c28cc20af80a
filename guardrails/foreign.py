"""Other linters' suppression comments, honoured when `foreign-suppressions` says so.

A project adopting guardrails has often triaged the same concerns already,
with Ruff/flake8 `# noqa` and bandit `# nosec` comments. With
`foreign-suppressions = ["noqa", "nosec"]` those comments suppress the
guardrails rules that check the same thing, so adoption needs no re-triage:

- `# noqa: E722, B006` suppresses the rules whose `foreign_codes` (or mapped
  Ruff codes) include a named code; `# nosec B602` likewise.
- A blanket `# noqa` suppresses every rule that has a Ruff/flake8 code, and a
  blanket `# nosec` every rule that has a bandit code (B101-B799): the rules
  the comment's own tool could have reported there. A rule no such tool
  checks (e.g. SEC015's taint tracking) is never suppressed by a comment
  written before anyone saw its finding.
- `# noqa:` followed by no code suppresses nothing (Ruff warns about it too).

Like Ruff, a comment applies to the line it is on (and, for a finding that
spans lines, to the finding's last line). A suppressed finding is not
dropped: it is reported as suppressed (`suppressed_by: "foreign-comment"`
in JSON, a SARIF `suppressions` entry), never counts toward the exit code,
and an unused foreign comment is never a GR002: it may serve its own tool.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping

from guardrails.model import Violation

FOREIGN_COMMENT = "foreign-comment"
"""`Violation.suppressed_by` of a finding a foreign comment suppressed."""

_NOQA = re.compile(r"#\s*noqa(?![\w-])(?P<rest>.*)$", re.IGNORECASE)
_NOSEC = re.compile(r"#\s*nosec(?![\w-])(?P<rest>.*)$", re.IGNORECASE)
_CODE_LIST = re.compile(r"\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)")
_BANDIT_CODE = re.compile(r"\bB[1-7][0-9]{2}\b")
_CODE = re.compile(r"[A-Z]+[0-9]+")


def is_bandit(code: str) -> bool:
    """Bandit's own ids (B101-B799), as written after `# nosec`; flake8-bugbear's are B0xx/B9xx."""
    return _BANDIT_CODE.fullmatch(code) is not None


def parse_comment(text: str, kinds: Iterable[str]) -> tuple[str, tuple[str, ...]] | None:
    """(kind, codes) of a foreign suppression in one comment; codes () for a blanket one.

    None when the comment holds no suppression of an enabled kind, or a
    `# noqa:` whose code list does not parse (it suppresses nothing).
    """
    if "noqa" in kinds:
        match = _NOQA.search(text)
        if match:
            rest = match.group("rest")
            if not rest.lstrip().startswith(":"):
                return "noqa", ()
            codes = _CODE_LIST.match(rest)
            return ("noqa", tuple(_CODE.findall(codes.group("codes")))) if codes else None
    if "nosec" in kinds:
        match = _NOSEC.search(text)
        if match:
            return "nosec", tuple(_BANDIT_CODE.findall(match.group("rest")))
    return None


def covers(kind: str, named: tuple[str, ...], rule_codes: frozenset[str]) -> bool:
    """Whether a comment of `kind` naming `named` (none: blanket) applies to a rule."""
    if named:
        return not rule_codes.isdisjoint(named)
    if kind == "nosec":
        return any(is_bandit(code) for code in rule_codes)
    return any(not is_bandit(code) for code in rule_codes)


def mark_suppressed(
    violations: Iterable[Violation],
    comments: Iterable[tuple[int, bool, str, tuple[str, ...]]],
    codes: Mapping[str, frozenset[str]],
) -> tuple[list[Violation], list[Violation]]:
    """(active, suppressed) findings given (line, trailing, kind, codes) comments.

    `codes` maps each rule id to its foreign codes; findings of rules with
    none (engine diagnostics among them) are always active.
    """
    by_line: dict[int, list[tuple[bool, str, tuple[str, ...]]]] = {}
    for line, trailing, kind, named in comments:
        by_line.setdefault(line, []).append((trailing, kind, named))
    active, suppressed = [], []
    for v in violations:
        rule_codes = codes.get(v.rule_id)
        hit = rule_codes and any(
            covers(kind, named, rule_codes)
            for line in {v.line, v.end_line}
            for trailing, kind, named in by_line.get(line, ())
            if line == v.line or trailing
        )
        if hit:
            suppressed.append(dataclasses.replace(v, suppressed_by=FOREIGN_COMMENT))
        else:
            active.append(v)
    return active, suppressed
