"""The `guardrails` command line.

Exit codes follow Ruff: 0 no finding at or above `fail-on`; 1 findings;
2 usage or configuration error, or a run that could not complete (a rule
crashed, a plugin failed). Errors are one line on stderr, never a traceback
(set GUARDRAILS_DEBUG=1 to see one for an internal error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from guardrails._version import __version__
from guardrails.cli_ci import add_ci, cmd_merge
from guardrails.cli_learn import add_learn, cmd_learn
from guardrails.cli_report import add_report, cmd_report
from guardrails.cli_servers import add_servers, cmd_engine, cmd_hook, cmd_mcp, cmd_server
from guardrails.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, GuardrailsError, UsageError
from guardrails.model import SEVERITIES, Violation
from guardrails.registry import SelectionLayer
from guardrails.report.formats import FORMATS as OUTPUT_FORMATS

if TYPE_CHECKING:
    from guardrails.config import Settings
    from guardrails.plan import Plan
    from guardrails.report import Summary
    from guardrails.report.outputs import Output
    from guardrails.service import CheckRequest

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report any program a closed pipe stopped


AGENT_ENVIRONMENT = (
    "CLAUDECODE",  # Claude Code sets CLAUDECODE=1 for its shell (anthropics/claude-code#531)
    "GEMINI_CLI",  # Gemini CLI sets GEMINI_CLI=1 for run_shell_command
    "CODEX_THREAD_ID",  # OpenAI Codex CLI (codex-rs/core/src/exec_env.rs)
    "CODEX_SANDBOX",  # OpenAI Codex CLI sandboxed commands
    "CODEX_SANDBOX_NETWORK_DISABLED",
    "CODEX_CI",
)
"""Variables agent CLIs set for the commands they run; any of them selects `agent` output."""


def default_output_format() -> str:
    """`GUARDRAILS_OUTPUT_FORMAT`, else `agent` inside a coding agent, else `text`."""
    chosen = os.environ.get("GUARDRAILS_OUTPUT_FORMAT", "").strip().lower()
    if chosen:
        if chosen not in OUTPUT_FORMATS:
            raise UsageError(
                f"GUARDRAILS_OUTPUT_FORMAT={chosen!r} is not one of {', '.join(OUTPUT_FORMATS)}"
            )
        return chosen
    if any(os.environ.get(name) for name in AGENT_ENVIRONMENT):
        return "agent"
    return "text"


def _id_list(values: list[str] | None) -> tuple[str, ...] | None:
    """`--select A,B --select C` -> ("A", "B", "C"); None when not given."""
    if values is None:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _add_config_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="path to a pyproject.toml or guardrails.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")


LIST_FORMATS = ("text", "json")
"""What `rules` and `plugins` print."""


def _output_args(parser: argparse.ArgumentParser, formats: Sequence[str], default: str) -> None:
    """`--output-format FORMAT[:PATH]` (repeatable) and `--output-file` (`report.outputs`)."""
    parser.add_argument(
        "--output-format",
        action="append",
        metavar="FORMAT[:PATH]",
        help=f"one of {', '.join(formats)} (default: {default}); FORMAT:PATH writes it to "
        "the file PATH (repeatable; one format goes to standard output)",
    )
    parser.add_argument(
        "--output-file",
        type=Path,
        metavar="PATH",
        help="write the standard-output format to PATH instead",
    )


def _outputs(
    args: argparse.Namespace, formats: Sequence[str], default: Callable[[], str]
) -> list[Output]:
    """Where the report goes; a path that cannot be written is refused now, before any work."""
    from guardrails.report import outputs

    targets = outputs.plan(args.output_format, args.output_file, default, formats)
    outputs.check_writable(targets)
    return targets


def _check_args(check: argparse.ArgumentParser) -> None:
    """`check`'s options: what to check, how to report it, what fails the run."""
    _selection_args(check)
    _output_args(
        check,
        OUTPUT_FORMATS,
        "$GUARDRAILS_OUTPUT_FORMAT, else `agent` under a coding agent, else text",
    )
    check.add_argument(
        "--max-findings",
        type=int,
        default=None,
        metavar="N",
        help="agent format: list at most N findings (default 40)",
    )
    check.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="lowest severity that makes the exit code 1 (config: fail-on)",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in FILE (config: baseline)",
    )
    check.add_argument(
        "--prune",
        action="store_true",
        help="with a baseline: drop entries that no longer match anything",
    )
    check.add_argument(
        "--diff-base", metavar="REF", help="report only findings on lines changed since the git REF"
    )
    check.add_argument(
        "--shard",
        metavar="I/N",
        help="check only shard I of N (CI runners); `guardrails merge` joins their results",
    )
    check.add_argument(
        "--policy-base",
        metavar="REF",
        help="report each weakening of the policy since the git REF as GR005 (config: policy-base)",
    )


