"""Reliability rules on the LibCST backend (REL ids)."""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst
from guardrails.rules._entry import ENTRY_OPTION, EntryAware

from guardrails.cst.helpers import (
    argument,
    code_of,
    is_none,
    keyword,
    kwargs_may_supply,
    positional,
)
from guardrails.cst.rule import (
    CstRule,
    NodeFix,
    RuleContext,
    insert_after,
)
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_REQUESTS_FUNCS = frozenset(
    {f"requests.{verb}" for verb in _VERBS} | {f"requests.api.{verb}" for verb in _VERBS}
)
_REQUESTS_SESSIONS = frozenset(
    {
        "requests.Session()",
        "requests.session()",
        "requests.sessions.Session()",
        "requests.sessions.session()",
    }
)
_HTTPX_FUNCS = frozenset({f"httpx.{verb}" for verb in (*_VERBS, "stream")})
_HTTPX_CLIENTS = frozenset({"httpx.Client()", "httpx.AsyncClient()"})
_HTTPX_CONSTRUCTORS = frozenset({"httpx.Client", "httpx.AsyncClient"})
_URLOPEN = frozenset({"urllib.request.urlopen"})
# Positional index of `timeout` where callers might pass it positionally.
_TIMEOUT_POSITION = {"request": 8, "urlopen": 2}


class HttpWithoutTimeout(CstRule):
    META = RuleMeta(
        id="REL001",
        foreign_codes=("S113", "B113"),
        name="http-without-timeout",
        category="reliability",
        severity="error",
        skip_tests=True,
        summary="An HTTP call can wait forever: no `timeout=` for requests/urllib, or "
        "`timeout=None` for any client.",
        why="requests and urllib wait indefinitely by default; one unresponsive server then "
        "holds a worker, a thread or a connection-pool slot forever and the service stalls "
        "without an error to alert on. httpx has a finite default that `timeout=None` removes. "
        "Test code is exempt: the runner's timeout bounds a hung test, and it holds no "
        "production worker.",
        remediation="Pass an explicit finite timeout on every call, e.g. "
        "`requests.get(url, timeout=10)` or `session.post(url, json=body, timeout=(3.05, 27))`; "
        "for httpx keep the default or pass `timeout=httpx.Timeout(10.0)`.",
        bad=(
            Example(
                "import requests\n\n\ndef fetch(url: str) -> bytes:\n"
                "    return requests.get(url).content  # bad\n"
            ),
            Example(
                "from requests import Session\n\nSESSION = Session()\n\n\n"
                "def publish(url: str, body: dict) -> int:\n"
                "    return SESSION.post(url, json=body).status_code  # bad\n"
            ),
            Example(
                "import httpx\n\n\ndef client() -> httpx.Client:\n"
                "    return httpx.Client(timeout=None)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import requests\n\n\ndef fetch(url: str) -> bytes:\n"
                "    return requests.get(url, timeout=10).content\n"
            ),
            Example(
                "from requests import Session\n\nSESSION = Session()\n\n\n"
                "def publish(url: str, body: dict) -> int:\n"
                "    return SESSION.post(url, json=body, timeout=(3.05, 27)).status_code\n"
            ),
            Example(
                'import httpx\n\nDEFAULTS = {"timeout": 5.0}\n\n\n'
                "def fetch(url: str) -> bytes:\n"
                "    with httpx.Client() as client:\n"
                "        return client.get(url).content\n\n\n"
                "def fetch_default(url: str) -> bytes:\n"
                "    import requests\n\n"
                "    return requests.get(url, **DEFAULTS).content\n"
            ),
        ),
        references=(
            "https://requests.readthedocs.io/en/latest/user/advanced/#timeouts",
            "https://www.python-httpx.org/advanced/timeouts/",
            "CWE-400",
        ),
    )
    TRIGGERS = ("requests", "httpx", "urllib", "Session", "session")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name is None:
            return
        base, _, method = name.rpartition(".")
        requires_timeout = (
            name in _REQUESTS_FUNCS
            or name in _URLOPEN
            or (base in _REQUESTS_SESSIONS and method in (*_VERBS, "send"))
        )
        httpx_call = (
            name in _HTTPX_FUNCS
            or name in _HTTPX_CONSTRUCTORS
            or (base in _HTTPX_CLIENTS and method in (*_VERBS, "stream", "send"))
        )
        if not (requires_timeout or httpx_call):
            return
        shown = code_of(node.func)
        timeout = argument(node, "timeout", _TIMEOUT_POSITION.get(method))
        if timeout is None:
            if requires_timeout and not kwargs_may_supply(node, "timeout"):
                self.report(
                    node,
                    f"`{shown}()` has no timeout and waits forever on a server "
                    "that stops answering",
                )
            return
        if self._is_unbounded(timeout.value):
            self.report(
                node,
                f"`{shown}()` passes `timeout={code_of(timeout.value)}`, "
                "which disables the timeout",
            )

    def _is_unbounded(self, value: cst.BaseExpression) -> bool:
        if is_none(value):
            return True
        if isinstance(value, cst.Call) and self.context.qualified_name(value.func) == (
            "httpx.Timeout"
        ):
            first = positional(value, 0)
            return first is not None and is_none(first.value) and len(value.args) == 1
        return False


