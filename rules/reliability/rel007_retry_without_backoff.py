"""REL007 retry-without-backoff: a `while True` that retries a failing call at once, forever.

A loop is a retry when a `try` whose success leaves the loop has a handler
that goes round again with the same input. It is not reported when the loop
waits (any sleep, wait or backoff helper, however named), is bounded (an
attempt counter or a clock compared in the loop, with a branch that leaves
it), or changes what the `try` works on each pass (the handler or the loop
reassigns what the `try` reads, or the `try` consumes an iterator or a
collection): that is processing a sequence, not retrying.
"""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import code_of, is_true
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

_WAIT_WORDS = frozenset({"sleep", "wait", "backoff", "retry", "expo", "pause", "throttle"})
_CLOCKS = frozenset({"time.time", "time.monotonic", "time.perf_counter", "time.monotonic_ns"})
_CONSUMERS = frozenset({"pop", "popleft", "popitem", "__next__"})
_ORDERING = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)


def _waits(name: str) -> bool:
    """`time.sleep`, `asyncio.sleep`, `self._sleep`, `backoff_delay`, `wait_exponential` ..."""
    last = name.rpartition(".")[2].strip("_").lower()
    return last == "on_exception" or any(word in _WAIT_WORDS for word in last.split("_"))


class _Names(cst.CSTVisitor):
    """What an expression or block reads: names and dotted paths (`x`, `self`, `self.cursor`)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.found.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.found.add(code_of(node))
        walk(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)
        return False


def _names(node: cst.CSTNode) -> set[str]:
    collector = _Names()
    walk(node, collector)
    return collector.found


def _changed(target: cst.BaseExpression) -> str | None:
    """What an assignment changes: `x`, `self.cursor`; the container for `x[...] = ...`."""
    while isinstance(target, cst.Subscript):
        target = target.value
    if isinstance(target, (cst.Name, cst.Attribute)):
        return code_of(target)
    return None


class _Assigned(cst.CSTVisitor):
    """Names and attributes (re)bound in a block, and those counted (`n += 1`)."""

    def __init__(self) -> None:
        super().__init__()
        self.bound: set[str] = set()
        self.counted: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        for target in (
            [e.value for e in node.target.elements]
            if isinstance(node.target, (cst.Tuple, cst.List))
            else [node.target]
        ):
            name = _changed(target)
            if name is not None:
                self.bound.add(name)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        name = _changed(node.target)
        if name is not None:
            self.bound.add(name)
            if not isinstance(node.target, cst.Subscript):
                self.counted.add(name)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = _changed(node.target)
        if name is not None and node.value is not None:
            self.bound.add(name)


def _assigned(node: cst.CSTNode) -> _Assigned:
    found = _Assigned()
    walk(node, found)
    return found


class _RetryScan(cst.CSTVisitor):
    """Inside one `while` loop (not nested loops or functions): retries, waits and bounds."""

    def __init__(self, context: RuleContext, loop: cst.While) -> None:
        super().__init__()
        self.context = context
        self.loop = loop
        self.retries = False
        self.waits = False
        self.bounded = False
        self.assigned = _assigned(loop.body)
        self.clocks = self._clock_names(loop.body)

    def _clock_names(self, body: cst.BaseSuite) -> set[str]:
        """Names assigned from a clock in the loop: `now = time.monotonic()`."""
        names: set[str] = set()
        for statement in body.body if isinstance(body, cst.IndentedBlock) else ():
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if (
                        isinstance(small, cst.Assign)
                        and isinstance(small.value, cst.Call)
                        and self.context.qualified_name(small.value.func) in _CLOCKS
                    ):
                        for target in small.targets:
                            names |= _names(target.target)
        return names

    def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
        return False

    def visit_While(self, inner: cst.While) -> bool:
        return inner is self.loop

    def visit_For(self, inner: cst.For) -> bool:
        return False

    def visit_Try(self, attempt: cst.Try) -> None:
        # A retry: success leaves the loop, failure goes round again with the same input.
        if not _exits(attempt.body):
            return
        again = [h for h in attempt.handlers if not _leaves_loop(h.body)]
        if again and not self._advances(attempt, again):
            self.retries = True

    def _advances(self, attempt: cst.Try, handlers: list[cst.ExceptHandler]) -> bool:
        """Whether each pass works on something new: the try consumes, or its input changes."""
        if self._consumes(attempt.body):
            return True
        read = _names(attempt.body)
        changed = set().union(*(_assigned(h.body).bound for h in handlers))
        outside = _assigned(self.loop.body).bound - _assigned(attempt).bound
        return bool(read & (changed | outside))

    def _consumes(self, body: cst.BaseSuite) -> bool:
        consumer = _Consumer(self.context)
        walk(body, consumer)
        return consumer.found

    def visit_If(self, node: cst.If) -> None:
        if self._is_bound(node.test) and (_leaves_loop(node.body) or _else_leaves(node)):
            self.bounded = True

    def _is_bound(self, test: cst.BaseExpression) -> bool:
        """An ordering comparison on an attempt counter or a clock."""
        comparisons = _Comparisons()
        walk(test, comparisons)
        for comparison in comparisons.found:
            names = _names(comparison)
            if names & (self.assigned.counted | self.clocks):
                return True
            clock = _ClockCall(self.context)
            walk(comparison, clock)
            if clock.found:
                return True
        return False

    def visit_Call(self, call: cst.Call) -> None:
        name = self.context.qualified_name(call.func) or code_of(call.func)
        if _waits(name):
            self.waits = True


class _Comparisons(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.Comparison] = []

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if any(isinstance(c.operator, _ORDERING) for c in node.comparisons):
            self.found.append(node)


class _ClockCall(cst.CSTVisitor):
    def __init__(self, context: RuleContext) -> None:
        super().__init__()
        self.context = context
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.qualified_name(node.func) in _CLOCKS:
            self.found = True


class _Consumer(cst.CSTVisitor):
    """`next(it)`, `items.pop()`, `queue.popleft()`: each pass takes the next item."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__()
        self.context = context
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.context.qualified_name(func) == "builtins.next" or (
            isinstance(func, cst.Attribute) and func.attr.value in _CONSUMERS
        ):
            self.found = True


