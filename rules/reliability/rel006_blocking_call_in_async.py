"""REL006 blocking-call-in-async: a blocking call made directly inside `async def`."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shared.http_clients import REQUESTS_FUNCS, REQUESTS_SESSIONS, VERBS

from guardrails.cst.helpers import code_of
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, Option, RuleMeta

_BLOCKING = {
    "time.sleep": "await asyncio.sleep(...)",
    "subprocess.run": "await asyncio.create_subprocess_exec(...)",
    "subprocess.call": "await asyncio.create_subprocess_exec(...)",
    "subprocess.check_call": "await asyncio.create_subprocess_exec(...)",
    "subprocess.check_output": "await asyncio.create_subprocess_exec(...)",
    "os.system": "await asyncio.create_subprocess_exec(...)",
    "urllib.request.urlopen": "an async HTTP client (httpx.AsyncClient, aiohttp)",
    "builtins.input": "await asyncio.to_thread(input, ...)",
    "socket.create_connection": "await asyncio.open_connection(...)",
}
_FILE_IO = {"builtins.open": "await asyncio.to_thread(...) or aiofiles"}
"""Reported only with `check-file-io`: a local file read is usually over in microseconds."""


class BlockingCallInAsync(CstRule):
    META = RuleMeta(
        id="REL006",
        foreign_codes=(
            *("ASYNC210", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222"),
            *("ASYNC230", "ASYNC251"),
        ),
        name="blocking-call-in-async",
        category="reliability",
        severity="error",
        summary="A blocking call (`time.sleep`, `requests`, `subprocess.run`, `input`, ...) "
        "runs directly inside `async def`.",
        why="A blocking call stops the whole event loop: every other request, heartbeat and "
        "timeout on it waits until the call returns. Sync file I/O (`open`) is reported only "
        "with `check-file-io`: on real code it was almost always a small local read (a bundled "
        "script, a config file) that a reviewer would not change.",
        instead="Await the async API, or `await asyncio.to_thread(fn, ...)`.",
        remediation="Await the async equivalent (`await asyncio.sleep()`, `httpx.AsyncClient`, "
        "`asyncio.create_subprocess_exec`) or move the call to a thread with "
        "`await asyncio.to_thread(fn, *args)`.",
        bad=(
            Example(
                "import time\n\n\nasync def poll(check) -> None:\n    while not check():\n"
                "        time.sleep(1)  # bad\n"
            ),
            Example(
                "import requests\n\n\nasync def fetch(url: str) -> bytes:\n"
                "    return requests.get(url, timeout=10).content  # bad\n"
            ),
        ),
        good=(
            Example(
                "import asyncio\nfrom collections.abc import Callable\n\n\n"
                "async def poll(check: Callable[[], bool]) -> None:\n    while not check():\n"
                "        await asyncio.sleep(1)\n"
            ),
            Example(
                "import asyncio\n\nimport requests\n\n\nasync def fetch(url: str) -> bytes:\n"
                "    response = await asyncio.to_thread(requests.get, url, timeout=10)\n"
                "    return response.content\n\n\ndef fetch_sync(url: str) -> bytes:\n"
                "    return requests.get(url, timeout=10).content\n"
            ),
        ),
        references=("https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code",),
        options=(
            Option(
                "check-file-io",
                bool,
                False,
                "also report sync file I/O (`open`) inside `async def`",
                weaker="lower",  # false checks less than true
            ),
        ),
    )
    TRIGGERS = ("async",)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._async: list[bool] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._async.append(node.asynchronous is not None)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._async.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._async.append(False)

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self._async.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if not self._async or not self._async[-1]:
            return
        name = self.context.qualified_name(node.func) or ""
        instead = _BLOCKING.get(name)
        if instead is None and self.options["check-file-io"]:
            instead = _FILE_IO.get(name)
        base, _, method = name.rpartition(".")
        if instead is None and (
            name in REQUESTS_FUNCS or (base in REQUESTS_SESSIONS and method in VERBS)
        ):
            instead = "an async HTTP client (httpx.AsyncClient, aiohttp)"
        if instead is not None:
            self.report(
                node,
                f"`{code_of(node.func)}()` blocks the event loop inside `async def`; use {instead}",
            )
