"""`guardrails mcp`: the rule registry as a Model Context Protocol server (stdio).

Four tools give an agent the policy while it works, in the same words CI
uses: `policies` (what applies to a file, to read before writing it),
`check` (files, or unsaved text), `explain` (one rule in full) and `fix`
(a diff preview by default). Built on the official `mcp` SDK
(`pip install 'guardrails-lint[mcp]'`). Each answer is bounded so a large
project cannot flood the model's context. Paths are resolved against the
server's working directory, which is the project the client started it in.

A model's requests are not trusted to stay in the project: every path a
tool is given must resolve (symlinks included) inside the project root, or
the call is refused with an MCP error result of one line. Nothing outside
the root is read, and nothing at all is written by `check`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from guardrails.errors import GuardrailsError, UsageError

INSTRUCTIONS = (
    "guardrails enforces this project's code policies (security, observability, "
    "reliability, architecture). Before writing a Python file call `policies` with its path; "
    "after editing call `check`; `explain` gives a rule's why, fix and examples."
)
DEFAULT_BUDGET = 6000


def _root() -> Path:
    return Path.cwd()


def _paths(paths: list[str], root: Path) -> list[Path]:
    """The named paths, each refused unless it resolves inside the project `root`."""
    from guardrails.containment import inside

    found = []
    for raw in paths:
        path = _root() / raw  # an absolute `raw` replaces the working directory
        inside(path, root, raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or directory")
        found.append(path)
    return found


def tool_check(
    paths: list[str] | None = None,
    source: str | None = None,
    path: str | None = None,
    max_findings: int = 20,
) -> str:
    from guardrails import service
    from guardrails.config import load_settings

    if source is not None:
        if not path:
            raise UsageError("`source` needs `path`: the file it will be saved as")
        return service.check_source(_root(), source, path, max_findings).text
    if not paths:
        raise UsageError("pass `paths` (files or folders) or `source` with `path`")
    settings = load_settings(_root())
    return service.check_files(_root(), _paths(paths, settings.root), max_findings).text


def tool_explain(rule_id: str) -> str:
    from guardrails.config import load_settings
    from guardrails.explain import explain
    from guardrails.plugins import build_registry

    return explain(build_registry(load_settings(_root())), rule_id)


def tool_policies(path: str, budget: int = DEFAULT_BUDGET) -> str:
    """The active rules for one file, most specific first, within `budget` characters."""
    from guardrails import service
    from guardrails.containment import inside
    from guardrails.discovery import module_name
    from guardrails.paths import project_path

    settings, plan = service.project(_root())
    target = inside(_root() / path, settings.root, path)
    relative = project_path(target, settings.root)
    rules = plan.rules_for(relative)
    module = module_name(target, settings.src)[0]
    test = plan.is_test(relative)
    lines = [
        f"# Policies for {relative} (module `{module}`{', a test file' if test else ''})",
        f"{len(rules)} active rules; each: what to avoid -> what to write instead.",
    ]
    order = {"architecture": 0, "security": 1}
    ordered = sorted(rules, key=lambda r: (order.get(r.meta.category, 2), r.id))
    full = [_policy_line(rule, module, compact=False) for rule in ordered]
    text = "\n".join(lines + full) + "\n"
    if len(text) > budget:  # one short line per rule, then cut at a whole line
        compact = [_policy_line(rule, module, compact=True) for rule in ordered]
        text = "\n".join(lines + compact) + "\n"
    if len(text) > budget:
        cut = text[:budget].rsplit("\n- ", 1)[0]
        shown = cut.count("\n- ")
        text = cut + f"\n… {len(rules) - shown} more; call `explain` with an id for one rule.\n"
    return text


def _policy_line(rule: Any, module: str, compact: bool) -> str:
    """One rule as a policy: what to avoid and what to write instead."""
    from guardrails import ruletext

    context = _rule_context(rule, module)
    if compact:
        line = ruletext.policy_line(f"{rule.id} {rule.meta.name}", rule.meta, compact=True)
    else:
        label = f"{rule.id} {rule.meta.name} ({rule.severity})"
        line = ruletext.policy_line(label, rule.meta, full=True)
    return line + (f" Here: {context}" if context else "")


def _rule_context(rule: Any, module: str) -> str:
    """What a configured rule means for this module (its layer, for ARC001)."""
    layers = rule.options.get("layers") if isinstance(rule.options, dict) else None
    if rule.id != "ARC001" or not layers:
        return ""
    own = next(
        (i for i, layer in enumerate(layers) if module == layer or module.startswith(layer + ".")),
        None,
    )
    if own is None:
        return f"`{module}` is in no configured layer ({', '.join(layers)})."
    below = layers[:own]  # layers are listed lowest first
    allowed = ", ".join(below) if below else "no other layer"
    return f"`{module}` is in layer `{layers[own]}`; it may import {allowed}, not the layers above."


def tool_fix(paths: list[str], apply: bool = False, unsafe: bool = False) -> str:
    from guardrails import service
    from guardrails.config import load_settings

    if not paths:
        raise UsageError("pass `paths`: the files or folders to fix")
    settings = load_settings(_root())
    request = service.CheckRequest(_paths(paths, settings.root), _root(), jobs=1, contained=True)
    report, remaining = service.fix(request, unsafe=unsafe, diff=not apply)
    # files left unchanged although they had fixes (changed meanwhile, read-only, ...)
    problems = "".join(f"{line}\n" for line in report.problems())
    if not apply:
        if not report.total:
            return problems + f"nothing to fix in {report.files} file(s)"
        diff = "".join(report.diffs)
        head = f"{report.total} fix(es) available (preview; call again with apply=true):\n"
        return head + (diff if len(diff) < DEFAULT_BUDGET else diff[:DEFAULT_BUDGET] + "\n…\n")
    left = len(remaining.violations) if remaining is not None else 0
    if not report.total:
        return problems + f"nothing to fix in {report.files} file(s); {left} finding(s) remain"
    return problems + (
        f"applied {report.total} fix(es) in {len(report.fixed)} file(s); "
        f"{left} finding(s) remain (call `check`)"
    )


TOOLS = (
    (
        "check",
        "Check Python files or folders (`paths`), or unsaved code (`source` plus the `path` it "
        "will be saved as), against the project's policies; returns each finding with what to "
        "write instead, at most `max_findings`.",
        tool_check,
    ),
    (
        "explain",
        "Explain one rule by id (e.g. SEC001): why it matters, what to do, and bad and good "
        "examples.",
        tool_explain,
    ),
    (
        "policies",
        "List the policies that apply to one Python file (its architecture layer, security, "
        "observability and reliability rules, org plugins) so code can be written to pass them; "
        "read this before writing the file.",
        tool_policies,
    ),
    (
        "fix",
        "Preview (default) or apply (`apply=true`) the automatic fixes for `paths`; returns a "
        "unified diff, or what was applied.",
        tool_fix,
    ),
)
"""(name, description written for a model, function) of every tool the server offers."""


def build_server() -> Any:
    """The FastMCP server with the four tools; import errors name the extra."""
    try:
        from mcp.server.fastmcp import FastMCP
    except ImportError:
        raise UsageError(
            "the MCP server needs the `mcp` package: pip install 'guardrails-lint[mcp]'"
        ) from None

    from mcp.server.fastmcp.exceptions import ToolError

    class Server(FastMCP):
        async def call_tool(self, name: str, arguments: dict[str, Any]) -> Any:
            """Arguments the SDK rejects (wrong type, missing) get one error line too."""
            try:
                return await super().call_tool(name, arguments)
            except Exception as exc:
                raise ToolError(_one_line(f"error: {_argument_problem(exc)}")) from None

    # The client shows the server's stderr to its user: warnings only.
    server = Server("guardrails", instructions=INSTRUCTIONS, log_level="WARNING")

    def guarded(function: Any) -> Any:
        """The tool, answering bad arguments or a broken project with one error line.

        The answer is an MCP error result (`isError`), so a client can tell a
        refusal from a finding; it is one line and never a traceback.
        """

        @functools.wraps(function)  # keeps the signature the input schema is built from
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except GuardrailsError as exc:
                return _error(f"error: {exc}")
            except Exception as exc:  # a bug: say so in one line, never a traceback
                return _error(f"error: internal error: {type(exc).__name__}: {exc}")

        call.__name__ = function.__name__.removeprefix("tool_")  # names the input schema
        return call

    for name, description, function in TOOLS:
        server.tool(name=name, description=description)(guarded(function))
    return server


def _one_line(message: str, limit: int = 400) -> str:
    """`message` on one line, cut to `limit` characters (it may echo a huge argument)."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _argument_problem(exc: Exception) -> str:
    """What was wrong with a call's arguments: pydantic's findings, without its URLs."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        try:
            found = [f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in errors()]
        except (TypeError, KeyError):
            found = []
        if found:
            return "invalid arguments: " + "; ".join(found)
    return str(exc)


def _error(message: str) -> Any:
    """An MCP error result holding one line (the structured copy fits the output schema)."""
    from mcp.types import CallToolResult, TextContent

    line = _one_line(message)
    return CallToolResult(
        content=[TextContent(type="text", text=line)],
        structuredContent={"result": line},
        isError=True,
    )


def serve() -> None:
    build_server().run("stdio")
