"""REL012 dangling-task: an asyncio task created and then dropped."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta


class DanglingTask(CstRule):
    META = RuleMeta(
        id="REL012",
        foreign_codes=("RUF006",),
        name="dangling-task",
        category="reliability",
        severity="error",
        summary="The task returned by `asyncio.create_task()`/`ensure_future()` is discarded.",
        why="The event loop keeps only a weak reference to tasks: an unreferenced task can be "
        "garbage-collected mid-flight, and its exception is never seen.",
        instead="Keep a reference to the task, or use `asyncio.TaskGroup`.",
        remediation="Keep a reference and await or cancel it (`self._tasks.add(task)`; "
        "`task.add_done_callback(self._tasks.discard)`), or use `async with "
        "asyncio.TaskGroup() as tg: tg.create_task(...)`.",
        bad=(
            Example(
                "import asyncio\n\n\nasync def start(heartbeat) -> None:\n"
                "    asyncio.create_task(heartbeat())  # bad\n"
            ),
            Example(
                "import asyncio\n\n\ndef schedule(coro) -> None:\n"
                "    asyncio.get_running_loop().create_task(coro)  # bad\n"
                "    asyncio.ensure_future(coro)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import asyncio\nfrom collections.abc import Callable, Coroutine\n\n"
                "BACKGROUND: set[asyncio.Task] = set()\n\n\n"
                "async def start(heartbeat: Callable[[], Coroutine[None, None, None]]) -> None:\n"
                "    task = asyncio.create_task(heartbeat())\n"
                "    BACKGROUND.add(task)\n    task.add_done_callback(BACKGROUND.discard)\n"
            ),
            Example(
                "import asyncio\nfrom collections.abc import Callable, Coroutine\n\n\n"
                "async def start(jobs: list[Callable[[], Coroutine[None, None, None]]]) -> None:\n"
                "    async with asyncio.TaskGroup() as group:\n        for job in jobs:\n"
                "            group.create_task(job())\n"
            ),
        ),
        references=("https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task",),
    )
    TRIGGERS = ("create_task", "ensure_future")

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not isinstance(call, cst.Call):
            return
        name = self.context.qualified_name(call.func) or ""
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        loopish = receiver is not None and (
            name.startswith(
                (
                    "asyncio.get_event_loop()",
                    "asyncio.get_running_loop()",
                    "asyncio.new_event_loop()",
                )
            )
            or "loop" in (code_of(receiver).rsplit(".", 1)[-1]).lower()
        )
        if name in ("asyncio.create_task", "asyncio.ensure_future") or (
            loopish and name.endswith(".create_task")
        ):
            self.report(
                call,
                f"the task from `{code_of(call.func)}()` is not kept; it can be "
                "garbage-collected and its errors are lost",
            )
