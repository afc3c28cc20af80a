"""REL013 wait-without-timeout: a blocking wait (queue, thread, event, lock, future) without end."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import libcst as cst

from guardrails.cst.helpers import argument, code_of, is_false, kwargs_may_supply
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, RuleMeta

_WAITS = {
    # qualified receiver type -> {method: (timeout keyword, its position, non-blocking check)}
    "queue": ("get", "put"),
    "thread": ("join",),
    "event": ("wait",),
    "lock": ("acquire", "wait"),
    "future": ("result", "exception"),
}
_QUEUES = (
    "queue.Queue()",
    "queue.LifoQueue()",
    "queue.PriorityQueue()",
    "queue.SimpleQueue()",
    "multiprocessing.Queue()",
    "multiprocessing.JoinableQueue()",
)
_THREADS = ("threading.Thread()", "multiprocessing.Process()", "threading.Timer()")
_EVENTS = ("threading.Event()", "multiprocessing.Event()", "threading.Barrier()")
_LOCKS = (
    "threading.Lock()",
    "threading.RLock()",
    "threading.Semaphore()",
    "threading.BoundedSemaphore()",
    "threading.Condition()",
    "multiprocessing.Lock()",
)


def _kind(base: str) -> str | None:
    if base in _QUEUES or base.endswith(("Manager().Queue()",)):
        return "queue"
    if base in _THREADS:
        return "thread"
    if base in _EVENTS:
        return "event"
    if base in _LOCKS:
        return "lock"
    if base.endswith((".submit()", "concurrent.futures.Future()")):
        return "future"
    return None


class WaitWithoutTimeout(CstRule):
    META = RuleMeta(
        id="REL013",
        name="wait-without-timeout",
        category="reliability",
        severity="info",
        severity_note=(
            "Info, not a warning: on the precision ledger's projects most untimed waits were on "
            "events the same process always sets (a shutdown flag, a worker's exit), which a "
            "reviewer leaves alone."
        ),
        summary="A blocking wait has no timeout: `queue.get()`, `thread.join()`, "
        "`event.wait()`, `lock.acquire()`, `future.result()`.",
        why="If the other side never delivers — a crashed producer, a deadlock, a hung worker — "
        "the caller blocks forever, and a stuck thread is far harder to diagnose than a "
        "timeout error.",
        instead="Pass a finite timeout: `q.get(timeout=5)`, `t.join(timeout=10)`.",
        remediation="Pass a finite timeout and handle expiry: `jobs.get(timeout=5)` with "
        "`except queue.Empty`, `thread.join(timeout=10)`, `future.result(timeout=30)`; for a "
        "lock, `if not lock.acquire(timeout=5): raise TimeoutError(...)` then `try: ... "
        "finally: lock.release()`. A plain `lock.acquire()` released in the `finally` of the "
        "`try` right after it is managed like `with lock:` and is not reported.",
        bad=(
            Example(
                "import queue\n\n\ndef next_job(jobs: queue.Queue[str]) -> str:\n"
                "    return jobs.get()  # bad\n"
            ),
            Example(
                "import threading\nfrom concurrent.futures import ThreadPoolExecutor\n\n\n"
                "def run(work) -> None:\n    worker = threading.Thread(target=work)\n"
                "    worker.start()\n    worker.join()  # bad\n"
                "    with ThreadPoolExecutor() as pool:\n"
                "        future = pool.submit(work)\n        future.result()  # bad\n"
            ),
        ),
        good=(
            Example(
                "import queue\n\n\ndef next_job(jobs: queue.Queue[str]) -> str | None:\n"
                "    try:\n        return jobs.get(timeout=5)\n    except queue.Empty:\n"
                "        return None\n"
            ),
            Example(
                "import threading\nfrom collections.abc import Callable\n\n"
                "LOCK = threading.Lock()\n\n\n"
                "def run(work: Callable[[], None], done: threading.Event) -> bool:\n"
                "    worker = threading.Thread(target=work)\n"
                "    worker.start()\n    worker.join(10)\n    with LOCK:\n"
                "        pass\n    return done.wait(timeout=30) and LOCK.acquire(blocking=False)\n"
            ),
            Example(
                "import threading\n\nLOCK = threading.Lock()\nSEEN: set[str] = set()\n\n\n"
                "def remember(key: str) -> None:\n    if not LOCK.acquire(timeout=5):\n"
                '        raise TimeoutError("lock held for 5 s")\n'
                "    try:\n        SEEN.add(key)\n    finally:\n        LOCK.release()\n\n\n"
                "def forget(key: str) -> None:\n    LOCK.acquire()\n    try:\n"
                "        SEEN.discard(key)\n    finally:\n        LOCK.release()\n"
            ),
        ),
        references=("https://docs.python.org/3/library/queue.html#queue.Queue.get",),
    )
    TRIGGERS = ("get", "join", "wait", "acquire", "result", "put")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._managed: set[int] = set()  # acquire() calls released in a following `finally`

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._pair_acquires(node.body)

    def visit_Module(self, node: cst.Module) -> None:
        self._pair_acquires(node.body)

    def visit_Try(self, node: cst.Try) -> None:
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        if body:  # try: lock.acquire() ... finally: lock.release()
            self._manage(body[0], node)

    def _pair_acquires(self, body: Sequence[cst.BaseStatement]) -> None:
        """lock.acquire() directly followed by try: ... finally: lock.release()."""
        for statement, following in itertools.pairwise(body):
            if isinstance(following, cst.Try):
                self._manage(statement, following)

    def _manage(self, statement: cst.BaseStatement, attempt: cst.Try) -> None:
        call = _acquire_call(statement)
        if call is not None and attempt.finalbody is not None:
            receiver = code_of(call.func.value)  # type: ignore[attr-defined]
            if f"{receiver}.release()" in code_of(attempt.finalbody.body):
                self._managed.add(id(call))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or id(node) in self._managed:
            return
        name = self.context.qualified_name(func) or ""
        base, _, method = name.rpartition(".")
        kind = _kind(base)
        if kind is None or method not in _WAITS[kind]:
            return
        if node.args and kind != "queue":
            return  # join(5), wait(5), acquire(False), result(5): a timeout or non-blocking
        if kind == "queue":
            if method == "get" and (
                argument(node, "timeout", 1) is not None or self._nonblocking(node, 0)
            ):
                return
            if method == "put" and (
                argument(node, "timeout", 2) is not None
                or self._nonblocking(node, 1)
                or "Queue(" not in base
                or base.startswith("queue.SimpleQueue")
            ):
                return
        if kwargs_may_supply(node, "timeout"):
            return
        self.report(node, f"`{code_of(func)}()` can block forever; pass a timeout")

    def _nonblocking(self, node: cst.Call, position: int) -> bool:
        block = argument(node, "block", position)
        return block is not None and is_false(block.value)


def _acquire_call(statement: cst.BaseStatement) -> cst.Call | None:
    """The call of a statement that is only `x.acquire()`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    expression = statement.body[0]
    if not isinstance(expression, cst.Expr) or not isinstance(expression.value, cst.Call):
        return None
    call = expression.value
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "acquire" and not call.args:
        return call
    return None
