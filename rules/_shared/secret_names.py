"""Which names hold a secret: SEC004 and SEC016 judge a value by the name it is kept under."""

from __future__ import annotations

import re

from guardrails.cst.names import snake

# A name is secret-like when its last words are a secret word: `db_password`,
# `API_KEY`, `authToken` — but not `TOKEN_HEADER`, `password_field`,
# `token_url` or `secret_key_env`, which *describe* a secret.
_SECRET_TAIL = re.compile(
    r"(?:^|_)(password|passwd|passphrase|pass_phrase|secret|secret_key|api_key|apikey|"
    r"access_key|access_key_id|secret_access_key|private_key|signing_key|encryption_key|"
    r"client_secret|token|auth_token|access_token|refresh_token|bearer_token|id_token|"
    r"session_token|credentials?|session_key|otp|nonce|salt|pin)$"
)


def is_secret_name(name: str) -> bool:
    """Whether a variable, attribute, key or parameter name denotes a secret value."""
    return bool(_SECRET_TAIL.search(snake(name)))
