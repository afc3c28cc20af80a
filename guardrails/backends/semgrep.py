"""Semgrep-backed rules: YAML policy packs run by one offline `semgrep` process.

A guardrails rule backed by Semgrep is one or more Semgrep rules whose
`metadata.guardrails.id` names it; exactly one of them also carries the
rule's documentation fields (name, category, why, remediation, examples...):

    rules:
      - id: sec014-flask-debug
        languages: [python]
        severity: ERROR
        message: "`$APP.run(debug=True)` ..."
        pattern: $APP.run(..., debug=True, ...)
        metadata:
          guardrails:
            id: SEC014
            name: debug-enabled
            ...

Only the Semgrep rules of *active* guardrails rules are written to the
config Semgrep gets, so `select`/`ignore` apply before it starts, and it is
not started at all when none is active. Semgrep scans exactly the files
guardrails discovered: its default ignores (`.semgrepignore`, test folders,
minified files), `.gitignore` handling, size limit and `# nosemgrep`
comments are all switched off, and any target it reports as not scanned
becomes a GR003 finding on that file. It runs with metrics and the version
check off, local rules only, and a private HOME.

Semgrep can also analyse a file only in part without saying so in its
JSON: when its own Python parser fails (e.g. on PEP 695 `type X = ...` or
`class A[T]:` in Semgrep 1.185) it falls back to a tree-sitter parse whose
tree some patterns (f-strings...) never match. Its parsing log is the only
place that says so, so Semgrep runs with that log on, and a fallback is a
GR001 naming the rules that did not fully check the file. Every other way a
target escapes analysis (syntax or partial-parse errors, timeouts, memory,
size, a vanished file, a target it did not scan) is a finding on that file
too, never a silent pass.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from guardrails.backends.process import (
    BackendError,
    Job,
    backend_timeout,
    executable_identity,
    find_executable,
    isolated_env,
    last_line,
    start,
    where_missing,
)
from guardrails.diagnostics import PARSE_ERROR, RULE_CRASH
from guardrails.discovery import DEFAULT_MAX_FILE_SIZE
from guardrails.errors import PluginError
from guardrails.lines import line_starts
from guardrails.model import Edit, Example, Fix, RuleMeta, Violation
from guardrails.registry import ActiveRule
from guardrails.source import SourceFile

if TYPE_CHECKING:
    from guardrails.backends import Claim, HookResults
    from guardrails.plan import Plan
    from guardrails.registry import Registry

BACKEND = "semgrep"
# libyaml's loader when PyYAML was built with it: rule packs load on every run
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PER_FILE_TIMEOUT_S = 30
_META_FIELDS = {
    "id": str,
    "name": str,
    "category": str,
    "severity": str,
    "summary": str,
    "why": str,
    "remediation": str,
    "bad": list,
    "good": list,
    "references": list,
    "fix": str,
    "skip_tests": bool,
    "default_enabled": bool,
    "docs_url": str,
    "triggers": list,
    "subsumes": list,
    "foreign_codes": list,
    "severity_note": str,
    "instead": str,
}
_REQUIRED = ("name", "category", "severity", "summary", "why", "remediation")


def _examples(raw: list[Any], where: str) -> tuple[Example, ...]:
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Example(item))
        elif isinstance(item, dict) and isinstance(item.get("code"), str):
            out.append(Example(item["code"], str(item.get("path", ""))))
        else:
            raise PluginError(f"{where}: an example must be a string or {{code, path}}")
    return tuple(out)


def _meta_from(fields: dict[str, Any], where: str) -> RuleMeta:
    for key, value in fields.items():
        expected = _META_FIELDS.get(key)
        if expected is None:
            raise PluginError(f"{where}: unknown metadata.guardrails key {key!r}")
        if not isinstance(value, expected):
            raise PluginError(f"{where}: metadata.guardrails.{key} must be a {expected.__name__}")
    missing = [key for key in _REQUIRED if key not in fields]
    if missing:
        raise PluginError(f"{where}: metadata.guardrails is missing {', '.join(missing)}")
    return RuleMeta(
        id=fields["id"],
        name=fields["name"],
        category=fields["category"],
        severity=fields["severity"],
        summary=fields["summary"].strip(),
        why=" ".join(fields["why"].split()),
        remediation=" ".join(fields["remediation"].split()),
        bad=_examples(fields.get("bad", []), where),
        good=_examples(fields.get("good", []), where),
        references=tuple(str(r) for r in fields.get("references", [])),
        fix=fields.get("fix", "none"),
        backend=BACKEND,
        skip_tests=fields.get("skip_tests", False),
        default_enabled=fields.get("default_enabled", True),
        docs_url=fields.get("docs_url", ""),
        subsumes=tuple(str(i) for i in fields.get("subsumes", [])),
        foreign_codes=tuple(str(c) for c in fields.get("foreign_codes", [])),
        severity_note=" ".join(fields.get("severity_note", "").split()),
        instead=" ".join(fields.get("instead", "").split()),
    )


def _trigger(item: Any, where: str) -> str | re.Pattern[str]:
    if isinstance(item, str) and item:
        return item
    if isinstance(item, dict) and set(item) == {"regex"} and isinstance(item["regex"], str):
        try:
            return re.compile(item["regex"])
        except re.error as exc:
            raise PluginError(f"{where}: trigger regex {item['regex']!r}: {exc}") from None
    raise PluginError(
        f"{where}: a metadata.guardrails.triggers entry must be a string or {{regex: ...}}"
    )


def triggers_from(fields: dict[str, Any], where: str) -> tuple[tuple[Any, ...], ...]:
    """`triggers` as AND-of-OR groups: a flat list is one group.

    A file is sent to Semgrep for a rule only if, for every group, one of
    its entries occurs in the file's text: a string as a substring, a
    `{regex: ...}` mapping as a `re.search` match (for a call shape such as
    `\\.execute\\s*\\(` where the bare word is too common to pay).
    Triggers must be sound: name every string without which the rule
    cannot match (e.g. its sink calls), allowing for aliases Semgrep
    resolves (`from os import system as run` still names `system`).
    """
    raw = fields.get("triggers", [])
    if not isinstance(raw, list):
        raise PluginError(f"{where}: metadata.guardrails.triggers must be a list")
    groups = raw if raw and all(isinstance(g, list) for g in raw) else [raw] if raw else []
    return tuple(tuple(_trigger(t, where) for t in group) for group in groups if group)


def could_match(text: str, triggers: tuple[tuple[Any, ...], ...]) -> bool:
    """Whether a file's text holds at least one entry of every trigger group."""
    return all(
        any((t in text) if isinstance(t, str) else t.search(text) is not None for t in group)
        for group in triggers
    )


