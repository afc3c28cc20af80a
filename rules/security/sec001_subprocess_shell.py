"""SEC001 subprocess-shell: a command run through the system shell.

A command whose every spliced value goes through `shlex.quote` is the form
the rule's own remediation recommends, not a finding (`quotes_every_value`).
Anything the check cannot see through — a plain name, a call result, a value
that is not quoted — counts as unquoted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from guardrails.cst.helpers import argument, code_of, is_literal_string, is_true, keyword
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, RuleMeta

_SHELL_CAPABLE = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)
_ALWAYS_SHELL = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
        "asyncio.subprocess.create_subprocess_shell",
    }
)


class SubprocessShell(CstRule):
    META = RuleMeta(
        id="SEC001",
        foreign_codes=("S602", "S604", "S605", "B602", "B604", "B605"),
        name="subprocess-shell",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects most `shell=True` "
            "calls ran a constant command, or one whose every value was already passed through "
            "`shlex.quote`; a reviewer looks, but rarely changes them. Request data reaching a "
            "shell is SEC015's finding."
        ),
        summary="A command runs through the system shell (`shell=True`, `os.system`, `os.popen`).",
        why="The shell re-parses the command string, so any value interpolated into it can add "
        "commands of its own (command injection, CWE-78); quoting by hand is easy to get wrong.",
        instead="Pass an argument list, without `shell=True`.",
        remediation="Pass the command as a list of arguments without `shell=True` "
        '(`subprocess.run(["tar", "-xf", path], check=True)`); if a shell feature is truly '
        "needed, build the string with `shlex.quote()` for every interpolated value.",
        bad=(
            Example(
                "import subprocess\n\n\ndef archive(path: str) -> None:\n"
                '    subprocess.run(f"tar -czf backup.tgz {path}", shell=True, check=True)  # bad\n'
            ),
            Example(
                "import os\n\n\ndef restart(service: str) -> None:\n"
                '    os.system("systemctl restart " + service)  # bad\n'
            ),
            Example(
                "from subprocess import check_output as run\n\n\ndef grep(term: str) -> bytes:\n"
                '    return run("grep -r %s ." % term, shell=True)  # bad\n'
            ),
        ),
        good=(
            Example(
                "import subprocess\n\n\ndef archive(path: str) -> None:\n"
                '    subprocess.run(["tar", "-czf", "backup.tgz", path], check=True)\n'
            ),
            Example(
                "import subprocess\n\n\ndef restart(service: str) -> None:\n"
                '    subprocess.run(["systemctl", "restart", service], shell=False, check=True)\n'
            ),
            Example(
                "import shlex\nimport subprocess\n\n\ndef count_lines(path: str) -> bytes:\n"
                "    # a pipe needs the shell: every value spliced in is quoted\n"
                '    command = f"cat {shlex.quote(path)} | wc -l"\n'
                "    done = subprocess.run(command, shell=True, check=True, capture_output=True)\n"
                "    return done.stdout\n"
            ),
        ),
        references=(
            "CWE-78",
            "https://docs.python.org/3/library/subprocess.html#security-considerations",
        ),
    )
    TRIGGERS = ("subprocess", "os", "asyncio", "system", "popen")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # per function: every value assigned to each plain name so far, so that
        # `command = hook % {"user": shlex.quote(user)}` is seen at `Popen(command, ...)`
        self._assigned: list[dict[str, list[cst.BaseExpression]]] = [{}]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._assigned.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._assigned.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._assigned[-1].setdefault(target.target.value, []).append(node.value)

    def _quoted_command(self, command: cst.BaseExpression) -> bool:
        """Built with `shlex.quote()` for every value: the form the remediation asks for."""
        resolve = self.context.qualified_name
        if isinstance(command, cst.Name) and command.value in self._assigned[-1]:
            return all(quotes_every_value(v, resolve) for v in self._assigned[-1][command.value])
        return quotes_every_value(command, resolve)

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name not in _ALWAYS_SHELL and name not in _SHELL_CAPABLE:
            return
        shown = code_of(node.func)
        command = argument(node, "args", 0) or argument(node, "cmd", 0)
        if command is not None and self._quoted_command(command.value):
            return
        built = (
            command is not None
            and not is_literal_string(command.value)
            and not isinstance(command.value, (cst.List, cst.Tuple))
        )
        what = "a command built at run time" if built else "its command"
        risk = (
            ": any interpolated value can inject commands"
            if built
            else "; run the program directly with an argument list"
        )
        if name in _ALWAYS_SHELL:
            self.report(node, f"`{shown}()` runs {what} through the system shell{risk}")
        elif name in _SHELL_CAPABLE:
            shell = keyword(node, "shell")
            if shell is not None and is_true(shell.value):
                self.report(
                    node, f"`{shown}(..., shell=True)` runs {what} through the system shell{risk}"
                )


QUOTERS = frozenset({"shlex.quote", "pipes.quote"})

Resolve = Callable[[cst.BaseExpression], str | None]
"""Qualified name of an expression (the rule context's `qualified_name`)."""


def quotes_every_value(command: cst.BaseExpression, resolve: Resolve) -> bool:
    """True if `command` is built only from literals and `shlex.quote(...)` values."""
    if is_literal_string(command):
        return False  # nothing spliced in: a constant command, still a shell (SEC001)
    values = list(_interpolated(command))
    return bool(values) and all(_quoted(value, resolve) for value in values)


def _interpolated(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The values spliced into a built string; the node itself when its shape is unknown."""
    if isinstance(node, cst.FormattedString):
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                yield part.expression
    elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        right = node.right
        if isinstance(right, cst.Tuple):
            yield from (element.value for element in right.elements)
        elif isinstance(right, cst.Dict):
            yield from (e.value for e in right.elements if isinstance(e, cst.DictElement))
        else:
            yield right
    elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        for side in (node.left, node.right):
            if not is_literal_string(side):
                yield from _interpolated(side)
    elif (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in ("format", "join")
    ):
        yield from (arg.value for arg in node.args)
    else:
        yield node


def _quoted(value: cst.BaseExpression, resolve: Resolve) -> bool:
    if is_literal_string(value) or isinstance(value, (cst.Integer, cst.Float)):
        return True
    if isinstance(value, cst.Call):
        return resolve(value.func) in QUOTERS
    if isinstance(value, (cst.GeneratorExp, cst.ListComp)):
        return _quoted(value.elt, resolve)  # `" ".join(shlex.quote(a) for a in args)`
    if isinstance(value, (cst.List, cst.Tuple)):
        return all(_quoted(element.value, resolve) for element in value.elements)
    return False
