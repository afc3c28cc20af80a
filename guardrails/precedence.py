"""One construct, one finding: a rule's finding stands for the rules it subsumes.

`except: pass` is a bare except (REL002) that swallows the error (OBS005)
with a broad catch that logs nothing (OBS006): three findings for one line
of code would be noise. A rule lists the ids it subsumes (`RuleMeta.subsumes`);
after every backend's findings for a file are merged and suppressions are
applied, a finding B is dropped when a finding A of a rule that subsumes B's
rule is on the same construct. A keeps its place and rule id, names B in its
message ("… (also swallowed-exception OBS005)") and takes the higher of the
two severities, so `fail-on` fails the run exactly when it did before (and
B's fix, when A has none).

Same construct: same file, overlapping ranges, and both findings start on
the same logical line (Python's: physical lines joined inside brackets or
by a backslash). `mark_safe(\\n request.GET["x"]\\n)` is one construct; an
`except` nested in the body of another is not, though its range lies inside.

Subsumption is transitive (REL002 → OBS005 → OBS006) and works across
backends, since it looks at findings only. When two rules subsume each
other, the finding first in report order is kept. A rule never subsumes
itself.

Suppressions come first, so a comment suppresses exactly the ids it names:
`ignore[OBS006]` on `except Exception: pass` is used (no GR002) and the
OBS005 finding stays; `ignore[REL002]` on `except: pass` leaves OBS005 to
report the swallowing nobody triaged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import tokenize
from collections.abc import Callable, Iterable, Mapping, Sequence

from guardrails.model import Violation, severity_rank


def closure(direct: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Each id's subsumed ids, followed transitively, never the id itself."""
    out: dict[str, frozenset[str]] = {}
    for rule_id in direct:
        seen: set[str] = set()
        todo = list(direct[rule_id])
        while todo:
            other = todo.pop()
            if other not in seen and other != rule_id:
                seen.add(other)
                todo.extend(direct.get(other, ()))
        if seen:
            out[rule_id] = frozenset(seen)
    return out


def logical_starts(lines: Sequence[str]) -> dict[int, int]:
    """Physical line -> the line its logical line starts on (only lines inside one)."""
    starts: dict[int, int] = {}
    text = "\n".join(line.rstrip("\r\n") for line in lines) + "\n"
    first = 0
    # unparsable: what was read stands, the rest are lines of their own
    with contextlib.suppress(tokenize.TokenError, SyntaxError):
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NL, tokenize.COMMENT) and not first:
                continue
            if not first:
                first = token.start[0]
            for line in range(token.start[0], token.end[0] + 1):
                starts.setdefault(line, first)
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                first = 0
    return starts


def _overlap(a: Violation, b: Violation) -> bool:
    a_start, b_start = (a.line, a.column), (b.line, b.column)
    if a_start == b_start:
        return True
    return a_start < (b.end_line, b.end_column) and b_start < (a.end_line, a.end_column)


def subsume(
    violations: list[Violation],
    subsumes: Mapping[str, frozenset[str]],
    lines: Callable[[], Sequence[str]],
) -> list[Violation]:
    """`violations` (one file's) without the subsumed ones; see the module docstring.

    `subsumes` is `closure` of the active rules' declarations; `lines()`
    gives the file's lines, read only when two candidates start on
    different physical lines.
    """
    subsumed_ids = frozenset().union(*subsumes.values()) if subsumes else frozenset()
    candidates = [v for v in violations if v.rule_id in subsumed_ids]
    if not candidates or not any(v.rule_id in subsumes for v in violations):
        return violations
    starts: dict[int, int] | None = None

    def same_construct(a: Violation, b: Violation) -> bool:
        nonlocal starts
        if a.path != b.path or not _overlap(a, b):
            return False
        if a.line == b.line:
            return True
        if starts is None:
            starts = logical_starts(lines())
        return starts.get(a.line, a.line) == starts.get(b.line, b.line)

    absorbed: dict[int, list[Violation]] = {}  # index of the kept finding -> what it stands for
    dropped: set[int] = set()
    for b_index, b in reversed(list(enumerate(violations))):  # of two peers, the first stays
        if b.rule_id not in subsumed_ids:
            continue
        for a_index, a in enumerate(violations):
            if (
                a_index != b_index
                and a_index not in dropped
                and b.rule_id in subsumes.get(a.rule_id, ())
                and same_construct(a, b)
            ):
                dropped.add(b_index)
                absorbed.setdefault(a_index, []).extend([b, *absorbed.pop(b_index, [])])
                break
    if not dropped:
        return violations
    return [
        _standing_for(v, absorbed[index]) if index in absorbed else v
        for index, v in enumerate(violations)
        if index not in dropped
    ]


def _standing_for(kept: Violation, others: list[Violation]) -> Violation:
    """`kept` naming the findings it subsumed, at the highest of their severities.

    Without a fix of its own it carries the first fix among them, so
    `guardrails fix` still applies what the dropped findings offered.
    """
    names = ", ".join(
        dict.fromkeys(f"{v.name} {v.rule_id}" for v in others if v.rule_id != kept.rule_id)
    )
    severity = max((kept, *others), key=lambda v: severity_rank(v.severity)).severity
    message = f"{kept.message} (also {names})" if names else kept.message
    fix = kept.fix or next((v.fix for v in others if v.fix is not None), None)
    return dataclasses.replace(kept, message=message, severity=severity, fix=fix)
