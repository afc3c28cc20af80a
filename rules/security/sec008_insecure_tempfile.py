"""SEC008 insecure-tempfile: `tempfile.mktemp()`, a name for a file it does not create."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of
from guardrails.cst.rule import CstRule, NodeFix, replace
from guardrails.model import Example, RuleMeta


class InsecureTempfile(CstRule):
    META = RuleMeta(
        id="SEC008",
        foreign_codes=("S306", "B306"),
        name="insecure-tempfile",
        category="security",
        severity="error",
        summary="`tempfile.mktemp()` returns a name for a file it does not create.",
        why="Between choosing the name and opening it, another process can create the file or a "
        "symlink there and make this program write where the attacker wants (CWE-377).",
        instead="Use `tempfile.mkstemp()` or `tempfile.NamedTemporaryFile()`.",
        remediation="Let tempfile create the file: `with tempfile.NamedTemporaryFile() as f:`, "
        "`fd, path = tempfile.mkstemp()`, or `tempfile.TemporaryDirectory()` for a folder.",
        bad=(
            Example(
                "import tempfile\n\n\ndef scratch() -> str:\n"
                '    return tempfile.mktemp(suffix=".csv")  # bad\n'
            ),
            Example(
                "from tempfile import mktemp\n\n\ndef dump(data: bytes) -> str:\n"
                '    path = mktemp()  # bad\n    with open(path, "wb") as handle:\n'
                "        handle.write(data)\n    return path\n"
            ),
        ),
        good=(
            Example(
                "import tempfile\n\n\ndef scratch() -> str:\n"
                '    fd, path = tempfile.mkstemp(suffix=".csv")\n    return path\n'
            ),
            Example(
                "import tempfile\n\n\ndef dump(data: bytes) -> None:\n"
                "    with tempfile.NamedTemporaryFile(delete=False) as handle:\n"
                "        handle.write(data)\n"
            ),
        ),
        references=("CWE-377", "https://docs.python.org/3/library/tempfile.html#tempfile.mktemp"),
        fix="unsafe",
    )
    TRIGGERS = ("mktemp",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.qualified_name(node.func) != "tempfile.mktemp":
            return
        func = node.func
        new_func = (
            func.with_changes(attr=cst.Name("mkstemp")) if isinstance(func, cst.Attribute) else None
        )
        fix = None
        if new_func is not None:
            fix = NodeFix(
                (replace(node, f"{code_of(node.with_changes(func=new_func))}[1]"),),
                "unsafe",
                "create the file with mkstemp() (its descriptor is left open)",
            )
        self.report(
            node,
            f"`{code_of(func)}()` only picks a name; another process can create that file first",
            fix=fix,
        )
