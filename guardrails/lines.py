"""Source lines exactly as Python's tokenizer counts them: `\\n`, `\\r\\n` and `\\r` end a line.

`str.splitlines` also breaks at form feed, `\\x0b`, `\\x1c`-`\\x1e`, `\\x85`
and U+2028/U+2029, which Python treats as ordinary characters (form feed
is even legal indentation), so its line numbers drift from those LibCST,
Ruff and the tokenizer report. Every part of guardrails that turns source
text into lines (code frames, suppressions, fingerprints, fixes, reports)
calls this module, so a line number means the same line everywhere.
"""

from __future__ import annotations

import re

_BREAK = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """`text`'s lines, like `str.splitlines` but breaking only where Python does.

    As with `splitlines`, a final line ending does not start an empty line,
    and the empty text has no lines.
    """
    if keepends:
        return _LINE.findall(text)
    lines = _BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def line_starts(text: str) -> list[int]:
    """The offset in `text` at which each line starts (line 1 at index 0)."""
    return [0] + [match.end() for match in _BREAK.finditer(text)]


def as_lf(text: str) -> str:
    """`text` with every line ending written as `\\n`: the same lines, the same numbers.

    For readers that break only at `\\n` (`io.StringIO.readline`, and so
    `tokenize` fed from one), which would read a lone-CR file as one line.
    """
    return _BREAK.sub("\n", text)