class BareExcept(CstRule):
    META = RuleMeta(
        id="REL002",
        subsumes=("OBS005", "OBS006"),
        foreign_codes=("E722",),
        name="bare-except",
        category="reliability",
        severity="warning",
        severity_note="Warning, not an error: on the precision ledger's projects about half of the "
        "bare excepts were best-effort teardown (closing a pipe, unlinking a temp file) that a "
        "reviewer leaves alone. Still worth naming the exception; not worth failing trust in "
        "every error.",
        summary="A bare `except:` catches every exception, including KeyboardInterrupt and "
        "SystemExit.",
        why="A bare except also traps Ctrl-C, `sys.exit()` and task cancellation, hides "
        "programming errors such as NameError, and makes the failure you meant to handle "
        "indistinguishable from every other one. A handler that ends in a bare `raise` lets "
        "every exception through and is not reported.",
        remediation="Name the exceptions you expect (`except (ValueError, KeyError):`); where "
        "everything must be caught, write `except Exception:` and log it with the traceback.",
        bad=(
            Example(
                "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
                "    except:  # bad\n        return 8080\n"
            ),
            Example(
                "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def close(conn) -> None:\n    try:\n        conn.close()\n"
                '    except:  # bad\n        log.exception("close failed")\n'
            ),
        ),
        good=(
            Example(
                "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
                "    except ValueError:\n        return 8080\n"
            ),
            Example(
                "import logging\nimport sqlite3\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def close(conn: sqlite3.Connection) -> None:\n    try:\n        conn.close()\n"
                '    except Exception:\n        log.exception("close failed")\n        raise\n'
            ),
        ),
        references=(
            "https://docs.python.org/3/tutorial/errors.html#handling-exceptions",
            "CWE-396",
        ),
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.type is None and not _reraises(node.body):
            self.report(
                node,
                "bare `except:` also catches KeyboardInterrupt, SystemExit and "
                "cancellation; name the exceptions you expect",
            )


def _reraises(body: cst.BaseSuite) -> bool:
    """A handler that ends in a bare `raise`: cleanup that lets every exception through."""
    last = body.body[-1] if isinstance(body, cst.IndentedBlock) else body
    if not isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return False
    final = last.body[-1]
    return isinstance(final, cst.Raise) and final.exc is None


_RESOURCES = frozenset(
    {
        "builtins.open",
        "io.open",
        "codecs.open",
        "socket.socket",
        "socket.create_connection",
        "tempfile.TemporaryFile",
        "tempfile.NamedTemporaryFile",
        "tempfile.SpooledTemporaryFile",
        "tempfile.TemporaryDirectory",
        "sqlite3.connect",
        "urllib.request.urlopen",
        "zipfile.ZipFile",
        "tarfile.open",
        "gzip.open",
        "bz2.open",
        "lzma.open",
    }
)


class _NameCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def visit_Name(self, name: cst.Name) -> None:
        self.found.add(name.value)


def _names_in(node: cst.CSTNode) -> set[str]:
    collector = _NameCollector()
    walk(node, collector)
    return collector.found


class _Ownership(cst.CSTVisitor):
    """Whether a function closes, returns or hands on a local resource variable."""

    def __init__(self, name: str, qualified: Callable[[cst.CSTNode], str | None]) -> None:
        super().__init__()
        self.name = name
        self.qualified = qualified
        self.kept = False
        self._finally = 0

    def _is(self, node: cst.CSTNode | None) -> bool:
        return isinstance(node, cst.Name) and node.value == self.name

    def visit_Finally(self, node: cst.Finally) -> None:
        self._finally += 1

    def leave_Finally(self, node: cst.Finally) -> None:
        self._finally -= 1

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if self._is(value) or (
            isinstance(value, (cst.Tuple, cst.List))
            and any(self._is(e.value) for e in value.elements)
        ):
            self.kept = True

    def visit_Yield(self, node: cst.Yield) -> None:
        if self._is(node.value):
            self.kept = True

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self.name in _names_in(node.item):
            self.kept = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and self._is(func.value)
            and func.attr.value in ("close", "shutdown", "cleanup", "detach")
        ):
            if self._finally:
                self.kept = True
        elif any(self._is(arg.value) for arg in node.args) and not _READERS.search(
            self.qualified(func) or ""
        ):
            self.kept = True  # handed on: enter_context, closing, a wrapper, a new owner

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._is(node.value) and any(not isinstance(t.target, cst.Name) for t in node.targets):
            self.kept = True  # stored on an object or in a container


