"""False-positive classes of the OBS and ARC warning rules, each beside its true-positive twin.

Each case runs the real engine and asserts exact (id, line) pairs, so a
fixed false positive coming back fails as loudly as a real finding lost.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from guardrails.testing import assert_findings, run_many

UNTYPED_API = """\
def parse(raw, strict=False):
    return raw.split()
"""


def _findings(files: Mapping[str, str], rule: str, **kwargs: object) -> dict[str, list[int]]:
    """Lines of `rule` per Python file of a multi-file project."""
    found = run_many(files, select=[rule], **kwargs)  # type: ignore[arg-type]
    return {
        path: sorted(v.line for v in violations if v.rule_id == rule)
        for path, violations in found.items()
        if path.endswith(".py")
    }


def test_arc006_untyped_package_is_not_checked() -> None:
    found = _findings({"legacy/__init__.py": "", "legacy/parse.py": UNTYPED_API}, "ARC006")
    assert found == {"legacy/__init__.py": [], "legacy/parse.py": []}


def test_arc006_py_typed_package_is_checked() -> None:
    files = {
        "typedpkg/__init__.py": "",
        "typedpkg/py.typed": "",
        "typedpkg/sub/__init__.py": "",
        "typedpkg/sub/parse.py": UNTYPED_API,
    }
    assert _findings(files, "ARC006")["typedpkg/sub/parse.py"] == [1]


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ("pyproject.toml", "[tool.mypy]\nstrict = true\n"),
        ("pyproject.toml", "[tool.mypy]\ndisallow_untyped_defs = true\n"),
        ("pyproject.toml", '[tool.pyright]\ntypeCheckingMode = "strict"\n'),
        ("mypy.ini", "[mypy]\ndisallow_untyped_defs = True\n"),
        ("setup.cfg", "[mypy]\nstrict = true\n"),
    ],
)
def test_arc006_strict_type_checker_config_is_checked(config: str, text: str) -> None:
    files = {f"proj/{config}": text, "proj/app/__init__.py": "", "proj/app/parse.py": UNTYPED_API}
    assert _findings(files, "ARC006")["proj/app/parse.py"] == [1]


def test_arc006_lenient_type_checker_config_is_not_checked() -> None:
    files = {
        "proj/pyproject.toml": "[tool.mypy]\nstrict = false\nwarn_unused_ignores = true\n",
        "proj/app/__init__.py": "",
        "proj/app/parse.py": UNTYPED_API,
    }
    assert _findings(files, "ARC006")["proj/app/parse.py"] == []


def test_arc006_inline_marker_and_option() -> None:
    assert_findings("# pyright: strict\n" + UNTYPED_API, {("ARC006", 2)}, select=["ARC006"])
    assert_findings("# mypy: disallow-untyped-defs=False\n" + UNTYPED_API, set(), select=["ARC006"])
    assert_findings(
        UNTYPED_API, {("ARC006", 1)}, select=["ARC006"], options={"ARC006": {"typed-only": False}}
    )


def test_arc007_package_init_reexporting_its_submodules() -> None:
    files = {
        "pkg/__init__.py": (
            "from ._api import *\nfrom pkg.models import *\nfrom os.path import *\n"
            "from . import *\n"
        ),
        "pkg/_api.py": "__all__ = []\n",
        "pkg/models.py": "__all__ = []\n",
        "pkg/views.py": "from .models import *\n",
    }
    found = _findings(files, "ARC007")
    assert found == {
        "pkg/__init__.py": [3, 4],
        "pkg/_api.py": [],
        "pkg/models.py": [],
        "pkg/views.py": [1],
    }


def test_obs004_own_package_logger() -> None:
    source = (
        "import logging\n\n"
        'logger = logging.getLogger("shop")\n'
        'audit = logging.getLogger("shop.cart")\n'
        'other = logging.getLogger("shopping")\n'
        'billing = logging.getLogger("billing")\n'
    )
    found = _findings({"shop/cart.py": source, "shop/__init__.py": ""}, "OBS004")
    assert found == {"shop/cart.py": [5, 6], "shop/__init__.py": []}


CASES = {
    # Ignoring an expected absence, a try/except/else branch or a documented
    # ignore is deliberate; swallowing a failure of real work is not.
    "obs005-deliberate-typed-handlers": (
        """\
        import os

        def go(fn, cache, key, items, User):
            try:
                del cache[key]
            except KeyError:
                pass
            try:
                return User.objects.get(pk=key)
            except User.DoesNotExist:
                pass
            try:
                n = int(key)
            except ValueError:
                pass
            else:
                return n
            try:
                os.chown(key, -1, 0)
            except OSError:
                # /dev/null cannot be chowned; that is fine
                pass
            try:
                return int(key)
            except ValueError:
                pass
            for item in items:
                try:
                    fn(item)
                except (KeyError, ValueError):
                    continue
            try:
                fn()
            except Exception:
                # a comment does not excuse a catch-all
                pass
            try:
                fn()
            except (ValueError, BaseException):
                ...
        """,
        {("OBS005", 25), ("OBS005", 30), ("OBS005", 34), ("OBS005", 39)},
    ),
    # Ctrl-C or an exit ending a prompt loop is a signal, not a lost error.
    "obs005-interrupt-signals": (
        """\
        def repl(prompt, run):
            while True:
                try:
                    text = prompt()
                except KeyboardInterrupt:
                    continue
                try:
                    run(text)
                except SystemExit:
                    pass
                try:
                    run(text)
                except RuntimeError:
                    continue
        """,
        {("OBS005", 13)},
    ),
    # A timeout the try asked for (`timeout=`) is an outcome, not a lost error.
    "obs005-requested-timeout": (
        """\
        import socket

        def poll(connection, fetch):
            while True:
                try:
                    connection.drain_events(timeout=1.0)
                except socket.timeout:
                    pass
                try:
                    fetch()
                except socket.timeout:
                    pass
                try:
                    connection.drain_events(timeout=1.0)
                except OSError:
                    pass
        """,
        {("OBS005", 11), ("OBS005", 15)},
    ),
    # A best-effort close/kill/unlink may ignore every error; real work may not.
    "obs005-best-effort-teardown": (
        """\
        import os

        async def close(sock, writer, path):
            try:
                sock.close()
            except Exception:
                pass
            try:
                writer.close()
                await writer.wait_closed()
            except Exception:
                pass
            try:
                if os.path.exists(path):
                    os.unlink(path)
            except:
                pass
            try:
                data = sock.recv(10)
            except Exception:
                pass
            try:
                sock.close()
                sock.settimeout(3)
            except Exception:
                pass
            try:
                if sock.pending():
                    sock.flush()
            except Exception:
                pass
        """,
        {("OBS005", 20), ("OBS005", 25), ("OBS005", 30)},
    ),
    # A pass-only catch-all is one problem: OBS005 reports it, OBS006 does not repeat it.
    "obs006-pass-only-is-obs005s": (
        """\
        def go(fn):
            try:
                fn()
            except Exception:
                pass
            try:
                return fn()
            except Exception:
                return 8080
        """,
        {("OBS005", 4), ("OBS006", 8)},
    ),
    # An error value the caller checks is handling; a made-up default is not.
    "obs006-error-values": (
        """\
        import ipaddress

        def is_ip(host):
            try:
                ipaddress.ip_address(host)
            except Exception:
                return False
            return True

        def lookup(table, key):
            try:
                return table.fetch(key)
            except Exception:
                return None

        def refresh(screen):
            try:
                screen.redraw()
            except Exception:
                return

        def port(raw):
            try:
                return int(raw)
            except Exception:
                return 8080

        def name(raw):
            try:
                value = raw.decode()
            except Exception:
                value = "unknown"
            return value
        """,
        {("OBS006", 25), ("OBS006", 31)},
    ),
    # Telling the user and exiting, or routing to a failure handler, deals with the error.
    "obs006-exit-and-failure-paths": (
        """\
        import sys
        import click

        def main(connect):
            try:
                connect()
            except Exception:
                click.secho("could not connect", err=True, fg="red")
                sys.exit(1)

        class Scheduler:
            def tick(self, entry):
                try:
                    return entry.is_due()
                except Exception:
                    return self._is_due_failed(entry)

            def handle(self, request, resolver):
                try:
                    return resolver.resolve(request)
                except Exception:
                    return handle_uncaught_exception(request, resolver, sys.exc_info())

            def count(self, conn):
                try:
                    conn.accept()
                except Exception:
                    self.open -= 1
                    conn.close()
        """,
        {("OBS006", 27)},
    ),
    # Re-raising an exception caught further out, or ending the program or an
    # iteration, has no new error to chain; a new error raised there does.
    "obs007-reraise-and-control-flow": (
        """\
        import sys

        def auth(transport, handler):
            try:
                return transport.auth_password()
            except ValueError as first:
                try:
                    return transport.auth_interactive(handler)
                except OSError:
                    raise first
            except KeyError as err:
                raise err.with_traceback(sys.exc_info()[2])

        def capture(receiver):
            try:
                receiver.capture()
            except KeyboardInterrupt:
                raise SystemExit(130)
            except EOFError:
                raise StopIteration

        def auth2(transport, handler):
            try:
                return transport.auth_password()
            except ValueError as first:
                try:
                    return transport.auth_interactive(handler)
                except OSError:
                    raise RuntimeError("both methods failed")
            except KeyError:
                raise LookupError("no such user")
        """,
        {("OBS007", 29), ("OBS007", 31)},
    ),
    # The traceback is kept when the handler raises, records it itself or ends
    # the program; a lone `logger.error(...)` loses it.
    "obs003-traceback-kept-elsewhere": (
        """\
        import logging
        import sys
        import traceback

        logger = logging.getLogger(__name__)

        def run(text, execute):
            try:
                execute(text)
            except OSError as e:
                logger.error("sql: %r, error: %r", text, e)
                logger.error("traceback: %r", traceback.format_exc())
            try:
                execute(text)
            except ValueError as e:
                logger.error("capture failed: %s", e)
                logger.debug("details", exc_info=True)
            try:
                execute(text)
            except ImportError:
                logger.error("multipart is not installed")
                raise RuntimeError("install python-multipart") from None
            try:
                execute(text)
            except KeyError as e:
                logger.error("invalid option: %s", e)
                sys.exit(1)
            try:
                execute(text)
            except ConnectionError as e:
                logger.error("sync failed: %s", e)
            try:
                execute(text)
            except TimeoutError as e:
                logger.error("sync failed: %s", e)
                logger.debug("details", exc_info=False)
            try:
                execute(text)
            except LookupError as e:
                logger.error("reindex failed: %s", e)
                raise RuntimeError("index rebuild failed")
        """,
        {("OBS003", 31), ("OBS003", 35), ("OBS003", 40)},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str) -> None:
    source, expected = CASES[name]
    probed = {rule_id for rule_id, _ in expected} | {name.split("-")[0].upper()}
    assert_findings(source, expected, select=sorted(probed))


def test_obs005_options() -> None:
    source = """\
    def go(fn, cache):
        try:
            del cache["k"]
        except KeyError:
            pass
        try:
            fn()
        except ValueError:
            pass
        try:
            fn()
        except Exception:
            pass
    """
    assert_findings(source, {("OBS005", 8), ("OBS005", 12)}, select=["OBS005"])
    typed_off = {"OBS005": {"check-typed-exception": False}}
    assert_findings(source, {("OBS005", 12)}, select=["OBS005"], options=typed_off)
    nothing_ignorable = {"OBS005": {"ignorable-exceptions": []}}
    assert_findings(
        source,
        {("OBS005", 4), ("OBS005", 8), ("OBS005", 12)},
        select=["OBS005"],
        options=nothing_ignorable,
    )


def test_arc006_marker_added_later_rechecks_cached_files(project) -> None:
    project.write("pyproject.toml", "[tool.guardrails]\n")
    project.write("lib/__init__.py", "")
    project.write("lib/parse.py", UNTYPED_API)
    check = ("check", "--output-format", "json", "--select", "ARC006")
    assert project.run(*check).ids() == []
    project.write("lib/py.typed", "")  # the file's bytes are unchanged; its package is not
    assert project.run(*check).ids() == [("lib/parse.py", "ARC006", 1)]


def test_arc006_reads_no_type_checker_config_above_the_project_root(project) -> None:
    # a strict mypy setting in a folder above the root is not this project's to read
    (project.root.parent / "mypy.ini").write_text("[mypy]\nstrict = true\n")
    project.write("pyproject.toml", "[tool.guardrails]\n")
    project.write("parse.py", UNTYPED_API)
    check = ("check", "--output-format", "json", "--select", "ARC006")
    assert project.run(*check).ids() == []
    project.write("mypy.ini", "[mypy]\nstrict = true\n")
    assert project.run(*check).ids() == [("parse.py", "ARC006", 1)]
