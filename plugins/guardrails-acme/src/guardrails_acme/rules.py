"""ACME's LibCST rule and the metadata of its Ruff-backed rule."""

from __future__ import annotations

from fnmatch import fnmatchcase

import libcst as cst

from guardrails import CstRule, Example, Option, RuleMeta

_ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket"}
)


class TracedHandlers(CstRule):
    META = RuleMeta(
        id="ACME001",
        name="untraced-http-handler",
        category="observability",
        severity="error",
        summary="An HTTP handler in an ACME API module is not decorated with ACME's tracing "
        "decorator.",
        why="ACME's on-call dashboards and SLO alerts are built from the spans the tracing "
        "decorator emits; an untraced handler is invisible to them, so its errors and latency "
        "page nobody.",
        instead="Decorate route handlers with `@traced`, below the route decorator.",
        remediation="Decorate the handler with `@traced` from `acme.observability` directly "
        'below the route decorator: `@router.get("/orders")` then `@traced` then `def ...`.',
        bad=(
            Example(
                "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
                '@router.get("/orders")\n'
                "def list_orders() -> list[dict]:  # bad\n    return []\n",
                path="acme/api/orders.py",
            ),
            Example(
                "from flask import Blueprint\n\nfrom acme import observability\n\n"
                'bp = Blueprint("users", __name__)\n\n\n@bp.route("/users/<uid>")\n'
                "@observability.log_calls\nasync def user(uid: str) -> dict:  # bad\n"
                '    return {"id": uid}\n',
                path="acme/api/users.py",
            ),
        ),
        good=(
            Example(
                "from fastapi import APIRouter\n\nfrom acme.observability import traced\n\n"
                'router = APIRouter()\n\n\n@router.get("/orders")\n@traced\n'
                "def list_orders() -> list[dict]:\n    return []\n",
                path="acme/api/orders.py",
            ),
            Example(
                "from flask import Blueprint\n\nimport acme.observability as obs\n\n"
                'bp = Blueprint("users", __name__)\n\n\n@bp.route("/users/<uid>")\n'
                '@obs.traced(name="user")\nasync def user(uid: str) -> dict:\n'
                '    return {"id": uid}\n',
                path="acme/api/users.py",
            ),
            Example(
                "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
                '@router.get("/health")\ndef health() -> str:\n    return "ok"\n',
                path="acme/tools/health.py",
            ),
        ),
        references=("https://wiki.acme.example/observability/tracing",),
        options=(
            Option(
                "decorator",
                str,
                "acme.observability.traced",
                "qualified name of the tracing decorator handlers must carry",
            ),
            Option(
                "modules",
                list,
                ["acme.api.*"],
                "module globs whose HTTP handlers must be traced",
                item_kind=str,
            ),
        ),
    )
    TRIGGERS = ("@",)

    def _in_scope(self) -> bool:
        module = self.context.module_name
        return any(
            fnmatchcase(module, pattern) or module == pattern.removesuffix(".*")
            for pattern in self.options["modules"]
        )

    def _decorator_name(self, decorator: cst.Decorator) -> str | None:
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        return self.context.qualified_name(target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not node.decorators or not self._in_scope():
            return
        is_handler = any(
            isinstance(d.decorator, cst.Call)
            and isinstance(d.decorator.func, cst.Attribute)
            and d.decorator.func.attr.value in _ROUTE_METHODS
            for d in node.decorators
        )
        if not is_handler:
            return
        wanted = self.options["decorator"]
        if any(self._decorator_name(d) == wanted for d in node.decorators):
            return
        short = wanted.rsplit(".", 1)[-1]
        self.report(
            node.name,
            f"HTTP handler `{node.name.value}` is not decorated with `@{short}` "
            f"(`{wanted}`), so it emits no trace spans",
        )


NO_DEBUGGER = RuleMeta(
    id="ACME003",
    name="debugger-left-in-code",
    category="reliability",
    severity="error",
    summary="A debugger breakpoint (`breakpoint()`, `pdb.set_trace()`, ...) is left in code.",
    why="A breakpoint reached in a service blocks the worker forever waiting for a terminal "
    "that does not exist.",
    instead="Delete the breakpoint; log what you wanted to inspect.",
    remediation="Delete the breakpoint; log the state you wanted to inspect with the module "
    "logger instead.",
    bad=(
        Example(
            "def total(items: list[int]) -> int:\n    breakpoint()  # bad\n    return sum(items)\n"
        ),
        Example(
            "import pdb  # bad\n\n\ndef total(items: list[int]) -> int:\n"
            "    pdb.set_trace()  # bad\n    return sum(items)\n"
        ),
    ),
    good=(
        Example(
            "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
            "def total(items: list[int]) -> int:\n"
            '    log.debug("items: %s", items)\n    return sum(items)\n'
        ),
        Example("def total(items: list[int]) -> int:\n    return sum(items)\n"),
    ),
    references=("https://docs.astral.sh/ruff/rules/debugger/",),
)
