"""Qualified names from imports and assignments, without full scope analysis.

LibCST's `QualifiedNameProvider` runs a full scope analysis that costs about
ten parses per file (DESIGN.md). Rules only need to know what a call or an
attribute refers to: `sp.run` is `subprocess.run` after `import subprocess as
sp`, `SESSION.get` is `requests.Session().get` after `SESSION =
requests.Session()`. `NameTracker` answers that from a scope stack it keeps
up to date *during the one traversal every rule shares*:

* imports, `def`/`class` names and simple assignments bind names in the
  current scope (module, class, function, lambda or comprehension);
* parameters bind to an instance of their annotation (`s: requests.Session`);
* `with X() as name` binds `name` to `X()`;
* `self.attr = value` anywhere in a class's methods binds `self.attr`;
* module-level bindings and class attributes are collected up front, so a
  function defined above the import or assignment it uses still resolves.

The result is a dotted string. A call adds `()`: `requests.Session().get` is
the `get` method of a session object. Builtins are `builtins.NAME`. Unknown
things resolve to None, which every rule treats as "not a match", so
uncertainty costs recall, never precision.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from guardrails.cst.helpers import literal_value

_BUILTINS = frozenset(dir(builtins))
_UNKNOWN = None


@dataclass
class Scope:
    """One Python scope; `bindings` maps a local name to its origin (or None)."""

    kind: str  # module | class | function | lambda | comprehension
    parent: Scope | None
    bindings: dict[str, str | None] = field(default_factory=dict)
    instance_attrs: dict[str, str | None] = field(default_factory=dict)  # class scopes
    self_name: str | None = None  # function scopes that are methods
    owner: Scope | None = None  # the class scope of a method


def _dotted(node: cst.BaseExpression) -> str | None:
    """`a.b.c` as text for Name/Attribute chains, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _target_names(target: cst.BaseExpression) -> list[str]:
    """Every plain name bound by an assignment target (tuples unpacked)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names: list[str] = []
        for element in target.elements:
            names.extend(_target_names(element.value))
        return names
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def _is_staticmethod(node: cst.FunctionDef) -> bool:
    return any(_dotted(d.decorator) in ("staticmethod",) for d in node.decorators)


def terminal_name(node: cst.BaseExpression) -> str | None:
    """`x` for `x`, `attr` for `obj.attr`, the key for `d["key"]`; else None.

    The name a value is known by where it is stored or read, whatever holds
    it: rules that judge values by their name (a secret, a host) ask this.
    """
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        element = node.slice[0].slice
        if isinstance(element, cst.Index) and isinstance(element.value, cst.SimpleString):
            value = literal_value(element.value)
            return value if isinstance(value, str) else None
    return None


def snake(name: str) -> str:
    """`authToken` / `AUTH_TOKEN` / `auth-token` -> `auth_token`: a name's words, compared."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()


