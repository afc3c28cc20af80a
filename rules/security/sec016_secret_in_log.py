"""SEC016 secret-in-log: a secret-like value passed into a logging call."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shared.loggers import logging_call
from guardrails.rules._shared.secret_names import is_secret_name

from guardrails.cst.helpers import code_of
from guardrails.cst.names import terminal_name
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta


class SecretInLog(CstRule):
    META = RuleMeta(
        id="SEC016",
        name="secret-in-log",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects most logged values "
            "named like secrets were not credentials (sync tokens, lexer tokens, feature flags)."
        ),
        summary="A secret-like value (password, token, API key, ...) is passed into a logging "
        "call.",
        why="Logs are shipped, indexed and kept far longer and more widely than the secrets "
        "themselves; a secret logged once is readable by everyone with log access (CWE-532).",
        instead="Log an identifier or a redacted form, never the secret.",
        remediation="Log an identifier or a redacted form instead: "
        '`logger.info("token issued for user %s", user.id)` or `token[:4] + "…"`.',
        bad=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def login(user: str, password: str) -> None:\n"
                '    logger.info("login %s with %s", user, password)  # bad\n'
            ),
            Example(
                "import logging\n\nfrom app.auth import Session\n\n"
                "log = logging.getLogger(__name__)\n\n\n"
                "def refresh(session: Session) -> None:\n"
                '    log.debug(f"new token {session.access_token}")  # bad\n'
            ),
        ),
        good=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def login(user: str, password: str) -> None:\n"
                '    logger.info("login %s (password length %d)", user, len(password))\n'
            ),
            Example(
                "import logging\n\nfrom app.auth import Session\n\n"
                "log = logging.getLogger(__name__)\n\n\n"
                "def refresh(session: Session) -> None:\n"
                '    log.debug("token refreshed for %s, %d tokens left", session.user_id, '
                "session.token_count)\n"
            ),
        ),
        references=("CWE-532",),
    )
    TRIGGERS = ("log", "LOG")

    def visit_Call(self, node: cst.Call) -> None:
        if logging_call(self, node) is None:
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in ("msg", "extra"):
                continue
            for value in _logged_values(arg.value):
                name = terminal_name(value)
                if name and is_secret_name(name):
                    self.report(value, f"`{code_of(value)}` is written to the log")
                    return


def _logged_values(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The expressions whose value ends up in the log record."""
    if isinstance(node, cst.FormattedString):
        return [p.expression for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
    if isinstance(node, cst.Dict):
        return [e.value for e in node.elements if isinstance(e, cst.DictElement)]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [e.value for e in node.elements]
    if isinstance(node, cst.BinaryOperation):
        return _logged_values(node.left) + _logged_values(node.right)
    return [node]
