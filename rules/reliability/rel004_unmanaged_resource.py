"""REL004 unmanaged-resource: a file, socket or connection opened without `with`, never closed."""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst

from guardrails.cst.helpers import code_of
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

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
        instead="Open it in a `with` block.",
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
