"""REL010 unchecked-subprocess: a `subprocess.run()` whose failure goes unnoticed."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of, keyword, kwargs_may_supply
from guardrails.cst.rule import CstRule, NodeFix, RuleContext, insert_after
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta


class UncheckedSubprocess(CstRule):
    META = RuleMeta(
        id="REL010",
        foreign_codes=("PLW1510",),
        name="unchecked-subprocess",
        category="reliability",
        severity="warning",
        summary="`subprocess.run()` without `check=` whose result is discarded or never has its "
        "`returncode` read: a failing command goes unnoticed.",
        why="`run()` returns normally when the command fails; unless the return code is "
        "checked, the program carries on as if it had succeeded. A result that is returned, "
        "passed on, or whose `returncode` is read is checked by someone and is not reported.",
        instead="Pass `check=True`, or `check=False` and read `returncode`.",
        remediation="Pass `check=True` to raise `CalledProcessError` on failure, or "
        "`check=False` and inspect `result.returncode` yourself.",
        bad=(
            Example(
                "import subprocess\n\n\ndef migrate() -> None:\n"
                '    subprocess.run(["alembic", "upgrade", "head"])  # bad\n'
            ),
            Example(
                "from subprocess import run\n\n\ndef sync(src: str, dst: str) -> None:\n"
                '    run(["rsync", "-a", src, dst], capture_output=True)  # bad\n'
            ),
        ),
        good=(
            Example(
                "import subprocess\n\n\ndef migrate() -> None:\n"
                '    subprocess.run(["alembic", "upgrade", "head"], check=True)\n'
            ),
            Example(
                "import logging\nimport subprocess\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def migrate() -> bool:\n"
                '    result = subprocess.run(["alembic", "upgrade", "head"], check=False)\n'
                '    if result.returncode != 0:\n        log.error("migration failed")\n'
                "    return result.returncode == 0\n"
            ),
            Example(
                "import subprocess\n\n\ndef has_man_page(program: str) -> bool:\n"
                '    found = subprocess.run(["man", "-w", program], capture_output=True)\n'
                "    return found.returncode == 0\n\n\n"
                "def version(tool: str) -> subprocess.CompletedProcess[str]:\n"
                '    return subprocess.run([tool, "--version"], capture_output=True, text=True)\n'
            ),
        ),
        references=("https://docs.python.org/3/library/subprocess.html#subprocess.run",),
        fix="unsafe",
    )
    TRIGGERS = ("run",)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._scopes: list[cst.CSTNode] = []
        self._handled: set[int] = set()  # run() calls whose result is checked or handed on

    def visit_Module(self, node: cst.Module) -> None:
        self._scopes.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_Return(self, node: cst.Return) -> None:
        self._handled.add(id(node.value))

    def visit_Arg(self, node: cst.Arg) -> None:
        self._handled.add(id(node.value))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in _RESULT_CHECKS:
            self._handled.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target if len(node.targets) == 1 else None
        if (
            isinstance(target, cst.Name)
            and isinstance(node.value, cst.Call)
            # only a run() result is worth a walk of the scope: every assignment would
            # make the rule quadratic in the size of a module
            and self.context.qualified_name(node.value.func) == "subprocess.run"
        ):
            use = _ResultUse(target.value)
            walk(self._scopes[-1], use)
            if use.checked:
                self._handled.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.qualified_name(node.func) != "subprocess.run" or id(node) in self._handled:
            return
        if keyword(node, "check") is not None or kwargs_may_supply(node, "check"):
            return
        fix = None
        if node.args:
            fix = NodeFix(
                (insert_after(node.args[-1].value, ", check=True"),),
                "unsafe",
                "raise CalledProcessError when the command fails",
            )
        self.report(
            node, f"`{code_of(node.func)}()` without `check=` ignores a failing command", fix=fix
        )


_RESULT_CHECKS = frozenset({"returncode", "check_returncode"})


class _ResultUse(cst.CSTVisitor):
    """Whether a variable holding a `run()` result has its exit status read or is handed on."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.checked = False

    def _is(self, node: cst.CSTNode | None) -> bool:
        return isinstance(node, cst.Name) and node.value == self.name

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self._is(node.value) and node.attr.value in _RESULT_CHECKS:
            self.checked = True

    def visit_Return(self, node: cst.Return) -> None:
        if self._is(node.value):
            self.checked = True

    def visit_Arg(self, node: cst.Arg) -> None:
        if self._is(node.value):
            self.checked = True
