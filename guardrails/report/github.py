"""`github` output: GitHub Actions workflow commands, one annotation per finding.

`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=SEC001::message`
with the remediation on the next line of the message. Values are escaped
as the runner requires (`%`, CR, LF everywhere; `:` and `,` in properties).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from guardrails.model import Violation
from guardrails.paths import project_path
from guardrails.report import Summary, printable

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    # Bytes a file name could not decode cannot be written as UTF-8: shown as escapes.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(
    violations: list[Violation], summary: Summary, out: TextIO, base: Path | None = None
) -> None:
    """`base` is the repository root: GitHub resolves an annotation's file from there,
    whichever folder the check ran in (display paths are relative to that folder)."""
    for v in violations:
        shown = project_path(v.path, base) if base is not None else v.path
        fields: list[tuple[str, object]] = [("file", shown), ("line", v.line)]
        if v.end_line == v.line:
            # columns only on one line: the Actions toolkit rejects `col`/`endColumn` on an
            # annotation that spans lines, and the runner then drops it
            fields += [("col", v.column), ("endLine", v.end_line), ("endColumn", v.end_column)]
        else:
            fields.append(("endLine", v.end_line))
        fields.append(("title", f"{v.rule_id} {v.name}"))
        props = ",".join(f"{key}={_property(str(value))}" for key, value in fields)
        message = _data(f"{printable(v.message)}\nhelp: {printable(v.remediation)}")
        out.write(f"::{_COMMAND[v.severity]} {props}::{message}\n")
