"""`SourceFile`: one checked file, read once and decoded once, handed to every stage.

The cache key, every backend, suppressions, fingerprints, reports and
`fix` take the file's bytes, text and names from here instead of reading,
decoding or naming it again, so a source line in a report and the text a
fingerprint hashes are the same characters whichever backend found it (a
latin-1 file's `café` is `café` in a LibCST finding and a Semgrep one).
"""

from __future__ import annotations

import functools
import hashlib
import tokenize
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from guardrails.discovery import module_name, read_source, unchecked_reason
from guardrails.lines import split_lines
from guardrails.paths import display_path, project_path


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) as Python reads the file: a BOM, else a PEP 263 coding
    cookie, else UTF-8. Raises UnicodeDecodeError, SyntaxError (a bad cookie)
    or LookupError (an unknown codec)."""
    encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
    return data.decode(encoding), encoding


@dataclass(frozen=True)
class Decoded:
    """The one decoding of a file: its text, or why it has none."""

    text: str | None
    encoding: str
    error: str | None = None  # "cannot decode file: ...", reported as GR001


def decode_or_error(data: bytes) -> Decoded:
    try:
        text, encoding = decode(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        return Decoded(None, "utf-8", f"cannot decode file: {reason}")
    return Decoded(text, encoding)


_COMPUTED = ("decoded", "lines", "digest", "encoding")


@dataclass(eq=False)
class SourceFile:
    """A file of the run: its names, its bytes (None when it is not to be read), its text.

    `path` is the path as discovered, given to external backends; `shown` is
    how reports name it; `relative` is its one project path (`paths.py`),
    which globs, fingerprints, the baseline and SARIF use.
    """

    path: Path
    shown: str
    relative: str
    module: str
    is_package: bool
    data: bytes | None
    problem: str | None = None  # why no backend reads it (GR001), when `data` is None

    @functools.cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.data or b"").hexdigest()

    @functools.cached_property
    def encoding(self) -> str | None:
        """The encoding its BOM or coding line declares (UTF-8 by default), without
        decoding the file; None when the declaration is invalid."""
        try:
            return tokenize.detect_encoding(BytesIO(self.data or b"").readline)[0]
        except (SyntaxError, LookupError):
            return None

    @functools.cached_property
    def decoded(self) -> Decoded:
        if self.data is None:
            return Decoded(None, "utf-8", self.problem)
        return decode_or_error(self.data)

    @property
    def text(self) -> str | None:
        """The decoded text; None when the file was not read or cannot be decoded."""
        return self.decoded.text

    @functools.cached_property
    def lines(self) -> list[str]:
        """Source lines for reports. A file that cannot be decoded (reported as
        GR001) shows its bytes as UTF-8 with replacement characters."""
        if self.text is not None:
            return split_lines(self.text)
        if self.data is None:
            return []
        return split_lines(self.data.decode("utf-8", errors="replace"))

    def release(self) -> None:
        """Drop the bytes and text once every stage is done with the file: a run over a
        large tree then holds only the files still in flight, not all of them."""
        self.data = None
        self.problem = self.problem or "released"
        for name in _COMPUTED:
            self.__dict__.pop(name, None)

    def __getstate__(self) -> dict[str, Any]:
        """Only what was read travels to a worker; it decodes there, once."""
        return {k: v for k, v in self.__dict__.items() if k not in _COMPUTED}


def load(path: Path, root: Path, src: tuple[Path, ...], max_bytes: int) -> SourceFile:
    """Read one discovered file once (bounded, regular files only).

    A file no backend may read (special files, dangling links, too large, a
    link out of the project) or that cannot be read gets `problem` instead
    of bytes, decided by a stat before anything opens it.
    """
    shown = display_path(path)
    relative = project_path(path, root)
    module, is_package = module_name(path, src)
    problem = unchecked_reason(path, max_bytes, root)
    data = None
    if problem is None:
        try:
            data = read_source(path, max_bytes)
        except OSError as exc:
            problem = f"cannot read file: {exc.strerror or exc}"
    return SourceFile(path, shown, relative, module, is_package, data, problem)


def in_memory(path: Path, root: Path, src: tuple[Path, ...], data: bytes) -> SourceFile:
    """A SourceFile for bytes that are not (or not yet) on disk at `path`."""
    module, is_package = module_name(path, src)
    return SourceFile(path, display_path(path), project_path(path, root), module, is_package, data)
