"""SEC002 dynamic-code-execution: `eval`, `exec` or `compile` of a string that is not a literal."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import argument, clip, code_of, is_literal_string
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, RuleMeta

_CODE_BUILTINS = {"builtins.eval": "eval", "builtins.exec": "exec", "builtins.compile": "compile"}


class DynamicCodeExecution(CstRule):
    META = RuleMeta(
        id="SEC002",
        foreign_codes=("S102", "S307", "B102", "B307"),
        name="dynamic-code-execution",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects every `eval`/`exec` "
            "was a deliberate feature fed by the developer (an interactive shell command, loading "
            "a Python config file, a template engine). Review each one; untrusted data reaching "
            "it is SEC015's finding."
        ),
        summary="`eval`, `exec` or `compile` runs a string that is not a literal.",
        why="Code built at run time executes with the program's full privileges; if any part of "
        "it comes from input, an attacker runs arbitrary code (CWE-95).",
        instead="Parse with `ast.literal_eval`/`json.loads`; dispatch through a dict.",
        remediation="Parse data with `ast.literal_eval()` or `json.loads()`, and map names to "
        "functions with a dict (`HANDLERS[name](...)`) instead of evaluating code.",
        bad=(
            Example("def parse_setting(raw: str) -> object:\n    return eval(raw)  # bad\n"),
            Example(
                "def run_hook(source: str, env: dict[str, object]) -> None:\n"
                "    exec(source, env)  # bad\n"
            ),
            Example(
                "import builtins\n\n\ndef compute(expr: str) -> object:\n"
                '    return builtins.eval(f"({expr})")  # bad\n'
            ),
        ),
        good=(
            Example(
                "import ast\n\n\ndef parse_setting(raw: str) -> object:\n"
                "    return ast.literal_eval(raw)\n"
            ),
            Example(
                'import re\n\nHANDLERS = {"upper": str.upper, "lower": str.lower}\n'
                'PATTERN = re.compile(r"\\d+")\n\n\n'
                "def apply(name: str, value: str) -> str:\n    return HANDLERS[name](value)\n"
            ),
            Example(
                "from app.ml import Classifier\n\n\n"
                "def evaluate(model: Classifier) -> None:\n    model.eval()\n"
            ),
        ),
        references=("CWE-95", "https://docs.python.org/3/library/ast.html#ast.literal_eval"),
    )
    TRIGGERS = ("eval", "exec", "compile")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._judged: set[cst.Call] = set()  # `compile()` calls judged with their `exec()`

    def _source(self, node: cst.Call) -> cst.BaseExpression | None:
        """The code a call of eval/exec/compile runs, or None if it is not one."""
        if _CODE_BUILTINS.get(self.context.qualified_name(node.func) or "") is None:
            return None
        if not node.args:
            return None
        source = argument(node, "source", 0)
        if source is None or source.star:
            source = node.args[0]
        return source.value

    def visit_Call(self, node: cst.Call) -> None:
        source = self._source(node)
        if source is None or node in self._judged:
            return
        if isinstance(source, cst.Call) and (inner := self._source(source)) is not None:
            # `exec(compile(code, ...))` runs `code`: one finding, on the outer call
            self._judged.add(source)
            source = inner
        elif self.context.qualified_name(source) == "builtins.compile()":
            return  # `exec(compiled)`: the `compile()` that built it is judged
        if is_literal_string(source):
            return
        short = _CODE_BUILTINS[self.context.qualified_name(node.func) or ""]
        self.report(
            node,
            f"`{short}()` executes code built at run time from `{clip(code_of(source))}`",
        )
