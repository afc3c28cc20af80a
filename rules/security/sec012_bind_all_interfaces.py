"""SEC012 bind-all-interfaces: a server bound to every interface by a hard-coded address.

A name holding such an address is reported where it reaches a bind
(`BindUses`); written into a message or a URL, it binds nothing.
"""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of, positional, string_value
from guardrails.cst.names import snake, terminal_name
from guardrails.cst.rule import CstRule
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

_ALL_INTERFACES = ("0.0.0.0", "::", "[::]")


class BindAllInterfaces(CstRule):
    META = RuleMeta(
        id="SEC012",
        skip_tests=True,  # a test hashes, parses or binds its own fixtures
        foreign_codes=("S104", "B104"),
        name="bind-all-interfaces",
        category="security",
        severity="warning",
        summary="A server or socket is bound to every network interface (`0.0.0.0`, `::`) by a "
        "hard-coded address.",
        why="Binding everywhere exposes the service on every network the machine is attached "
        "to, including ones it was never meant to be reachable from (CWE-1327).",
        instead="Bind to a configured host that defaults to `127.0.0.1`.",
        remediation="Bind to an address from configuration that defaults to loopback: "
        '`host = settings.bind_host  # "127.0.0.1" unless deployed behind a proxy`.',
        bad=(
            Example(
                "import socket\n\n\ndef serve() -> socket.socket:\n    sock = socket.socket()\n"
                '    sock.bind(("0.0.0.0", 8080))  # bad\n    return sock\n'
            ),
            Example(
                'import uvicorn\n\nif __name__ == "__main__":\n'
                '    uvicorn.run("app:api", host="0.0.0.0", port=8000)  # bad\n'
            ),
        ),
        good=(
            Example(
                "import socket\n\nfrom app.config import settings\n\n\n"
                "def serve() -> socket.socket:\n    sock = socket.socket()\n"
                "    sock.bind((settings.bind_host, 8080))  # 127.0.0.1 unless configured\n"
                "    return sock\n"
            ),
            Example(
                'ALLOWED_ORIGINS = ["0.0.0.0/0"]\nDEFAULT_ROUTE = "0.0.0.0" "/0"\n\n\n'
                'def is_unspecified(address: str) -> bool:\n    return address == "0.0.0.0"\n'
            ),
        ),
        references=("CWE-1327",),
    )
    TRIGGERS = ("0.0.0.0", "::")

    def _any(self, node: cst.BaseExpression | None) -> bool:
        return string_value(node) in _ALL_INTERFACES if node is not None else False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        method = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else (func.value if isinstance(func, cst.Name) else "")
        )
        first = positional(node, 0)
        if (
            first is not None
            and isinstance(first.value, cst.Tuple)
            and first.value.elements
            and (method in ("bind", "create_server", "connect_ex") or method.endswith("Server"))
        ):
            host = first.value.elements[0].value
            if self._any(host) or (method == "bind" and string_value(host) == ""):
                self.report(host, f"`{code_of(func)}()` binds to every network interface")
                return
        for arg in node.args:
            if arg.keyword is not None and is_host_name(arg.keyword.value) and self._any(arg.value):
                self.report(
                    arg.value,
                    f"`{arg.keyword.value}={code_of(arg.value)}` listens on "
                    "every network interface",
                )

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._reaching: set[str] | None = None

    def _never_bound(self, target: cst.BaseExpression) -> bool:
        """A plain name whose uses here are text or comparisons, never a bind/`host=`/return;
        a module constant nobody here uses may be imported, so it counts as bound."""
        if not isinstance(target, cst.Name):
            return False
        if self._reaching is None:
            uses = BindUses()
            walk(self._module, uses)
            self._reaching = uses.reaching
        if target.value in self._reaching:
            return False
        return self.context.names.scope.kind != "module" or _is_read(self._module, target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = terminal_name(target.target)
            if (
                name
                and is_host_name(name)
                and self._any(node.value)
                and not self._never_bound(target.target)
            ):
                self.report(node.value, f"`{name}` binds to every network interface")


def _is_read(module: cst.Module, name: str) -> bool:
    """Whether `name` occurs in `module` other than as an assignment target."""
    finder = _NameReads(name)
    walk(module, finder)
    return finder.found


class _NameReads(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        return not isinstance(node.target, cst.Name)

    def visit_Name(self, node: cst.Name) -> None:
        self.found = self.found or node.value == self.name


# Calls that take the address to listen on: sockets, servers and app runners.
BIND_CALLS = frozenset(
    {
        "bind",
        "listen",
        "create_server",
        "start_server",
        "make_server",
        "run_simple",
        "run",
        "run_app",
        "serve",
        "serve_forever",
        "connect_ex",
    }
)


def is_host_name(name: str) -> bool:
    """`host`, `BIND_ADDRESS`, `server_host`, ... but not `hostname_pattern`."""
    words = snake(name)
    return words in _HOST_WORDS or words.endswith(
        ("_host", "_bind", "_address", "_addr", "_listen")
    )


_HOST_WORDS = frozenset(
    {
        "host",
        "hostname",
        "bind",
        "bind_host",
        "bind_address",
        "listen",
        "listen_host",
        "listen_address",
        "address",
        "addr",
        "server_host",
        "server_name",
    }
)


def call_name(call: cst.Call) -> str:
    """`bind` for `sock.bind(...)` and `bind(...)`."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def is_bind_call(call: cst.Call) -> bool:
    name = call_name(call)
    return name in BIND_CALLS or name.endswith("Server")


class BindUses(cst.CSTVisitor):
    """Names read where an address is bound: an argument of a bind call, a `host=`
    keyword, a `return` (the caller may bind it), or a value kept as `self.host`."""

    def __init__(self) -> None:
        super().__init__()
        self.reaching: set[str] = set()
        self._calls: list[bool] = []
        self._depth = 0
        self._attributes: set[cst.Name] = set()

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(is_bind_call(node))

    def leave_Call(self, original_node: cst.Call) -> None:
        self._calls.pop()

    def _enters(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Arg):
            if node.keyword is not None:
                return is_host_name(node.keyword.value) or bool(self._calls and self._calls[-1])
            return bool(self._calls and self._calls[-1])
        if isinstance(node, cst.Return):
            return True
        if isinstance(node, cst.Assign):
            return any(isinstance(t.target, (cst.Attribute, cst.Subscript)) for t in node.targets)
        return False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if _is_text(node):
            return False  # an address written into a message or URL is not bound
        if self._enters(node):
            self._depth += 1
        if isinstance(node, cst.Attribute):
            self._attributes.add(node.attr)  # `self.addr` reads no variable `addr`
        elif self._depth and isinstance(node, cst.Name) and node not in self._attributes:
            self.reaching.add(node.value)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if _is_text(original_node):
            return
        if self._enters(original_node):
            self._depth -= 1
        super().on_leave(original_node)


def _is_text(node: cst.CSTNode) -> bool:
    """An f-string, `"..." % x` or `"...".format(x)`: text built from values."""
    if isinstance(node, cst.FormattedString):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        return isinstance(node.left, (cst.SimpleString, cst.ConcatenatedString))
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
        and isinstance(node.func.value, (cst.SimpleString, cst.ConcatenatedString))
    )
