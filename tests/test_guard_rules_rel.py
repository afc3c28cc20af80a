"""Reliability rules' boundaries: every listed API and threshold, on both sides."""

from __future__ import annotations

from test_guard_rules import found, lines, marked

# --- REL001 http-without-timeout -----------------------------------------------------------

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

REL001_REQUESTS = (
    "import requests\nimport requests.api\nimport requests.sessions\nimport urllib.request\n\n\n"
    "def go(url: str, prepared: object) -> None:\n"
    + "".join(f"    requests.{verb}(url)  # bad\n" for verb in _VERBS)
    + "".join(f"    requests.api.{verb}(url)  # bad\n" for verb in _VERBS)
    + "".join(f"    requests.{verb}(url, timeout=5)\n" for verb in _VERBS)
    + "".join(
        f"    {ctor}.get(url)  # bad\n    {ctor}.get(url, timeout=5)\n"
        for ctor in (
            "requests.Session()",
            "requests.session()",
            "requests.sessions.Session()",
            "requests.sessions.session()",
        )
    )
    + "".join(f"    requests.Session().{m}(url)  # bad\n" for m in (*_VERBS, "send"))
    + "    session = requests.Session()\n"
    "    session.send(prepared)  # bad\n"
    "    session.send(prepared, timeout=3)\n"
    "    with requests.Session() as pooled:\n"
    "        pooled.send(prepared)  # bad\n"
    "    session.mount(url, None)\n"
    "    urllib.request.urlopen(url)  # bad\n"
    "    urllib.request.urlopen(url, None)  # bad\n"
    "    urllib.request.urlopen(url, None, 5)\n"
    '    session.request("GET", url, None, None, None, None, None, None, 5)\n'
    '    session.request("GET", url, None, None, None, None, None, None)  # bad\n'
    "    requests.get(url, **OPTIONS)\n"
    '    requests.get(url, **{"timeout": 5})\n'
    '    requests.get(url, **{"verify": True})  # bad\n'
    "    requests.get(url, timeout=None)  # bad\n"
)


def test_rel001_flags_every_requests_and_urllib_call_without_timeout() -> None:
    assert lines(REL001_REQUESTS, "REL001") == marked(REL001_REQUESTS)


REL001_HTTPX = (
    "import httpx\n\n\nasync def go(url: str, request: object) -> None:\n"
    + "".join(
        f"    httpx.{verb}(url)\n    httpx.{verb}(url, timeout=None)  # bad\n"
        for verb in (*_VERBS, "stream")
    )
    + "    httpx.Client()\n    httpx.Client(timeout=None)  # bad\n"
    "    httpx.AsyncClient()\n    httpx.AsyncClient(timeout=None)  # bad\n"
    + "".join(
        f"    httpx.Client().{m}(url)\n    httpx.Client().{m}(url, timeout=None)  # bad\n"
        for m in (*_VERBS, "stream", "send")
    )
    + "    await httpx.AsyncClient().get(url, timeout=None)  # bad\n"
    "    with httpx.Client() as client:\n"
    "        client.send(request, timeout=None)  # bad\n"
    "    httpx.get(url, timeout=httpx.Timeout(None))  # bad\n"
    "    httpx.get(url, timeout=httpx.Timeout(None, connect=5.0))\n"
    "    httpx.get(url, timeout=httpx.Timeout(10.0))\n"
    "    httpx.get(url, timeout=10)\n"
)


def test_rel001_flags_httpx_only_where_the_timeout_is_switched_off() -> None:
    assert lines(REL001_HTTPX, "REL001") == marked(REL001_HTTPX)


def test_rel001_messages_name_the_call_and_the_missing_or_disabled_timeout() -> None:
    source = (
        "import httpx\nimport requests\n\n\ndef go(url: str, prepared: object) -> None:\n"
        "    requests.Session().send(prepared)\n"
        "    httpx.get(url, timeout=None)\n"
    )
    assert found(source, "REL001") == [
        (
            6,
            "`requests.Session().send()` has no timeout and waits forever on a server that "
            "stops answering",
        ),
        (7, "`httpx.get()` passes `timeout=None`, which disables the timeout"),
    ]


def test_rel001_leaves_test_code_alone() -> None:
    source = "import requests\n\n\ndef test_fetch() -> None:\n    requests.get('http://x')\n"
    assert lines(source, "REL001", path="tests/test_fetch.py") == []
    assert lines(source, "REL001", path="fetch.py") == [5]
