"""ARC002 forbidden-import: a module importing something the configuration bans for it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

import libcst as cst
from guardrails.rules._shared.imports import imported_modules

from guardrails.cst.rule import CstRule
from guardrails.model import Example, Option, RuleMeta

EXAMPLE_BANS = {"forbidden": {"app.domain.*": ["requests", "httpx"]}}


def _banned_map(value: Any) -> str | None:
    for glob, banned in value.items():
        if not isinstance(banned, list) or not all(isinstance(b, str) for b in banned):
            return f"{glob!r} must map to a list of module prefixes"
    return None


def _banned(module: str, forbidden: Mapping[str, list[str]]) -> list[str]:
    """The prefixes `module` may not import: those of every glob it matches."""
    return [
        prefix
        for glob, prefixes in forbidden.items()
        if fnmatchcase(module, glob) or module == glob.removesuffix(".*")
        for prefix in prefixes
    ]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


class ForbiddenImport(CstRule):
    META = RuleMeta(
        id="ARC002",
        foreign_codes=("TID251",),
        name="forbidden-import",
        category="architecture",
        severity="error",
        summary="A module imports something the configuration bans for it (e.g. no HTTP "
        "clients in the domain layer), or a banned project module through others.",
        why='Bans encode decisions such as "the domain stays pure" or "all HTTP goes through '
        'the gateway"; one direct import quietly bypasses the adapter that handles auth, '
        "retries and auditing.",
        instead="Use the configured adapter (e.g. `app.gateway`), not the forbidden import.",
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
        banned = _banned(module, self.options["forbidden"])
        if not banned:
            return
        for imported, where in imported_modules(self, node):
            hit = next((b for b in banned if _under(imported, b)), None)
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

    @classmethod
    def wants_imports(cls, options: Mapping[str, Any]) -> bool:
        return any(options["forbidden"].values())

    @classmethod
    def check_imports(cls, graph: Any, options: Mapping[str, Any]) -> Iterator[tuple[Any, str]]:
        """A banned project module reached through others (import-linter's forbidden
        contract). A module the same ban covers stops the chain: it is its own finding.
        Third-party packages are not in the graph: going through the adapter a ban
        points to is the remedy, not a violation."""
        forbidden = options["forbidden"]
        bans = {m: _banned(m, forbidden) for m in graph.modules}
        for prefix in sorted({p for banned in bans.values() for p in banned}):
            chains = graph.shortest_chains(
                lambda m, p=prefix: _under(m, p),
                lambda m, p=prefix: p not in bans[m],
            )
            for module, chain in sorted(chains.items()):
                if prefix in bans[module] and len(chain) >= 3:
                    message = (
                        f"`{module}` depends on `{chain[-1]}` (`{prefix}` is forbidden there) "
                        f"through {' -> '.join(chain)}"
                    )
                    yield chain, message
