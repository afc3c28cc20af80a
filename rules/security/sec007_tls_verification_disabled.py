"""SEC007 tls-verification-disabled: TLS certificate or hostname verification switched off."""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

from guardrails.cst.helpers import code_of, is_false, keyword, string_value
from guardrails.cst.names import terminal_name
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, RuleMeta

_HTTP_CLIENT_PREFIXES = ("requests.", "httpx.", "aiohttp.", "urllib3.", "boto3.")


class TlsVerificationDisabled(CstRule):
    META = RuleMeta(
        id="SEC007",
        foreign_codes=("S323", "S501", "B323", "B501"),
        name="tls-verification-disabled",
        category="security",
        severity="error",
        summary="TLS certificate or hostname verification is switched off (`verify=False`, "
        "`CERT_NONE`, `check_hostname = False`, an unverified context).",
        why="Without verification anyone on the network path can impersonate the server and "
        "read or change the traffic, credentials included (CWE-295).",
        instead="Keep TLS verification on; pass a CA bundle for a private CA.",
        remediation="Keep the default verification; for a private CA pass its bundle: "
        '`requests.get(url, verify="/etc/ssl/internal-ca.pem", timeout=10)` or '
        "`ssl.create_default_context(cafile=...)`.",
        bad=(
            Example(
                "import requests\n\n\ndef fetch(url: str) -> bytes:\n"
                "    return requests.get(url, verify=False, timeout=10).content  # bad\n"
            ),
            Example(
                "import ssl\n\ncontext = ssl.create_default_context()\n"
                "context.check_hostname = False  # bad\n"
                "context.verify_mode = ssl.CERT_NONE  # bad\n"
            ),
            Example("import ssl\n\nCONTEXT = ssl._create_unverified_context()  # bad\n"),
        ),
        good=(
            Example(
                "import requests\n\n\ndef fetch(url: str) -> bytes:\n"
                '    ca = "/etc/ssl/internal-ca.pem"\n'
                "    return requests.get(url, verify=ca, timeout=10).content\n"
            ),
            Example(
                'import ssl\n\ncontext = ssl.create_default_context(cafile="/etc/ssl/ca.pem")\n'
                "context.check_hostname = True\ncontext.verify_mode = ssl.CERT_REQUIRED\n"
            ),
        ),
        references=(
            "CWE-295",
            "https://docs.python.org/3/library/ssl.html#security-considerations",
        ),
    )
    TRIGGERS = ("verify", "CERT_NONE", "check_hostname", "_create_unverified_context", "ssl")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # Inside `if not verify:` / `CERT_REQUIRED if verify else CERT_NONE` the code honours
        # the caller's choice; inside `x == CERT_NONE` it only reads a setting.
        self._exempt = 0
        self._server_side = 0  # inside `wrap_socket(..., server_side=True)`: client certs

    def visit_If(self, node: cst.If) -> None:
        self._exempt += _tests_verify_option(node.test)

    def leave_If(self, original_node: cst.If) -> None:
        self._exempt -= _tests_verify_option(original_node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._exempt += _is_verify_choice(node)

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        self._exempt -= _is_verify_choice(original_node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._exempt += 1

    def leave_Comparison(self, original_node: cst.Comparison) -> None:
        self._exempt -= 1

    def report(self, node: cst.CSTNode, message: str, **kwargs: Any) -> None:
        if not self._exempt:
            super().report(node, message, **kwargs)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._server_side -= _serves(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        self._server_side += _serves(node)
        name = self.context.qualified_name(node.func) or ""
        if name in ("ssl._create_unverified_context", "ssl._create_stdlib_context"):
            self.report(node, f"`{code_of(node.func)}()` creates a context that verifies nothing")
            return
        base = name.split("()")[0] + "."
        if not base.startswith(_HTTP_CLIENT_PREFIXES):
            return
        for flag in ("verify", "verify_ssl", "ssl"):
            arg = keyword(node, flag)
            if arg is not None and is_false(arg.value) and not is_none_literal(arg.value):
                self.report(
                    arg,
                    f"`{flag}=False` turns off TLS certificate verification for "
                    f"`{code_of(node.func)}()`",
                )

    # `ssl.CERT_NONE` is reported where it is applied — set as a verify mode, passed to a
    # call, or stored under a cert_reqs/verify key — not where a config table or an option's
    # default merely names it (`{"none": CERT_NONE, "required": CERT_REQUIRED}`).

    def _cert_none(self, node: cst.BaseExpression | None) -> bool:
        # `ssl.CERT_NONE` or `from ssl import CERT_NONE`; not a variable it was copied to
        return (
            isinstance(node, (cst.Attribute, cst.Name))
            and terminal_name(node) == "CERT_NONE"
            and self.context.qualified_name(node) == "ssl.CERT_NONE"
        )

    def _report_cert_none(self, node: cst.BaseExpression) -> None:
        self.report(node, "`ssl.CERT_NONE` accepts any certificate, including forged ones")

    def visit_Arg(self, node: cst.Arg) -> None:
        if self._cert_none(node.value) and not self._server_side:
            self._report_cert_none(node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = string_value(node.key) or ""
        if self._cert_none(node.value) and _VERIFY_KEY.search(key):
            self._report_cert_none(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._cert_none(node.value) and _VERIFY_KEY.search(code_of(node.target)):
            self._report_cert_none(node.value)  # type: ignore[arg-type]

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._cert_none(node.value) and any(
            _VERIFY_KEY.search(code_of(t.target)) for t in node.targets
        ):
            self._report_cert_none(node.value)
        for target in node.targets:
            attr = target.target
            if not isinstance(attr, cst.Attribute) or not is_false(node.value):
                continue
            if attr.attr.value == "check_hostname" or (
                attr.attr.value == "verify"
                and (self.context.qualified_name(attr.value) or "").startswith(
                    ("requests.", "httpx.")
                )
            ):
                self.report(node.value, f"`{code_of(attr)} = False` turns off TLS verification")


_VERIFY_KEY = re.compile(r"verify_mode|cert_reqs|verify", re.IGNORECASE)
"""Where a certificate mode is applied: `ctx.verify_mode`, `cert_reqs=`, `ssl_cert_reqs`."""


def _serves(node: cst.Call) -> bool:
    """`wrap_socket(..., server_side=True)`: CERT_NONE there means no client certificate."""
    arg = keyword(node, "server_side")
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"


def _tests_verify_option(test: cst.BaseExpression) -> bool:
    """`if not verify:`, `elif self.verify_ssl is False:`, `if args.insecure:`."""
    text = code_of(test).lower()
    return "verify" in text or "insecure" in text


def _is_verify_choice(node: cst.IfExp) -> bool:
    """`CERT_REQUIRED if verify else CERT_NONE`: both settings offered, the option decides."""
    branches = code_of(node.body) + code_of(node.orelse)
    return _tests_verify_option(node.test) or "CERT_REQUIRED" in branches


def is_none_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