class NameTracker:
    """Keeps the scope stack during the traversal and resolves names."""

    def __init__(self, module_name: str, is_package: bool) -> None:
        self.module_name = module_name
        self.package = module_name if is_package else module_name.rpartition(".")[0]
        self.scope = Scope("module", None)

    # ------------------------------------------------------------------ lookups
    def lookup(self, name: str) -> str | None:
        """The origin bound to `name` here, following Python's scope rules."""
        scope: Scope | None = self.scope
        while scope is not None:
            if (scope.kind != "class" or scope is self.scope) and name in scope.bindings:
                return scope.bindings[name]
            scope = scope.parent
        if name in _BUILTINS:
            return f"builtins.{name}"
        return name  # a global we never saw bound (star import, injected); best effort

    def _method_scope(self) -> Scope | None:
        """The innermost enclosing method scope, if we are inside one."""
        scope: Scope | None = self.scope
        while scope is not None:
            if scope.kind == "function":
                return scope if scope.self_name else None
            if scope.kind == "class":
                return None
            scope = scope.parent
        return None

    def qualified_name(self, node: cst.CSTNode) -> str | None:
        """Resolve a Name, Attribute or Call expression to its origin.

        Exact class checks: parsed trees hold LibCST's own (final) classes, and
        `isinstance` with them goes through ABC machinery on a very hot path.
        """
        kind = type(node)
        if kind is cst.Name:
            return self.lookup(cast(cst.Name, node).value)
        if kind is cst.Attribute:
            attribute = cast(cst.Attribute, node)
            value = attribute.value
            if type(value) is cst.Name:
                method = self._method_scope()
                if (
                    method is not None
                    and method.owner is not None
                    and value.value == method.self_name
                    and self.lookup(value.value) is _UNKNOWN
                ):
                    return method.owner.instance_attrs.get(attribute.attr.value)
            base = self.qualified_name(value)
            return f"{base}.{attribute.attr.value}" if base else None
        if kind is cst.Call:
            base = self.qualified_name(cast(cst.Call, node).func)
            return f"{base}()" if base else None
        if kind is cst.Await:
            return self.qualified_name(cast(cst.Await, node).expression)
        return None

    def origin_of(self, value: cst.BaseExpression | None) -> str | None:
        """What a name assigned `value` refers to afterwards."""
        if value is None:
            return _UNKNOWN
        if isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Await)):
            return self.qualified_name(value)
        return _UNKNOWN

    def annotation_origin(self, annotation: cst.BaseExpression | None) -> str | None:
        """An instance of the annotated type: `requests.Session` -> `requests.Session()`.

        Understands `X | None` and `Optional[X]`; anything else is unknown.
        """
        if annotation is None:
            return _UNKNOWN
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            for side in (annotation.left, annotation.right):
                origin = self.annotation_origin(side)
                if origin and origin != "builtins.None()":
                    return origin
            return _UNKNOWN
        if isinstance(annotation, cst.Subscript):
            base = self.qualified_name(annotation.value)
            if base in ("typing.Optional", "typing_extensions.Optional") and annotation.slice:
                first = annotation.slice[0].slice
                if isinstance(first, cst.Index):
                    return self.annotation_origin(first.value)
            if base in ("typing.Union", "typing.Annotated", "typing_extensions.Annotated"):
                return _UNKNOWN
            # A parametrised generic (`queue.Queue[str]`) is an instance of its base type.
            return f"{base}()" if base else _UNKNOWN
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            base = self.qualified_name(annotation)
            return f"{base}()" if base else _UNKNOWN
        return _UNKNOWN

    # ----------------------------------------------------------------- binding
    def bind(self, name: str, origin: str | None) -> None:
        self.scope.bindings[name] = origin

    def bind_import(self, node: cst.Import | cst.ImportFrom) -> None:
        """Bind the names an import statement introduces."""
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = _dotted(alias.name)
                if not full:
                    continue
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.bind(alias.asname.name.value, full)
                else:
                    top = full.split(".")[0]
                    self.bind(top, top)
            return
        if isinstance(node.names, cst.ImportStar):
            return
        base = self.import_from_base(node)
        for alias in node.names:
            imported = _dotted(alias.name)
            if not imported:
                continue
            local = imported
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.bind(local, f"{base}.{imported}" if base else imported)

    def import_from_base(self, node: cst.ImportFrom) -> str:
        """The absolute module of `from X import ...`, resolving relative levels.

        `from ..models import User` in `app.api.views` gives `app.models`; a
        relative import reaching above the top package keeps its dots.
        """
        module = _dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if level == 0:
            return module or ""
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts):
            anchor = "." * level
            return f"{anchor}{module}" if module else anchor
        parts = parts[: len(parts) - (level - 1)]
        if module:
            parts.append(module)
        return ".".join(p for p in parts if p)

    def bind_assign(self, targets: list[cst.BaseExpression], value: cst.BaseExpression) -> None:
        """Bind plain-name targets of an assignment; record `self.x = ...`."""
        origin = self.origin_of(value)
        for target in targets:
            self.bind_target(target, origin)

    def bind_target(self, target: cst.BaseExpression, origin: str | None) -> None:
        """Bind one assignment target: a name, `self.attr`, or names in a tuple."""
        if isinstance(target, cst.Name):
            self.bind(target.value, origin)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            method = self._method_scope()
            if (
                method is not None
                and method.owner is not None
                and (target.value.value == method.self_name)
            ):
                attrs = method.owner.instance_attrs
                if attrs.get(target.attr.value) is None:
                    attrs[target.attr.value] = origin
        else:
            for name in _target_names(target):
                self.bind(name, _UNKNOWN)

    def _definition_origin(self, name: str) -> str | None:
        if self.scope.kind == "module" and self.module_name:
            return f"{self.module_name}.{name}"
        return _UNKNOWN

    # ------------------------------------------------------------ pre-scanning
    def prescan_block(self, body: list[cst.CSTNode] | tuple[cst.CSTNode, ...]) -> None:
        """Collect bindings of a statement block in order, without entering defs.

        Used for the module (so functions see module-level names bound below
        them) and for class bodies and methods (so `self.x` set in `__init__`
        is known in every method).
        """
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._prescan_small(small)
            elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                self.bind(statement.name.value, self._definition_origin(statement.name.value))
            elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
                self.prescan_block(_blocks_of(statement))

    def _prescan_small(self, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            self.bind_import(small)
        elif isinstance(small, cst.Assign):
            self.bind_assign([t.target for t in small.targets], small.value)
        elif isinstance(small, cst.AnnAssign):
            self.bind_ann_assign(small)

    def bind_ann_assign(self, node: cst.AnnAssign) -> None:
        """`x: T = v` binds x to the annotated type's instance, else to v's origin."""
        origin = self.annotation_origin(node.annotation.annotation)
        if origin is None and node.value is not None:
            origin = self.origin_of(node.value)
        if self.scope.kind == "class":
            if isinstance(node.target, cst.Name):
                attrs = self.scope.instance_attrs
                if attrs.get(node.target.value) is None:
                    attrs[node.target.value] = origin
            return
        self.bind_target(node.target, origin)

    def _prescan_class(self, node: cst.ClassDef) -> None:
        """Class attributes and `self.x = ...` assignments of every method."""
        class_scope = self.scope
        for statement in node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign):
                        origin = self.origin_of(small.value)
                        for target in small.targets:
                            if isinstance(target.target, cst.Name):
                                class_scope.instance_attrs.setdefault(target.target.value, origin)
                    elif isinstance(small, cst.AnnAssign):
                        self.bind_ann_assign(small)
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef) and not _is_staticmethod(statement):
                self._enter_function(statement, class_scope)
                self.prescan_block(
                    list(statement.body.body)
                    if isinstance(statement.body, cst.IndentedBlock)
                    else []
                )
                self.scope = class_scope

    # ------------------------------------------------------- scope transitions
    def _enter_function(self, node: cst.FunctionDef, owner: Scope | None) -> None:
        scope = Scope("function", self.scope)
        params = node.params
        ordered = [*params.posonly_params, *params.params]
        if owner is not None and ordered and not _is_staticmethod(node):
            scope.self_name = ordered[0].name.value
            scope.owner = owner
        self.scope = scope
        every = [*ordered, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for param in every:
            origin = _UNKNOWN
            if param.annotation is not None and param.name.value != scope.self_name:
                origin = self.annotation_origin(param.annotation.annotation)
            scope.bindings[param.name.value] = origin

    def enter_module(self, node: cst.Module) -> None:
        self.prescan_block(node.body)

    def enter_class(self, node: cst.ClassDef) -> None:
        self.bind(node.name.value, self._definition_origin(node.name.value))
        self.scope = Scope("class", self.scope)
        self._prescan_class(node)

    def enter_function(self, node: cst.FunctionDef) -> None:
        self.bind(node.name.value, self._definition_origin(node.name.value))
        owner = self.scope if self.scope.kind == "class" else None
        self._enter_function(node, owner)

    def enter_lambda(self, node: cst.Lambda) -> None:
        scope = Scope("lambda", self.scope)
        params = node.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            scope.bindings[param.name.value] = _UNKNOWN
        self.scope = scope

    def enter_comprehension(self) -> None:
        self.scope = Scope("comprehension", self.scope)

    def leave_scope(self) -> None:
        if self.scope.parent is not None:
            self.scope = self.scope.parent


def _blocks_of(statement: cst.CSTNode) -> list[cst.CSTNode]:
    """The statements directly inside a compound statement's blocks."""
    out: list[cst.CSTNode] = []
    suites: list[cst.CSTNode | None] = []
    if isinstance(statement, cst.If):
        suites.append(statement.body)
        orelse = statement.orelse
        while orelse is not None:
            suites.append(orelse.body)
            orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    elif isinstance(statement, cst.Try):
        suites.append(statement.body)
        suites.extend(h.body for h in statement.handlers)
        suites.append(statement.orelse.body if statement.orelse else None)
        suites.append(statement.finalbody.body if statement.finalbody else None)
    elif isinstance(statement, (cst.With, cst.For, cst.While)):
        suites.append(statement.body)
    for suite in suites:
        if isinstance(suite, cst.IndentedBlock):
            out.extend(suite.body)
    return out


class TrackerVisitor:
    """Traversal handlers that keep a `NameTracker` current.

    It runs first on every `visit_*` and last on every `leave_*`, so rules
    always see the scope of the node they are looking at.
    """

    def __init__(self, tracker: NameTracker) -> None:
        self.t = tracker

    def visit_Module(self, node: cst.Module) -> None:
        self.t.enter_module(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.t.enter_class(node)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.t.leave_scope()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.t.enter_function(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.t.leave_scope()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.t.enter_lambda(node)

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.t.leave_scope()

    def _comp(self, node: cst.CSTNode) -> None:
        self.t.enter_comprehension()

    def _comp_leave(self, node: cst.CSTNode) -> None:
        self.t.leave_scope()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comp
    leave_ListComp = leave_SetComp = leave_DictComp = leave_GeneratorExp = _comp_leave

    def visit_CompFor(self, node: cst.CompFor) -> None:
        for name in _target_names(node.target):
            self.t.bind(name, _UNKNOWN)

    def visit_Import(self, node: cst.Import) -> None:
        self.t.bind_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.t.bind_import(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.t.bind_assign([t.target for t in node.targets], node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.t.scope.kind != "class":
            self.t.bind_ann_assign(node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.t.bind_assign([node.target], node.value)

    def visit_For(self, node: cst.For) -> None:
        for name in _target_names(node.target):
            self.t.bind(name, _UNKNOWN)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            target = node.asname.name
            if isinstance(target, cst.Name):
                self.t.bind(target.value, self.t.origin_of(node.item))
            else:
                for name in _target_names(target):
                    self.t.bind(name, _UNKNOWN)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.t.bind(node.name.name.value, _UNKNOWN)
