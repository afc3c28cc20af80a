"""REL002 bare-except: a bare `except:`, which catches KeyboardInterrupt and SystemExit too."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta


class BareExcept(CstRule):
    META = RuleMeta(
        id="REL002",
        subsumes=("OBS005", "OBS006"),
        foreign_codes=("E722",),
        name="bare-except",
        category="reliability",
        severity="warning",
        severity_note="Warning, not an error: on the precision ledger's projects about half of the "
        "bare excepts were best-effort teardown (closing a pipe, unlinking a temp file) that a "
        "reviewer leaves alone. Still worth naming the exception; not worth failing trust in "
        "every error.",
        summary="A bare `except:` catches every exception, including KeyboardInterrupt and "
        "SystemExit.",
        why="A bare except also traps Ctrl-C, `sys.exit()` and task cancellation, hides "
        "programming errors such as NameError, and makes the failure you meant to handle "
        "indistinguishable from every other one. A handler that ends in a bare `raise` lets "
        "every exception through and is not reported.",
        instead="Name the exceptions: `except ValueError:`.",
        remediation="Name the exceptions you expect (`except (ValueError, KeyError):`); where "
        "everything must be caught, write `except Exception:` and log it with the traceback.",
        bad=(
            Example(
                "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
                "    except:  # bad\n        return 8080\n"
            ),
            Example(
                "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def close(conn) -> None:\n    try:\n        conn.close()\n"
                '    except:  # bad\n        log.exception("close failed")\n'
            ),
        ),
        good=(
            Example(
                "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
                "    except ValueError:\n        return 8080\n"
            ),
            Example(
                "import logging\nimport sqlite3\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def close(conn: sqlite3.Connection) -> None:\n    try:\n        conn.close()\n"
                '    except Exception:\n        log.exception("close failed")\n        raise\n'
            ),
        ),
        references=(
            "https://docs.python.org/3/tutorial/errors.html#handling-exceptions",
            "CWE-396",
        ),
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.type is None and not _reraises(node.body):
            self.report(
                node,
                "bare `except:` also catches KeyboardInterrupt, SystemExit and "
                "cancellation; name the exceptions you expect",
            )


def _reraises(body: cst.BaseSuite) -> bool:
    """A handler that ends in a bare `raise`: cleanup that lets every exception through."""
    last = body.body[-1] if isinstance(body, cst.IndentedBlock) else body
    if not isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return False
    final = last.body[-1]
    return isinstance(final, cst.Raise) and final.exc is None
