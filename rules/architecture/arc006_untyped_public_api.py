"""ARC006 untyped-public-api: a public function without annotations, in code declared typed."""

from __future__ import annotations

from typing import Any

import libcst as cst

from guardrails.cst.helpers import code_of, literal_value
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, Option, RuleMeta
from guardrails.typed import declares_typed

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
        instead="Annotate every parameter and the return type.",
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
