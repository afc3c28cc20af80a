"""OBS006 broad-except-unlogged: a catch-all `except` that hides the error it handles."""

from __future__ import annotations

import re

import libcst as cst
from guardrails.rules._shared.except_handlers import bound_name, broad_head, only_ignores
from guardrails.rules._shared.loggers import logging_call

from guardrails.cst.helpers import code_of, keyword
from guardrails.cst.rule import CstRule
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

_REPORTING = re.compile(
    r"(^|\.)(exception|error|warning|warn|critical|fatal|info|debug|log|print_exc|format_exc|"
    r"capture_exception|capture_message|captureException|notify|report|add_note)$"
)


_FAILURE_PATH = re.compile(r"fail|error|exception|errback|reraise", re.IGNORECASE)
_PASSES_ON = frozenset(
    {"sys.exc_info", "sys.exception", "sys.exit", "os._exit", "builtins.exit", "builtins.quit"}
)
_ERROR_VALUES = frozenset({"None", "False"})


class _HandlingFinder(cst.CSTVisitor):
    """Whether an except body deals with the error rather than hiding it.

    It does when it raises, passes the caught exception (or `sys.exc_info()`)
    on, reports it (a logger, `warnings.warn`, an error tracker, stderr),
    hands it to a failure path (`self._on_failure()`, `handle_exception()`),
    ends the process (`sys.exit(1)`), or returns an error value
    (`return`, `return None`, `return False`) the caller checks.
    """

    def __init__(self, rule: CstRule, name: str | None) -> None:
        super().__init__()
        self.rule = rule
        self.name = name
        self.handled = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Raise(self, node: cst.Raise) -> None:
        self.handled = True

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if value is None or (isinstance(value, cst.Name) and value.value in _ERROR_VALUES):
            self.handled = True

    def visit_Name(self, node: cst.Name) -> None:
        if self.name is not None and node.value == self.name:
            self.handled = True  # the exception object is passed on or recorded

    def visit_Call(self, node: cst.Call) -> None:
        rule = self.rule
        qualified = rule.context.qualified_name(node.func) or code_of(node.func)
        func = node.func
        called = ""
        if isinstance(func, cst.Attribute):
            called = func.attr.value
        elif isinstance(func, cst.Name):
            called = func.value
        if (
            _REPORTING.search(qualified)
            or qualified in _PASSES_ON
            or _FAILURE_PATH.search(called)
            or _to_stderr(rule, node)
            or (isinstance(func, cst.Attribute) and logging_call(rule, node))
        ):
            self.handled = True


def _to_stderr(rule: CstRule, node: cst.Call) -> bool:
    """`print(..., file=sys.stderr)` or `click.echo(..., err=True)`: told to the user."""
    target = keyword(node, "file")
    if target is not None and rule.context.qualified_name(target.value) == "sys.stderr":
        return True
    err = keyword(node, "err")
    return err is not None and isinstance(err.value, cst.Name) and err.value.value == "True"


class BroadExceptUnlogged(CstRule):
    META = RuleMeta(
        id="OBS006",
        foreign_codes=("BLE001",),
        name="broad-except-unlogged",
        category="observability",
        severity="info",
        severity_note=(
            "Info, not a warning: on the precision ledger's projects most catch-alls that fell "
            "back to a default were commented, deliberate fallbacks; fewer than one in five hid "
            "an error a reviewer would want logged."
        ),
        summary="`except Exception` (or `BaseException`, or bare `except:`) handles every error "
        "without logging it, re-raising it, passing it on or returning an error value.",
        why="A catch-all that neither records nor propagates the error turns every bug — typos, "
        "None errors, timeouts — into a silent default, so failures surface far away, if at all. "
        "Dealing with the error counts: logging or reporting it (also to stderr), re-raising, "
        "passing the exception or `sys.exc_info()` on, calling a failure handler "
        "(`self._on_failure()`), exiting, or returning `None`/`False` for the caller to check. "
        "A body of only `pass`/`continue` is reported once, as OBS005.",
        instead="Catch specific exceptions; log a catch-all with `logger.exception(...)`.",
        remediation="Catch the specific exceptions you expect; where a catch-all is right (a "
        "worker loop, a request boundary), log it with `logger.exception(...)` or re-raise.",
        bad=(
            Example(
                "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
                "    except Exception:  # bad\n        return 8080\n"
            ),
            Example(
                "def fetch_all(client, ids: list[str]) -> list:\n    out = []\n"
                "    for item in ids:\n        try:\n            out.append(client.get(item))\n"
                "        except BaseException:  # bad\n            out.append(None)\n"
                "    return out\n"
            ),
        ),
        good=(
            Example(
                "import logging\n\nfrom app.jobs import Job\n\n"
                "logger = logging.getLogger(__name__)\n\n\n"
                "def handle(job: Job) -> bool:\n    try:\n        job.run()\n"
                '    except Exception:\n        logger.exception("job %s failed", job.id)\n'
                "        return False\n    return True\n"
            ),
            Example(
                "from app.jobs import Job\n\n\n"
                "def handle(job: Job, results: dict) -> None:\n    try:\n        job.run()\n"
                "    except Exception as exc:\n        results[job.id] = exc\n"
                "    try:\n        job.cleanup()\n    except Exception:\n"
                "        job.rollback()\n        raise\n"
            ),
            Example(
                "import sys\n\nfrom app.jobs import Job\n\n\n"
                "def try_run(job: Job) -> bool:\n    try:\n        job.run()\n"
                "    except Exception:\n        return False\n    return True\n\n\n"
                "def main(job: Job) -> None:\n    try:\n        job.run()\n"
                "    except Exception:\n"
                '        print("job failed, see the job log", file=sys.stderr)\n'
                "        sys.exit(1)\n",
                path="app/__main__.py",  # a program's entry point: printing and exiting is its job
            ),
        ),
        references=("CWE-396", "https://docs.python.org/3/tutorial/errors.html"),
    )
    TRIGGERS = ("except",)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        head = broad_head(self, node)
        if head is None or only_ignores(node.body) is not None or self._handled(node):
            return  # a body of only `pass`/`continue` is OBS005's, reported once there
        self.report(node, f"{head} neither logs, re-raises nor passes on the error")

    def _handled(self, handler: cst.ExceptHandler) -> bool:
        finder = _HandlingFinder(self, bound_name(handler))
        walk(handler.body, finder)
        return finder.handled
