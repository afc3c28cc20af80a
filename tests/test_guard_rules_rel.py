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


# --- REL004 unmanaged-resource ------------------------------------------------------------

_RESOURCES = (
    "open",
    "io.open",
    "codecs.open",
    "socket.socket",
    "socket.create_connection",
    "tempfile.TemporaryFile",
    "tempfile.NamedTemporaryFile",
    "tempfile.SpooledTemporaryFile",
    "tempfile.TemporaryDirectory",
    "sqlite3.connect",
    "urllib.request.urlopen",
    "zipfile.ZipFile",
    "tarfile.open",
    "gzip.open",
    "bz2.open",
    "lzma.open",
)
REL004_SOURCE = (
    "".join(f"import {m}\n" for m in sorted({r.rpartition(".")[0] for r in _RESOURCES} - {""}))
    + "import json\n\n\ndef go(path: str, sink: object) -> object:\n"
    + "".join(f"    h{i} = {r}(path)  # bad\n    h{i}.read()\n" for i, r in enumerate(_RESOURCES))
    + """\
    plain = open(path)  # bad
    plain.close()
    read = open(path)  # bad
    json.load(read)
    shown = open(path)  # bad
    print(shown)
    other = io.StringIO(path)
    other.read()
    closed = open(path)
    try:
        closed.read()
    finally:
        closed.close()
    stopped = socket.socket()
    try:
        pass
    finally:
        stopped.shutdown(2)
    cleaned = tempfile.TemporaryDirectory()
    try:
        pass
    finally:
        cleaned.cleanup()
    detached = open(path)
    try:
        pass
    finally:
        detached.detach()
    given = open(path)
    sink.register(given)
    stored = open(path)
    sink.handle = stored
    entered = open(path)
    with entered:
        pass
    returned = open(path)
    paired = open(path)
    if path:
        return returned
    return path, paired


def gen(path: str) -> object:
    yielded = open(path)
    yield yielded


HELD = open("x")
"""
)


def test_rel004_flags_every_listed_resource_not_closed_returned_or_handed_on() -> None:
    assert lines(REL004_SOURCE, "REL004") == marked(REL004_SOURCE)


# --- REL011 exit-in-library ---------------------------------------------------------------

REL011_SOURCE = """\
import os
import sys


def fail() -> None:
    sys.exit(1)  # bad
    exit(1)  # bad
    quit()  # bad
    os._exit(1)  # bad
    os.abort()


def on_term(signum, frame) -> None:
    sys.exit(0)


def handler(sig, _frame) -> None:
    sys.exit(0)


def handle_sigint() -> None:
    sys.exit(0)


def reap(_, __) -> None:
    sys.exit(0)


def two_underscores(_, _stack) -> None:
    sys.exit(0)


def not_a_handler(signal_name, frames) -> None:
    sys.exit(0)  # bad


def daemonize() -> None:
    try:
        pid = os.fork()
    except OSError:
        sys.exit(1)  # bad
    if pid == 0:
        os._exit(0)


def pty_child() -> None:
    os.forkpty()
    sys.exit(0)
"""


def test_rel011_flags_each_exit_outside_entry_points_forks_and_signal_handlers() -> None:
    assert lines(REL011_SOURCE, "REL011", path="lib/util.py") == marked(REL011_SOURCE)
    assert found("import os\nos._exit(3)\n", "REL011", path="lib/util.py") == [
        (2, "`os._exit()` in library code ends the whole process; raise an exception instead")
    ]
    assert lines("import sys\nsys.exit(3)\n", "REL011", path="tests/test_cli.py") == []
    script = REL011_SOURCE + 'if __name__ == "__main__":\n    fail()\n'
    assert lines(script, "REL011", path="lib/util.py") == []
    assert lines(REL011_SOURCE, "REL011", path="lib/__main__.py") == []


# --- REL010 unchecked-subprocess ----------------------------------------------------------

REL010_SOURCE = """\
import subprocess


def go(cmd: list[str], opts: dict) -> object:
    subprocess.run(cmd)  # bad
    subprocess.run(cmd, check=True)
    subprocess.run(cmd, check=False)
    subprocess.run(cmd, **opts)
    subprocess.run(cmd, **{"text": True})  # bad
    done = subprocess.run(cmd)
    if done.returncode:
        pass
    checked = subprocess.run(cmd)
    checked.check_returncode()
    ignored = subprocess.run(cmd)  # bad
    print(ignored.stdout)
    passed = subprocess.run(cmd)
    log(passed)
    log(subprocess.run(cmd))
    subprocess.run(cmd).returncode
    subprocess.call(cmd)
    returned = subprocess.run(cmd)
    return returned
"""


