"""Security rules on the LibCST backend (SEC ids)."""

from __future__ import annotations

import libcst as cst
from guardrails.rules._shell_quoting import quotes_every_value

from guardrails.cst.helpers import (
    argument,
    clip,
    code_of,
    is_literal_string,
    is_true,
    keyword,
)
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.model import Example, RuleMeta

_SHELL_CAPABLE = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)
_ALWAYS_SHELL = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
        "asyncio.subprocess.create_subprocess_shell",
    }
)


class SubprocessShell(CstRule):
    META = RuleMeta(
        id="SEC001",
        foreign_codes=("S602", "S604", "S605", "B602", "B604", "B605"),
        name="subprocess-shell",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects most `shell=True` "
            "calls ran a constant command, or one whose every value was already passed through "
            "`shlex.quote`; a reviewer looks, but rarely changes them. Request data reaching a "
            "shell is SEC015's finding."
        ),
        summary="A command runs through the system shell (`shell=True`, `os.system`, `os.popen`).",
        why="The shell re-parses the command string, so any value interpolated into it can add "
        "commands of its own (command injection, CWE-78); quoting by hand is easy to get wrong.",
        remediation="Pass the command as a list of arguments without `shell=True` "
        '(`subprocess.run(["tar", "-xf", path], check=True)`); if a shell feature is truly '
        "needed, build the string with `shlex.quote()` for every interpolated value.",
        bad=(
            Example(
                "import subprocess\n\n\ndef archive(path: str) -> None:\n"
                '    subprocess.run(f"tar -czf backup.tgz {path}", shell=True, check=True)  # bad\n'
            ),
            Example(
                "import os\n\n\ndef restart(service: str) -> None:\n"
                '    os.system("systemctl restart " + service)  # bad\n'
            ),
            Example(
                "from subprocess import check_output as run\n\n\ndef grep(term: str) -> bytes:\n"
                '    return run("grep -r %s ." % term, shell=True)  # bad\n'
            ),
        ),
        good=(
            Example(
                "import subprocess\n\n\ndef archive(path: str) -> None:\n"
                '    subprocess.run(["tar", "-czf", "backup.tgz", path], check=True)\n'
            ),
            Example(
                "import subprocess\n\n\ndef restart(service: str) -> None:\n"
                '    subprocess.run(["systemctl", "restart", service], shell=False, check=True)\n'
            ),
            Example(
                "import shlex\nimport subprocess\n\n\ndef count_lines(path: str) -> bytes:\n"
                "    # a pipe needs the shell: every value spliced in is quoted\n"
                '    command = f"cat {shlex.quote(path)} | wc -l"\n'
                "    done = subprocess.run(command, shell=True, check=True, capture_output=True)\n"
                "    return done.stdout\n"
            ),
        ),
        references=(
            "CWE-78",
            "https://docs.python.org/3/library/subprocess.html#security-considerations",
        ),
    )
    TRIGGERS = ("subprocess", "os", "asyncio", "system", "popen")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # per function: every value assigned to each plain name so far, so that
        # `command = hook % {"user": shlex.quote(user)}` is seen at `Popen(command, ...)`
        self._assigned: list[dict[str, list[cst.BaseExpression]]] = [{}]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._assigned.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._assigned.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._assigned[-1].setdefault(target.target.value, []).append(node.value)

    def _quoted_command(self, command: cst.BaseExpression) -> bool:
        """Built with `shlex.quote()` for every value: the form the remediation asks for."""
        resolve = self.context.qualified_name
        if isinstance(command, cst.Name) and command.value in self._assigned[-1]:
            return all(quotes_every_value(v, resolve) for v in self._assigned[-1][command.value])
        return quotes_every_value(command, resolve)

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name not in _ALWAYS_SHELL and name not in _SHELL_CAPABLE:
            return
        shown = code_of(node.func)
        command = argument(node, "args", 0) or argument(node, "cmd", 0)
        if command is not None and self._quoted_command(command.value):
            return
        built = (
            command is not None
            and not is_literal_string(command.value)
            and not isinstance(command.value, (cst.List, cst.Tuple))
        )
        what = "a command built at run time" if built else "its command"
        risk = (
            ": any interpolated value can inject commands"
            if built
            else "; run the program directly with an argument list"
        )
        if name in _ALWAYS_SHELL:
            self.report(node, f"`{shown}()` runs {what} through the system shell{risk}")
        elif name in _SHELL_CAPABLE:
            shell = keyword(node, "shell")
            if shell is not None and is_true(shell.value):
                self.report(
                    node, f"`{shown}(..., shell=True)` runs {what} through the system shell{risk}"
                )


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