def build_parser() -> argparse.ArgumentParser:
    from guardrails.agent_hooks import AGENTS, ALIASES

    agent_names = sorted([*AGENTS, *ALIASES])
    parser = argparse.ArgumentParser(
        prog="guardrails",
        description="Policy checks for Python code whose every finding says what to do instead.",
    )
    parser.add_argument("--version", action="version", version=f"guardrails {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    _check_args(commands.add_parser("check", help="check files and directories (default: .)"))

    clean = commands.add_parser("clean", help="delete the result cache")
    _add_config_args(clean)
    clean.add_argument("--cache-dir", type=Path, metavar="DIR")
    clean.add_argument(
        "--unused-for",
        type=float,
        metavar="DAYS",
        help="delete only the entries no run has used for DAYS days (CI caches)",
    )

    fix = commands.add_parser("fix", help="apply the fixes rules offer (safe ones by default)")
    _selection_args(fix)
    fix.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that can change behaviour"
    )
    fix.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff of the fixes instead of writing them",
    )
    fix.add_argument(
        "--fixes-only",
        action="store_true",
        help="report only what was fixed; findings that remain are left to `check` (pre-commit)",
    )

    baseline = commands.add_parser("baseline", help="record current findings to adopt gradually")
    _selection_args(baseline)
    baseline.add_argument("--out", type=Path, metavar="FILE", help="baseline file to write")

    rules = commands.add_parser("rules", help="list every loaded rule")
    _add_config_args(rules)
    _output_args(rules, LIST_FORMATS, "text")

    plugins = commands.add_parser("plugins", help="list loaded plugins with versions and rules")
    _add_config_args(plugins)
    _output_args(plugins, LIST_FORMATS, "text")

    new_rule = commands.add_parser("new-rule", help="write a rule skeleton and its failing test")
    new_rule.add_argument("rule_id", metavar="ID")
    new_rule.add_argument("--name", required=True, help="kebab-case name, e.g. no-raw-sql")
    new_rule.add_argument("--category", required=True)
    new_rule.add_argument("--backend", choices=("libcst", "semgrep"), default="libcst")
    new_rule.add_argument("--severity", choices=SEVERITIES, default="warning")
    new_rule.add_argument("--path", type=Path, default=Path("."), help="directory to write into")
    new_rule.add_argument("--force", action="store_true", help="overwrite existing files")

    new_plugin = commands.add_parser(
        "new-plugin", help="write an installable org plugin package that passes its own tests"
    )
    new_plugin.add_argument("name", metavar="NAME", help="kebab-case plugin name, e.g. acme")
    new_plugin.add_argument(
        "--prefix", help="rule-id prefix (default: NAME's letters, upper-cased)"
    )
    new_plugin.add_argument(
        "--out", type=Path, default=Path("."), metavar="DIR", help="creates DIR/guardrails-NAME"
    )

    docs = commands.add_parser(
        "docs", help="generate rule docs, llms.txt and the AGENTS.md section"
    )
    _add_config_args(docs)
    docs.add_argument("--out", type=Path, help="folder for one page per rule, index.md, llms.txt")
    docs.add_argument(
        "--agents-md",
        type=Path,
        metavar="PATH",
        help="write or refresh the guardrails section of this AGENTS.md",
    )
    docs.add_argument(
        "--plugin",
        action="append",
        metavar="NAME",
        help="only rules from this plugin (repeatable; default: all loaded)",
    )
    docs.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if anything is stale"
    )

    explain = commands.add_parser("explain", help="explain a rule: why, what to do, examples")
    explain.add_argument("rule_id", metavar="ID")
    _add_config_args(explain)

    hook = commands.add_parser(
        "hook", help="edit-time hook for a coding agent CLI: reads its event JSON on stdin"
    )
    hook.add_argument(
        "--agent",
        required=True,
        choices=agent_names,
        help="the agent CLI whose hook protocol to speak",
    )

    add_servers(commands)
    add_ci(commands)
    add_learn(commands)
    add_report(commands, _selection_args)

    init = commands.add_parser(
        "init", help="set a repository up: config, pre-commit, agent hooks, AGENTS.md"
    )
    init.add_argument(
        "--agent",
        action="append",
        choices=agent_names,
        default=[],
        help="also configure this agent CLI's edit-time hook (repeatable)",
    )
    init.add_argument("--force", action="store_true", help="replace guardrails' own sections")
    return parser


