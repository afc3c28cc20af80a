"""SEC013 permissive-file-mode: a file or directory created or chmod-ed world-writable."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import argument, code_of, keyword
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta

_MODE_CALLS = {
    "os.chmod": 1,
    "os.fchmod": 1,
    "os.lchmod": 1,
    "os.open": 2,
    "os.mkdir": 1,
    "os.makedirs": 1,
    "os.mkfifo": 1,
}
_PATH_METHODS = {"chmod": 0, "mkdir": 0, "touch": 0, "lchmod": 0}


class PermissiveFileMode(CstRule):
    META = RuleMeta(
        id="SEC013",
        foreign_codes=("S103", "B103"),
        name="permissive-file-mode",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects the permissive modes "
            "found were create modes that the umask narrows, the way `open()` itself behaves."
        ),
        summary="A file or directory is created or chmod-ed world-writable (`0o777`, `0o666`, "
        "`stat.S_IWOTH`).",
        why="Any local user or compromised service can then replace the file's content or plant "
        "files in the directory — code, config or data this program trusts (CWE-732).",
        instead="Grant the least access: `0o600`, `0o644`, `0o755`.",
        remediation="Grant the least access that works: `0o600` for secrets, `0o640`/`0o644` "
        "for files, `0o750`/`0o755` for directories.",
        bad=(
            Example(
                "import os\n\n\ndef publish(path: str) -> None:\n    os.chmod(path, 0o777)  # bad\n"
            ),
            Example(
                "import os\nimport stat\nfrom pathlib import Path\n\n\n"
                "def prepare(root: Path) -> None:\n"
                "    root.mkdir(mode=0o777, exist_ok=True)  # bad\n"
                '    os.chmod(root / "x", stat.S_IRUSR | stat.S_IWOTH)  # bad\n'
            ),
        ),
        good=(
            Example("import os\n\n\ndef publish(path: str) -> None:\n    os.chmod(path, 0o644)\n"),
            Example(
                "import os\nfrom pathlib import Path\n\n\ndef prepare(root: Path) -> None:\n"
                "    root.mkdir(mode=0o750, exist_ok=True)\n"
                '    fd = os.open(root / "key", os.O_WRONLY | os.O_CREAT, 0o600)\n'
                "    os.close(fd)\n"
            ),
        ),
        references=("CWE-732",),
    )
    TRIGGERS = ("chmod", "mkdir", "makedirs", "os.open", "touch", "mkfifo", "open(")

    def _world_writable(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Integer):
            # LibCST parses only valid Python 3 literals (it rejects `0777`): int() reads each
            return bool(int(node.value.replace("_", ""), 0) & 0o002)
        if isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, (cst.BitOr, cst.Add)
        ):
            return self._world_writable(node.left) or self._world_writable(node.right)
        name = (
            self.context.qualified_name(node)
            if isinstance(node, (cst.Attribute, cst.Name))
            else None
        )
        return name in ("stat.S_IWOTH", "stat.S_IRWXO")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func) or ""
        mode = None
        if name in _MODE_CALLS:
            mode = argument(node, "mode", _MODE_CALLS[name])
        elif (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value in _PATH_METHODS
            and ("pathlib" in name or keyword(node, "mode") is not None)
        ):
            mode = argument(node, "mode", _PATH_METHODS[node.func.attr.value])
        if mode is not None and self._world_writable(mode.value):
            self.report(mode.value, f"mode `{code_of(mode.value)}` makes this world-writable")