def test_rel010_flags_a_run_whose_exit_status_nobody_reads() -> None:
    assert lines(REL010_SOURCE, "REL010") == marked(REL010_SOURCE)


# --- REL006 blocking-call-in-async --------------------------------------------------------

_BLOCKING = {
    "time.sleep": "await asyncio.sleep(...)",
    "subprocess.run": "await asyncio.create_subprocess_exec(...)",
    "subprocess.call": "await asyncio.create_subprocess_exec(...)",
    "subprocess.check_call": "await asyncio.create_subprocess_exec(...)",
    "subprocess.check_output": "await asyncio.create_subprocess_exec(...)",
    "os.system": "await asyncio.create_subprocess_exec(...)",
    "urllib.request.urlopen": "an async HTTP client (httpx.AsyncClient, aiohttp)",
    "input": "await asyncio.to_thread(input, ...)",
    "socket.create_connection": "await asyncio.open_connection(...)",
    "requests.get": "an async HTTP client (httpx.AsyncClient, aiohttp)",
    "requests.api.delete": "an async HTTP client (httpx.AsyncClient, aiohttp)",
    "requests.Session().post": "an async HTTP client (httpx.AsyncClient, aiohttp)",
    "requests.sessions.session().request": "an async HTTP client (httpx.AsyncClient, aiohttp)",
}
_REL006_HEAD = (
    "import os\nimport socket\nimport subprocess\nimport time\nimport urllib.request\n"
    "import requests\nimport requests.api\nimport requests.sessions\n\n\n"
)


def test_rel006_names_every_blocking_call_and_its_async_replacement() -> None:
    body = "".join(f"    {call}(x)\n" for call in _BLOCKING)
    source = _REL006_HEAD + "async def go(x):\n" + body
    first = _REL006_HEAD.count("\n") + 2
    assert found(source, "REL006") == [
        (first + i, f"`{call}()` blocks the event loop inside `async def`; use {instead}")
        for i, (call, instead) in enumerate(_BLOCKING.items())
    ]


def test_rel006_only_inside_async_def_and_open_only_with_check_file_io() -> None:
    source = _REL006_HEAD + (
        "def sync(x):\n    time.sleep(x)\n\n\n"
        "async def go(x):\n"
        "    open(x)\n"
        "    worker = lambda: time.sleep(x)\n"
        "    def inner():\n        time.sleep(x)\n"
        "    requests.Session().mount(x, None)\n"
        "    time.sleep(x)\n"
    )
    last = source.count("\n")
    assert lines(source, "REL006") == [last]
    opened = last - 5
    assert lines(source, "REL006", {"check-file-io": True}) == [opened, last]
    assert found(source, "REL006", {"check-file-io": True})[0][1] == (
        "`open()` blocks the event loop inside `async def`; use "
        "await asyncio.to_thread(...) or aiofiles"
    )


# --- REL012 dangling-task -----------------------------------------------------------------

REL012_SOURCE = """\
import asyncio

import uvloop
import worker


async def go(coro, loop: asyncio.AbstractEventLoop, tg, app) -> None:
    asyncio.create_task(coro)  # bad
    asyncio.ensure_future(coro)  # bad
    asyncio.get_event_loop().create_task(coro)  # bad
    asyncio.get_running_loop().create_task(coro)  # bad
    asyncio.new_event_loop().create_task(coro)  # bad
    loop.create_task(coro)  # bad
    worker.loop.create_task(coro)  # bad
    worker.loop_tools.runner.create_task(coro)
    uvloop.new_event_loop().create_task(coro)  # bad
    uvloop.new_event_loop().run_until_complete(coro)
    tg.create_task(coro)
    app.loop_factory().run(coro)
    task = asyncio.create_task(coro)
    await asyncio.ensure_future(coro)
    app.tasks.add(asyncio.create_task(coro))
    asyncio.gather(coro)
"""


def test_rel012_flags_each_discarded_task_factory() -> None:
    assert lines(REL012_SOURCE, "REL012") == marked(REL012_SOURCE)


# --- REL013 wait-without-timeout ----------------------------------------------------------

