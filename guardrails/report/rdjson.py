"""`rdjson` output: reviewdog's Diagnostic Format, for pull-request review comments.

Fixes become `suggestions`, which reviewdog posts as suggested changes.

reviewdog counts columns in bytes (`Position.column`: 1-based, "byte count
in UTF-8"), guardrails in code points, so every column is converted with
the text of its line. reviewdog splices a suggestion into the line as its
diff shows it, which is the file's bytes as stored: a column counts those
bytes, which for a UTF-8 file (nearly every one) is the UTF-8 encoding and
includes a BOM on line 1. A file a PEP 263 coding line puts in another
encoding gets byte columns in that encoding and no suggestions, since
reviewdog would splice UTF-8 text between bytes of another encoding. A
file that cannot be read or decoded now keeps its code-point columns.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from guardrails import ruletext
from guardrails.model import RuleMeta, Violation
from guardrails.report import Summary

if TYPE_CHECKING:
    from guardrails.source import SourceFile

_SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
_UTF8 = frozenset({"utf-8", "utf-8-sig"})

Reader = Callable[[str], "SourceFile | None"]
"""A finding's `path` -> its file, read as the check reads files (`guardrails.source.load`)."""


class _Lines:
    """One file's lines as reviewdog sees them, for converting columns to bytes."""

    def __init__(self, source: SourceFile | None) -> None:
        self.lines: list[str] = []
        encoding = "utf-8"
        if source is not None and source.text is not None:
            self.lines = source.lines
            encoding = codecs.lookup(source.encoding or "utf-8").name
        self.utf8 = encoding in _UTF8
        self.bom = encoding == "utf-8-sig"  # a BOM is what made the encoding utf-8-sig
        self.encoding = "utf-8" if self.utf8 else encoding

    def column(self, line: int, column: int) -> int:
        """The 1-based byte column of code-point `column` on `line` (unchanged when the
        line is not known: past the end of the file, or the file unreadable)."""
        if not (0 < line <= len(self.lines)) or column < 1:
            return column
        text = self.lines[line - 1]
        before = text[: column - 1]
        size = len(before.encode(self.encoding, "surrogatepass" if self.utf8 else "replace"))
        beyond = max(0, column - 1 - len(text))  # a column past the end stays as far past it
        return size + beyond + 1 + (3 if self.bom and line == 1 else 0)


class _Files:
    """Each finding's file through `read`: findings come sorted by path, so each file is
    read once and only the current one is held, however many files have findings."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._path: str | None = None
        self._lines = _Lines(None)

    def __call__(self, path: str) -> _Lines:
        if path != self._path:
            self._path, self._lines = path, _Lines(self._read(path))
        return self._lines


def _range(
    lines: _Lines, start_line: int, start_col: int, end_line: int, end_col: int
) -> dict[str, Any]:
    return {
        "start": {"line": start_line, "column": lines.column(start_line, start_col)},
        "end": {"line": end_line, "column": lines.column(end_line, end_col)},
    }


def _diagnostic(v: Violation, lines: _Lines, url: str) -> dict[str, Any]:
    diagnostic: dict[str, Any] = {
        "message": f"{v.message}\nhelp: {v.remediation}",
        "location": {
            "path": v.path,
            "range": _range(lines, v.line, v.column, v.end_line, v.end_column),
        },
        "severity": _SEVERITY[v.severity],
        "code": {"value": v.rule_id},
        "original_output": f"{v.path}:{v.line}:{v.column}: {v.rule_id} {v.message}",
    }
    if url:
        diagnostic["code"]["url"] = url
    if v.fix is not None and lines.utf8:
        diagnostic["suggestions"] = [
            {
                "range": _range(lines, e.start_line, e.start_column, e.end_line, e.end_column),
                "text": e.content,
            }
            for e in v.fix.edits
        ]
    return diagnostic


def render(
    violations: list[Violation],
    summary: Summary,
    out: TextIO,
    *,
    read: Reader,
    rules: Mapping[str, RuleMeta] | None = None,
) -> None:
    """`read` gives each finding's file (None when it cannot), for byte columns; `rules`
    (every rule's meta by id) gives each finding's `code.url`, its rule's page."""
    files = _Files(read)

    def url(v: Violation) -> str:
        return ruletext.docs_uri((rules or {}).get(v.rule_id) or ruletext.placeholder(v))

    document = {
        "source": {"name": "guardrails"},
        "diagnostics": [_diagnostic(v, files(v.path), url(v)) for v in violations],
    }
    out.write(json.dumps(document, indent=2))
    out.write("\n")
