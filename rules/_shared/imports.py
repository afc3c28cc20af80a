"""What an import statement loads, for the import rules (ARC001, ARC002)."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of
from guardrails.cst.rule import CstRule


def imported_modules(
    rule: CstRule, node: cst.Import | cst.ImportFrom
) -> list[tuple[str, cst.CSTNode]]:
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