def load_rule_dir(
    directory: Path, plugin: str
) -> tuple[dict[str, RuleMeta], dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """Read every `*.yaml`/`*.yml` below `directory`.

    Returns (metas, Semgrep rules, triggers), each keyed by guardrails id.
    """
    if not directory.is_dir():
        raise PluginError(f"plugin {plugin!r}: Semgrep rule directory {directory} does not exist")
    metas: dict[str, RuleMeta] = {}
    rules: dict[str, list[dict[str, Any]]] = {}
    triggers: dict[str, tuple[tuple[str, ...], ...]] = {}
    files = sorted([*directory.rglob("*.yaml"), *directory.rglob("*.yml")])
    for path in files:
        where = f"plugin {plugin!r}: {path}"
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
        except yaml.YAMLError as exc:
            detail = " ".join(str(exc).split())
            raise PluginError(f"{where}: invalid YAML: {detail}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PluginError(f"{where}: cannot read: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            raise PluginError(f"{where}: expected a top-level `rules:` list")
        for rule in data["rules"]:
            if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
                raise PluginError(f"{where}: every Semgrep rule needs an `id`")
            meta = (rule.get("metadata") or {}).get("guardrails")
            rule_where = f"{where}: rule {rule['id']!r}"
            if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
                raise PluginError(f"{rule_where}: metadata.guardrails.id is missing")
            guardrails_id = meta["id"]
            rules.setdefault(guardrails_id, []).append(rule)
            if len(meta) > 1:
                if guardrails_id in metas:
                    raise PluginError(
                        f"{rule_where}: {guardrails_id} is documented by two Semgrep rules; "
                        "keep the metadata on one and only `id` on the others"
                    )
                fields = {k: v for k, v in meta.items() if k != "triggers"}
                metas[guardrails_id] = _meta_from(fields, rule_where)
                triggers[guardrails_id] = triggers_from(meta, rule_where)
    for guardrails_id in rules:
        if guardrails_id not in metas:
            raise PluginError(
                f"plugin {plugin!r}: {directory}: no Semgrep rule documents {guardrails_id} "
                "(metadata.guardrails needs name, category, why, remediation, ...)"
            )
    return metas, rules, triggers


class SemgrepJob:
    """One started `semgrep scan` and how to read its findings back."""

    def __init__(
        self,
        job: Job,
        targets: dict[str, str],
        rules: dict[str, Any],
        timeout: float,
        wanted: dict[str, frozenset[str]],
        expected: set[str],
        sources: dict[str, SourceFile] | None = None,
    ) -> None:
        self.job = job
        self.targets = targets  # path as given to semgrep -> path as reported
        self.rules = rules  # guardrails id -> ActiveRule
        self.timeout = timeout
        # given path -> ids whose triggers it holds: a rule's findings count only
        # there, whichever way Semgrep was limited (so every run agrees)
        self.wanted = wanted
        self.expected = expected  # given paths Semgrep must report as scanned
        self._sources = sources or {}  # given path -> the file as the run read it

    def done(self) -> bool:
        return self.job.done()

    def close(self) -> None:
        self.job.close()

    def collect(self) -> dict[str, list[Violation]]:
        """Findings by reported path; BackendError when Semgrep itself failed."""
        try:
            code, out, err = self.job.wait(backend_timeout(self.timeout))
        finally:
            self.job.close()
        try:
            data = json.loads(out) if out.strip() else None
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            raise BackendError(
                f"semgrep failed (exit {code}) without a result: {_stderr_line(err)}"
            )
        try:
            return self._interpret(data, code, err)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # e.g. results: 5
            raise BackendError(
                f"semgrep failed: its JSON output is malformed ({type(exc).__name__}: {exc})"
            ) from None

    def _interpret(self, data: dict[str, Any], code: int, err: str) -> dict[str, list[Violation]]:
        """Findings by reported path from Semgrep's JSON; BackendError if it failed."""
        findings: dict[str, list[Violation]] = {}
        self._errors(data.get("errors") or [], code, findings, err)
        for result in data.get("results") or []:
            try:
                violation = self._violation(result)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise BackendError(
                    f"semgrep failed: a result in its JSON is malformed: {str(result)[:200]}"
                ) from None
            if violation is not None:
                findings.setdefault(violation.path, []).append(violation)
        if self.targets and not _PARSE_LOG.search(err):
            # Semgrep parses every rule's patterns first and logs it: no such line
            # means its log changed, and a fallback parse would go unseen.
            raise BackendError(
                "semgrep did not write its parsing log (SEMGREP_LOG_SRCS=semgrep.parsing "
                "with --debug), so files it only partly analysed cannot be told apart; "
                f"this semgrep ({data.get('version', 'unknown version')}) is not supported"
            )
        for given, line, reason in _fallback_parses(err, self.targets):
            self._incomplete(
                findings,
                given,
                line,
                "Semgrep's Python parser failed on this file "
                f"({reason}) and it fell back to a partial parser",
                PARSE_ERROR,
            )
        for given, line, rule in _fixpoint_timeouts(data):
            self._incomplete(
                findings, given, line, f"its taint analysis gave up here (fixpoint timeout{rule})"
            )
        paths = data.get("paths") if isinstance(data.get("paths"), dict) else {}
        scanned = {os.path.normpath(str(p)) for p in paths.get("scanned") or []}
        flagged = set(findings)
        for given, shown in self.targets.items():
            if (
                given in self.expected
                and os.path.normpath(given) not in scanned
                and shown not in flagged
            ):
                self._incomplete(findings, given, 1, "semgrep did not scan this file")
        return findings

    def _incomplete(
        self,
        findings: dict[str, list[Violation]],
        given: str,
        line: int,
        why: str,
        meta: RuleMeta = RULE_CRASH,
    ) -> None:
        """Record that Semgrep did not fully check `given`, naming the rules it missed.

        One finding per file and diagnostic: a fallback parse and the partial-
        parse error it ends in are one problem.
        """
        shown = self.targets.get(given, given)
        if any(v.rule_id == meta.id for v in findings.get(shown, ())):
            return
        ids = ", ".join(sorted(self.wanted.get(given, ()))) or "Semgrep-backed rules"
        message = f"{why}, so {ids} did not (fully) check it"
        findings.setdefault(shown, []).append(_engine_finding(shown, line, message, meta))

    def _errors(
        self,
        errors: list[Any],
        code: int,
        findings: dict[str, list[Violation]],
        err: str,
    ) -> None:
        for error in errors:
            if not isinstance(error, dict):
                continue
            message = " ".join(str(error.get("message", "")).split())
            path = error.get("path")
            kind = error.get("type")
            kind = kind[0] if isinstance(kind, list) and kind else kind
            vanished = _invalid_root(message, self.targets) if path is None else None
            if vanished is None and (path is None or any(w in str(kind) for w in _RULE_ERRORS)):
                raise BackendError(f"semgrep rejected the rules: {kind}: {message[:300]}")
            if vanished is not None:
                # like LibCST's "cannot read file" (GR001); the engine caches nothing
                # for a file that is gone
                self._incomplete(
                    findings,
                    vanished,
                    1,
                    "the file vanished or became unreadable during the run",
                    PARSE_ERROR,
                )
                continue
            given = str(path)
            spans = error.get("spans")
            span = spans[0] if isinstance(spans, list) and spans else None
            where = span.get("start") if isinstance(span, dict) else None
            line = where.get("line") if isinstance(where, dict) else None
            line = line if isinstance(line, int) and line > 0 else 1
            rule = f" in rule {error['rule_id']}" if error.get("rule_id") else ""
            if any(word in str(kind).lower() for word in ("syntax", "lexical", "pars")):
                # Like LibCST's: the file, not a rule, is the problem (GR001). The
                # engine keeps one GR001 per file when LibCST failed on it too.
                why = f"Semgrep cannot parse this file: {message[:200]}"
                self._incomplete(findings, given, line, why, PARSE_ERROR)
            else:
                why = f"semgrep could not check this file ({kind}{rule}): {message[:200]}"
                self._incomplete(findings, given, line, why)
        if code not in (0, 1) and not errors:
            raise BackendError(f"semgrep failed with exit code {code}: {_stderr_line(err)}")

    def _violation(self, result: dict[str, Any]) -> Violation | None:
        extra = result.get("extra") or {}
        guardrails_id = ((extra.get("metadata") or {}).get("guardrails") or {}).get("id")
        rule = self.rules.get(guardrails_id)
        if rule is None or guardrails_id not in self.wanted.get(result["path"], ()):
            return None
        path = self.targets.get(result["path"], result["path"])
        start = self._position(result["path"], result["start"])
        end = self._position(result["path"], result["end"])
        fix = None
        if isinstance(extra.get("fix"), str):
            fix = Fix(
                (Edit(*start, *end, extra["fix"]),),
                applicability="safe" if rule.meta.fix == "safe" else "unsafe",
            )
        # `extra.lines` reads "requires login" in the logged-out CLI; the engine
        # fills `source_line` from the file instead.
        return rule.violation(
            path,
            start,
            end,
            " ".join(str(extra.get("message", rule.meta.summary)).split()),
            fix=fix,
            backend=BACKEND,
        )

    def _position(self, given: str, point: dict[str, Any]) -> tuple[int, int]:
        """Semgrep's (line, column) as Python counts them.

        Semgrep breaks lines at `\\n` only, so where a file has a lone `\\r`
        its line numbers are not Python's; its byte offset is exact, and is
        turned into Python's line and column (in characters, as elsewhere).
        """
        source = self._sources.get(given)
        data = source.data if source is not None else None
        offset = point.get("offset")
        if not data or b"\r" not in data or not isinstance(offset, int):
            return int(point["line"]), int(point["col"])  # `\\n` only: Semgrep's lines are right
        # what Semgrep read is UTF-8 (a file in another encoding is given as a UTF-8 copy)
        prefix = data[:offset].decode("utf-8", errors="replace").removeprefix("\ufeff")
        starts = line_starts(prefix)
        return len(starts), len(prefix) - starts[-1] + 1


# error types that are about the rules, not a target (they may name the rule file)
_RULE_ERRORS = ("Rule", "Invalid", "Pattern", "UnknownLanguage", "MissingPlugin")
_PARSE_LOG = re.compile(r"\(semgrep\.parsing\): trying to parse with ")
_FALLBACK = re.compile(
    r"\(semgrep\.parsing\): exn \((?P<reason>[\w.]+) \((?P<path>.+):(?P<line>\d+):\d+ "
    r"<\d+ bytes>\)\) with Pfff parser$",
    re.MULTILINE,
)


def _fallback_parses(err: str, targets: dict[str, str]) -> list[tuple[str, int, str]]:
    """(given path, line, reason) of each target Semgrep's own parser failed on.

    Its log (on with `--debug` and `SEMGREP_LOG_SRCS=semgrep.parsing`) is the
    only trace of the silent fallback to tree-sitter; a failure it recovers
    from entirely still changes what patterns match.
    """
    found = {}
    for match in _FALLBACK.finditer(err):
        path = match["path"]
        if path in targets and path not in found:
            found[path] = (path, int(match["line"]), match["reason"].rsplit(".", 1)[-1])
    return list(found.values())


def _fixpoint_timeouts(data: dict[str, Any]) -> list[tuple[str, int, str]]:
    """(given path, line, " in rule R") of each taint fixpoint Semgrep gave up on.

    Reported under `time.fixpoint_timeouts`, not `errors`: the flows through
    that function were not followed, so the file is only partly checked.
    """
    timing = data.get("time")
    found = []
    for item in (timing.get("fixpoint_timeouts") if isinstance(timing, dict) else None) or []:
        location = item.get("location") if isinstance(item, dict) else None
        if not isinstance(location, dict) or not isinstance(location.get("path"), str):
            continue
        start = location.get("start")
        line = start.get("line") if isinstance(start, dict) else None
        rule = f" in rule {item['rule_id']}" if isinstance(item.get("rule_id"), str) else ""
        found.append((location["path"], line if isinstance(line, int) and line > 0 else 1, rule))
    return found


def _invalid_root(message: str, targets: dict[str, str]) -> str | None:
    """The target a path-less "Invalid scanning root: X" error names, if any.

    Semgrep says so, without a `path`, for a target that vanished after it
    was given; it still scans every other target.
    """
    marker = "Invalid scanning root: "
    if marker not in message:
        return None
    named = message.split(marker, 1)[1].strip()
    for given in targets:
        if named == given or os.path.normpath(named) == os.path.normpath(given):
            return given
    return None


def _stderr_line(text: str) -> str:
    """The last line of Semgrep's stderr that is not its own debug log."""
    kept = [
        line
        for line in text.splitlines()
        if line.strip() and not line[:1].isspace() and not _LOG_LINE.match(line)
    ]
    return last_line("\n".join(kept))


_LOG_LINE = re.compile(r"\[\d+\.\d+\]\[(DEBUG|INFO|WARNING)\]")


def _engine_finding(path: str, line: int, message: str, meta: RuleMeta = RULE_CRASH) -> Violation:
    engine = ActiveRule(meta, meta.severity, {})
    return engine.violation(path, (line, 1), (line, 2), message, backend=BACKEND)


def _text_of(source: SourceFile) -> str:
    """A file's bytes as latin-1, for trigger checks only: triggers are ASCII, and
    this costs no decoding (reports take their text from the file's one decoding)."""
    return (source.data or b"").decode("latin-1")


def _glob_escaped(path: str) -> str:
    """`path` as a Semgrep `paths:` glob matching exactly it (`[*]` is a literal `*`)."""
    return "".join(f"[{c}]" if c in "*?[\\" else c for c in path)


def _anchors(targets: dict[str, str], root: Path | None) -> dict[str, str] | None:
    """Each target as a `paths:` glob anchored at `root`, or None if one lies outside it.

    Semgrep matches a rule's `paths:` globs against the path relative to
    its project root, which must physically contain every target (a root
    of `/` matches nothing, so files outside the project fall back to
    every rule on every file).
    """
    if root is None:
        return None
    real_root = os.path.realpath(root)
    anchors = {}
    for given in targets:
        absolute = os.path.abspath(given)
        relative = os.path.relpath(absolute, root)
        real = os.path.realpath(os.path.dirname(absolute))
        if relative.startswith("..") or os.path.commonpath([real, real_root]) != real_root:
            return None
        anchors[given] = "/" + _glob_escaped(Path(relative).as_posix())
    return anchors


def _own_include(rule: dict[str, Any]) -> bool:
    """Whether a Semgrep rule chooses its files with its own `paths.include` globs."""
    paths = rule.get("paths")
    return isinstance(paths, dict) and bool(paths.get("include"))


def _only_on(rule: dict[str, Any], globs: list[str] | None) -> dict[str, Any]:
    """A Semgrep rule limited to `globs` (None: every target), its excludes kept."""
    if globs is None:
        return rule
    paths = rule.get("paths")
    return {**rule, "paths": {**(paths if isinstance(paths, dict) else {}), "include": globs}}


@dataclass(frozen=True)
class SemgrepRules:
    """What Semgrep runs for one guardrails rule: its Semgrep rules, and the triggers
    (AND of OR groups of substrings or regexes) without which none can match."""

    rules: tuple[dict[str, Any], ...]
    triggers: tuple[tuple[Any, ...], ...] = ()


def _semgrep_rules(rule: ActiveRule) -> SemgrepRules | None:
    return rule.implementation(BACKEND)


def start_semgrep(
    active: Sequence[Any],
    sources: Sequence[SourceFile],
    cwd: Path,
    jobs: int,
    root: Path | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
    applicable: Callable[[str], Collection[str]] | None = None,
) -> SemgrepJob | None:
    """Start Semgrep for the active Semgrep-backed rules, or None if nothing could match.

    Only files whose text holds the triggers of at least one active rule are
    sent (Semgrep's start-up alone costs seconds, and most files of a
    project cannot match a given policy), and each rule runs only on the
    files that hold its own triggers: one process still, but a taint rule
    is not run over every file some cheap pattern rule wanted (on the
    stdlib that is 60% of Semgrep's time). `root` is the project root the
    rules' `paths:` globs are anchored at; `max_bytes` is the run's file size
    limit, which Semgrep is given too (a file over it is not a target: the
    engine reports it unchecked). `applicable(given)` names the rules that
    apply to a file (`per-file-ignores`, test paths): no other rule runs on
    it, so a file Semgrep cannot fully parse names only rules that matter.
    """
    rules = {rule.id: rule for rule in active if _semgrep_rules(rule) is not None}
    by_given = {str(source.path): source for source in sources if source.data is not None}
    targets = {given: source.shown for given, source in by_given.items()}
    wanted: dict[str, frozenset[str]] = {}  # given path -> ids whose triggers it holds
    for given in targets:
        text = _text_of(by_given[given])
        scope = applicable(given) if applicable is not None else rules
        ids = frozenset(
            i
            for i, rule in rules.items()
            if i in scope and could_match(text, _semgrep_rules(rule).triggers)
        )
        if ids:
            wanted[given] = ids
    targets = {given: shown for given, shown in targets.items() if given in wanted}
    if not rules or not targets:
        return None
    executable = find_executable("semgrep", "GUARDRAILS_SEMGREP")
    if executable is None:
        ids = ", ".join(sorted(rules))
        pasteable = shlex.quote(",".join(sorted(rules)))
        raise BackendError(
            f"{where_missing('semgrep', 'GUARDRAILS_SEMGREP')}, so the Semgrep-backed rules "
            f"({ids}) cannot run; "
            f"install it (`pip install semgrep`) or deselect them with `--ignore {pasteable}`"
        )
    workdir = tempfile.TemporaryDirectory(prefix="guardrails-semgrep-")
    config = Path(workdir.name) / "rules.yaml"
    anchors = _anchors(targets, root)
    semgrep_rules: list[dict[str, Any]] = []
    expected: set[str] = set()  # targets some rule surely runs on: Semgrep must scan them
    for rule in rules.values():
        mine = [given for given in targets if rule.id in wanted[given]]
        if not mine:
            continue  # no target can match: Semgrep need not even parse the rule
        globs = [anchors[g] for g in mine] if anchors and len(mine) < len(targets) else None
        for semgrep_rule in _semgrep_rules(rule).rules:
            if _own_include(semgrep_rule):
                # two include lists would be a union, not an intersection: its own
                # globs choose from every target, and may rightly choose none
                semgrep_rules.append(semgrep_rule)
            else:
                semgrep_rules.append(_only_on(semgrep_rule, globs))
                if not semgrep_rule.get("paths"):  # its excludes may rightly skip a file too
                    expected.update(targets if globs is None else mine)
    config.write_text(json.dumps({"rules": semgrep_rules}), encoding="utf-8")
    argv = [
        # `--experimental` runs the OCaml CLI (osemgrep) instead of the Python
        # wrapper: same engine and JSON, 1.5 s less start-up per run (measured:
        # one file 1.9 s -> 0.3 s), which edit-time hooks pay on every edit.
        executable, "scan", "--experimental",
        *(["--project-root", str(root)] if anchors and root is not None else []),
        "--config", str(config),
        "--json",
        "--metrics=off",
        "--disable-version-check",
        "--oss-only",
        "--disable-nosem",
        "--no-rewrite-rule-ids",
        "--x-ignore-semgrepignore-files",
        "--no-git-ignore",
        # a file named on the command line without a .py suffix (a script) is
        # Python to guardrails: Semgrep must not skip it for its extension
        "--scan-unknown-extensions",
        # the run's own limit: a file that grew past it since is reported, not read
        f"--max-target-bytes={max_bytes}",
        "--timeout", str(PER_FILE_TIMEOUT_S),
        # every rule on every file: by default a file that timed out 3 times
        # is silently dropped for the remaining rules
        "--timeout-threshold=0",
        "--jobs", str(max(1, jobs)),
        # its parsing log, the only trace of a fallback parse (see above);
        # stderr goes to a file, and only that log source is switched on
        "--debug",
        "--",
        *targets,
    ]  # fmt: skip
    env = isolated_env(
        workdir.name,
        drop_prefixes=("SEMGREP_",),
        extra={
            "SEMGREP_SEND_METRICS": "off",
            "SEMGREP_ENABLE_VERSION_CHECK": "0",
            "SEMGREP_LOG_SRCS": "semgrep.parsing",
        },
    )
    job = start("semgrep", argv, workdir, env, cwd)
    timeout = 120 + 2.0 * len(targets)
    return SemgrepJob(job, targets, rules, timeout, wanted, expected, by_given)


class SemgrepBackend:
    """Semgrep YAML rules (`guardrails_semgrep_rule_dirs`), one `semgrep scan` per run."""

    name = BACKEND
    cross_file = False

    def identity(self) -> str:
        return executable_identity("semgrep", "GUARDRAILS_SEMGREP")

    def declare(self, results: HookResults, registry: Registry, claim: Claim) -> None:
        for plugin, directories in results("guardrails_semgrep_rule_dirs"):
            for directory in directories:
                metas, rules, triggers = load_rule_dir(Path(directory), plugin)
                for rule_id, meta in sorted(metas.items()):
                    registry.add(claim(meta, plugin))
                    registry.implement(
                        BACKEND, rule_id, SemgrepRules(tuple(rules[rule_id]), triggers[rule_id])
                    )

    def start(
        self, plan: Plan, files: Sequence[SourceFile], cwd: Path, jobs: int
    ) -> SemgrepJob | None:
        from guardrails.backends import applicable_ids

        applicable = applicable_ids(plan, files)
        settings = plan.settings
        return start_semgrep(
            plan.rules, files, cwd, jobs, settings.root, settings.max_file_size, applicable
        )


INSTANCE = SemgrepBackend()
