"""The requests calls that make an HTTP request: REL001 and REL006 agree on them."""

from __future__ import annotations

VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
REQUESTS_FUNCS = frozenset(
    {f"requests.{verb}" for verb in VERBS} | {f"requests.api.{verb}" for verb in VERBS}
)
REQUESTS_SESSIONS = frozenset(
    {
        "requests.Session()",
        "requests.session()",
        "requests.sessions.Session()",
        "requests.sessions.session()",
    }
)
