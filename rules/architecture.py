"""Architecture rules on the LibCST backend (ARC ids), configured per repository."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import libcst as cst

from guardrails.cst.helpers import code_of, literal_value
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.lines import split_lines
from guardrails.model import Example, Option, RuleMeta
from guardrails.typed import declares_typed


def _imports(rule: CstRule, node: cst.Import | cst.ImportFrom) -> list[tuple[str, cst.CSTNode]]:
    """(absolute module, node to report) for each module an import statement loads.

    `from app import service` may import the submodule `app.service`; both the
    package and the candidate submodule are returned for matching.
    """
    if isinstance(node, cst.Import):
        out = []
        for alias in node.names:
            name = code_of(alias.name)
            out.append((name, alias))
        return out
    base = rule.context.names.import_from_base(node)
    if not base or base.startswith("."):
        return []
    if isinstance(node.names, cst.ImportStar):
        return [(base, node)]
    return [(f"{base}.{code_of(alias.name)}", alias) for alias in node.names] + [(base, node)]


def _unique_layers(value: Any) -> str | None:
    seen: set[str] = set()
    for layer in value:
        if layer in seen:
            return f"layer {layer!r} is listed twice"
        seen.add(layer)
    return None


def _layer_of(module: str, layers: list[str]) -> int | None:
    """Index of the most specific layer containing `module`, if any."""
    best: tuple[int, int] | None = None
    for index, layer in enumerate(layers):
        contains = module == layer or module.startswith(layer + ".")
        if contains and (best is None or len(layer) > best[1]):
            best = (index, len(layer))
    return best[0] if best else None


EXAMPLE_LAYERS = {
    "layers": ["app.types", "app.config", "app.repo", "app.service", "app.runtime", "app.ui"]
}
EXAMPLE_BANS = {"forbidden": {"app.domain.*": ["requests", "httpx"]}}


class LayerViolation(CstRule):
    META = RuleMeta(
        id="ARC001",
        name="layer-violation",
        category="architecture",
        severity="error",
        summary="A module imports from a higher layer than its own, per the configured ordered "
        "`layers`.",
        why="Layers only stay replaceable and testable while dependencies point one way; an "
        "upward import ties low-level code to the application around it and soon becomes a "
        "cycle.",
        remediation="Depend downward only: move the shared piece into the lower layer, or have "
        "the higher layer pass it in (a parameter, a protocol, a callback).",
        bad=(
            Example(
                "from app.service.billing import charge  # bad\n\n\n"
                "def save(order) -> None:\n    charge(order)\n",
                path="app/repo/orders.py",
                options=EXAMPLE_LAYERS,
            ),
            Example(
                "from .. import runtime  # bad\n\nSETTING = runtime.DEFAULTS\n",
                path="app/config/defaults.py",
                options=EXAMPLE_LAYERS,
            ),
        ),
        good=(
            Example(
                "from app.repo.orders import save\nfrom app.types import Order\n\n\n"
                "def place(order: Order) -> None:\n    save(order)\n",
                path="app/service/orders.py",
                options=EXAMPLE_LAYERS,
            ),
            Example(
                "import json\n\nfrom app.types import Order\n\n\n"
                "def load(raw: str) -> Order:\n    return Order(**json.loads(raw))\n",
                path="app/repo/orders.py",
                options=EXAMPLE_LAYERS,
            ),
        ),
        references=("https://import-linter.readthedocs.io/en/stable/contract_types.html#layers",),
        options=(
            Option(
                "layers",
                list,
                [],
                "module prefixes ordered lowest first; a module may import its own layer or "
                "lower ones",
                item_kind=str,
                weaker="layers",  # dropping or reordering a layer allows more imports
                check=_unique_layers,
            ),
        ),
    )
    TRIGGERS = ("import",)

    def _check(self, node: cst.Import | cst.ImportFrom) -> None:
        layers = self.options["layers"]
        own = _layer_of(self.context.module_name, layers)
        if own is None:
            return
        for module, where in _imports(self, node):
            target = _layer_of(module, layers)
            if target is not None and target > own:
                self.report(
                    where,
                    f"`{self.context.module_name}` (layer {layers[own]}) imports `{module}` from "
                    f"the higher layer {layers[target]}",
                )
                return

    def visit_Import(self, node: cst.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check(node)


def _banned_map(value: Any) -> str | None:
    for glob, banned in value.items():
        if not isinstance(banned, list) or not all(isinstance(b, str) for b in banned):
            return f"{glob!r} must map to a list of module prefixes"
    return None


class ForbiddenImport(CstRule):
    META = RuleMeta(
        id="ARC002",
        foreign_codes=("TID251",),
        name="forbidden-import",
        category="architecture",
        severity="error",
        summary="A module imports something the configuration bans for it (e.g. no HTTP "
        "clients in the domain layer).",
        why='Bans encode decisions such as "the domain stays pure" or "all HTTP goes through '
        'the gateway"; one direct import quietly bypasses the adapter that handles auth, '
        "retries and auditing.",
        remediation="Use the allowed adapter the rule names in its configuration (e.g. "
        "`from app.gateway import http`) or move this code to a layer allowed to use it.",
        bad=(
            Example(
                "import requests  # bad\n\n\ndef price(sku: str) -> int:\n    return 1\n",
                path="app/domain/pricing.py",
                options=EXAMPLE_BANS,
            ),
            Example(
                "from httpx import Client  # bad\n\nCLIENT = Client()\n",
                path="app/domain/models.py",
                options=EXAMPLE_BANS,
            ),
        ),
        good=(
            Example(
                "from app.gateway import http\n\n\ndef price(sku: str) -> int:\n"
                '    return http.get_json(f"/prices/{sku}")["cents"]\n',
                path="app/domain/pricing.py",
                options=EXAMPLE_BANS,
            ),
            Example(
                "import requests\n\nSESSION = requests.Session()\n",
                path="app/gateway/http.py",
                options=EXAMPLE_BANS,
            ),
        ),
        options=(
            Option(
                "forbidden",
                dict,
                {},
                "module glob -> import prefixes banned there",
                item_kind=list,
                check=_banned_map,
            ),
        ),
    )
    TRIGGERS = ("import",)

    def _check(self, node: cst.Import | cst.ImportFrom) -> None:
        module = self.context.module_name
        banned = [
            prefix
            for glob, prefixes in self.options["forbidden"].items()
            if fnmatchcase(module, glob) or module == glob.removesuffix(".*")
            for prefix in prefixes
        ]
        if not banned:
            return
        for imported, where in _imports(self, node):
            hit = next((b for b in banned if imported == b or imported.startswith(b + ".")), None)
            if hit is not None:
                self.report(
                    where,
                    f"`{imported}` may not be imported in `{module}` (`{hit}` is forbidden there)",
                )
                return

    def visit_Import(self, node: cst.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check(node)


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be a positive number"


class ModuleTooLong(CstRule):
    META = RuleMeta(
        id="ARC003",
        name="module-too-long",
        category="architecture",
        severity="warning",
        summary="A module is longer than `max-lines` lines (default 800).",
        why="Very long modules mix responsibilities, are hard to review and to navigate, and "
        "attract merge conflicts; agents in particular lose track of them.",
        remediation="Split the module by responsibility into a package of smaller modules, "
        "re-exporting the public names from `__init__.py` if callers depend on them.",
        bad=(
            Example("X = 1  # bad\n" + "Y = 2\n" * 5, options={"max-lines": 5}),
            Example('"""Doc."""  # bad\n' + "# comment\n" * 5, options={"max-lines": 5}),
        ),
        good=(Example("X = 1\n"), Example("def f() -> int:\n    return 1\n")),
        options=(
            Option("max-lines", int, 800, "longest allowed module, in lines", check=_positive),
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        lines = len(split_lines(self.context.source))
        limit = self.options["max-lines"]
        if lines > limit:
            self.report(node, f"module has {lines} lines, more than the limit of {limit}")


@dataclass
class _Measure:
    """Statements and cyclomatic complexity of one function, nested functions excluded.

    McCabe's decision points as Ruff's C901 counts them, so numbers match what
    teams know: if/elif, loops, except handlers and match cases (not boolean
    operators or comprehensions).
    """

    statements: int = 0
    complexity: int = 1


class FunctionTooComplex(CstRule):
    META = RuleMeta(
        id="ARC004",
        foreign_codes=("C901", "PLR0912", "PLR0915"),
        name="function-too-complex",
        category="architecture",
        severity="warning",
        summary="A function has more than `max-statements` statements (60) or a cyclomatic "
        "complexity above `max-complexity` (15).",
        why="Every branch is a path to test and to reason about; past a point nobody holds the "
        "function in their head, and changes to it break paths nobody tested.",
        remediation="Extract the branches into well-named helper functions, replace flag "
        "chains with a dispatch table, and return early instead of nesting.",
        bad=(
            Example(
                "def route(kind: str, x: int) -> int:  # bad\n"
                + "".join(f'    if kind == "k{i}":\n        return x + {i}\n' for i in range(4))
                + "    return x\n",
                options={"max-complexity": 4},
            ),
            Example(
                "def tally(rows: list) -> int:  # bad\n    total = 0\n    total += 1\n"
                "    total += 2\n    total += 3\n    return total\n",
                options={"max-statements": 4},
            ),
        ),
        good=(
            Example(
                'HANDLERS = {"k0": 0, "k1": 1, "k2": 2, "k3": 3}\n\n\n'
                "def route(kind: str, x: int) -> int:\n    return x + HANDLERS.get(kind, 0)\n"
            ),
            Example("def tally(rows: list) -> int:\n    return sum(rows)\n"),
        ),
        options=(
            Option("max-statements", int, 60, "most statements in one function", check=_positive),
            Option("max-complexity", int, 15, "highest cyclomatic complexity", check=_positive),
        ),
    )

    # Counted during the engine's single traversal: a frame per function (None
    # for a class body, whose statements belong to no function), so nothing
    # walks a function's subtree a second time.
    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._frames: list[_Measure | None] = []

    def _count(self, statements: int = 1, branches: int = 0) -> None:
        if self._frames and self._frames[-1] is not None:
            self._frames[-1].statements += statements
            self._frames[-1].complexity += branches

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._count()
        self._frames.append(_Measure())

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._count()
        self._frames.append(None)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._frames.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._count(len(node.body))

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._count(len(node.body))

    def visit_If(self, node: cst.If) -> None:
        self._count(branches=1)  # `elif` is a nested If: a statement and a branch

    def visit_For(self, node: cst.For) -> None:
        self._count(branches=1)

    def visit_While(self, node: cst.While) -> None:
        self._count(branches=1)

    def visit_Try(self, node: cst.Try) -> None:
        self._count()

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._count()

    def visit_With(self, node: cst.With) -> None:
        self._count()

    def visit_Match(self, node: cst.Match) -> None:
        self._count()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._count(0, 1)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._count(0, 1)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        self._count(0, 1)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        measure = self._frames.pop()
        if measure is None:  # unreachable: a function always pushed a frame
            return
        too_many = measure.statements > self.options["max-statements"]
        too_complex = measure.complexity > self.options["max-complexity"]
        if too_many or too_complex:
            parts = []
            if too_complex:
                parts.append(f"complexity {measure.complexity} > {self.options['max-complexity']}")
            if too_many:
                parts.append(f"{measure.statements} statements > {self.options['max-statements']}")
            self.report(node.name, f"`{node.name.value}` is too complex: {', '.join(parts)}")


_VISIBILITY = ("no-underscore", "all", "dunder-all")


def _one_of_visibility(value: Any) -> str | None:
    return None if value in _VISIBILITY else f"must be one of {', '.join(_VISIBILITY)}"


class UntypedPublicApi(CstRule):
    META = RuleMeta(
        id="ARC006",
        foreign_codes=("ANN001", "ANN002", "ANN003", "ANN201", "ANN204", "ANN205", "ANN206"),
        name="untyped-public-api",
        category="architecture",
        severity="warning",
        summary="A public function or method lacks parameter or return annotations.",
        why="Annotations are the contract callers (and agents) code against; without them "
        "type checkers cannot catch misuse across modules and readers must read the body to "
        "know what goes in and comes out. By default only code that has declared itself typed "
        "is checked — a package shipping a PEP 561 `py.typed` marker, a project whose mypy "
        "config sets `strict` or `disallow_untyped_defs` (or pyright `typeCheckingMode = "
        '"strict"`), or a file with a `# mypy: disallow-untyped-defs` or `# pyright: strict` '
        "comment: there a missing annotation breaks a promise, while in untyped code it would "
        "flag every function and bury every other finding. Set `typed-only = false` to check "
        "all code.",
        remediation="Annotate every parameter and the return type: "
        "`def fetch(url: str, timeout: float = 10) -> bytes:`.",
        bad=(
            Example(
                "# mypy: disallow-untyped-defs\n\n\n"
                'def fetch(url, timeout: float = 10) -> bytes:  # bad\n    return b""\n'
            ),
            Example(
                "class Repo:\n    def get(self, key: str):  # bad\n        return None\n",
                options={"typed-only": False},
            ),
        ),
        good=(
            Example(
                "# mypy: disallow-untyped-defs\n\n\n"
                'def fetch(url: str, timeout: float = 10) -> bytes:\n    return b""\n'
            ),
            Example(
                "def parse(raw, strict=False):\n    return raw.split()\n",
                path="legacy/parser.py",
            ),
            Example(
                "class Repo:\n    def __init__(self, path):\n        self.path = path\n\n"
                "    def get(self, key: str, *args: str, **kwargs: int) -> None:\n"
                "        return None\n\n    def _cache(self, key):\n        return key\n\n\n"
                "def _helper(x):\n    return x\n",
                options={"typed-only": False},
            ),
        ),
        skip_tests=True,
        options=(
            Option(
                "visibility",
                str,
                "no-underscore",
                "what counts as public: `no-underscore` (names without a leading _), `all`, or "
                "`dunder-all` (names in the module's __all__ when it has one)",
                check=_one_of_visibility,
            ),
            Option(
                "typed-only",
                bool,
                True,
                "check only code declared typed (`py.typed` in its package, strict mypy/pyright "
                "settings, or an inline `# mypy:`/`# pyright: strict` comment); false checks all "
                "code",
                weaker="higher",  # true checks less code than false
            ),
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._stack: list[str] = []  # "class:<name>" or "function"
        self._exported: set[str] | None = None
        self._checked = not context.options["typed-only"] or declares_typed(
            context.path, context.source, context.root
        )

    def visit_Module(self, node: cst.Module) -> None:
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if (
                        isinstance(small, cst.Assign)
                        and any(
                            isinstance(t.target, cst.Name) and t.target.value == "__all__"
                            for t in small.targets
                        )
                        and isinstance(small.value, (cst.List, cst.Tuple))
                    ):
                        self._exported = {
                            literal_value(e.value)
                            for e in small.value.elements
                            if isinstance(e.value, cst.SimpleString)
                        }

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._stack.append(f"class:{node.name.value}")

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._stack.pop()

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._stack.pop()

    def _public(self, name: str, top_level: bool) -> bool:
        mode = self.options["visibility"]
        if mode == "all":
            return True
        if name.startswith("_"):
            return False
        if any(
            part.startswith("_") and part != "__init__"
            for part in self.context.module_name.split(".")
        ):
            return False
        if mode == "dunder-all" and self._exported is not None and top_level:
            return name in self._exported
        return True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        enclosing = list(self._stack)
        self._stack.append("function")
        if not self._checked or "function" in enclosing:
            return  # nested helpers are not API
        owners = [frame.removeprefix("class:") for frame in enclosing]
        # only a module-level name can be listed in __all__: the function itself, or the
        # outermost class it belongs to (the stack already holds this function's frame)
        if not self._public(node.name.value, not owners) or not all(
            self._public(owner, index == 0) for index, owner in enumerate(owners)
        ):
            return
        params = node.params
        ordered = [*params.posonly_params, *params.params]
        is_method = bool(enclosing) and not any(
            code_of(d.decorator) in ("staticmethod",) for d in node.decorators
        )
        if is_method and ordered:
            ordered = ordered[1:]  # self / cls
        every = [*ordered, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        missing = [f"`{p.name.value}`" for p in every if p.annotation is None]
        if node.returns is None:
            missing.append("the return type")
        if missing:
            listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            self.report(
                node.name, f"public `{node.name.value}` is missing annotations for {listed}"
            )


class WildcardImport(CstRule):
    META = RuleMeta(
        id="ARC007",
        foreign_codes=("F403",),
        name="wildcard-import",
        category="architecture",
        severity="warning",
        summary="`from module import *` pulls an unknown set of names into the module.",
        why="Readers and tools cannot tell where a name comes from, later imports silently "
        "shadow earlier ones, and the module's dependencies change whenever the other module "
        "gains a name. A package's `__init__.py` re-exporting its own submodules "
        "(`from ._models import *`, each with an `__all__`) is the one deliberate use — it "
        "uses none of the names itself — and is not reported.",
        remediation="Import the names you use explicitly: `from app.models import Order, "
        "Customer`, or import the module: `from app import models`.",
        bad=(
            Example('from os.path import *  # bad\n\nROOT = join("a", "b")\n'),
            Example(
                "from .models import *  # bad\n\n\ndef total(order: Order) -> int:\n"
                "    return order.total\n",
                path="app/views.py",
            ),
        ),
        good=(
            Example('from os.path import join\n\nROOT = join("a", "b")\n'),
            Example(
                "from ._client import *\nfrom ._models import *\n\n"
                '__all__ = ["Client", "Request", "Response"]\n',
                path="app/__init__.py",
            ),
        ),
        references=("https://peps.python.org/pep-0008/#imports",),
    )
    TRIGGERS = ("*",)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar) and not self._reexport(node):
            module = "." * len(node.relative) + (code_of(node.module) if node.module else "")
            self.report(node, f"`from {module} import *` hides which names this module uses")

    def _reexport(self, node: cst.ImportFrom) -> bool:
        """A package `__init__` gathering its own submodule's public names."""
        names = self.context.names
        package = names.package
        if not package or package != self.context.module_name:
            return False  # not a package's `__init__`
        return names.import_from_base(node).startswith(package + ".")