_PICKLE_LIKE = {
    "pickle.load": "pickle",
    "pickle.loads": "pickle",
    "pickle.Unpickler": "pickle",
    "_pickle.load": "pickle",
    "_pickle.loads": "pickle",
    "cPickle.load": "pickle",
    "cPickle.loads": "pickle",
    "dill.load": "dill",
    "dill.loads": "dill",
    "cloudpickle.load": "cloudpickle",
    "cloudpickle.loads": "cloudpickle",
    "marshal.load": "marshal",
    "marshal.loads": "marshal",
    "shelve.open": "shelve (pickle)",
    "shelve.DbfilenameShelf": "shelve (pickle)",
    "jsonpickle.decode": "jsonpickle",
    "jsonpickle.loads": "jsonpickle",
    "pandas.read_pickle": "pandas.read_pickle (pickle)",
    "joblib.load": "joblib (pickle)",
    "yaml.unsafe_load": "yaml.unsafe_load",
    "yaml.unsafe_load_all": "yaml.unsafe_load_all",
    "yaml.full_load": "yaml.full_load",
    "yaml.full_load_all": "yaml.full_load_all",
}
# Serializer calls whose output, read straight back, is an object of this process (a copy).
_IN_PROCESS_DUMPS = frozenset(
    f"{name}()"
    for name in (
        "pickle.dumps",
        "_pickle.dumps",
        "cPickle.dumps",
        "dill.dumps",
        "cloudpickle.dumps",
        "marshal.dumps",
        "jsonpickle.encode",
        "jsonpickle.dumps",
    )
)
_YAML_LOAD = ("yaml.load", "yaml.load_all")
_SAFE_LOADERS = frozenset(
    {
        "yaml.SafeLoader",
        "yaml.CSafeLoader",
        "yaml.BaseLoader",
        "yaml.CBaseLoader",
        "yaml.loader.SafeLoader",
        "yaml.loader.BaseLoader",
        "yaml.cyaml.CSafeLoader",
        "yaml.cyaml.CBaseLoader",
    }
)
_UNSAFE_LOADERS = frozenset(
    {
        "yaml.Loader",
        "yaml.UnsafeLoader",
        "yaml.FullLoader",
        "yaml.CLoader",
        "yaml.CUnsafeLoader",
        "yaml.CFullLoader",
        "yaml.loader.Loader",
        "yaml.loader.UnsafeLoader",
        "yaml.loader.FullLoader",
    }
)


class UnsafeDeserialization(CstRule):
    META = RuleMeta(
        id="SEC003",
        foreign_codes=("S301", "S302", "S506", "B301", "B302", "B506"),
        name="unsafe-deserialization",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects most unpickling read "
            "back bytes the same service had written (cache back-ends, its own state files), "
            "which a reviewer accepts. Untrusted bytes reaching it are SEC015's finding."
        ),
        summary="Data is deserialized with a format that can construct arbitrary objects "
        "(pickle, marshal, shelve, unsafe YAML loaders, jsonpickle).",
        why="Loading pickle-like data or YAML with a non-safe loader runs code chosen by whoever "
        "wrote the bytes; if they can come from outside the process, that is remote code "
        "execution (CWE-502).",
        remediation="Exchange data as JSON (`json.loads`) or load YAML with `yaml.safe_load()` "
        "(or `Loader=yaml.SafeLoader`); keep pickle for data this process wrote itself.",
        bad=(
            Example(
                "import pickle\n\n\ndef restore(blob: bytes) -> object:\n"
                "    return pickle.loads(blob)  # bad\n"
            ),
            Example(
                "import yaml\n\n\ndef read_config(text: str) -> dict:\n"
                "    return yaml.load(text, Loader=yaml.FullLoader)  # bad\n"
            ),
            Example(
                "from yaml import unsafe_load\n\n\ndef read_config(text: str) -> dict:\n"
                "    return unsafe_load(text)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import json\n\n\ndef restore(blob: bytes) -> object:\n"
                "    return json.loads(blob)\n"
            ),
            Example(
                "import yaml\n\n\ndef read_config(text: str) -> dict:\n"
                "    return yaml.load(text, Loader=yaml.SafeLoader)\n\n\n"
                "def read_all(text: str) -> list:\n"
                "    return list(yaml.safe_load_all(text))\n"
            ),
        ),
        references=(
            "CWE-502",
            "https://docs.python.org/3/library/pickle.html",
            "https://pyyaml.org/wiki/PyYAMLDocumentation",
        ),
    )
    TRIGGERS = ("pickle", "marshal", "shelve", "yaml", "dill", "joblib", "read_pickle")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name is None:
            return
        shown = code_of(node.func)
        if name in _PICKLE_LIKE:
            data = node.args[0].value if node.args and not node.args[0].keyword else None
            if data is not None and self.context.qualified_name(data) in _IN_PROCESS_DUMPS:
                return  # `loads(dumps(x))` copies an object of this process: nothing untrusted
            self.report(
                node,
                f"`{shown}()` deserializes with {_PICKLE_LIKE[name]}, which can "
                "run code chosen by whoever produced the data",
            )
            return
        if name not in _YAML_LOAD:
            return
        loader = argument(node, "Loader", 1)
        if loader is None:
            self.report(
                node, f"`{shown}()` without a safe `Loader` can construct arbitrary Python objects"
            )
            return
        loader_name = self.context.qualified_name(loader.value)
        if loader_name in _UNSAFE_LOADERS:
            self.report(
                node,
                f"`{shown}()` with `{code_of(loader.value)}` can construct "
                "arbitrary Python objects",
            )