def main(argv: Sequence[str] | None = None, event: bytes | None = None) -> int:
    """The command line; `event`: an agent hook's stdin the launcher already read."""
    if sys.stdout is None:  # started with stdout closed (`>&-`): no report can reach anyone
        print("guardrails: error: standard output is closed", file=sys.stderr)
        return EXIT_ERROR
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help, --version, a usage error: printed, and exit at once
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            return _broken_pipe()
        raise
    args.event = event
    try:
        code = EXIT_ERROR if args.command is None else _dispatch(args)
        if args.command is None:
            parser.print_help()
        # a reader that went away is noticed here, not at exit; the MCP server's stdio
        # transport closes stdout itself when its client hangs up
        if not sys.stdout.closed:
            sys.stdout.flush()
        return code
    except GuardrailsError as exc:
        print(f"guardrails: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("guardrails: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _broken_pipe()
    except OSError as exc:  # the machine, not a bug: a full disk, a failing output device
        _discard_stdout()
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"guardrails: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug in guardrails: say so in one line, never report clean
        if os.environ.get("GUARDRAILS_DEBUG"):
            raise
        print(
            f"guardrails: internal error: {type(exc).__name__}: {exc} "
            "(set GUARDRAILS_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _broken_pipe() -> int:
    """Exit quietly when stdout's reader left."""
    _discard_stdout()
    return EXIT_BROKEN_PIPE


def _discard_stdout() -> None:
    """Send what stdout still buffers to /dev/null (else writing it fails again at exit:
    "Exception ignored ... BrokenPipeError")."""
    import contextlib

    with contextlib.suppress(OSError, ValueError):  # no descriptor: nothing to flush at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _dispatch(args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "check": cmd_check,
        "rules": cmd_rules,
        "plugins": cmd_plugins,
        "baseline": cmd_baseline,
        "fix": cmd_fix,
        "clean": cmd_clean,
        "new-rule": cmd_new_rule,
        "new-plugin": cmd_new_plugin,
        "docs": cmd_docs,
        "hook": cmd_hook,
        "mcp": cmd_mcp,
        "server": cmd_server,
        "engine": cmd_engine,
        "merge": cmd_merge,
        "learn": cmd_learn,
        "report": cmd_report,
        "init": cmd_init,
    }
    return commands.get(args.command, cmd_explain)(args)


def cmd_init(args: argparse.Namespace) -> int:
    from guardrails import init

    for line in init.initialise(Path.cwd(), args.agent, force=args.force):
        print(line)
    return EXIT_OK


def _settings(args: argparse.Namespace, cli: SelectionLayer | None = None):
    from guardrails.config import load_settings

    return load_settings(Path.cwd(), config=args.config, cli=cli, isolated=args.isolated)


def _selection_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    _add_config_args(parser)
    parser.add_argument(
        "--select",
        action="append",
        metavar="IDS",
        help="comma-separated rule ids or prefixes to enable (replaces config)",
    )
    parser.add_argument(
        "--extend-select",
        action="append",
        metavar="IDS",
        help="rule ids or prefixes to enable in addition",
    )
    parser.add_argument(
        "--ignore", action="append", metavar="IDS", help="rule ids or prefixes to disable"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default: all cores)",
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply excludes to files named on the command line too",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="cache folder (config: cache-dir; default .guardrails_cache)",
    )


