"""ARC003 module-too-long: a module longer than `max-lines` lines."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shared.options import positive

from guardrails.cst.rule import CstRule
from guardrails.lines import split_lines
from guardrails.model import Example, Option, RuleMeta


class ModuleTooLong(CstRule):
    META = RuleMeta(
        id="ARC003",
        name="module-too-long",
        category="architecture",
        severity="warning",
        summary="A module is longer than `max-lines` lines (default 800).",
        why="Very long modules mix responsibilities, are hard to review and to navigate, and "
        "attract merge conflicts; agents in particular lose track of them.",
        instead="Split the module into a package of smaller modules.",
        remediation="Split the module by responsibility into a package of smaller modules, "
        "re-exporting the public names from `__init__.py` if callers depend on them.",
        bad=(
            Example("X = 1  # bad\n" + "Y = 2\n" * 5, options={"max-lines": 5}),
            Example('"""Doc."""  # bad\n' + "# comment\n" * 5, options={"max-lines": 5}),
        ),
        good=(
            Example(
                "from app.orders.billing import charge\nfrom app.orders.storage import save\n\n"
                '__all__ = ["charge", "save"]\n',
                path="app/orders/__init__.py",
                options={"max-lines": 5},
            ),
            Example("X = 1\n"),
            Example("def f() -> int:\n    return 1\n"),
        ),
        options=(
            Option("max-lines", int, 800, "longest allowed module, in lines", check=positive),
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        lines = len(split_lines(self.context.source))
        limit = self.options["max-lines"]
        if lines > limit:
            self.report(node, f"module has {lines} lines, more than the limit of {limit}")