_READERS = re.compile(
    r"^(json|pickle|marshal|csv|yaml|tomllib|tomli|configparser|plistlib)\.|"
    r"^shutil\.copyfileobj$|^builtins\.(print|next|iter|list|len|sorted|enumerate|zip)$"
)
"""Functions that use a file object they are given but leave closing it to the caller."""


class UnmanagedResource(CstRule):
    META = RuleMeta(
        id="REL004",
        foreign_codes=("SIM115",),
        name="unmanaged-resource",
        category="reliability",
        severity="warning",
        summary="A file, socket, temporary file or connection is opened into a variable without "
        "`with`, and not reliably closed, returned or handed on.",
        why="If anything raises before `close()`, the handle leaks; under load leaked files and "
        "sockets exhaust descriptors and connections, and unflushed writes are lost.",
        remediation="Open it in a `with` block (`with open(path) as handle:` / "
        "`with socket.create_connection(addr) as sock:`), or close it in `finally`.",
        bad=(
            Example(
                "import socket\n\n\ndef probe(host: str) -> bool:\n"
                "    sock = socket.socket()  # bad\n    sock.settimeout(2)\n"
                "    return sock.connect_ex((host, 22)) == 0\n"
            ),
            Example(
                "def first_line(path: str) -> str:\n    handle = open(path)  # bad\n"
                "    line = handle.readline()\n    handle.close()\n    return line\n"
            ),
            Example(
                "import json\n\n\ndef load(path: str) -> dict:\n"
                "    handle = open(path)  # bad\n    return json.load(handle)\n"
            ),
        ),
        good=(
            Example(
                "import socket\n\n\ndef probe(host: str) -> bool:\n"
                "    with socket.socket() as sock:\n        sock.settimeout(2)\n"
                "        return sock.connect_ex((host, 22)) == 0\n"
            ),
            Example(
                "import socket\n\n\ndef listener(port: int) -> socket.socket:\n"
                '    sock = socket.socket()\n    sock.bind(("127.0.0.1", port))\n'
                "    return sock\n\n\n"
                "def first_line(path: str) -> str:\n    handle = open(path)\n    try:\n"
                "        return handle.readline()\n    finally:\n        handle.close()\n"
            ),
        ),
        references=("CWE-772", "https://docs.python.org/3/reference/compound_stmts.html#with"),
    )
    TRIGGERS = ("open", "socket", "Temporary", "connect", "ZipFile", "urlopen")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._functions: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._functions or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not isinstance(target, cst.Name) or not isinstance(node.value, cst.Call):
            return
        name = self.context.qualified_name(node.value.func)
        if name not in _RESOURCES:
            return
        ownership = _Ownership(target.value, self.context.qualified_name)
        walk(self._functions[-1].body, ownership)
        if not ownership.kept:
            self.report(
                node.value,
                f"`{target.value} = {code_of(node.value.func)}(...)` is not "
                "closed on every path; open it with `with`",
            )


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
        remediation="Raise a specific exception and let the entry point decide the exit code: "
        '`raise ConfigError("...")`, and exit only in the entry point: '
        '`if __name__ == "__main__": sys.exit(main())`.',
        bad=(
            Example(
                "import sys\n\n\ndef shutdown(code: int) -> None:\n    sys.exit(code)  # bad\n"
            ),
            Example(
                "def load(path: str) -> str:\n    try:\n        with open(path) as handle:\n"
                "            return handle.read()\n    except OSError:\n        exit(1)  # bad\n"
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