def _request(args: argparse.Namespace, fmt: str | None = None) -> CheckRequest:
    """The check the shared options ask for (`check`, `fix`, `baseline`); `fmt` is the
    format of the main report (a progress bar goes with `text` only)."""
    from guardrails import progress
    from guardrails.ratchet import APPROVED_ENV
    from guardrails.service import CheckRequest
    from guardrails.shards import Shard

    selection = SelectionLayer(
        select=_id_list(args.select),
        extend_select=_id_list(args.extend_select) or (),
        ignore=_id_list(args.ignore) or (),
    )
    fmt = fmt or default_output_format()
    return CheckRequest(
        paths=list(args.paths),
        config=args.config,
        isolated=args.isolated,
        selection=selection,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir,
        force_exclude=args.force_exclude,
        baseline=getattr(args, "baseline", None),
        prune=getattr(args, "prune", False),
        diff_base=getattr(args, "diff_base", None),
        policy_base=getattr(args, "policy_base", None),
        fail_on=getattr(args, "fail_on", None),
        shard=Shard.parse(args.shard) if getattr(args, "shard", None) else None,
        approved=tuple(os.environ.get(APPROVED_ENV, "").split(",")),
        progress=lambda files: progress.bar(files, progress.wanted(fmt, files)),
    )


