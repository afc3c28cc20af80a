"""Security rules about secrets and unpredictability (SEC004, SEC009, SEC016)."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._names import (
    KEY_FORMAT_HINT,
    KNOWN_KEY_FORMATS,
    is_random_secret_name,
    is_secret_name,
    looks_like_real_secret,
)
from guardrails.rules.observability import logging_call

from guardrails.cst.helpers import (
    code_of,
    string_value,
)
from guardrails.cst.names import terminal_name
from guardrails.cst.rule import CstRule
from guardrails.cst.traverse import walk
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


_RANDOM_FUNCS = frozenset(
    f"random.{name}"
    for name in (
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "sample",
        "shuffle",
        "getrandbits",
        "randbytes",
        "uniform",
    )
)


class _RandomCallFinder(cst.CSTVisitor):
    def __init__(self, rule: CstRule) -> None:
        super().__init__()
        self.rule = rule
        self.found: cst.Call | None = None

    def visit_Call(self, call: cst.Call) -> None:
        if self.found is None and self.rule.context.qualified_name(call.func) in _RANDOM_FUNCS:
            self.found = call


def _random_call(rule: CstRule, node: cst.CSTNode) -> cst.Call | None:
    """The first call to the `random` module's functions inside `node`."""
    finder = _RandomCallFinder(rule)
    walk(node, finder)
    return finder.found


class InsecureRandomness(CstRule):
    META = RuleMeta(
        id="SEC009",
        foreign_codes=("S311", "B311"),
        name="insecure-randomness",
        category="security",
        severity="error",
        summary="The `random` module produces a value used as a token, password, key, nonce or "
        "code.",
        why="`random` is a Mersenne Twister: after seeing some outputs an attacker can predict "
        "the rest, so tokens and codes made with it can be guessed (CWE-338).",
        remediation="Use `secrets`: `secrets.token_urlsafe(32)`, `secrets.token_hex()`, "
        "`secrets.choice(alphabet)`; keep `random` for simulations and retry jitter.",
        bad=(
            Example(
                "import random\nimport string\n\n\ndef reset_token() -> str:\n"
                '    token = "".join(random.choices(string.ascii_letters, k=32))  # bad\n'
                "    return token\n"
            ),
            Example(
                "from random import randint\n\n\ndef send_code(user) -> None:\n"
                "    user.otp = randint(100000, 999999)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import secrets\n\n\ndef reset_token() -> str:\n"
                "    token = secrets.token_urlsafe(32)\n    return token\n"
            ),
            Example(
                "import random\nimport time\n\n\ndef backoff(attempt: int) -> None:\n"
                "    delay = min(30, 2**attempt) + random.uniform(0, 1)\n    time.sleep(delay)\n"
                "    key = random.SystemRandom().random()\n"
            ),
        ),
        references=("CWE-338", "https://docs.python.org/3/library/secrets.html"),
    )
    TRIGGERS = ("random",)

    def _check(self, name: str, value: cst.BaseExpression, where: cst.CSTNode) -> None:
        if not is_random_secret_name(name):
            return
        call = _random_call(self, value)
        if call is not None:
            self.report(
                where,
                f"`{name}` comes from `{code_of(call.func)}()`, which is "
                "predictable; use the `secrets` module",
            )

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = terminal_name(target.target)
            if name:
                self._check(name, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = terminal_name(node.target)
        if name and node.value is not None:
            self._check(name, node.value, node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._check(node.keyword.value, node.value, node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        stem = node.name.value.removeprefix("generate_").removeprefix("make_")
        stem = stem.removeprefix("new_").removeprefix("create_").removeprefix("random_")
        if not is_random_secret_name(stem):
            return
        for statement in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Return) and small.value is not None:
                        self._check(stem, small.value, small)


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
