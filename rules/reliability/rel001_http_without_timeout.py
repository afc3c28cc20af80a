"""REL001 http-without-timeout: an HTTP call that can wait forever."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shared.http_clients import REQUESTS_FUNCS, REQUESTS_SESSIONS, VERBS

from guardrails.cst.helpers import argument, code_of, is_none, kwargs_may_supply, positional
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta

_HTTPX_FUNCS = frozenset({f"httpx.{verb}" for verb in (*VERBS, "stream")})
_HTTPX_CLIENTS = frozenset({"httpx.Client()", "httpx.AsyncClient()"})
_HTTPX_CONSTRUCTORS = frozenset({"httpx.Client", "httpx.AsyncClient"})
_URLOPEN = frozenset({"urllib.request.urlopen"})
# Positional index of `timeout` where callers might pass it positionally.
_TIMEOUT_POSITION = {"request": 8, "urlopen": 2}


class HttpWithoutTimeout(CstRule):
    META = RuleMeta(
        id="REL001",
        foreign_codes=("S113", "B113"),
        name="http-without-timeout",
        category="reliability",
        severity="error",
        skip_tests=True,
        summary="An HTTP call can wait forever: no `timeout=` for requests/urllib, or "
        "`timeout=None` for any client.",
        why="requests and urllib wait indefinitely by default; one unresponsive server then "
        "holds a worker, a thread or a connection-pool slot forever and the service stalls "
        "without an error to alert on. httpx has a finite default that `timeout=None` removes. "
        "Test code is exempt: the runner's timeout bounds a hung test, and it holds no "
        "production worker.",
        instead="Pass `timeout=` to every HTTP call.",
        remediation="Pass an explicit finite timeout on every call, e.g. "
        "`requests.get(url, timeout=10)` or `session.post(url, json=body, timeout=(3.05, 27))`; "
        "for httpx keep the default or pass `timeout=httpx.Timeout(10.0)`.",
        bad=(
            Example(
                "import requests\n\n\ndef fetch(url: str) -> bytes:\n"
                "    return requests.get(url).content  # bad\n"
            ),
            Example(
                "from requests import Session\n\nSESSION = Session()\n\n\n"
                "def publish(url: str, body: dict) -> int:\n"
                "    return SESSION.post(url, json=body).status_code  # bad\n"
            ),
            Example(
                "import httpx\n\n\ndef client() -> httpx.Client:\n"
                "    return httpx.Client(timeout=None)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import requests\n\n\ndef fetch(url: str) -> bytes:\n"
                "    return requests.get(url, timeout=10).content\n"
            ),
            Example(
                "from requests import Session\n\nSESSION = Session()\n\n\n"
                "def publish(url: str, body: dict) -> int:\n"
                "    return SESSION.post(url, json=body, timeout=(3.05, 27)).status_code\n"
            ),
            Example(
                'import httpx\n\nDEFAULTS = {"timeout": 5.0}\n\n\n'
                "def fetch(url: str) -> bytes:\n"
                "    with httpx.Client() as client:\n"
                "        return client.get(url).content\n\n\n"
                "def fetch_default(url: str) -> bytes:\n"
                "    import requests\n\n"
                "    return requests.get(url, **DEFAULTS).content\n"
            ),
        ),
        references=(
            "https://requests.readthedocs.io/en/latest/user/advanced/#timeouts",
            "https://www.python-httpx.org/advanced/timeouts/",
            "CWE-400",
        ),
    )
    TRIGGERS = ("requests", "httpx", "urllib", "Session", "session")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name is None:
            return
        base, _, method = name.rpartition(".")
        requires_timeout = (
            name in REQUESTS_FUNCS
            or name in _URLOPEN
            or (base in REQUESTS_SESSIONS and method in (*VERBS, "send"))
        )
        httpx_call = (
            name in _HTTPX_FUNCS
            or name in _HTTPX_CONSTRUCTORS
            or (base in _HTTPX_CLIENTS and method in (*VERBS, "stream", "send"))
        )
        if not (requires_timeout or httpx_call):
            return
        shown = code_of(node.func)
        timeout = argument(node, "timeout", _TIMEOUT_POSITION.get(method))
        if timeout is None:
            if requires_timeout and not kwargs_may_supply(node, "timeout"):
                self.report(
                    node,
                    f"`{shown}()` has no timeout and waits forever on a server "
                    "that stops answering",
                )
            return
        if self._is_unbounded(timeout.value):
            self.report(
                node,
                f"`{shown}()` passes `timeout={code_of(timeout.value)}`, "
                "which disables the timeout",
            )

    def _is_unbounded(self, value: cst.BaseExpression) -> bool:
        if is_none(value):
            return True
        if isinstance(value, cst.Call) and self.context.qualified_name(value.func) == (
            "httpx.Timeout"
        ):
            first = positional(value, 0)
            return first is not None and is_none(first.value) and len(value.args) == 1
        return False
