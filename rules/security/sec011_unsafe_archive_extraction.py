"""SEC011 unsafe-archive-extraction: a tar archive extracted without `filter=`."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of, keyword
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta


class UnsafeArchiveExtraction(CstRule):
    META = RuleMeta(
        id="SEC011",
        foreign_codes=("S202", "B202"),
        name="unsafe-archive-extraction",
        category="security",
        severity="error",
        summary="A tar archive is extracted without `filter=`, so member names and links are "
        "trusted.",
        why="Tar members named `../../etc/cron.d/x`, absolute paths or links escape the target "
        "folder and overwrite files anywhere the process can write (path traversal, CWE-22).",
        instead='Pass `filter="data"` to `extractall()` and `unpack_archive()`.',
        remediation='Pass `filter="data"` (Python 3.12+, backported to security releases) to '
        "`extractall()`/`extract()` and `shutil.unpack_archive()`, which rejects absolute paths, "
        "`..` and links outside the target.",
        bad=(
            Example(
                "import tarfile\n\n\ndef restore(archive: str, dest: str) -> None:\n"
                "    with tarfile.open(archive) as tar:\n        tar.extractall(dest)  # bad\n"
            ),
            Example(
                "import shutil\n\n\ndef unpack(archive: str, dest: str) -> None:\n"
                "    shutil.unpack_archive(archive, dest)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import tarfile\n\n\ndef restore(archive: str, dest: str) -> None:\n"
                "    with tarfile.open(archive) as tar:\n"
                '        tar.extractall(dest, filter="data")\n'
            ),
            Example(
                "import zipfile\n\n\ndef unzip(archive: str, dest: str) -> None:\n"
                "    # ZipFile.extractall already drops absolute paths and '..' components\n"
                "    with zipfile.ZipFile(archive) as bundle:\n        bundle.extractall(dest)\n"
            ),
        ),
        references=(
            "CWE-22",
            "https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter",
        ),
    )
    TRIGGERS = ("tarfile", "unpack_archive", "TarFile")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func) or ""
        base, _, method = name.rpartition(".")
        # `tarfile.open()`, `TarFile(...)` and each of its constructors (`TarFile.gzopen()`, ...)
        is_tar = base.startswith("tarfile.")
        extracts = (is_tar and method in ("extractall", "extract")) or (
            name == "shutil.unpack_archive"
        )
        if extracts and keyword(node, "filter") is None:
            self.report(
                node,
                f"`{code_of(node.func)}()` without `filter=` trusts member "
                "paths and links in the archive",
            )
