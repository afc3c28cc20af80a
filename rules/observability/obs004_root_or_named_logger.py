"""OBS004 root-or-named-logger: logging to the root logger or to a logger named by a literal."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shared.loggers import LOG_METHODS

from guardrails.cst.helpers import argument, code_of, string_value
from guardrails.cst.rule import CstRule, NodeEdit, NodeFix, replace
from guardrails.model import Example, RuleMeta

_ROOT_LOG_FUNCS = frozenset(f"logging.{m}" for m in LOG_METHODS)


class RootOrNamedLogger(CstRule):
    META = RuleMeta(
        id="OBS004",
        foreign_codes=("LOG015",),
        name="root-or-named-logger",
        category="observability",
        severity="warning",
        summary="Logging goes to the root logger (`logging.info(...)`) or a logger named by a "
        "literal instead of `logging.getLogger(__name__)`.",
        why="The module's logger name is what lets operators filter, route and set levels per "
        "package; root-logger calls and hand-typed names cannot be told apart or configured "
        "per module, and drift when code moves. Naming the module's own package "
        '(`getLogger("httpx")` inside `httpx._client`) keeps the hierarchy and is not '
        "reported.",
        instead="Log through a module logger, `logging.getLogger(__name__)`.",
        remediation="Create one logger per module, `logger = logging.getLogger(__name__)`, and "
        "call `logger.info(...)`.",
        bad=(
            Example(
                'import logging\n\n\ndef dump() -> None:\n    logging.info("stats dumped")  # bad\n'
            ),
            Example('import logging\n\nlogger = logging.getLogger("billing")  # bad\n'),
            Example("from logging import getLogger\n\nlog = getLogger()  # bad\n"),
        ),
        good=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                'def dump() -> None:\n    logger.info("stats dumped")\n'
            ),
            Example(
                "import logging\n\n\ndef configure() -> None:\n"
                "    logging.basicConfig(level=logging.INFO)\n"
                '    logging.getLogger("urllib3").setLevel(logging.WARNING)\n'
                "    logging.getLogger().addHandler(logging.NullHandler())\n"
            ),
            Example(
                'import logging\n\nlogger = logging.getLogger("billing")\n',
                path="billing/invoices.py",
            ),
        ),
        references=("https://docs.python.org/3/howto/logging.html#advanced-logging-tutorial",),
        skip_tests=True,
        fix="unsafe",
    )
    TRIGGERS = ("logging", "getLogger")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name in _ROOT_LOG_FUNCS:
            self.report(
                node,
                f"`{code_of(node.func)}()` logs to the root logger; use "
                "`logger = logging.getLogger(__name__)`",
            )

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.context.names.scope.kind in ("module", "class"):  # the module's logger
            self._check_logger(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and self.context.names.scope.kind in ("module", "class"):
            self._check_logger(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `logging.getLogger("x").info(...)`: a literal-named logger used for logging.
        if node.attr.value in LOG_METHODS and isinstance(node.value, cst.Call):
            self._check_logger(node.value)

    def _check_logger(self, value: cst.BaseExpression) -> None:
        if not isinstance(value, cst.Call) or self.context.qualified_name(value.func) != (
            "logging.getLogger"
        ):
            return
        first = argument(value, "name", 0)
        if first is None:
            self.report(
                value,
                "`getLogger()` returns the root logger; use `getLogger(__name__)`",
                fix=NodeFix((insert_after_open(value),), "unsafe", "use __name__"),
            )
        elif string_value(first.value) is not None:
            name, module = string_value(first.value), self.context.module_name
            if name and (module == name or module.startswith(f"{name}.")):
                return  # its own package's logger: `getLogger("httpx")` in httpx._client
            self.report(
                value,
                f"logger named by the literal {code_of(first.value)}; use `getLogger(__name__)`",
                fix=NodeFix((replace(first.value, "__name__"),), "unsafe", "use __name__"),
            )


def insert_after_open(call: cst.Call) -> NodeEdit:
    """An edit giving an argument-less call the argument `__name__`."""
    return replace(call, code_of(call.with_changes(args=[cst.Arg(cst.Name("__name__"))])))
