"""Where a name holding an address is used: does it reach a bind, or only text? (SEC012)"""

from __future__ import annotations

import libcst as cst

from guardrails.cst.names import snake

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
