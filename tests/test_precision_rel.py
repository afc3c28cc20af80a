"""False-positive classes of the reliability rules (and ARC005), each beside its true twin.

Every case runs the real engine and asserts exact (id, line) pairs: the
class of code that is fine stays silent, the obvious real variant of what
the rule names is still reported.
"""

from __future__ import annotations

import pytest

from guardrails.testing import assert_findings, run, run_many

CASES = {
    "rel007-backoff-helpers-however-named": (
        """\
        import asyncio
        from app.retry import backoff

        class Client:
            def call(self, operation):
                delay = 0.1
                while True:
                    try:
                        return operation()
                    except ConnectionError:
                        self._sleep(delay)
                        delay *= 2

            async def poll(self, operation):
                while True:
                    try:
                        return await operation()
                    except TimeoutError:
                        await asyncio.sleep(1)

            def again(self, operation, attempt):
                while True:
                    try:
                        return operation()
                    except OSError:
                        backoff(attempt)

            def hammer(self, operation):
                while True:
                    try:
                        return operation()
                    except ConnectionError:
                        self.log_failure()
        """,
        {("REL007", 29)},
    ),
    "rel007-counters-and-deadlines-bound-the-loop": (
        """\
        import time

        def counted(operation, limit):
            retries = 0
            while True:
                try:
                    return operation()
                except OSError:
                    if retries < limit:
                        retries += 1
                    else:
                        raise

        def deadline(sock, timeout):
            start = time.time()
            while True:
                try:
                    return sock.recv(128)
                except TimeoutError:
                    pass
                now = time.time()
                if now - start >= timeout:
                    raise TimeoutError()

        def counted_but_unbounded(operation):
            failures = 0
            while True:
                try:
                    return operation()
                except OSError:
                    failures += 1
        """,
        {("REL007", 27)},
    ),
    "rel007-a-loop-that-advances-is-not-a-retry": (
        """\
        def shrink(groups, apply):
            while True:
                try:
                    return apply(groups)
                except ValueError:
                    if len(groups) <= 1:
                        raise
                    groups[:] = groups[:-1]

        def read_more(parse, read, buf):
            data = bytes(buf)
            while True:
                try:
                    result = parse(data)
                    break
                except EOFError:
                    read(buf)
                    data = bytes(buf)
            return result

        def first_valid(items, handle):
            while True:
                try:
                    return handle(items.pop())
                except ValueError:
                    continue

        def same_input(handle, item):
            while True:
                try:
                    return handle(item)
                except ValueError:
                    continue
        """,
        {("REL007", 29)},
    ),
    "rel009-narrowing-and-invariants-are-not-validation": (
        """\
        import os

        def render(node, options, registry):
            assert isinstance(node, dict)
            assert options is not None and not isinstance(options, list)
            names = sorted(registry)
            assert len(names) == len(set(names))
            if node:
                return names
            assert False, "unreachable"

        class Box:
            def put(self, item):
                assert self.item is None
                self.item = item

        def mount(prefix, limit):
            assert prefix.startswith("/"), "prefix must start with /"
            assert limit > 0
            assert os.environ["HOME"]
        """,
        {("REL009", 18), ("REL009", 19), ("REL009", 20)},
    ),
    "rel010-checked-or-handed-on-results": (
        """\
        import subprocess

        def status(args):
            p = subprocess.run(args, capture_output=True)
            return p.stdout, p.returncode

        def run(args):
            return subprocess.run(args, capture_output=True)

        def report(args, sink):
            sink(subprocess.run(args, capture_output=True))

        def available(args):
            process = subprocess.run(args)
            if process.returncode:
                return False
            return True

        def output(args):
            p = subprocess.run(args, capture_output=True)
            return p.stdout

        def fire(args):
            subprocess.run(args)
        """,
        {("REL010", 20), ("REL010", 24)},
    ),
    "rel011-forked-children-and-signal-handlers": (
        """\
        import os
        import sys

        def daemonize():
            if os.fork():
                os._exit(0)
            os.setsid()

        def spawn(work):
            pid = os.fork()
            if pid != 0:
                return pid
            try:
                work()
                sys.exit(0)
            except Exception:
                os._exit(1)

        class Worker:
            def handle_quit(self, sig, frame):
                sys.exit(0)

            def handle_abort_signal(self):
                sys.exit(1)

        def on_crash():
            os._exit(1)

        def stop(code, frame_count):
            sys.exit(code)

        def detach():
            try:
                if os.fork() > 0:
                    return
            except OSError:
                os._exit(1)
            os.setsid()
            try:
                if os.fork() > 0:
                    os._exit(0)
            except OSError:
                os._exit(1)
        """,
        {("REL011", 27), ("REL011", 30), ("REL011", 37)},
    ),
    "rel013-acquire-released-in-finally-is-managed": (
        """\
        import threading

        class Pipe:
            def __init__(self):
                self.lock = threading.Lock()
                self.other = threading.Lock()
                self.items = []

            def feed(self, item):
                self.lock.acquire()
                try:
                    self.items.append(item)
                finally:
                    self.lock.release()

            def drain(self):
                try:
                    self.lock.acquire()
                    return list(self.items)
                finally:
                    self.lock.release()

            def leak(self, item):
                self.lock.acquire()
                self.items.append(item)
                self.lock.release()

            def wrong_lock(self, item):
                self.lock.acquire()
                try:
                    self.items.append(item)
                finally:
                    self.other.release()
        """,
        {("REL013", 24), ("REL013", 29)},
    ),
    "arc005-writing-the-environment-is-not-reading-config": (
        """\
        import os

        def prepare_child(settings, name, value):
            os.environ["DJANGO_SETTINGS_MODULE"] = settings
            os.environ[name] += ":/opt/bin"
            del os.environ["NOTIFY_SOCKET"]
            os.environ.setdefault("LANG", "C")
            os.environ.update(PYTHONUNBUFFERED="1")
            os.environ.pop("LISTEN_PID", None)
            os.putenv("TERM", "dumb")
            os.unsetenv("COLUMNS")
            return os.environ.copy()

        def debug():
            return os.environ.get("APP_DEBUG") == "1"
        """,
        {("ARC005", 15)},
    ),
    "rel003-defaults-only-read": (
        """\
        def label(key, names={}, seen=[]):
            if key in seen or not names:
                return key
            return names.get(key, key).upper() + str(len(seen))

        def render(ctx={}, *, parts=[]):
            for part in parts:
                logger.debug("part %s of %r", part, ctx)
            if not parts:
                parts = ["."]
            env.update(ctx)
            self.ctx = build(ctx=1, parts=2)
            return ",".join(parts) + str(sorted(ctx.items()))

        def add(item, items=[]):
            items.append(item)

        def tally(counts={}):
            return counts

        def remember(self, cache={}):
            self.cache = cache

        def fill(value, out={}):
            out["k"] = value

        def grow(extra, acc=[]):
            acc += extra

        def forget(key, known={}):
            del known[key]

        def hand_off(rows=[]):
            process(rows)

        def keep(rows=[]):
            KEPT.append(rows)

        def alias(rows=[]):
            mine = rows
            mine.append(1)
        """,
        {("REL003", line) for line in (15, 18, 21, 24, 27, 30, 33, 36, 39)},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_false_positive_class_and_true_twin(name: str) -> None:
    source, expected = CASES[name]
    rule = name.split("-", 1)[0].upper()
    assert_findings(source, expected, path="app/service.py", select=[rule])


ENV_READ = 'import os\n\nDEBUG = os.environ.get("APP_DEBUG") == "1"\n'


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app/db_config.py", set()),
        ("app/settings_prod.py", set()),
        ("app/conf/base.py", set()),
        ("configuration.py", set()),
        ("app/cli.py", set()),
        ("app/db.py", {("ARC005", 3)}),
        ("app/reconfigure.py", {("ARC005", 3)}),
    ],
)
def test_arc005_config_modules_and_entry_points_are_the_boundary(path, expected) -> None:
    assert_findings(ENV_READ, expected, path=path, select=["ARC005"])


