"""REL011 exit-in-library: `sys.exit()` and its kin outside a program's entry point."""

from __future__ import annotations

import re

import libcst as cst
from guardrails.rules._shared.entry import ENTRY_OPTION, EntryAware

from guardrails.cst.rule import RuleContext
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

_EXITS = {
    "sys.exit": "sys.exit",
    "builtins.exit": "exit",
    "builtins.quit": "quit",
    "os._exit": "os._exit",
}


class ExitInLibrary(EntryAware):
    META = RuleMeta(
        id="REL011",
        name="exit-in-library",
        category="reliability",
        severity="warning",
        severity_note="Warning, not an error: whether code is a library or the program itself "
        "cannot always be seen from one file. On the precision ledger's projects most exits "
        "were in servers' and CLIs' own process management (an arbiter, a CLI driver, a "
        "validation step only `main()` calls). Declare such modules in `entry-modules`.",
        summary="`sys.exit()`, `exit()`, `quit()` or `os._exit()` outside a CLI entry point "
        "(entry-module globs, `[project.scripts]` targets, `__main__` blocks), a forked child "
        "or a signal handler.",
        why="Exiting from library code kills whatever process imported it — a web worker, a "
        "test run, a job scheduler — skipping the caller's error handling and cleanup. Code "
        "after a successful `os.fork()` runs in a process the library created, and a signal "
        "handler (`(signum, frame)` parameters, or named for a signal) was installed to end "
        "the process: exiting there is their job.",
        instead="Raise an exception; exit only in the entry point.",
        remediation="Raise a specific exception and let the entry point decide the exit code: "
        '`raise ConfigError("...")`, and exit only in the entry point: '
        '`if __name__ == "__main__": sys.exit(main())`.',
        bad=(
            Example(
                "def load(path: str) -> str:\n    try:\n        with open(path) as handle:\n"
                "            return handle.read()\n    except OSError:\n        exit(1)  # bad\n"
            ),
            Example(
                "import sys\n\n\ndef shutdown(code: int) -> None:\n    sys.exit(code)  # bad\n"
            ),
        ),
        good=(
            Example(
                "class ConfigError(Exception):\n    pass\n\n\ndef load(path: str) -> str:\n"
                "    try:\n        with open(path) as handle:\n            return handle.read()\n"
                "    except OSError as err:\n        raise ConfigError(path) from err\n"
            ),
            Example(
                "import sys\n\n\ndef main() -> int:\n    return 0\n\n\n"
                'if __name__ == "__main__":\n    sys.exit(main())\n'
            ),
            Example("import sys\n\n\ndef main() -> None:\n    sys.exit(2)\n", path="app/cli.py"),
            Example(
                "import os\n\n\ndef daemonize() -> None:\n    if os.fork():\n"
                "        os._exit(0)  # the parent's job is done; the child carries on\n"
                "    os.setsid()\n"
            ),
        ),
        references=("https://docs.python.org/3/library/sys.html#sys.exit",),
        skip_tests=True,
        options=(ENTRY_OPTION,),
    )
    TRIGGERS = ("exit", "quit")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # Per enclosing function: does it own its process (forked it, or handles a signal)?
        self._owns: list[bool] = []

        # except handlers of a `try` that forks: there the fork failed, no child exists
        self._fork_failed: set[int] = set()
        self._in_fork_failure = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._owns.append(_is_signal_handler(node))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._owns.pop()

    def visit_Try(self, node: cst.Try) -> None:
        if self._owns and self._owns[-1]:
            return  # already in a child: a second fork failing leaves the child to exit
        forks = _ForkFinder(self.context)
        walk(node.body, forks)
        if forks.found:
            self._fork_failed.update(id(handler) for handler in node.handlers)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._in_fork_failure += id(node) in self._fork_failed

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._in_fork_failure -= id(node) in self._fork_failed

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func) or ""
        if name in _FORKS and self._owns:
            self._owns[-1] = True  # the code after a fork runs in a process it created
            return
        owned = self._owns and self._owns[-1] and not self._in_fork_failure
        if self.in_program or owned:
            return
        shown = _EXITS.get(name)
        if shown is not None:
            self.report(
                node,
                f"`{shown}()` in library code ends the whole process; raise an exception instead",
            )


_FORKS = frozenset({"os.fork", "os.forkpty"})


class _ForkFinder(cst.CSTVisitor):
    """Whether a block calls `os.fork()` (outside nested functions)."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__()
        self.context = context
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function forks when it is called, not here

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.qualified_name(node.func) in _FORKS:
            self.found = True


_SIGNAL_PARAMS = re.compile(r"^_?(sig|signum|signo|signal|sig_num|signal_number|_)$")
_SIGNAL_WORD = re.compile(r"^(signal|sig(term|int|quit|abrt|hup|chld|alrm|winch|usr[12]))$")
_FRAME_PARAMS = re.compile(r"^_?(frame|stack|stack_frame|_)$")


def _is_signal_handler(node: cst.FunctionDef) -> bool:
    """`def on_term(signum, frame)` or `def handle_abort_signal(self)`: installed to end it."""
    if any(_SIGNAL_WORD.match(word) for word in node.name.value.lower().split("_")):
        return True
    params = [p.name.value for p in (*node.params.posonly_params, *node.params.params)]
    return (
        len(params) >= 2
        and bool(_SIGNAL_PARAMS.match(params[-2]))
        and bool(_FRAME_PARAMS.match(params[-1]))
        and not (params[-2] == "_" and params[-1] == "_")
    )
