"""Whether a parser handed to an XML parse call is a hardened one (SEC010)."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of, is_false, is_true, keyword
from guardrails.cst.traverse import walk

# Options that switch off what XXE and entity expansion need.
_HARDENING = (("forbid_dtd", is_true), ("forbid_entities", is_true), ("resolve_entities", is_false))


class _Definitions(cst.CSTVisitor):
    """Values assigned to plain names and values returned by functions, by name."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[cst.BaseExpression]] = {}
        self.returns: dict[str, list[cst.BaseExpression | None]] = {}
        self._functions: list[str] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.values.setdefault(target.target.value, []).append(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node.name.value)
        self.returns.setdefault(node.name.value, [])

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Return(self, node: cst.Return) -> None:
        if self._functions:
            self.returns[self._functions[-1]].append(node.value)


class HardenedParsers:
    """Judges parser expressions against one module's own definitions."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._definitions: _Definitions | None = None

    def _defs(self) -> _Definitions:
        if self._definitions is None:  # collected once, only for calls that pass a parser
            self._definitions = _Definitions()
            walk(self._module, self._definitions)
        return self._definitions

    def is_hardened(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """`DefusedExpatParser()`, `defusedxml...`, `XMLParser(resolve_entities=False)`,
        or a name or a (same-module) function call that yields one."""
        if depth > 3:
            return False
        if "defused" in code_of(node).lower():
            return True
        if isinstance(node, cst.Call):
            if any(
                (arg := keyword(node, name)) is not None and check(arg.value)
                for name, check in _HARDENING
            ):
                return True
            func = node.func
            called = func.attr.value if isinstance(func, cst.Attribute) else None
            called = func.value if isinstance(func, cst.Name) else called
            returns = self._defs().returns.get(called or "")
            return bool(returns) and all(
                value is not None and self.is_hardened(value, depth + 1) for value in returns
            )
        if isinstance(node, cst.Name):
            values = self._defs().values.get(node.value)
            return bool(values) and all(self.is_hardened(v, depth + 1) for v in values)
        return False
