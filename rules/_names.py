"""Shared judgements about names and literals used by several rules."""

from __future__ import annotations

import re

import libcst as cst

from guardrails.cst.helpers import is_main_guard
from guardrails.cst.names import snake
from guardrails.cst.rule import CstRule, RuleContext

# A name is secret-like when its last words are a secret word: `db_password`,
# `API_KEY`, `authToken` — but not `TOKEN_HEADER`, `password_field`,
# `token_url` or `secret_key_env`, which *describe* a secret.
_SECRET_TAIL = re.compile(
    r"(?:^|_)(password|passwd|passphrase|pass_phrase|secret|secret_key|api_key|apikey|"
    r"access_key|access_key_id|secret_access_key|private_key|signing_key|encryption_key|"
    r"client_secret|token|auth_token|access_token|refresh_token|bearer_token|id_token|"
    r"session_token|credentials?|session_key|otp|nonce|salt|pin)$"
)
_RANDOM_TAIL = re.compile(
    r"(?:^|_)(password|passwd|secret|token|api_key|secret_key|private_key|signing_key|nonce|"
    r"salt|otp|pin|session_id|sessionid|csrf|csrf_token|verifier|challenge|reset_code|"
    r"verification_code|auth_code|one_time_code|invite_code|recovery_code)s?$"
)


def is_secret_name(name: str) -> bool:
    """Whether a variable, attribute, key or parameter name denotes a secret value."""
    return bool(_SECRET_TAIL.search(snake(name)))


def is_random_secret_name(name: str) -> bool:
    """Names whose value must be unpredictable (tokens, nonces, codes, keys)."""
    return bool(_RANDOM_TAIL.search(snake(name)))


KNOWN_KEY_FORMATS = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a private key",
        re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    ),
    (
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe live key", re.compile(r"\b[rs]k_live_[0-9A-Za-z]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
)

KEY_FORMAT_HINT = re.compile(
    r"AKIA|ASIA|PRIVATE KEY|gh[pousr]_|github_pat_|xox[abposr]-|k_live_|AIza"
)
"""A fixed part of every `KNOWN_KEY_FORMATS` pattern: one search rules most strings out."""

_PLACEHOLDER = re.compile(
    r"(?i)^(|x+|\*+|\.+|-+|changeme|change_me|password|secret|token|dummy|example|"
    r"placeholder|redacted|none|null|test|testing|todo|fixme|fake|your[-_ ].*|<.*>|\$\{.*\}|"
    r"\{.*\}|%\(.*\)s|\$[A-Z_]+)$"
)


# `{name}`, `{0}`, `%s`, `%(name)s`, `$name`, `${name}`: slots filled at run time.
_FORMAT_SLOT = re.compile(
    r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|\$\{\w+\}|(?<![A-Za-z0-9])\$[A-Z_][A-Z0-9_]*\b"
)
# Regular-expression syntax no credential contains: groups, classes with quantifiers, escapes.
_REGEX_SYNTAX = re.compile(r"\(\?|\\[dwsbDWSB]|\[\^|[\])][+*?]|[\])]\{\d")
# A word: lower, UPPER, Capitalized or camelCase pieces (`getSessionAuthHash`).
_WORD = re.compile(r"[A-Za-z][a-z]+(?:[A-Z][a-z]+)*|[A-Z]+|[a-z]+")


def is_identifier_shaped(value: str) -> bool:
    """Words joined by `_ . - : /` (`_auth_user_id`, `django.core.signing`, `X-Api-Key`).

    Names, keys, namespaces and headers have this shape; a credential has entropy:
    digits or symbols inside its words (`hunter2-prod`, `s3cr3t!x`).
    """
    parts = [part for part in re.split(r"[._\-:/]+", value) if part]
    return bool(parts) and all(_WORD.fullmatch(part) for part in parts)


def looks_like_real_secret(value: str, name: str = "") -> bool:
    """A literal that could be a credential, not a placeholder, label, URL or env-var name."""
    if _REGEX_SYNTAX.search(value):  # a pattern describing tokens, not a token
        return False
    template = _FORMAT_SLOT.sub(" ", value)
    if template != value:  # a format string: only its fixed text can be a secret
        return any(looks_like_real_secret(chunk, name) for chunk in template.split())
    if len(value) < 6 or any(ch.isspace() for ch in value):
        return False
    if is_identifier_shaped(value):
        return False
    if _PLACEHOLDER.match(value) or snake(value) == snake(name):
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9_]*", value):  # the *name* of an env var / setting
        return False
    if "://" in value or value.startswith(("/", "./", "~")):  # URLs and paths
        return False
    if re.fullmatch(r"[\d.:-]+", value):  # OIDs, versions, dates, ports
        return False
    classes = sum(
        bool(re.search(pattern, value)) for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")
    )
    if classes < 2 and len(value) < 16:  # one character class and short: a word, not a key
        return False
    if value.lower() in _AUTH_WORDS:
        return False
    return not re.fullmatch(r"[a-z]+(?:[-_.][a-z]+)+", value)  # identifiers: "x-api-key"


_AUTH_WORDS = frozenset({"bearer", "basic", "authorization", "oauth", "oauth2", "jwt", "digest"})


class MainBlockAware(CstRule):
    """Knows whether the node being visited is inside `if __name__ == "__main__":`."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._main_depth = 0

    def visit_If(self, node: cst.If) -> None:
        if is_main_guard(node):
            self._main_depth += 1

    def leave_If(self, node: cst.If) -> None:
        if is_main_guard(node):
            self._main_depth -= 1

    @property
    def in_main_block(self) -> bool:
        return self._main_depth > 0
