"""A stand-in for GitHub's runner, for tests of a composite action (tests/test_action.py).

There is no runner (or docker) in the test environment, so this runs the part of one a
composite action uses: each `run:` step with bash (`--noprofile --norc -eo pipefail`, as
`shell: bash` does), in order, with its `env:`, `working-directory:` and `if:` expressions
evaluated over `inputs`, `steps.<id>.outputs`, `github` and `runner` — a condition without a
status call is `success() && ...`, a missing output is '' — and GITHUB_OUTPUT, GITHUB_ENV,
GITHUB_PATH and GITHUB_STEP_SUMMARY as files. A `uses:` step goes to the test's callback,
which checks what its `with:` names and returns the outputs it would give.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUN_IDS = itertools.count(7)
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)

TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<call>[A-Za-z_]\w*)\(\s*\)|(?P<name>[A-Za-z_][\w.-]*)"
    r"|(?P<op>==|!=|&&|\|\||!|\(|\)))"
)


@dataclass
class Step:
    """What one step did: skipped, or ran (a `run:` script's exit code and output)."""

    name: str
    ran: bool
    code: int = 0
    out: str = ""
    err: str = ""
    uses: str = ""
    inputs: dict[str, str] = field(default_factory=dict)


class Runner:
    """Runs a composite action's steps as GitHub's runner does, for what this action uses."""

    def __init__(
        self,
        action: dict[str, Any],
        action_path: Path,
        inputs: dict[str, str],
        workspace: Path,
        temp: Path,
        uses: Callable[[str, dict[str, str]], dict[str, str]],
    ) -> None:
        self.action, self.action_path = action, action_path
        unknown = set(inputs) - set(action["inputs"])
        assert not unknown, f"not inputs of the action: {unknown}"
        defaults = {
            name: str(spec.get("default", "")) for name, spec in self.action["inputs"].items()
        }
        self.inputs = {**defaults, **inputs}
        self.workspace, self.temp, self.uses = workspace, temp, uses
        self.steps: dict[str, dict[str, Any]] = {}
        self.failed = False
        self.path: list[str] = []
        self.env: dict[str, str] = {}
        self.record: list[Step] = []
        self.run_id = str(next(RUN_IDS))  # each job a run of its own
        temp.mkdir(parents=True, exist_ok=True)
        self.summary = temp / "step_summary.md"
        self.summary.touch()

    # expressions: enough of GitHub's language for `if:`, `env:` and `with:` values
    def lookup(self, name: str) -> Any:
        head, *rest = name.split(".")
        if head in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[head]
        contexts = {
            "inputs": self.inputs,
            "steps": self.steps,
            "github": {
                "workspace": str(self.workspace),
                "action_path": str(self.action_path),
                "run_id": self.run_id,
                "run_attempt": "1",
            },
            "runner": {"temp": str(self.temp), "os": "Linux"},
            "env": self.env,
        }
        value: Any = contexts[head]
        for part in rest:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def evaluate(self, expression: str) -> Any:
        """GitHub's `||`, `&&`, `==`, `!=`, `!` and parentheses over values and status calls:
        `a || b` is the first truthy operand, as in GitHub (and Python's `or`)."""
        tokens: list[tuple[str, Any]] = []
        position, expression = 0, expression.strip()
        while position < len(expression):
            match = TOKEN.match(expression, position)
            assert match and match.end() > position, f"cannot read {expression!r}"
            position = match.end()
            if match["string"]:
                tokens.append(("value", match["string"][1:-1].replace("''", "'")))
            elif match["number"]:
                tokens.append(("value", float(match["number"])))
            elif match["call"]:
                calls = {
                    "always": True,
                    "success": not self.failed,
                    "failure": self.failed,
                    "cancelled": False,
                }
                tokens.append(("value", calls[match["call"]]))
            elif match["name"]:
                value = self.lookup(match["name"])
                tokens.append(("value", "" if value is None else value))
            else:
                tokens.append(("op", match["op"]))
        value, rest = self._or(tokens)
        assert not rest, f"cannot read {expression!r}"
        return value

    def _or(self, tokens: list[tuple[str, Any]]) -> tuple[Any, list[tuple[str, Any]]]:
        value, tokens = self._and(tokens)
        while tokens[:1] == [("op", "||")]:
            right, tokens = self._and(tokens[1:])
            value = value or right
        return value, tokens

    def _and(self, tokens: list[tuple[str, Any]]) -> tuple[Any, list[tuple[str, Any]]]:
        value, tokens = self._compare(tokens)
        while tokens[:1] == [("op", "&&")]:
            right, tokens = self._compare(tokens[1:])
            value = value and right
        return value, tokens

    def _compare(self, tokens: list[tuple[str, Any]]) -> tuple[Any, list[tuple[str, Any]]]:
        value, tokens = self._unary(tokens)
        while tokens[:1] in ([("op", "==")], [("op", "!=")]):
            equal = tokens[0][1] == "=="
            right, tokens = self._unary(tokens[1:])
            value = (value == right) == equal
        return value, tokens

    def _unary(self, tokens: list[tuple[str, Any]]) -> tuple[Any, list[tuple[str, Any]]]:
        kind, token = tokens[0]
        if (kind, token) == ("op", "!"):
            value, rest = self._unary(tokens[1:])
            return not value, rest
        if (kind, token) == ("op", "("):
            value, rest = self._or(tokens[1:])
            assert rest[:1] == [("op", ")")], "unbalanced parentheses"
            return value, rest[1:]
        assert kind == "value", f"unexpected {token!r}"
        return token, tokens[1:]

    def text(self, template: Any) -> str:
        """A value with each `${{ ... }}` replaced, as the runner gives it to a step."""

        def value(match: re.Match[str]) -> str:
            result = self.evaluate(match.group(1))
            return {True: "true", False: "false", None: ""}.get(result, str(result))  # type: ignore[arg-type]

        return EXPRESSION.sub(value, str(template))

    def condition(self, step: dict[str, Any]) -> bool:
        source = str(step.get("if", "success()"))
        match = EXPRESSION.fullmatch(source.strip())
        expression = match.group(1) if match else source
        if not re.search(r"\b(?:always|success|failure|cancelled)\(", expression):
            expression = f"success() && ({expression})"  # GitHub's implicit status check
        return bool(self.evaluate(expression))

    def run(self, until: str = "") -> list[Step]:
        """Run the steps in order (up to and including the step `until`, if named)."""
        for index, step in enumerate(self.action["runs"]["steps"]):
            name = step.get("id") or step.get("uses") or f"step {index}"
            if until and self.record and self.record[-1].name == until:
                break
            if not self.condition(step):
                self.record.append(Step(name, ran=False, uses=step.get("uses", "")))
                continue
            if "uses" in step:
                given = {key: self.text(v) for key, v in (step.get("with") or {}).items()}
                outputs = self.uses(step["uses"], given)
                self.record.append(Step(name, ran=True, uses=step["uses"], inputs=given))
            else:
                outputs = self.script(name, step)
            if "id" in step:
                self.steps[step["id"]] = {"outputs": outputs}
        return self.record

    def script(self, name: str, step: dict[str, Any]) -> dict[str, str]:
        assert step["shell"] == "bash"
        files = {key: self.temp / f"{name}.{key}" for key in ("output", "env", "path")}
        for file in files.values():
            file.write_text("")
        script = self.temp / f"{name}.sh"
        script.write_text(step["run"])
        env = {
            **os.environ,
            **self.env,
            "PATH": os.pathsep.join([*self.path, os.environ["PATH"]]),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(files["output"]),
            "GITHUB_ENV": str(files["env"]),
            "GITHUB_PATH": str(files["path"]),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_RUN_ID": self.run_id,
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_ACTION_PATH": str(self.action_path),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            **{key: self.text(value) for key, value in (step.get("env") or {}).items()},
        }
        folder = self.workspace / self.text(step.get("working-directory", "."))
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.record.append(Step(name, True, done.returncode, done.stdout, done.stderr))
        if done.returncode:
            self.failed = True
        self.env.update(parse_commands(files["env"].read_text()))
        self.path[:0] = reversed(files["path"].read_text().split())
        return parse_commands(files["output"].read_text())

    def outputs(self) -> dict[str, str]:
        return {name: self.text(spec["value"]) for name, spec in self.action["outputs"].items()}

    def step(self, name: str) -> Step:
        return next(step for step in self.record if step.name == name)

    def log(self) -> str:
        return "".join(step.out + step.err for step in self.record)


def parse_commands(text: str) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` blocks: GITHUB_OUTPUT's and GITHUB_ENV's format."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            values[name] = "\n".join(body)
        elif line:
            name, _, value = line.partition("=")
            values[name] = value
    return values