def _notes(notes: Sequence[str]) -> None:
    for note in notes:
        print(f"guardrails: {note}" if note.startswith("warning:") else note, file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from guardrails import service
    from guardrails.report import outputs

    targets = _outputs(args, OUTPUT_FORMATS, default_output_format)
    result = service.check(_request(args, targets[0].fmt))
    _notes(result.notes)

    def produce(fmt: str, out: TextIO) -> None:
        render(
            args,
            result.plan,
            result.settings,
            result.violations,
            result.summary,
            out,
            result.suppressed,
            fmt=fmt,
            color=out is sys.stdout and _use_color(out),
            shard=result.shard.record() if result.shard is not None else None,
        )

    outputs.emit(targets, produce, sys.stdout)
    sys.stdout.flush()
    return result.exit_code(args.exit_zero)


def cmd_clean(args: argparse.Namespace) -> int:
    """Remove the cache folder, or with --unused-for its unused entries: only in a folder
    guardrails made and tagged (see `cache.removable`)."""
    from guardrails.cache import directory_for, prune, remove

    settings = _settings(args)
    directory = directory_for(settings, args.cache_dir)
    if args.unused_for is not None and not 0 < args.unused_for < float("inf"):
        raise UsageError("--unused-for must be a positive number of days")
    if not os.path.lexists(directory):
        print(f"no cache at {directory}")
        return EXIT_OK
    if args.unused_for is not None:
        deleted, kept = prune(directory, settings.root, settings.config_path, args.unused_for)
        print(f"removed {deleted} entries unused for {args.unused_for:g} days ({kept} kept)")
        return EXIT_OK
    remove(directory, settings.root, settings.config_path)
    print(f"removed {directory}")
    return EXIT_OK


def cmd_fix(args: argparse.Namespace) -> int:
    """Apply fixes; exit 1 if findings remain (or, with --diff, if there is anything to fix;
    with --fixes-only, if a file was fixed: the check hook reports what remains, once).

    Exit 2 if a file could not be fixed safely (changed meanwhile, read-only, outside
    the project); files already written are listed even when a later step fails.
    What remains is reported as `check` would (baseline, `policy-base`, `fail-on`).
    """
    import contextlib

    from guardrails import service
    from guardrails.fixer import FixReport
    from guardrails.report import text

    report = FixReport()
    try:
        _, result = service.fix(_request(args), args.unsafe_fixes, args.diff, report)
    finally:
        if report.fixed and not args.diff:
            with contextlib.suppress(OSError):  # never hide the error that ended the run
                print("\n".join(report.written()), flush=True)
    for problem in report.problems():
        print(f"guardrails: {problem}", file=sys.stderr)
    if result is None:  # --diff
        sys.stdout.write("".join(report.diffs))
        print(
            f"Would fix {_count(report.total, 'finding')} in {_count(len(report.fixed), 'file')}.",
            file=sys.stderr,
        )
        return EXIT_ERROR if report.refused else EXIT_FINDINGS if report.total else EXIT_OK
    remaining = result.violations
    unsafe_left = sum(1 for v in remaining if v.fix is not None and v.fix.applicability == "unsafe")
    note = f"Fixed {_count(report.total, 'finding')} in {_count(len(report.fixed), 'file')}."
    if unsafe_left and not args.unsafe_fixes:
        note += f" {unsafe_left} more can be fixed with --unsafe-fixes."
    if not args.fixes_only:
        _notes(result.notes)
        text.render(remaining, result.summary, sys.stdout, color=_use_color(sys.stdout))
    print(note)
    if report.refused or result.crashed:
        return EXIT_ERROR
    if args.fixes_only:  # the check hook reports (and fails on) what remains, once
        return EXIT_FINDINGS if report.fixed or report.broken else EXIT_OK
    return EXIT_FINDINGS if result.summary.failing or report.broken else EXIT_OK


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def cmd_baseline(args: argparse.Namespace) -> int:
    """Record current findings: to `--out`, else to each configuration's own `baseline`."""
    from guardrails import service

    written, notes = service.record_baseline(_request(args), args.out)
    _notes(notes)
    for target, entries, files in written:
        print(f"wrote {entries} findings from {files} files to {target}")
    return EXIT_OK


def _use_color(stream: object) -> bool:
    """Colour on terminals; NO_COLOR switches it off, FORCE_COLOR on (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render(
    args: argparse.Namespace,
    plan: Plan,
    settings: Settings,
    violations: list[Violation],
    summary: Summary,
    out: TextIO,
    suppressed: list[Violation] | None = None,
    *,
    fmt: str,
    color: bool = False,
    shard: dict[str, object] | None = None,
) -> None:
    """Write the findings as `fmt` (`report.formats`); `shard`: the share of a sharded run
    the findings are, recorded in JSON and SARIF for `guardrails merge`."""
    from guardrails.paths import repository_root
    from guardrails.report import formats
    from guardrails.service import rule_metas
    from guardrails.source import load

    if args.max_findings is not None and args.max_findings < 1:
        raise UsageError("--max-findings must be at least 1")
    formats.write(
        fmt,
        violations,
        summary,
        out,
        rules=[(rule.meta, rule.severity) for rule in plan.rules],
        metas=rule_metas(plan),
        # SARIF URIs and GitHub annotations: from the repository root, so code scanning
        # finds the files whichever folder of a monorepo the check ran in
        repository=repository_root(settings.root) or settings.root,
        # rdjson's byte columns: a finding's file as the check reads it
        read=lambda path: load(Path(path), settings.root, settings.src, settings.max_file_size),
        suppressed=suppressed or (),
        max_findings=args.max_findings,
        color=color,
        shard=shard,
    )


def _registry(args: argparse.Namespace):
    from guardrails.plugins import build_registry

    return build_registry(_settings(args))


def cmd_rules(args: argparse.Namespace) -> int:
    from guardrails.report import outputs

    targets = _outputs(args, LIST_FORMATS, lambda: "text")
    registry = _registry(args)
    metas = registry.sorted()

    def produce(fmt: str, out: TextIO) -> None:
        if fmt == "json":
            rows = [
                {
                    "id": m.id,
                    "name": m.name,
                    "category": m.category,
                    "severity": m.severity,
                    "backend": registry.backends(m.id),
                    "plugin": m.plugin,
                    "fix": m.fix,
                    "summary": m.summary,
                }
                for m in metas
            ]
            json.dump(rows, out, indent=2)
            out.write("\n")
            return
        width = max((len(m.name) for m in metas), default=10)
        for m in metas:
            out.write(
                f"{m.id:<8} {m.name:<{width}}  {m.category:<13} {m.severity:<8} "
                f"{registry.backends(m.id):<12} {m.plugin}\n"
            )

    outputs.emit(targets, produce, sys.stdout)
    return EXIT_OK


def cmd_new_rule(args: argparse.Namespace) -> int:
    from guardrails import scaffold

    skeleton = scaffold.Skeleton(
        rule_id=args.rule_id,
        name=args.name,
        category=args.category,
        backend=args.backend,
        directory=args.path,
        severity=args.severity,
    )
    written = scaffold.write(skeleton, force=args.force)
    for path in written:
        print(f"wrote {path}")
    hook = "guardrails_semgrep_rule_dirs" if args.backend == "semgrep" else "guardrails_rules"
    then = (
        "the plugin's hook module registers it"
        if scaffold.plugin_layout(args.path)
        else f"then return the rule from your plugin's `{hook}` hook"
    )
    print(f"next: fill in the FILL IN fields and examples until {written[-1].name} passes; {then}")
    return EXIT_OK


def cmd_new_plugin(args: argparse.Namespace) -> int:
    """Write a plugin package; the rule ids already loaded decide which prefixes are taken."""
    from guardrails import scaffold_plugin
    from guardrails.config import Settings
    from guardrails.plugins import build_registry

    skeleton = scaffold_plugin.PluginSkeleton(
        name=scaffold_plugin.normalised_name(args.name), parent=args.out, prefix=args.prefix or ""
    )
    taken = set(build_registry(Settings(root=Path.cwd())).rules)
    for path in scaffold_plugin.write(skeleton, taken):
        print(f"wrote {path}")
    print(
        f"next: cd {skeleton.folder} && pip install -e . && python -m pytest; "
        "add rules with `guardrails new-rule` run there"
    )
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    """Generate docs from the registry; the AGENTS.md section follows this repo's config."""
    from guardrails import docs_gen
    from guardrails.plugins import build_registry

    if args.out is None and args.agents_md is None:
        raise UsageError("say what to generate: --out DIR and/or --agents-md PATH")
    settings = _settings(args)
    changes = docs_gen.plan_changes(
        build_registry(settings), settings, args.out, args.agents_md, args.plugin or ()
    )
    if args.check:
        for path in changes.stale:
            print(f"stale: {path}")
        for path in changes.extra:
            print(f"not generated any more: {path}")
        if changes.stale or changes.extra:
            print("run `guardrails docs` with the same arguments without --check to update")
            return EXIT_FINDINGS
        print(f"up to date ({len(changes.planned)} files)")
        return EXIT_OK
    for line in docs_gen.write_changes(args.out, changes.planned, changes.stale, changes.extra):
        print(line)
    if not changes.stale and not changes.extra:
        print(f"up to date ({len(changes.planned)} files)")
    return EXIT_OK


def cmd_plugins(args: argparse.Namespace) -> int:
    from guardrails.report import outputs

    targets = _outputs(args, LIST_FORMATS, lambda: "text")
    registry = _registry(args)
    rows = []
    for info in registry.plugins:
        ids = sorted(m.id for m in registry.rules.values() if m.plugin == info.name)
        rows.append(
            {
                "name": info.name,
                "source": info.source,
                "version": info.version,
                "rules": len(ids),
                "ids": ids,
            }
        )

    def produce(fmt: str, out: TextIO) -> None:
        if fmt == "json":
            json.dump(rows, out, indent=2)
            out.write("\n")
            return
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            out.write(
                f"{r['name']:<{width}}  {r['source']:<11} {r['version'] or '-':<10} "
                f"{r['rules']:>3} rules  {' '.join(r['ids'])}\n"
            )

    outputs.emit(targets, produce, sys.stdout)
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from guardrails.explain import explain

    sys.stdout.write(explain(_registry(args), args.rule_id))
    return EXIT_OK