class RetryWithoutBackoff(CstRule):
    META = RuleMeta(
        id="REL007",
        name="retry-without-backoff",
        category="reliability",
        severity="warning",
        summary="A `while True` loop catches an error and tries the same thing again at once: "
        "no sleep or backoff, no attempt counter or deadline.",
        why="When the dependency is down, the loop retries as fast as it can forever: it burns "
        "CPU, floods logs and hammers the failing service so it cannot recover.",
        instead="Bound the attempts and back off: `time.sleep(min(30, 2 ** attempt))`.",
        remediation="Bound the attempts and back off exponentially: `for attempt in range(5):` "
        "… `time.sleep(min(30, 2 ** attempt))`, or use `tenacity` "
        "(`@retry(stop=stop_after_attempt(5), wait=wait_exponential())`). A counter "
        "(`if attempts >= limit: raise`) or a deadline (`if time.monotonic() > deadline: "
        "raise`) bounds the loop; any sleep, wait or backoff helper paces it.",
        bad=(
            Example(
                "def connect(factory):\n    while True:  # bad\n        try:\n"
                "            return factory()\n        except ConnectionError:\n"
                "            continue\n"
            ),
            Example(
                "def fetch(client, url: str) -> bytes:\n    while True:  # bad\n        try:\n"
                "            body = client.get(url)\n            break\n"
                "        except TimeoutError:\n            pass\n    return body\n"
            ),
        ),
        good=(
            Example(
                "import socket\nimport time\nfrom collections.abc import Callable\n\n\n"
                "def connect(factory: Callable[[], socket.socket]) -> socket.socket:\n"
                "    for attempt in range(5):\n"
                "        try:\n            return factory()\n        except ConnectionError:\n"
                "            time.sleep(min(30, 2**attempt))\n"
                '    raise ConnectionError("gave up after 5 attempts")\n'
            ),
            Example(
                "import queue\nimport time\nfrom collections.abc import Callable\n\n\n"
                "def worker(jobs: queue.Queue[str], handle: Callable[[str], None]) -> None:\n"
                "    while True:\n"
                "        try:\n            handle(jobs.get(timeout=5))\n"
                "        except queue.Empty:\n            time.sleep(1)\n"
            ),
            Example(
                "import time\nfrom collections.abc import Callable\n\n\n"
                "def call(operation: Callable[[], bytes], limit: float = 30.0) -> bytes:\n"
                "    deadline = time.monotonic() + limit\n    attempts = 0\n    while True:\n"
                "        try:\n            return operation()\n        except TimeoutError:\n"
                "            attempts += 1\n"
                "            if attempts >= 5 or time.monotonic() > deadline:\n"
                "                raise\n\n\n"
                "def shrink(groups: list[int], apply: Callable[[list[int]], None]) -> None:\n"
                "    while True:\n        try:\n            return apply(groups)\n"
                "        except ValueError:\n            if len(groups) <= 1:\n"
                "                raise\n            groups = groups[:-1]\n"
            ),
        ),
        references=(
            "https://tenacity.readthedocs.io/",
            "https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/",
        ),
    )
    TRIGGERS = ("while",)

    def visit_While(self, node: cst.While) -> None:
        if not is_true(node.test):
            return  # a loop condition is an attempt bound
        scan = _RetryScan(self.context, node)
        walk(node, scan)
        if scan.retries and not (scan.waits or scan.bounded):
            self.report(
                node,
                "`while True` retries after an error immediately and forever; "
                "bound the attempts and back off",
            )


class _ExitFinder(cst.CSTVisitor):
    """Finds a `return` or `break` outside nested loops and functions."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's return leaves only that function

    def visit_For(self, node: cst.For) -> bool:
        return False

    def visit_While(self, node: cst.While) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        self.found = True

    def visit_Break(self, node: cst.Break) -> None:
        self.found = True


def _exits(body: cst.BaseSuite) -> bool:
    """Whether a block contains a `return` or `break` (outside nested loops and functions)."""
    finder = _ExitFinder()
    walk(body, finder)
    return finder.found


def _leaves_loop(body: cst.BaseSuite) -> bool:
    """Whether a block ends the loop (break/return/raise) on its own."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    for statement in statements:
        smalls = (
            statement.body
            if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite))
            else []
        )
        if any(isinstance(s, (cst.Break, cst.Return, cst.Raise)) for s in smalls):
            return True
    return False


def _else_leaves(node: cst.If) -> bool:
    """Whether the `else` (or an `elif` chain's) branch of an `if` leaves the loop."""
    orelse = node.orelse
    if isinstance(orelse, cst.Else):
        return _leaves_loop(orelse.body)
    if isinstance(orelse, cst.If):
        return _leaves_loop(orelse.body) or _else_leaves(orelse)
    return False
