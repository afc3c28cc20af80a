"""ARC005 env-outside-config: configuration read from the environment outside its boundary.

The boundary is a config module (by name) or an entry point (`_shared.entry`).
Writing the environment for a child process, copying it whole, saving a
variable to restore it, and asking for a variable the platform sets are not
reading configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

import libcst as cst
from guardrails.rules._shared.entry import ENTRY_OPTION, EntryAware

from guardrails.cst.helpers import code_of, string_value
from guardrails.cst.rule import RuleContext
from guardrails.cst.traverse import walk
from guardrails.model import Example, Option, RuleMeta

CONFIG_MODULES = [
    "config*",
    "*.config*",
    "*_config",
    "settings*",
    "*.settings*",
    "*_settings",
    "conf",
    "*.conf",
    "*.conf.*",
    "*.conftest",
    "conftest",
]

PLATFORM_VARIABLES = frozenset(
    {
        # set by the OS, the shell, the terminal or the service manager: facts about the
        # process's surroundings, not settings the application's operator chooses
        "PATH", "PATHEXT", "PWD", "HOME", "USER", "USERNAME", "LOGNAME", "SHELL", "COMSPEC",
        "SYSTEMROOT", "APPDATA", "LOCALAPPDATA", "TMPDIR", "TEMP", "TMP", "TERM",
        "TERM_PROGRAM", "COLORTERM", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "ANSICON",
        "ITERM_PROFILE", "WT_SESSION", "DISPLAY", "SSH_AUTH_SOCK", "NOTIFY_SOCKET", "LISTEN_PID",
        "LISTEN_FDS", "LISTEN_FDNAMES", "VIRTUAL_ENV", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
        "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
    }
)  # fmt: skip

_ENV_WRITES = frozenset({"setdefault", "update", "pop", "popitem", "clear", "copy"})
"""`os.environ` methods that change the environment or hand all of it on; none reads a setting."""


class EnvOutsideConfig(EntryAware):
    META = RuleMeta(
        id="ARC005",
        name="env-outside-config",
        category="architecture",
        severity="info",
        severity_note=(
            "Info, not a warning: on the precision ledger's projects most reads were a framework's "
            "documented environment settings or a process hand-off, and only about one in five was "
            "one a reviewer would move. Raise it to a warning in services that keep a settings "
            "module."
        ),
        summary="`os.environ` or `os.getenv` is read outside the configured config modules and "
        "the program's entry points.",
        why="Environment reads scattered through the code make configuration invisible: nobody "
        "can list what a service needs, defaults and parsing differ per call site, and tests "
        "must patch the environment.",
        instead="Read settings once in a config module and pass the typed object in.",
        remediation="Parse settings once at the boundary into a typed object (a dataclass or "
        "pydantic `BaseSettings` in `app/config.py`) and pass it, or import it, where needed. "
        "Config modules (`config*`, `settings*`, `*_config`, `*_settings`, `conf`, `*.conf.*`) "
        "and entry points (CLI modules, declared scripts, `__main__`) are that boundary; "
        "writing the environment (`os.environ[k] = v`, `del`, `setdefault`, `update`, `pop`, "
        "`os.putenv`) for a child process, copying it whole, or asking for a variable the "
        "platform sets (`PATH`, `HOME`, `TERM`, `SSH_AUTH_SOCK`, `LISTEN_FDS`, ...) is not "
        "reading configuration.",
        bad=(
            Example(
                'import os\n\n\ndef connect():\n    return os.environ["DATABASE_URL"]  # bad\n',
                path="app/db.py",
            ),
            Example(
                'from os import getenv\n\nDEBUG = getenv("DEBUG") == "1"  # bad\n',
                path="app/views.py",
            ),
        ),
        good=(
            Example(
                "from app.config import load\n\nSETTINGS = load()\n\n\n"
                "def connect() -> str:\n    return SETTINGS.database_url\n",
                path="app/db.py",
            ),
            Example(
                "import os\nfrom dataclasses import dataclass\n\n\n@dataclass(frozen=True)\n"
                "class Settings:\n    database_url: str\n\n\n"
                'def load() -> Settings:\n    return Settings(os.environ["DATABASE_URL"])\n',
                path="app/config.py",
            ),
        ),
        skip_tests=True,
        options=(
            Option(
                "config-modules",
                list,
                CONFIG_MODULES,
                "module globs allowed to read the environment",
                item_kind=str,
                weaker="more",  # every module listed is exempt
            ),
            ENTRY_OPTION,
        ),
    )
    TRIGGERS = ("environ", "getenv")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._skip: set[int] = set()
        self._restored: list[set[str]] = []  # per function: keys it writes to os.environ
        module = context.module_name
        self._allowed = any(fnmatchcase(module, g) for g in context.options["config-modules"])

    def _not_a_read(self, environ: cst.BaseExpression) -> None:
        """This `os.environ` is written, handed on whole or asked for a platform variable."""
        if self.context.qualified_name(environ) == "os.environ":
            self._skip.add(id(environ))
            if isinstance(environ, cst.Attribute):
                self._skip.add(id(environ.value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        written = _WrittenKeys()
        walk(node.body, written)
        self._restored.append(written.keys)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._restored.pop()

    def _saved(self, key: cst.BaseExpression | None) -> bool:
        """The function also sets this variable: the read saves it to restore it later."""
        return key is not None and bool(self._restored) and code_of(key) in self._restored[-1]

    def _written_targets(self, targets: Sequence[cst.BaseExpression]) -> None:
        for target in targets:
            if isinstance(target, cst.Subscript):
                self._not_a_read(target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._written_targets([t.target for t in node.targets])

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._written_targets([node.target])

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else ()
        self._written_targets([node.target, *(e.value for e in targets)])

    def _platform(self, key: cst.BaseExpression | None) -> bool:
        return string_value(key) in PLATFORM_VARIABLES

    def visit_Subscript(self, node: cst.Subscript) -> None:
        index = node.slice[0].slice if len(node.slice) == 1 else None
        if isinstance(index, cst.Index) and (
            self._platform(index.value) or self._saved(index.value)
        ):
            self._not_a_read(node.value)  # os.environ["PATH"]: not a setting

    def visit_Comparison(self, node: cst.Comparison) -> None:
        target = node.comparisons[0]
        if isinstance(target.operator, (cst.In, cst.NotIn)) and self._platform(node.left):
            self._not_a_read(target.comparator)  # "SSH_AUTH_SOCK" in os.environ

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                self._skip.add(id(alias.name))
                if alias.asname is not None:
                    self._skip.add(id(alias.asname.name))

    def _flag(self, node: cst.CSTNode, what: str) -> None:
        if id(node) not in self._skip and not self._allowed and not self.in_program:
            self.report(
                node, f"`{what}` read outside a config module; parse settings once at the boundary"
            )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))
        if node.attr.value in _ENV_WRITES:
            self._not_a_read(node.value)  # os.environ.update(...), .pop(...), .copy() ...
        if self.context.qualified_name(node) == "os.environ":
            self._skip.add(id(node.value))
            self._flag(node, code_of(node))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self._skip:
            return
        if node.value in ("environ", "getenv") and self.context.qualified_name(node) in (
            "os.environ",
            "os.getenv",
        ):
            self._flag(node, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        first = node.args[0].value if node.args else None
        if isinstance(func, cst.Attribute) and func.attr.value == "get" and self._saved(first):
            self._not_a_read(func.value)  # old = os.environ.get(name) ... os.environ[name] = old
        if self._platform(first):
            if isinstance(func, cst.Attribute) and func.attr.value == "get":
                self._not_a_read(func.value)  # os.environ.get("TERM")
            elif self.context.qualified_name(func) == "os.getenv":
                self._skip.update((id(node), id(func)))
                return
        if isinstance(node.func, cst.Attribute) and self.context.qualified_name(node.func) == (
            "os.getenv"
        ):
            self._skip.add(id(node.func.attr))
            self._flag(node, "os.getenv")


class _WrittenKeys(cst.CSTVisitor):
    """Keys a function body sets or deletes in the environment (`os.environ[key] = ...`)."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: set[str] = set()

    def _target(self, target: cst.BaseExpression) -> None:
        if (
            isinstance(target, cst.Subscript)
            and code_of(target.value) in ("os.environ", "environ")
            and len(target.slice) == 1
            and isinstance(target.slice[0].slice, cst.Index)
        ):
            self.keys.add(code_of(target.slice[0].slice.value))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._target(node.target)