PROGRAM = 'import sys\n\n\ndef main():\n    print("usage")\n    sys.exit(2)\n'


@pytest.mark.parametrize(
    "metadata",
    [
        ("pyproject.toml", '[project]\nname = "tool"\n[project.scripts]\ntool = "app.tool:main"\n'),
        (
            "pyproject.toml",
            '[project]\nname = "t"\n[project.gui-scripts]\ntool = "app.tool:main"\n',
        ),
        ("tool-1.0.dist-info/entry_points.txt", "[console_scripts]\ntool = app.tool:main\n"),
        ("tool-1.0.dist-info/entry_points.txt", "[celery.commands]\ntool = app.tool:main\n"),
    ],
)
def test_declared_scripts_are_entry_modules(metadata) -> None:
    """OBS001 and REL011 share one idea of an entry module, read from the project."""
    where, text = metadata
    found = run_many(
        {where: text, "app/tool.py": PROGRAM, "app/lib.py": PROGRAM},
        select=["OBS001", "REL011"],
    )
    assert sorted((v.rule_id, v.line) for v in found["app/tool.py"]) == []
    assert sorted((v.rule_id, v.line) for v in found["app/lib.py"]) == [
        ("OBS001", 5),
        ("REL011", 6),
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app/_main.py", set()),
        ("app/bin/serve.py", set()),
        ("app/management/commands/sync.py", set()),
        ("app/helpers.py", {("OBS001", 5), ("REL011", 6)}),
    ],
)
def test_entry_module_globs(path, expected) -> None:
    assert_findings(PROGRAM, expected, path=path, select=["OBS001", "REL011"])


