"""SEC009 insecure-randomness: the `random` module making a token, password, key, nonce or code."""

from __future__ import annotations

import re

import libcst as cst

from guardrails.cst.helpers import code_of
from guardrails.cst.names import snake, terminal_name
from guardrails.cst.rule import CstRule
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

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
        instead="Use `secrets` for tokens: `secrets.token_urlsafe(32)`.",
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


_RANDOM_TAIL = re.compile(
    r"(?:^|_)(password|passwd|secret|token|api_key|secret_key|private_key|signing_key|nonce|"
    r"salt|otp|pin|session_id|sessionid|csrf|csrf_token|verifier|challenge|reset_code|"
    r"verification_code|auth_code|one_time_code|invite_code|recovery_code)s?$"
)


def is_random_secret_name(name: str) -> bool:
    """Names whose value must be unpredictable (tokens, nonces, codes, keys)."""
    return bool(_RANDOM_TAIL.search(snake(name)))
