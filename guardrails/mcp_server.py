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

import contextlib
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrails.errors import GuardrailsError, UsageError

if TYPE_CHECKING:
    from guardrails.warm import WarmEngine

INSTRUCTIONS = (
    "guardrails enforces this project's code policies (security, observability, "
    "reliability, architecture). Before writing a Python file call `policies` with its path; "
    "after editing call `check`; `explain` gives a rule's why, fix and examples; after "
    "being corrected, `learn` proposes the guardrail that would have caught it."
)
DEFAULT_BUDGET = 6000


def _root() -> Path:
    return Path.cwd()


@functools.cache
def _warm() -> WarmEngine:
    """This server's warm engine: each configuration's plan loaded once, and a resident
    LibCST worker, for every call (`guardrails.warm`)."""
    from guardrails.warm import WarmEngine

    return WarmEngine(_root())


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
    files = _paths(paths, settings.root)
    return service.check_files(_root(), files, max_findings, warm=_warm()).text


def tool_explain(rule_id: str) -> str:
    from guardrails.config import load_settings
    from guardrails.explain import explain
    from guardrails.plugins import build_registry

    return explain(build_registry(load_settings(_root())), rule_id)


def tool_policies(path: str, budget: int = DEFAULT_BUDGET) -> str:
    """The active rules for one file, those it can trip first, within `budget` characters.

    Ranked by `relevance` from the file's own imports and calls (a file not
    written yet: from its path and layer only). Engine diagnostics (GR ids)
    are problems with a run, not policy to write code against: never listed.
    """
    from guardrails import relevance
    from guardrails.config import load_settings
    from guardrails.containment import inside
    from guardrails.discovery import module_name
    from guardrails.paths import project_path

    settings = load_settings(_root())
    plan = _warm().plan_for(settings)
    target = inside(_root() / path, settings.root, path)
    if target.is_dir():
        raise UsageError(f"{path}: is a directory; `policies` takes one Python file")
    relative = project_path(target, settings.root)
    module = module_name(target, settings.src)[0]
    test = plan.is_test(relative)
    rules = [rule for rule in plan.rules_for(relative) if not _engine(rule)]
    ranked = relevance.rank(
        rules,
        relevance.names_used(_text(target, settings.root, settings.max_file_size)),
        test,
        placed=lambda rule: _in_a_layer(rule, module),
        test_path=plan.is_test,
    )
    head = [
        f"# Policies for {relative} (module `{module}`{', a test file' if test else ''})",
        f"{len(rules)} active rules, those this file can trip first; "
        "each: what to avoid -> what to write instead.",
    ]
    return _within(head, [r.rule for r in ranked], [r.score > 0 for r in ranked], module, budget)


def _engine(rule: Any) -> bool:
    """An engine diagnostic (GR id): about the run, not the code."""
    from guardrails.diagnostics import ENGINE_RULES

    return rule.meta.category == "engine" or rule.id in {meta.id for meta in ENGINE_RULES}


def _text(target: Path, root: Path, max_bytes: int) -> str:
    """The file's text; "" when it does not exist yet or is not readable source."""
    from guardrails.discovery import read_source, unchecked_reason
    from guardrails.source import decode_or_error

    if not target.exists() or unchecked_reason(target, max_bytes, root) is not None:
        return ""
    try:
        return decode_or_error(read_source(target, max_bytes)).text or ""
    except OSError:
        return ""


def _within(
    head: list[str], rules: list[Any], relevant: list[bool], module: str, budget: int
) -> str:
    """Whole policy lines within `budget`: every rule in full if that fits, else the
    relevant ones in full and the rest compact, else all compact, else as many compact
    lines as fit and a last line counting the rest."""
    full = [_policy_line(rule, module, compact=False) for rule in rules]
    compact = [_policy_line(rule, module, compact=True) for rule in rules]
    mixed = [f if keep else c for f, c, keep in zip(full, compact, relevant, strict=True)]
    for lines in (full, mixed, compact):
        if len("\n".join(head + lines)) + 1 <= budget:
            return "\n".join(head + lines) + "\n"
    more = "… {} more; call `explain` with an id for one rule."
    room = budget - len("\n".join(head)) - 1 - len(more.format(len(rules))) - 1
    shown: list[str] = []
    for line in compact:  # as many rules as fit: `explain` has the rest of each
        if len(line) + 1 > room:
            break
        shown.append(line)
        room -= len(line) + 1
    return "\n".join([*head, *shown, more.format(len(rules) - len(shown))]) + "\n"


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
    layers = _layers(rule)
    if not layers:
        return ""
    own = _own_layer(layers, module)
    if own is None:
        return f"`{module}` is in no configured layer ({', '.join(layers)})."
    below = layers[:own]  # layers are listed lowest first
    allowed = ", ".join(below) if below else "no other layer"
    return f"`{module}` is in layer `{layers[own]}`; it may import {allowed}, not the layers above."


def _in_a_layer(rule: Any, module: str) -> bool:
    """Whether ARC001 has layers configured and `module` is in one: it then concerns
    every import the file makes, whatever it imports."""
    layers = _layers(rule)
    return bool(layers) and _own_layer(layers, module) is not None


def _layers(rule: Any) -> list[str]:
    layers = rule.options.get("layers") if isinstance(rule.options, dict) else None
    return list(layers) if rule.id == "ARC001" and layers else []


