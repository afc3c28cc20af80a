"""Exception-handling rules (OBS003, OBS005-7): what the mutation run found unguarded.

What counts as an `except` body that only ignores (a string before `pass`), as teardown (every
branch of an if/elif), as a reason (a comment closing the block), and that code in a nested
function or lambda runs later, outside the handler: it neither keeps a traceback, nor handles
the error, nor asks for a timeout. OBS007's cause check and its fix.
"""

from __future__ import annotations

from test_guard_rules import found, lines, marked

from guardrails.fixer import apply_fixes
from guardrails.testing import run

# --- OBS005 swallowed-exception ------------------------------------------------------------

OBS005_SOURCE = """\
import json
import os
import socket
import subprocess


def parse(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:  # bad
        "not a number: the caller falls back to its default"
        pass
    return None


def stop(proc: subprocess.Popen, sock: socket.socket | None) -> None:
    try:
        if proc.poll() is None:
            proc.kill()
        elif sock is not None:
            sock.close()
    except OSError:
        pass


def stop_and_report(proc: subprocess.Popen, results: list[int]) -> None:
    try:
        if proc.poll() is None:
            proc.kill()
        elif proc.returncode:
            results.append(proc.returncode)
    except OSError:  # bad
        pass


def chown(path: str, uid: int) -> None:
    try:
        os.chown(path, uid, -1)
    except PermissionError:
        pass
        # a file on a read-only mount keeps its owner, which is fine here


def serve(conn, scheduler) -> None:
    try:

        def ping() -> None:
            conn.ping(timeout=1)

        scheduler.every(30, ping)
        conn.serve_forever()
    except TimeoutError:  # bad
        pass


def port(raw: str) -> int:
    try: return int(raw)
    except ValueError: pass  # bad
    return 8080


def load_all(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except Exception:  # bad
            pass
            continue
    return out
"""


def test_obs005_reads_past_strings_sees_every_branch_and_the_closing_comment() -> None:
    # a docstring-like string explains nothing to a log reader: the handler still only
    # passes; an elif doing real work is not teardown; a comment closing the block is a
    # reason; a timeout= in a nested function is not one the try asked for (it runs later)
    assert lines(OBS005_SOURCE, "OBS005") == marked(OBS005_SOURCE)
    messages = found(OBS005_SOURCE, "OBS005")
    assert messages[0] == (
        10,
        "`except ValueError:` swallows the exception with only `pass`: nothing is logged, "
        "re-raised or handled",
    )
    # the message names the statement a reader meets first
    assert messages[-1][1].startswith("`except Exception:` swallows the exception with only `pass`")


def test_obs005_message_keeps_the_star_of_an_except_star_handler() -> None:
    source = (
        "import asyncio\n\n\nasync def run_all(jobs) -> None:\n    try:\n"
        "        async with asyncio.TaskGroup() as group:\n"
        "            for job in jobs:\n                group.create_task(job())\n"
        "    except* ValueError:\n        pass\n"
        "    except* Exception:\n        pass\n"
    )
    assert found(source, "OBS005") == [
        (
            9,
            "`except* ValueError:` swallows the exception with only `pass`: nothing is logged, "
            "re-raised or handled",
        ),
        (
            11,
            "`except* Exception:` swallows the exception with only `pass`: nothing is logged, "
            "re-raised or handled",
        ),
    ]


# --- OBS003 error-log-without-traceback ----------------------------------------------------

OBS003_SOURCE = """\
import logging

log = logging.getLogger(__name__)


def upload(client, path: str, loop) -> None:
    try:
        client.put(path)
    except OSError as err:
        log.error("upload of %s failed: %s", path, err)  # bad
        loop.call_later(30, lambda: log.exception("retry of %s failed", path))
    try:
        client.put(path)
    except OSError as err:
        log.error("upload of %s failed: %s", path, err)  # bad

        def retry() -> None:
            try:
                client.put(path)
            except OSError:
                log.exception("retry of %s failed", path)

        loop.call_later(30, retry)


def replace(client, path: str, backup: str) -> None:
    try:
        client.put(path)
    except OSError:
        try:
            client.restore(backup)
        except OSError:
            log.error("restoring %s failed", backup)  # bad
        raise
"""


def test_obs003_a_callback_made_in_the_handler_keeps_no_traceback_of_this_error() -> None:
    # the lambda or nested function runs later, outside this `except`: its
    # log.exception records another error (or none), not the one logged here; and
    # re-raising the outer error does not keep the traceback of the inner one
    assert lines(OBS003_SOURCE, "OBS003") == marked(OBS003_SOURCE)


# --- OBS006 broad-except-unlogged ----------------------------------------------------------