def _valid_regex(value: Any) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    return None


_TODO = re.compile(r"\b(TODO|FIXME|XXX)\b")


class TodoWithoutTicket(CstRule):
    META = RuleMeta(
        id="ARC008",
        foreign_codes=("TD003", "FIX001", "FIX002", "FIX003"),
        name="todo-without-ticket",
        category="architecture",
        severity="info",
        summary="A `TODO`/`FIXME`/`XXX` comment has no issue reference.",
        why="A TODO without a ticket is a promise nobody tracks: it is never prioritised, its "
        "context is lost, and it outlives everyone who knew what it meant.",
        remediation="Link the work: `# TODO(PROJ-123): retry on 503` (the accepted forms are the "
        "rule's `pattern`), or do it now, or delete the comment.",
        bad=(
            Example("def retry() -> None:\n    pass  # TODO: add backoff  # bad\n"),
            Example('# FIXME handle unicode  # bad\nNAME = "x"\n'),
        ),
        good=(
            Example("def retry() -> None:\n    pass  # TODO(PAY-412): add backoff\n"),
            Example(
                '# FIXME #231 handle unicode\nNAME = "todo list"  # the word todo is fine here\n'
            ),
        ),
        options=(
            Option(
                "pattern",
                str,
                r"[A-Z][A-Z0-9]+-\d+|#\d+|https?://\S+",
                "regular expression an issue reference must match",
                check=_valid_regex,
            ),
        ),
    )
    TRIGGERS = ("TODO", "FIXME", "XXX")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._reference = re.compile(context.options["pattern"])

    def visit_Comment(self, node: cst.Comment) -> None:
        text = node.value
        match = _TODO.search(text)
        if match and not self._reference.search(text):
            self.report(node, f"`{match.group(1)}` without an issue reference")
