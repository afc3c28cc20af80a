"""Boundaries of SEC004 SEC009 SEC016 that the family-wide tests
in test_guard_rules_sec.py leave open: each case here tells the rule apart from a plausible
slip in its code (`and` for `or`, a check dropped), on code a project writes.
"""

from __future__ import annotations

from test_guard_rules import found, lines, marked

from guardrails.testing import run

# --- SEC004 hardcoded-secret --------------------------------------------------------------


def test_sec004_an_annotated_secret_is_reported_at_its_value() -> None:
    # the finding points at the literal to replace, not at the start of the declaration
    source = 'class Settings:\n    api_key: str = "k3y-9f8e7d"\n'
    found = [(v.line, v.column, v.end_column) for v in run(source, select=["SEC004"])]
    assert found == [(2, 20, 32)]


def test_sec004_a_key_in_a_bytes_literal_is_found_too() -> None:
    # PEM keys are usually written as bytes (`load_pem_private_key` takes bytes); the value is
    # assembled here so that this file holds no key itself
    pem = "-----BEGIN RSA " + "PRIVATE KEY-----"
    token = "ghp_" + "a" * 36
    source = (
        f'PRIVATE_KEY = b"{pem}\\nMIIEowIBAAKCAQEA"\n'
        f'DEPLOY_TOKEN = b"{token}"\n'
        'PATTERN = rb"[!#$%&*+\\-.^_|~0-9A-Za-z]+"\n'
    )
    assert found(source, "SEC004") == [
        (1, "this string contains a private key; keep it out of source code"),
        (2, "this string contains a GitHub token; keep it out of source code"),
    ]


# --- SEC009 insecure-randomness -----------------------------------------------------------

SEC009_DECLARED_FIELDS = """\
import random
from dataclasses import dataclass, field


@dataclass
class Invite:
    email: str
    token: str
    invite_code: int = field(default_factory=lambda: random.randint(100000, 999999))  # bad
"""


def test_sec009_a_secret_field_declared_without_a_value_is_not_judged() -> None:
    # `token: str` names a secret but assigns nothing; the field with a value still counts
    assert lines(SEC009_DECLARED_FIELDS, "SEC009") == marked(SEC009_DECLARED_FIELDS)


SEC009_RETURNED_VALUE = """\
import random
import secrets
import time


def new_session_id() -> str:
    time.sleep(random.uniform(0.0, 0.05))  # jitter against timing probes, not part of the id
    return secrets.token_urlsafe(32)


def generate_token() -> str:
    return "%032x" % random.getrandbits(128)  # bad
"""


def test_sec009_a_secret_making_function_is_judged_by_what_it_returns() -> None:
    assert lines(SEC009_RETURNED_VALUE, "SEC009") == marked(SEC009_RETURNED_VALUE)


# --- SEC016 secret-in-log -----------------------------------------------------------------

SEC016_KEYWORDS = """\
import logging

log = logging.getLogger(__name__)


def login(user: str, password: str) -> None:
    log.info("login %s", user, stacklevel=2, extra={"password": password})  # bad
    log.info("login %s", user, exc_info=False)
"""


def test_sec016_a_keyword_before_extra_does_not_hide_it() -> None:
    # other keywords (`stacklevel=`, `exc_info=`) are skipped one by one, not the rest with them
    assert lines(SEC016_KEYWORDS, "SEC016") == marked(SEC016_KEYWORDS)