_QUEUES = ("queue.Queue", "queue.LifoQueue", "queue.PriorityQueue", "multiprocessing.Queue")
_QUEUES += ("multiprocessing.JoinableQueue", "multiprocessing.Manager().Queue")
_WAITERS = (
    ("threading.Thread", "join"),
    ("multiprocessing.Process", "join"),
    ("threading.Timer", "join"),
    ("threading.Event", "wait"),
    ("multiprocessing.Event", "wait"),
    ("threading.Barrier", "wait"),
    ("threading.Lock", "acquire"),
    ("threading.RLock", "acquire"),
    ("threading.Semaphore", "acquire"),
    ("threading.BoundedSemaphore", "acquire"),
    ("threading.Condition", "acquire"),
    ("threading.Condition", "wait"),
    ("multiprocessing.Lock", "acquire"),
    ("concurrent.futures.Future", "result"),
    ("concurrent.futures.Future", "exception"),
    ("concurrent.futures.ThreadPoolExecutor().submit", "result"),
)
REL013_SOURCE = (
    "import concurrent.futures\nimport multiprocessing\nimport queue\nimport threading\n\n\n"
    "def go(item, opts):\n"
    + "".join(
        f"    {q}().get()  # bad\n    {q}().get(True, 5)\n    {q}().get(timeout=5)\n"
        f"    {q}().get(False)\n    {q}().get(block=False)\n    {q}().get(True)  # bad\n"
        f"    {q}().put(item)  # bad\n    {q}().put(item, True, 5)\n    {q}().put(item, False)\n"
        f"    {q}().put(item, True)  # bad\n"
        for q in _QUEUES
    )
    + "    queue.SimpleQueue().get()  # bad\n    queue.SimpleQueue().put(item)\n"
    + "".join(f"    {t}().{m}()  # bad\n    {t}().{m}(5)\n" for t, m in _WAITERS)
    + """\
    threading.Thread().start()
    threading.Event().set()
    threading.Lock().acquire(**opts)
    lock = threading.Lock()
    lock.acquire()
    try:
        pass
    finally:
        lock.release()
    other = threading.Lock()
    other.acquire()  # bad
    try:
        pass
    finally:
        lock.release()
    try:
        lock.acquire()
        pass
    finally:
        lock.release()
    lock.acquire()  # bad
    cond = threading.Condition()
    cond.wait()  # bad
    try:
        pass
    finally:
        cond.release()
    item.get()
"""
)


def test_rel013_flags_every_listed_wait_without_a_timeout() -> None:
    assert lines(REL013_SOURCE, "REL013") == marked(REL013_SOURCE)
    source = "import queue\nqueue.Queue().get()\n"
    assert found(source, "REL013") == [
        (2, "`queue.Queue().get()` can block forever; pass a timeout")
    ]


# --- REL005 naive-datetime and REL008 finally-swallows (Ruff-backed) ----------------------

REL005_SOURCE = """\
import datetime
from datetime import timezone


def go(ts: float) -> None:
    datetime.datetime.today()  # bad
    datetime.datetime.utcnow()  # bad
    datetime.datetime.utcfromtimestamp(ts)  # bad
    datetime.datetime.now()  # bad
    datetime.datetime.fromtimestamp(ts)  # bad
    datetime.datetime.now(timezone.utc)
    datetime.datetime.fromtimestamp(ts, tz=timezone.utc)
    datetime.date.fromisoformat("2020-01-01")
"""


def test_rel005_maps_each_listed_ruff_datetime_code() -> None:
    assert lines(REL005_SOURCE, "REL005") == marked(REL005_SOURCE)


REL008_SOURCE = """\
def go(jobs: list) -> int:
    for job in jobs:
        try:
            job.run()
        finally:
            continue  # bad
    for job in jobs:
        try:
            job.run()
        finally:
            break  # bad
    try:
        return 1
    finally:
        return 2  # bad


def fine(jobs: list) -> int:
    try:
        pass
    finally:
        for job in jobs:
            continue
    return 0
"""


def test_rel008_flags_return_break_and_continue_in_finally() -> None:
    assert lines(REL008_SOURCE, "REL008") == marked(REL008_SOURCE)


# --- OBS005 swallowed-exception: the ignorable (signal, not failure) exceptions ------------

_IGNORABLE = [
    "KeyError",
    "IndexError",
    "LookupError",
    "AttributeError",
    "ImportError",
    "ModuleNotFoundError",
    "FileNotFoundError",
    "FileExistsError",
    "ProcessLookupError",
    "ChildProcessError",
    "StopIteration",
    "StopAsyncIteration",
    "GeneratorExit",
    "GreenletExit",
    "KeyboardInterrupt",
    "SystemExit",
    "asyncio.CancelledError",
    "queue.Empty",
    "anyio.EndOfStream",
    "NoReverseMatch",
    "User.DoesNotExist",
    "PageNotFound",
    "errors.RecordNotFoundError",
    "NoMatchFound",
    "BucketAlreadyExists",
]