def _own_layer(layers: list[str], module: str) -> int | None:
    return next(
        (i for i, layer in enumerate(layers) if module == layer or module.startswith(layer + ".")),
        None,
    )


def tool_fix(paths: list[str], apply: bool = False, unsafe: bool = False) -> str:
    from guardrails import service
    from guardrails.config import load_settings

    if not paths:
        raise UsageError("pass `paths`: the files or folders to fix")
    settings = load_settings(_root())
    files = _paths(paths, settings.root)
    request = service.CheckRequest(files, _root(), jobs=1, contained=True, warm=_warm())
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


def tool_learn(before: str, after: str, path: str = "fix.py") -> str:
    from guardrails.config import load_settings
    from guardrails.learn import changes, report
    from guardrails.learn.propose import learn, reach

    if not path.endswith((".py", ".pyi")):
        raise UsageError(f"path: {path!r} must name a Python file (.py or .pyi)")
    fixes, skipped = changes.pairs(path, before, after)
    outcome = learn(changes.Source(fixes, "", skipped))
    reach(outcome, load_settings(_root()))
    return report.text("the code given", outcome)


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
        "observability and reliability rules, org plugins), those its imports and calls can "
        "trip first, so code can be written to pass them; read this before writing the file.",
        tool_policies,
    ),
    (
        "fix",
        "Preview (default) or apply (`apply=true`) the automatic fixes for `paths`; returns a "
        "unified diff, or what was applied.",
        tool_fix,
    ),
    (
        "learn",
        "After a correction: given the code `before` and `after` a fix (whole statements or "
        "files, at `path`), propose guardrail rules (Semgrep patterns) verified to fire on the "
        "old code and not the new, each with how many other places in the project it finds; "
        "`guardrails learn --write` turns one into a rule with its test.",
        tool_learn,
    ),
)
"""(name, description written for a model, function) of every tool the server offers."""


class ToolFailure(Exception):
    """A tool's refusal or failure, holding the one line its MCP error result shows."""


def build_server() -> Any:
    """The FastMCP server with its tools; import errors name the extra."""
    try:
        from mcp.server.fastmcp import FastMCP
    except ImportError:
        raise UsageError(
            "the MCP server needs the `mcp` package: pip install 'guardrails-lint[mcp]'"
        ) from None

    from mcp.server.fastmcp.exceptions import ToolError

    _complete_settings_model()

    class Server(FastMCP):
        async def call_tool(self, name: str, arguments: dict[str, Any]) -> Any:
            """Every failure raises: the SDK answers an exception from a tool with an error
            result (`isError` true) holding its text, which we make one line. Arguments the
            SDK rejects (wrong type, missing) get one error line too."""
            try:
                return await super().call_tool(name, arguments)
            except Exception as exc:
                raise ToolError(_failure_line(exc)) from None

    # The client shows the server's stderr to its user: warnings only.
    server = Server("guardrails", instructions=INSTRUCTIONS, log_level="WARNING")

    def guarded(function: Any) -> Any:
        """The tool, answering bad arguments or a broken project with one error line.

        It raises `ToolFailure`, which the SDK turns into an MCP error result
        (`isError`), so a client can tell a refusal from a finding; one line,
        never a traceback. (A returned `CallToolResult` is not an error result
        on every SDK version the extra allows; an exception is.)
        """

        @functools.wraps(function)  # keeps the signature the input schema is built from
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except GuardrailsError as exc:
                raise ToolFailure(_one_line(f"error: {exc}")) from None
            except Exception as exc:  # a bug: say so in one line, never a traceback
                line = _one_line(f"error: internal error: {type(exc).__name__}: {exc}")
                raise ToolFailure(line) from None

        call.__name__ = function.__name__.removeprefix("tool_")  # names the input schema
        return call

    for name, description, function in TOOLS:
        server.tool(name=name, description=description)(guarded(function))
    return server


def _complete_settings_model() -> None:
    """Resolve the forward reference in the SDK's `Settings` before it is instantiated.

    mcp 1.x annotates `Settings.lifespan` with `FastMCP`, a class defined
    after `Settings` in the same module, so the model is left incomplete;
    pydantic-settings 2.15 and later then print an
    `IncompleteFieldDefinitionWarning` on stderr at every start (which the
    client shows its user). Rebuilding the model now, with its module fully
    imported, resolves the reference: the warning's cause, not a filter.
    """
    from mcp.server.fastmcp import server as fastmcp
    from pydantic.errors import PydanticUndefinedAnnotation

    settings = getattr(fastmcp, "Settings", None)
    if settings is None or getattr(settings, "__pydantic_complete__", True):
        return
    with contextlib.suppress(PydanticUndefinedAnnotation):  # another SDK layout: left as is
        settings.model_rebuild()


def _one_line(message: str, limit: int = 400) -> str:
    """`message` on one line, cut to `limit` characters (it may echo a huge argument)."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _failure_line(exc: BaseException) -> str:
    """The one line a failed call answers with: a tool's own `ToolFailure` line (the SDK
    wraps it in its `ToolError`), else what was wrong with the call itself."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ToolFailure):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return _one_line(f"error: {_argument_problem(exc)}")


def _argument_problem(exc: BaseException) -> str:
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


def serve() -> None:
    from guardrails import engine_host

    engine_host.start_in_background(_root())  # for the agent hooks of this project
    build_server().run("stdio")