def test_rel009_message_is_its_own() -> None:
    (finding,) = run("def pay(amount):\n    assert amount > 0\n", select=["REL009"])
    assert "the parameter `amount`" in finding.message
    assert "python -O" in finding.message
    assert "S101" not in finding.message and "Use of `assert`" not in finding.message


def test_rel002_bare_except_that_reraises_lets_everything_through() -> None:
    source = """\
        def close(conn, log):
            try:
                conn.close()
            except:
                log.exception("close failed")
                raise
            try:
                conn.flush()
            except: raise
            try:
                conn.sync()
            except:
                if conn.open:
                    raise
            try:
                conn.reset()
            except:
                log.exception("reset failed")
        """
    assert_findings(source, {("REL002", 12), ("REL002", 17)}, select=["REL002"])


def test_arc005_platform_variables_are_not_settings() -> None:
    source = """\
        import os
        from os import getenv

        def surroundings():
            path = os.environ.get("PATH", "").split(os.pathsep)
            home = os.environ["HOME"]
            agent = "SSH_AUTH_SOCK" in os.environ
            fds = int(os.getenv("LISTEN_FDS", "0"))
            term = getenv("TERM")
            return path, home, agent, fds, term

        def settings():
            return os.environ.get("DATABASE_URL"), getenv("APP_MODE"), "APP_DEBUG" in os.environ
        """
    assert_findings(source, {("ARC005", 13)}, path="app/service.py", select=["ARC005"])


def test_arc005_saving_a_variable_to_restore_it_is_not_reading_config() -> None:
    source = """\
        import contextlib
        import os

        @contextlib.contextmanager
        def set_environ(name, value):
            old = os.environ.get(name)
            os.environ[name] = value
            try:
                yield
            finally:
                if old is None:
                    del os.environ[name]
                else:
                    os.environ[name] = old

        def mode(name):
            return os.environ.get(name)
        """
    assert_findings(source, {("ARC005", 17)}, path="app/service.py", select=["ARC005"])


def test_rel007_state_on_self_is_a_bound_or_an_advance_only_when_the_try_reads_it() -> None:
    source = """\
        class Reader:
            def next_page(self):
                while True:
                    try:
                        return self.fetch(self.cursor)
                    except LookupError:
                        self.cursor += 1

            def counted(self):
                while True:
                    try:
                        return self.connect()
                    except OSError:
                        self.retries += 1
                        if self.retries > 5:
                            raise

            def hammer(self):
                while True:
                    try:
                        return self.connect()
                    except OSError:
                        self.failures += 1
        """
    assert_findings(source, {("REL007", 19)}, path="app/service.py", select=["REL007"])


def test_rel009_is_none_demands_a_value_it_does_not_narrow() -> None:
    source = """\
        def annotate(field_info, default):
            assert field_info is None, "cannot combine annotations"
            assert default is not None
            return default
        """
    assert_findings(source, {("REL009", 2)}, path="app/service.py", select=["REL009"])


def test_rel006_file_io_only_with_its_option() -> None:
    source = """\
        import time

        async def handler(path):
            with open(path) as handle:
                script = handle.read()
            time.sleep(1)
            return script
        """
    assert_findings(source, {("REL006", 6)}, select=["REL006"])
    assert_findings(
        source,
        {("REL006", 4), ("REL006", 6)},
        select=["REL006"],
        options={"REL006": {"check-file-io": True}},
    )


def test_rel001_leaves_test_code_alone() -> None:
    source = """\
        import requests

        def fetch(url):
            return requests.get(url).json()
        """
    assert_findings(source, set(), path="tests/test_smtp.py", select=["REL001"])
    assert_findings(source, {("REL001", 4)}, path="app/client.py", select=["REL001"])
