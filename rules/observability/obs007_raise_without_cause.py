"""OBS007 raise-without-cause: a new exception raised inside `except` without `from`."""

from __future__ import annotations

import re

import libcst as cst
from guardrails.rules._shared.except_handlers import HandlerTracker, bound_name, reraised

from guardrails.cst.helpers import clip, code_of
from guardrails.cst.rule import NodeFix, insert_after
from guardrails.model import Example, RuleMeta

_CONTROL_FLOW = frozenset(
    f"builtins.{name}"
    for name in (
        "SystemExit",
        "KeyboardInterrupt",
        "GeneratorExit",
        "StopIteration",
        "StopAsyncIteration",
    )
)


class RaiseWithoutCause(HandlerTracker):
    META = RuleMeta(
        id="OBS007",
        foreign_codes=("B904",),
        name="raise-without-cause",
        category="observability",
        severity="info",
        severity_note="Info, not a warning: on the precision ledger's projects it was the largest "
        "source of findings (1.5 per 1,000 lines) and about half were noisy — Python keeps the "
        "original error as implicit context anyway, so a missing `from` costs a clearer "
        "traceback, not lost information. Raise it to a warning with "
        '`[tool.guardrails.severity]` `OBS007 = "warning"` where you want explicit chains.',
        summary="A new exception is raised inside `except` without `from`, hiding what caused it.",
        why="Without `from err` the original exception is only kept as implicit context with a "
        'misleading "During handling of the above exception, another exception occurred", '
        "and tools that follow `__cause__` lose the root cause.",
        instead="Chain it: `raise NewError(...) from err`.",
        remediation='Chain it explicitly: `except OSError as err: raise ConfigError("cannot '
        'read config") from err` (or `from None` when the cause is deliberately hidden).',
        fix="safe",
        bad=(
            Example(
                "import json\n\n\nclass ConfigError(Exception):\n    pass\n\n\n"
                "def parse(text: str) -> dict:\n    try:\n        return json.loads(text)\n"
                '    except ValueError:\n        raise ConfigError("invalid config")  # bad\n'
            ),
            Example(
                "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
                "    except ValueError as err:\n"
                '        raise RuntimeError(f"bad port {raw!r}: {err}")  # bad\n'
            ),
        ),
        good=(
            Example(
                "import json\n\n\nclass ConfigError(Exception):\n    pass\n\n\n"
                "def parse(text: str) -> dict:\n    try:\n        return json.loads(text)\n"
                "    except ValueError as err:\n"
                '        raise ConfigError("invalid config") from err\n'
            ),
            Example(
                "def port(raw: str) -> int:\n    try:\n        return int(raw)\n"
                "    except ValueError:\n        raise\n"
            ),
            Example(
                "import sys\n\nfrom app.jobs import Job, JobError\n\n\n"
                "def run(job: Job) -> None:\n    try:\n        job.run()\n"
                "    except JobError as first:\n        try:\n            job.rollback()\n"
                "        except JobError:\n            raise first\n"
                "    except KeyboardInterrupt:\n        raise SystemExit(130)\n"
            ),
        ),
        references=(
            "https://docs.python.org/3/tutorial/errors.html#exception-chaining",
            "https://docs.astral.sh/ruff/rules/raise-without-from-inside-except/",
        ),
    )
    TRIGGERS = ("raise",)

    def visit_Raise(self, node: cst.Raise) -> None:
        handler = self.handler
        exc = node.exc
        if handler is None or exc is None or node.cause is not None:
            return
        name = bound_name(handler)
        if reraised(exc, self.caught_names()):
            return  # `raise err` / `raise err.with_traceback(tb)`: a caught exception itself
        target = exc.func if isinstance(exc, cst.Call) else exc
        if self.context.qualified_name(target) in _CONTROL_FLOW:
            return  # `raise SystemExit(1)`: ends the program or iteration, no error to chain
        self.report(
            node,
            f"`raise {clip(code_of(exc))}` inside `except` does not chain the caught exception "
            "as its cause",
            fix=self._fix(handler, exc, name),
        )

    def _fix(
        self, handler: cst.ExceptHandler, exc: cst.BaseExpression, name: str | None
    ) -> NodeFix | None:
        if name is not None:
            return NodeFix((insert_after(exc, f" from {name}"),), "safe", f"add `from {name}`")
        if handler.type is None:
            return None  # `except:` would need a type to bind a name
        used = set(re.findall(r"\b\w+\b", code_of(handler.body)))
        fresh = next(n for n in ("exc", "err", "error", "caught_exc") if n not in used)
        return NodeFix(
            (insert_after(handler.type, f" as {fresh}"), insert_after(exc, f" from {fresh}")),
            "safe",
            f"bind the exception as `{fresh}` and add `from {fresh}`",
        )