def test_obs005_typed_handler_may_swallow_only_the_ignorable_exceptions() -> None:
    handlers = "".join(
        f"    try:\n        work()\n    except {name}:\n        pass\n" for name in _IGNORABLE
    )
    source = (
        "def go(work, sock):\n"
        + handlers
        + (
            "    try:\n        work()\n    except ValueError:  # bad\n        pass\n"
            "    try:\n        work()\n    except (KeyError, ValueError):  # bad\n        pass\n"
            "    try:\n        sock.recv(timeout=1)\n    except socket.timeout:\n        pass\n"
            "    try:\n        sock.recv()\n    except socket.timeout:  # bad\n        pass\n"
            "    try:\n        sock.recv(timeout=1)\n    except ReadTimeoutError:\n        pass\n"
        )
    )
    assert lines(source, "OBS005") == marked(source)  # typed handlers are checked by default
    assert lines(source, "OBS005", {"check-typed-exception": False}) == []


# --- REL003 mutable-default-argument ------------------------------------------------------

_MUTABLE_DEFAULTS = ("[]", "{}", "{1}", "[i for i in 'ab']", "{i: i for i in 'ab'}")
_MUTABLE_DEFAULTS += ("{i for i in 'ab'}", "list()", "dict()", "set()", "bytearray()")
_MUTABLE_DEFAULTS += ("collections.defaultdict(list)", "collections.OrderedDict()")
_MUTABLE_DEFAULTS += ("collections.Counter()", "collections.deque()", "collections.ChainMap()")


def test_rel003_flags_every_mutable_default_that_the_function_changes() -> None:
    source = "import collections\n\n\n" + "".join(
        f"def f{i}(x={default}):  # bad\n    x.clear()\n\n\n"
        for i, default in enumerate(_MUTABLE_DEFAULTS)
    )
    source += (
        "def g(x=(), y=frozenset(), z=None, w='', v=mylib.Registry()):\n    v.clear()\n\n\n"
        "def read(x={}):\n    return x.get('k')\n\n\n"
        "def positional(a=[], /, *, b={}):  # bad\n    a.append(b)\n    b['k'] = a\n\n\n"
        "handler = lambda x=[]: x.append(1)  # bad\n"
    )
    assert lines(source, "REL003") == sorted([*marked(source), marked(source)[-2]])
    extended = lines(source, "REL003", {"extend-mutable-calls": ["mylib.Registry"]})
    assert len(extended) == len(lines(source, "REL003")) + 1


# --- REL009 assert-for-validation ---------------------------------------------------------

REL009_SOURCE = """\
import os
import sys
from os import getenv
from sys import argv as arguments


class Account:
    def withdraw(self, amount, *rest, limit=1, **extra):
        assert amount > 0  # bad
        assert rest  # bad
        assert limit  # bad
        assert extra  # bad
        assert self.balance > 0
        assert isinstance(amount, int)

    @classmethod
    def make(cls, mcs, metacls):
        assert cls
        assert mcs
        assert metacls


def go(value, /):
    assert value  # bad
    assert os.environ["HOME"]  # bad
    assert os.getenv("HOME")  # bad
    assert sys.argv[1:]  # bad
    assert input()  # bad
    assert getenv("HOME")  # bad
    assert arguments  # bad
    assert issubclass(value, int)
    total = 1
    assert total > 0


assert os.environ  # bad
"""


def test_rel009_flags_asserts_on_parameters_and_outside_data_only() -> None:
    assert lines(REL009_SOURCE, "REL009") == marked(REL009_SOURCE)
    assert found("assert input()\n", "REL009") == [
        (
            1,
            "`assert input()` validates `input`, and `python -O` removes it; raise a "
            "specific exception instead",
        )
    ]
    assert found("import sys\nassert sys.argv\n", "REL009") == [
        (
            2,
            "`assert sys.argv` validates `sys.argv`, and `python -O` removes it; raise a "
            "specific exception instead",
        )
    ]


# --- REL002 bare-except -------------------------------------------------------------------

REL002_SOURCE = """\
def go(work, log):
    try:
        work()
    except:  # bad
        log.exception("failed")
    try:
        work()
    except:
        log.exception("failed")
        raise
    try:
        work()
    except:  # bad
        raise RuntimeError("wrapped")
    try:
        work()
    except:  # bad
        if log:
            raise
    try:
        work()
    except: raise
    try:
        work()
    except Exception:
        pass
"""


def test_rel002_flags_a_bare_except_unless_it_ends_by_re_raising() -> None:
    assert lines(REL002_SOURCE, "REL002") == marked(REL002_SOURCE)