OBS006_SOURCE = """\
import logging

try:
    from rich.console import Console

    say = Console(stderr=True).print
except Exception:  # bad
    say = lambda message: logging.info(message)

try:
    from ._speedups import checksum
except Exception:  # bad

    def checksum(data: bytes) -> int:
        raise RuntimeError("the native extension is not built")
"""


OBS006_PORTS = """\
import os
import sys

import click

DEFAULT_PORT = 8080


def port(raw: str) -> int:
    try:
        return int(raw)
    except Exception as exc:  # bad
        return DEFAULT_PORT


def port_printed(raw: str) -> int:
    try:
        return int(raw)
    except Exception:
        print(f"not a port: {raw}, using {DEFAULT_PORT}", file=sys.stderr)
        return DEFAULT_PORT


def port_logged(raw: str, log_file) -> int:
    try:
        return int(raw)
    except Exception:  # bad
        print(f"not a port: {raw}", file=log_file)
        return DEFAULT_PORT


def spawn(run_child) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            run_child()
        except Exception:
            os._exit(1)
    return pid


def port_or_default(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        return DEFAULT_PORT


def port_quietly(raw: str) -> int:
    try:
        return int(raw)
    except Exception:
        pass
    return DEFAULT_PORT


def port_told(raw: str) -> int:
    try:
        return int(raw)
    except Exception:
        click.echo(f"not a port: {raw}, using {DEFAULT_PORT}", err=True)
        return DEFAULT_PORT
"""


def test_obs006_binding_the_exception_is_not_using_it_and_stderr_is_telling_the_user() -> None:
    # `as exc` then ignoring exc passes nothing on; stderr (`print(file=sys.stderr)`,
    # `click.echo(err=True)`) tells the user, another file does not; a forked child
    # exiting with a status hands the failure to its parent; a named exception is not a
    # catch-all, and a body of only `pass` is OBS005's, reported once there
    assert lines(OBS006_PORTS, "OBS006") == marked(OBS006_PORTS)


def test_obs006_a_fallback_defined_in_the_handler_does_not_handle_the_error() -> None:
    # the fallback's logging or raise runs when it is called, later; the catch-all
    # itself hid why the import failed
    assert lines(OBS006_SOURCE, "OBS006") == marked(OBS006_SOURCE)


# --- OBS007 raise-without-cause ------------------------------------------------------------

OBS007_SOURCE = """\
class ConfigError(Exception):
    pass


def load(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read()
    except OSError as err:
        raise ConfigError(f"cannot read {path}") from err
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8") from None


def parse(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"not a number: {raw}")  # bad
    except KeyboardInterrupt:
        raise SystemExit(130)
    except (TypeError, OverflowError) as exc:
        raise exc
    except ArithmeticError as exc:
        raise exc.with_traceback(exc.__traceback__)
    except LookupError:
        raise
    except RuntimeError:
        raise NotImplementedError  # bad
"""


def test_obs007_only_a_new_error_without_from_is_reported() -> None:
    assert lines(OBS007_SOURCE, "OBS007") == marked(OBS007_SOURCE)


def test_obs007_fix_chains_the_bound_name_or_binds_a_fresh_one_where_a_type_is_named() -> None:
    source = (
        "def parse(raw: str, exc: str) -> int:\n"
        "    try:\n        return int(raw)\n"
        "    except ValueError:\n        raise LookupError(exc)\n"
        "    except TypeError as bad:\n        raise LookupError(raw)\n"
        "    except:\n        raise LookupError(raw)\n"
    )
    violations = run(source, select=["OBS007"])
    assert [(v.line, v.fix is not None) for v in violations] == [(5, True), (7, True), (9, False)]
    fixes = [v.fix for v in violations if v.fix is not None]
    assert [f.description for f in fixes] == [
        "bind the exception as `err` and add `from err`",  # `exc` is taken in the body
        "add `from bad`",
    ]
    new, count = apply_fixes(source, fixes)
    assert count == 2
    assert new == source.replace(
        "except ValueError:\n        raise LookupError(exc)\n",
        "except ValueError as err:\n        raise LookupError(exc) from err\n",
    ).replace("raise LookupError(raw)\n    except:", "raise LookupError(raw) from bad\n    except:")


OBS007_SHADOWED = """\
def load(read, log):
    try:
        return read()
    except ValueError as err:

        def report(err):
            try:
                log(err)
            except KeyError:
                raise err  # bad

        report(RuntimeError("x"))
        raise
"""


def test_obs007_a_name_caught_outside_a_nested_def_is_not_the_one_raised_inside_it() -> None:
    """Handlers count out to the nearest def only: inside it, `err` is the parameter."""
    assert lines(OBS007_SHADOWED, "OBS007") == marked(OBS007_SHADOWED)
