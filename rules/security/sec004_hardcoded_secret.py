"""SEC004 hardcoded-secret: a credential written in the source."""

from __future__ import annotations

import re

import libcst as cst
from guardrails.rules._shared.secret_names import is_secret_name

from guardrails.cst.helpers import string_value
from guardrails.cst.names import snake, terminal_name
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta


class HardcodedSecret(CstRule):
    META = RuleMeta(
        id="SEC004",
        foreign_codes=("S105", "S106", "S107", "B105", "B106", "B107"),
        name="hardcoded-secret",
        category="security",
        severity="error",
        summary="A credential is written in the source: a string literal assigned or passed to "
        "a secret-like name, or a value in a known key format (AWS, GitHub, Slack, private key).",
        why="Source code is copied to laptops, CI logs, forks and backups; a secret in it is "
        "readable by everyone who can read the code and cannot be rotated without a deploy "
        "(CWE-798).",
        instead='Read secrets from the environment: `os.environ["DB_PASSWORD"]`.',
        remediation="Read the secret at the configuration boundary from the environment or a "
        'secret store (`os.environ["DB_PASSWORD"]`, a settings object) and keep only its '
        "*name* in code.",
        bad=(
            Example('DB_PASSWORD = "hunter2-prod"  # bad\n'),
            Example(
                "import psycopg\n\n\ndef connect() -> psycopg.Connection:\n"
                '    return psycopg.connect(host="db", user="app", password="s3cr3t!x")  # bad\n'
            ),
            Example('SETTINGS = {\n    "api_key": "9f8e7d6c5b4a3f2e1d0c",  # bad\n}\n'),
            # guardrails: ignore[SEC004] the rule's own example of a leaked key
            Example('AWS_ID = "AKIA2E0A8F3B244C9986"  # bad\n'),
        ),
        good=(
            Example(
                'import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n'
                'TOKEN_HEADER = "Authorization"\nSECRET_KEY_ENV = "DJANGO_SECRET_KEY"\n'
                'PASSWORD_FIELD = "password"\ntoken_url = "https://auth.example.com/token"\n',
                path="app/config.py",  # where settings are read (ARC005)
            ),
            Example(
                "import httpx\n\n\n"
                'def login(client: httpx.Client, password: str = "") -> None:\n'
                '    client.post("/login", json={"password": password, "token_type": "bearer"})\n'
            ),
            Example(
                'SESSION_KEY = "_auth_user_id"\nsigning_salt = "django.core.signing"\n'
                'cache_token_key = "user:{user_id}:token"\n'
            ),
            Example(
                "def test_login(client) -> None:\n"
                '    assert client.login(password="fake-password-for-tests")\n',
                path="tests/test_login.py",
            ),
        ),
        references=("CWE-798", "https://12factor.net/config"),
    )

    def _literal(self, node: cst.BaseExpression | None) -> str | None:
        return string_value(node) if node is not None else None

    def _check_named(self, name: str, value: cst.BaseExpression | None, where: cst.CSTNode) -> None:
        text = self._literal(value)
        if text is None or self.context.is_test:
            return
        if is_secret_name(name) and looks_like_real_secret(text, name):
            self.report(
                where,
                f"`{name}` is set to a hardcoded secret; read it from the "
                "environment or a secret store",
            )

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "\\" not in node.value and not KEY_FORMAT_HINT.search(node.value):
            return  # without escapes the value is the text between the quotes
        value = string_value(node) or ""  # bytes as latin-1: a key in `b"..."` is still a key
        if not KEY_FORMAT_HINT.search(value):
            return
        for label, pattern in KNOWN_KEY_FORMATS:
            match = pattern.search(value)
            if match and "EXAMPLE" not in match.group(0):  # AWS's documented sample keys
                self.report(node, f"this string contains {label}; keep it out of source code")
                return

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = terminal_name(target.target)
            if name:
                self._check_named(name, node.value, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = terminal_name(node.target)
        if name:
            self._check_named(name, node.value, node.value or node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._check_named(node.keyword.value, node.value, node.value)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._check_named(node.name.value, node.default, node.default)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = string_value(node.key)
        if key:
            self._check_named(key, node.value, node.value)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) != 1 or not isinstance(
            node.comparisons[0].operator, (cst.Equal, cst.NotEqual)
        ):
            return
        left, right = node.left, node.comparisons[0].comparator
        for named, literal in ((left, right), (right, left)):
            name = terminal_name(named)
            if name:
                self._check_named(name, literal, literal)


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