# --- REL007 retry-without-backoff ---------------------------------------------------------


def _retry(name: str, handler: str, attempt: str = "client.fetch()", before: str = "") -> str:
    """A `while True` retry loop whose except handler runs `handler`."""
    return (
        f"def {name}(client, deadline):\n    while True:\n{before}"
        f"        try:\n            return {attempt}\n"
        f"        except OSError:\n            {handler}\n\n\n"
    )


_PACING = ("sleep", "wait", "backoff", "retry", "expo", "pause", "throttle")
_CLOCK_CALLS = ("time.time", "time.monotonic", "time.perf_counter", "time.monotonic_ns")
_CONSUMING = ("pop", "popleft", "popitem", "__next__")


def test_rel007_any_pacing_word_clock_bound_or_consumed_input_makes_a_retry_loop_fine() -> None:
    source = "import time\n\n\n" + _retry("bare", "client.log('again')")
    source += "".join(_retry(f"paced_{w}", f"client.{w}_a_bit(1)") for w in _PACING)
    source += _retry("decorated", "client.on_exception()")
    source += "".join(
        _retry(
            f"clocked_{i}",
            "if now > deadline:\n                raise",
            before=f"        now = {clock}()\n",
        )
        for i, clock in enumerate(_CLOCK_CALLS)
    )
    source += "".join(
        _retry(f"consuming_{c}", "client.log('next')", attempt=f"client.jobs.{c}()")
        for c in _CONSUMING
    )
    assert lines(source, "REL007") == [5]


# --- OBS004 root-or-named-logger and OBS008 wall-clock-duration ---------------------------

_ROOT_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal")


def test_obs004_flags_each_root_logging_call_and_each_non_module_logger_name() -> None:
    source = "import logging\n\n" + "".join(
        f"logging.{m}('x')  # bad\n" for m in (*_ROOT_METHODS, "log")
    )
    source += (
        "a = logging.getLogger()  # bad\n"
        "b = logging.getLogger('payments')  # bad\n"
        "c = logging.getLogger(__name__)\n"
        "d = logging.getLogger('acme')\n"
        "e = logging.getLogger('acme.billing.invoices')\n"
        "f = logging.getLogger('acme.bill')  # bad\n"
        "logging.getLogger('audit').info('x')  # bad\n"
        "\n\nclass Service:\n    log = logging.getLogger()  # bad\n"
        "\n\ndef go():\n    local = logging.getLogger('x')\n    return local\n"
    )
    assert lines(source, "OBS004", path="acme/billing/invoices.py") == marked(source)


def test_obs008_flags_only_a_difference_of_two_wall_clock_readings() -> None:
    source = (
        "import time\nfrom time import time as now\n\n"
        "started = time.time()\n"
        "print(time.time() - started)  # bad\n"
        "print(now() - started)  # bad\n"
        "print(time.time() + started)\n"
        "print(time.monotonic() - time.time())\n"
        "print(started - 5)\n"
    )
    assert lines(source, "OBS008") == marked(source)


# --- OBS003 error-log-without-traceback ---------------------------------------------------

_KEEPS_TRACEBACK = (
    "traceback.format_exc()",
    "traceback.print_exc()",
    "traceback.format_exception(err)",
    "traceback.print_exception(err)",
    "sys.exit(1)",
    "os._exit(1)",
    "exit(1)",
    "quit()",
    "raise",
    "raise err",
    "raise RuntimeError('x') from err",
    "raise RuntimeError('x') from None",
    "log.exception('again')",
    "log.warning('x', exc_info=True)",
    "log.warning('x', exc_info=err)",
)
_LOSES_TRACEBACK = (
    "log.warning('x', exc_info=False)",
    "log.warning('x', exc_info=None)",
    "raise RuntimeError('x')",
    "print('x')",
)


def test_obs003_each_way_of_keeping_the_traceback_excuses_an_error_log() -> None:
    source = "import logging\nimport os\nimport sys\nimport traceback\n\n"
    source += "log = logging.getLogger(__name__)\n\n\ndef go(work):\n"
    for then, mark in [(k, "") for k in _KEEPS_TRACEBACK] + [
        (k, "  # bad") for k in _LOSES_TRACEBACK
    ]:
        source += (
            "    try:\n        work()\n    except OSError as err:\n"
            f"        log.error('failed: %s', err){mark}\n        {then}\n"
        )
    assert lines(source, "OBS003") == marked(source)
    assert found(source, "OBS003")[0][1] == (
        "`log.error()` inside `except` logs the failure without its traceback"
    )
