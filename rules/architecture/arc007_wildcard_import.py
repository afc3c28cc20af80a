"""ARC007 wildcard-import: `from module import *`, an unknown set of names."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta


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
        instead="Import the names you use explicitly.",
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
