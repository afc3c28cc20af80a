"""Mutation testing: how many deliberate breakages of guardrails does the suite notice?

`python bench/mutation.py` runs cosmic-ray over the core modules and the rules, each module
against the tests that exercise it, and writes the score per module to
`bench/mutation/results.json` and `docs/mutation.md`. It is slow (each mutant is a pytest run)
and so is not part of the test suite; `--module` narrows it, `--jobs` runs modules side by side.

Why cosmic-ray: it changes the module on disk, so the many tests that run the real CLI in a
subprocess see the mutant too (tools that swap code in-process would count those tests as
missing). Mutating on disk is why every job works in its own clone of the committed tree, with
its own virtualenv: the user's checkout is never touched.

A surviving mutant is either killed by a new test or listed in `bench/mutation/equivalent.csv`
with a one-line reason (`module,operator,line_text,reason`, where `line_text` is the stripped
source line, so entries survive edits elsewhere in the file). Mutants inside annotations are
skipped before they run: with postponed evaluation (`from __future__ import annotations`)
an annotation is never executed, so no test can tell them apart.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import csv
import datetime
import json
import os
import queue
import re
import shlex
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "mutation" / "results.json"
EQUIVALENT = REPO / "bench" / "mutation" / "equivalent.csv"
PAGE = REPO / "docs" / "mutation.md"

CORE_BAR = 0.85
RULES_BAR = 0.75

# Module -> the tests that exercise it, fastest first (a mutant runs these only, stopping at the
# first failure; a survivor runs them all). Paths of tests that do not exist yet are ignored.
_SELECTION = ["tests/test_props_selection.py", "tests/test_guard_selection.py"]
_SELECTION += ["tests/test_catalog_config.py"]
_REPORTS = ["tests/test_guard_reports.py", "tests/test_output_formats.py"]
# Every `tests/test_guard_rules*.py` (one per rule family), then the slower shared suites.
_RULES = sorted(str(p.relative_to(REPO)) for p in (REPO / "tests").glob("test_guard_rules*.py"))
_RULES += ["tests/test_rule_examples.py", "tests/test_rule_traps.py"]
_RULES += ["tests/test_precision_sec.py", "tests/test_precision_rel.py"]
_RULES += ["tests/test_precision_obs.py", "tests/test_subsumption.py"]
CORE: dict[str, list[str]] = {
    "guardrails/suppressions.py": [
        "tests/test_suppressions.py",
        "tests/test_guard_suppressions.py",
        "tests/test_props_fingerprints.py",
        "tests/test_foreign_suppressions.py",
    ],
    "guardrails/fingerprint.py": [
        "tests/test_props_fingerprints.py",
        "tests/test_guard_baseline.py",
        "tests/test_baseline_diff.py",
    ],
    "guardrails/baseline.py": ["tests/test_guard_baseline.py", "tests/test_baseline_diff.py"],
    "guardrails/config.py": [
        "tests/test_guard_config.py",
        *_SELECTION,
        "tests/test_guard_discovery.py",
        "tests/test_hostile_containment.py",
    ],
    "guardrails/registry.py": [
        "tests/test_guard_config.py",
        *_SELECTION,
        "tests/test_positions.py",
    ],
    "guardrails/discovery.py": [
        "tests/test_guard_files.py",
        "tests/test_guard_globs.py",
        "tests/test_guard_discovery.py",
        "tests/test_hostile_files.py",
    ],
    "guardrails/fixer.py": [
        "tests/test_props_edits.py",
        "tests/test_guard_fix.py",
        "tests/test_fix.py",
        "tests/test_hostile_fix.py",
    ],
    "guardrails/report/text.py": _REPORTS,
    "guardrails/report/json_format.py": _REPORTS,
    "guardrails/report/sarif.py": _REPORTS,
    "guardrails/report/github.py": _REPORTS,
    "guardrails/report/rdjson.py": _REPORTS,
    "guardrails/report/agent.py": [*_REPORTS, "tests/test_hostile_io.py"],
    # added with issue 18's restructure; not measured yet
    "guardrails/ruletext.py": ["tests/test_ruletext.py", *_REPORTS, "tests/test_docs.py"],
    "guardrails/source.py": ["tests/test_source_file.py", "tests/test_hostile_files.py"],
    "guardrails/paths.py": ["tests/test_source_file.py", "tests/test_guard_discovery.py"],
    "guardrails/scopes.py": ["tests/test_monorepo.py"],
}
# One module per rule (`rules/<category>/<id>_<name>.py`) and the helpers several rules share
# (`rules/_shared/*.py`); package `__init__` modules hold no rule code.
RULES: dict[str, list[str]] = {
    str(path.relative_to(REPO)): _RULES
    for path in sorted((REPO / "rules").rglob("*.py"))
    if path.name != "__init__.py"
}

# The rule modules before the split into one module per rule (issue 18): results.json keeps
# their scores, each measured at the commit in its row, until the rules are measured again.
# Their code is what moved to `rules/<category>/` and `rules/_shared/`.
SPLIT_RULE_MODULES = frozenset(
    f"rules/{name}.py"
    for name in (
        "architecture", "concurrency", "defaults", "environment", "exception_handling",
        "observability", "reliability", "retries", "ruff_backed", "security",
        "security_platform", "security_secrets", "validation",
    )
)  # fmt: skip


def _keyword(module: str, kind: str) -> list[str]:
    """For a rule module, `-k` naming its rule ids: its mutants meet only its own tests (test
    names and parameter ids carry the rule id). Shared helpers (`rules/_shared/`) name no
    rule, so they meet them all."""
    if kind != "rules":
        return []
    text = (REPO / module).read_text()
    ids = set(re.findall(r'\bid="([A-Z]+[0-9]{3})"', text))
    # a rule whose META is built from one declared in another rule's module
    # (`META = dataclasses.replace(BASE, ...)`) carries that one's id
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
            "guardrails.rules."
        ):
            continue
        path = REPO / "rules" / Path(*node.module.split(".")[2:]).with_suffix(".py")
        declared = path.read_text() if path.is_file() else ""
        for alias in node.names:
            ids.update(
                re.findall(rf'^{alias.name} = RuleMeta\(\s*id="([A-Z]+[0-9]{{3}})"', declared, re.M)
            )
    return ["-k", " or ".join(sorted(ids))] if ids else []


# One test process per mutant: only the plugins the tests need (no xdist, no benchmark), no
# bytecode written (a mutant restored within the same second could be read back from a stale .pyc).
_PYTEST = ["-o", "addopts=", "-p", "no:cacheprovider", "-p", "_hypothesis_pytestplugin"]
_ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


@dataclass
class Score:
    """One module's outcome; `equivalent` survivors are listed with a reason, not counted."""

    module: str
    kind: str  # "core" or "rules"
    mutants: int
    skipped: int
    killed: int
    equivalent: int
    survivors: list[dict[str, object]]
    commit: str = ""  # the commit the module was measured at (modules are rerun one by one)

    @property
    def score(self) -> float:
        counted = self.mutants - self.skipped - self.equivalent
        return self.killed / counted if counted else 1.0


def _run(argv: list[str], cwd: Path, **kwargs: object) -> None:
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]


def _clone(work: Path, slot: int) -> tuple[Path, Path]:
    """A clone of the committed tree and a virtualenv that imports guardrails from it."""
    clone = work / f"clone{slot}"
    venv = work / f"venv{slot}"
    if not clone.exists():
        _run(["git", "clone", "--quiet", str(REPO), str(clone)], cwd=work)
    _run(["git", "fetch", "--quiet", str(REPO), "HEAD"], cwd=clone)
    _run(["git", "reset", "--quiet", "--hard", "FETCH_HEAD"], cwd=clone)
    if not venv.exists():
        _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=work)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps"]
    _run([*pip, "-e", str(clone)], cwd=work)
    return clone, venv


def _annotation_lines(source: str) -> set[tuple[int, int, int, int]]:
    """Spans (line, col, end line, end col) of every annotation in a module."""
    spans = set()
    for node in ast.walk(ast.parse(source)):
        annotations = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            annotations.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            annotations.append(node.returns)
        for ann in annotations:
            assert ann.end_lineno is not None and ann.end_col_offset is not None
            spans.add((ann.lineno, ann.col_offset, ann.end_lineno, ann.end_col_offset))
    return spans


def _inside(pos: tuple[int, int], end: tuple[int, int], spans: set) -> bool:
    return any((a, b) <= tuple(pos) and tuple(end) <= (c, d) for a, b, c, d in spans)


# Of the many replacements cosmic-ray makes for one operator (`+` becomes each of 11 others),
# one or two representatives are run, as mutmut does: a test that notices `+` -> `-` notices
# the rest nearly always, and the run gets 3-4 times shorter (selective mutation, Offutt 1996).
_REPRESENTATIVE = {
    "ReplaceBinaryOperator": {
        ("Add", "Sub"),
        ("Sub", "Add"),
        ("Mul", "Div"),
        ("Div", "Mul"),
        ("FloorDiv", "Mul"),
        ("Mod", "FloorDiv"),
        ("Pow", "Mul"),
        ("BitOr", "BitAnd"),
        ("BitAnd", "BitOr"),
        ("BitXor", "BitOr"),
        ("LShift", "RShift"),
        ("RShift", "LShift"),
    },
    "ReplaceComparisonOperator": {
        ("Eq", "NotEq"),
        ("NotEq", "Eq"),
        ("Lt", "LtE"),
        ("LtE", "Lt"),
        ("Gt", "GtE"),
        ("GtE", "Gt"),
        ("Lt", "GtE"),
        ("LtE", "Gt"),
        ("Gt", "LtE"),
        ("GtE", "Lt"),
        ("Is", "IsNot"),
        ("IsNot", "Is"),
        ("In", "NotIn"),
        ("NotIn", "In"),
    },
}


def representative(operator: str) -> bool:
    """Whether a cosmic-ray operator is run (see `_REPRESENTATIVE`); others are all run."""
    family, _, pair = operator.removeprefix("core/").partition("_")
    if family not in _REPRESENTATIVE:
        return True
    old, _, new = pair.partition("_")
    return (old, new) in _REPRESENTATIVE[family]


def _skip_annotations(session: Path, module: Path) -> None:
    """Skip mutants inside annotations (postponed annotations never run) and the redundant
    variants of one operator replacement."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans = _annotation_lines(module.read_text())
    with use_db(session, WorkDB.Mode.open) as db:
        for item in db.work_items:
            (m,) = item.mutations
            why = (
                "annotation"
                if _inside(m.start_pos, m.end_pos, spans)
                else None
                if representative(m.operator_name)
                else "redundant variant"
            )
            if why:
                skipped = WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=why)
                db.set_result(item.job_id, skipped)


def statement_lines(source: str) -> dict[int, int]:
    """Each line of a module -> the first line of the innermost statement spanning it.

    Coverage counts a statement by its first line; a mutant on the second line of a wrapped
    condition ran if that statement did.
    """
    owner: dict[int, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and node.end_lineno is not None:
            for line in range(node.lineno, node.end_lineno + 1):
                if owner.get(line, 0) < node.lineno:
                    owner[line] = node.lineno
    return owner


def _executed_lines(clone: Path, venv: Path, module: str, tests: list[str], work: Path) -> set[int]:
    """Lines of `module` its tests execute, in-process or in the CLI subprocesses they start.

    A mutant on any other line survives without running: no test can see it. Measured once
    per module with coverage.py (`patch = subprocess` follows the CLI runs), this spares the
    slowest case, a survivor, which runs every selected test.
    """
    name = module.replace("/", "_").removesuffix(".py")
    data = work / f"{name}.coverage"
    rc = work / f"{name}.rc"
    for old in work.glob(f"{name}.coverage*"):
        old.unlink()
    rc.write_text(
        f"[run]\ndata_file = {data}\nparallel = true\npatch = subprocess, fork, _exit\n"
        f"include = {clone / module}\n"
    )
    python = str(venv / "bin" / "python")
    command = [python, "-m", "coverage", "run", f"--rcfile={rc}", "-m", "pytest", "-q", *_PYTEST]
    subprocess.run([*command, *tests], cwd=clone, capture_output=True, check=False, env=_ENV)
    _run([python, "-m", "coverage", "combine", f"--rcfile={rc}", "-q"], cwd=clone)
    report = work / f"{name}.coverage.json"
    _run([python, "-m", "coverage", "json", f"--rcfile={rc}", "-q", "-o", str(report)], cwd=clone)
    files = json.loads(report.read_text())["files"]
    return {line for entry in files.values() for line in entry["executed_lines"]}


def _skip_unexecuted(session: Path, executed: set[int], source: str) -> None:
    """Mutants in statements no selected test runs are survivors: recorded, not run."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    survived = WorkResult(
        worker_outcome=WorkerOutcome.NORMAL,
        test_outcome=TestOutcome.SURVIVED,
        output="not executed by its tests",
    )
    owner = statement_lines(source)
    with use_db(session, WorkDB.Mode.open) as db:
        done = {job_id for job_id, _ in db.results}
        for item in db.work_items:
            line = item.mutations[0].start_pos[0]
            if item.job_id not in done and owner.get(line, line) not in executed:
                db.set_result(item.job_id, survived)


def _equivalents() -> dict[tuple[str, str, str], str]:
    if not EQUIVALENT.exists():
        return {}
    with EQUIVALENT.open(newline="") as handle:
        return {
            (row["module"], row["operator"], row["line_text"]): row["reason"]
            for row in csv.DictReader(handle)
        }


def _outcomes(session: Path) -> list[tuple[str, int, str]]:
    """(operator, line, outcome) per mutant of a cosmic-ray session; outcome is `skipped` (not
    run, or not made: cosmic-ray's "incompetent"), `killed` (a test failed or it timed out),
    `survived`, or `pending` (not run yet)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    with use_db(session, WorkDB.Mode.open) as db:
        items = db.work_items
        results = dict(db.results)
    rows = []
    for item in items:
        (mutation,) = item.mutations
        result = results.get(item.job_id)
        if result is not None and (
            result.worker_outcome == WorkerOutcome.SKIPPED
            or result.test_outcome == TestOutcome.INCOMPETENT  # cosmic-ray could not make it
        ):
            outcome = "skipped"
        elif result is None:
            outcome = "pending"
        elif result.test_outcome == TestOutcome.KILLED:
            outcome = "killed"
        else:
            outcome = "survived"
        rows.append((mutation.operator_name, mutation.start_pos[0], outcome))
    return rows


def tally(
    module: str,
    kind: str,
    outcomes: list[tuple[str, int, str]],
    source: str,
    equivalent: dict[tuple[str, str, str], str],
) -> Score:
    """A module's score: survivors listed as equivalent (by operator and line text) don't count."""
    lines = source.splitlines()
    skipped = killed = same = 0
    survivors: list[dict[str, object]] = []
    for operator, row, outcome in outcomes:
        if outcome == "skipped":
            skipped += 1
        elif outcome == "killed":
            killed += 1
        else:
            text = lines[row - 1].strip() if 0 < row <= len(lines) else ""
            if (module, operator, text) in equivalent:
                same += 1
            else:
                survivors.append({"operator": operator, "line": row, "text": text})
    survivors.sort(key=lambda v: (v["line"], v["operator"]))
    return Score(module, kind, len(outcomes), skipped, killed, same, survivors)


def _requeue_survivors(session: Path) -> None:
    """Forget the survivors' results, so `exec` runs them again against today's tests."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome

    with use_db(session, WorkDB.Mode.open) as db:
        survivors = [job for job, r in db.results if r.test_outcome == TestOutcome.SURVIVED]
    with sqlite3.connect(session) as raw:  # cosmic-ray has no call to forget one result
        raw.executemany("delete from work_results where job_id = ?", [(j,) for j in survivors])


def _mutate(
    module: str, tests: list[str], kind: str, slots: queue.Queue, work: Path, again: bool
) -> Score:
    slot = slots.get_nowait()  # one slot per worker thread: never empty
    try:
        clone, venv = _clone(work, slot)
        tests = [t for t in tests if (clone / t).exists()] + _keyword(module, kind)
        name = module.replace("/", "_").removesuffix(".py")
        config = work / f"{name}.toml"
        session = work / f"{name}.sqlite"
        stamp = work / f"{name}.source"  # the module a session's mutants were made from
        source = (clone / module).read_text()
        command = [str(venv / "bin" / "python"), "-m", "pytest", "-x", "-q", *_PYTEST, *tests]
        config.write_text(
            "[cosmic-ray]\n"
            f'module-path = "{module}"\n'
            "timeout = 120.0\n"
            "excluded-modules = []\n"
            f"test-command = {json.dumps(shlex.join(command))}\n"
            '[cosmic-ray.distributor]\nname = "local"\n'
        )
        cosmic = str(Path(sys.executable).parent / "cosmic-ray")
        reuse = again and session.exists() and stamp.exists() and stamp.read_text() == source
        if reuse:
            _requeue_survivors(session)
        else:
            session.unlink(missing_ok=True)
            _run([cosmic, "init", str(config), str(session)], cwd=clone, env=_ENV)
            _skip_annotations(session, clone / module)
            stamp.write_text(source)
        executed = _executed_lines(clone, venv, module, tests, work)
        _skip_unexecuted(session, executed, source)
        _run([cosmic, "exec", str(config), str(session)], cwd=clone, env=_ENV)
        _run(["git", "checkout", "--quiet", "--", "."], cwd=clone)  # nothing left mutated
        return tally(module, kind, _outcomes(session), source, _equivalents())
    finally:
        slots.put_nowait(slot)


def _rescore(module: str, kind: str, work: Path) -> Score | None:
    """The last session's score with today's equivalents; None if there is no session."""
    name = module.replace("/", "_").removesuffix(".py")
    session, stamp = work / f"{name}.sqlite", work / f"{name}.source"
    if not (session.exists() and stamp.exists()):
        return None
    outcomes = _outcomes(session)
    if any(outcome == "pending" for _, _, outcome in outcomes):
        return None  # an interrupted run measured only part of the module
    return tally(module, kind, outcomes, stamp.read_text(), _equivalents())


def render(scores: list[Score], day: str, commit: str) -> str:
    """docs/mutation.md from the results (the test suite checks they agree)."""

    before_split = [s for s in scores if s.module in SPLIT_RULE_MODULES]
    scores = [s for s in scores if s.module not in SPLIT_RULE_MODULES] + before_split
    measured = {s.module for s in scores}

    def total(kind: str, targets: dict[str, list[str]], chosen: list[Score] | None = None) -> str:
        if chosen is None:
            chosen = [s for s in scores if s.kind == kind and s not in before_split]
        counted = sum(s.mutants - s.skipped - s.equivalent for s in chosen)
        killed = sum(s.killed for s in chosen)
        missing = [m for m in targets if m not in measured]
        text = f"{killed}/{counted} = {killed / counted:.2f}" if counted else "not measured yet"
        if counted and missing:
            text += f" over {len(chosen)} of {len(targets)} modules"
        return text

    rules_total = total("rules", RULES)
    if before_split:  # the bench drops these rows once it measures a rule module again
        rules_total = f"{total('rules', {}, before_split)} as measured before the split into "
        rules_total += "one module per rule"
    out = [
        "# Mutation score",
        "",
        "How many deliberate breakages of guardrails the test suite notices. Each mutant is one",
        "small change to one module (a flipped comparison, a removed `not`, a changed number, a",
        "loop that never runs); it is *killed* when a test that exercises the module fails.",
        "Reproduce with `python bench/mutation.py` (see `bench/README.md`); the measured",
        "precision of the rules on real code is in [precision.md](precision.md).",
        "",
        f"Last measured on {day} at commit `{commit}` with cosmic-ray; each module was measured"
        " at the commit in its row (a module is rerun when it or its tests change).",
        f"Bars: at least {CORE_BAR:.0%} killed on the core modules, {RULES_BAR:.0%} on the rules.",
        "",
        f"- core modules: {total('core', CORE)}",
        f"- rules: {rules_total}",
    ]
    if before_split:
        out += [
            "",
            "The rules were last measured before they moved to one module per rule "
            "(`rules/<category>/<id>_<name>.py`, helpers in `rules/_shared/`): the "
            "`rules/<theme>.py` rows below are those modules, each measured at the commit in "
            "its row, and their code is what moved. `python bench/mutation.py --rules --write` "
            "measures the new modules and replaces these rows.",
        ]
    out += [
        "",
        "| module | mutants | skipped (annotation, redundant) | equivalent | killed | score "
        "| commit |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        out.append(
            f"| `{s.module}` | {s.mutants} | {s.skipped} | {s.equivalent} | {s.killed} "
            f"| {s.score:.2f} | `{s.commit or commit}` |"
        )
    missing = [m for m in CORE if m not in measured]
    missing += [] if before_split else [m for m in RULES if m not in measured]
    if missing:
        out += ["", "Not measured yet: " + ", ".join(f"`{m}`" for m in missing) + "."]
    survivors = [(s.module, v) for s in scores for v in s.survivors]
    out += ["", "## Surviving mutants", ""]
    if not survivors:
        out.append(
            "None: each is killed or listed as equivalent in `bench/mutation/equivalent.csv`."
        )
    for module, v in survivors:
        out.append(f"- `{module}:{v['line']}` {v['operator']}: `{v['text']}`")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", help="only this module (repeatable)")
    parser.add_argument("--core", action="store_true", help="only the core modules")
    parser.add_argument("--rules", action="store_true", help="only the rules")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache/guardrails-mutation")
    parser.add_argument("--write", action="store_true", help="update results.json and the page")
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="run nothing: score the last sessions again (after editing equivalent.csv)",
    )
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="rerun only the last run's survivors (of modules unchanged since) against the tests",
    )
    args = parser.parse_args(argv)
    targets = [(m, t, "core") for m, t in CORE.items()] if not args.rules else []
    targets += [(m, t, "rules") for m, t in RULES.items()] if not args.core else []
    if args.module:
        targets = [t for t in targets if t[0] in args.module]
        unknown = set(args.module) - {t[0] for t in targets}
        if unknown:
            parser.error(f"not a mutation target: {', '.join(sorted(unknown))}")
    args.work.mkdir(parents=True, exist_ok=True)
    head = ["git", "rev-parse", "--short", "HEAD"]  # what the clones check out
    commit = subprocess.run(head, cwd=REPO, capture_output=True, text=True, check=True).stdout
    slots: queue.Queue = queue.Queue()
    for slot in range(max(1, args.jobs)):
        slots.put_nowait(slot)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        if args.rescore:
            futures = [pool.submit(_rescore, m, k, args.work) for m, _, k in targets]
        else:
            futures = [
                pool.submit(_mutate, m, t, k, slots, args.work, args.survivors)
                for m, t, k in targets
            ]
        fresh = []
        for future in concurrent.futures.as_completed(futures):
            score = future.result()
            if score is None:
                continue
            fresh.append(score)
            counted = score.mutants - score.skipped - score.equivalent
            print(
                f"{score.module}: {score.killed} killed of {counted} ({score.score:.2f}), "
                f"{len(score.survivors)} surviving",
                flush=True,
            )
    if args.write:
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"modules": []}
        measured_at = previous.get("commit", "")
        kept = {m["module"]: {"commit": measured_at, **m} for m in previous["modules"]}
        reasons = _equivalents()
        for entry in kept.values():  # a survivor since listed as equivalent moves over
            listed = [
                v
                for v in entry["survivors"]
                if (entry["module"], v["operator"], v["text"]) in reasons
            ]
            entry["equivalent"] += len(listed)
            entry["survivors"] = [v for v in entry["survivors"] if v not in listed]
        if any(s.kind == "rules" for s in fresh):  # measured in the new layout at last
            kept = {m: entry for m, entry in kept.items() if m not in SPLIT_RULE_MODULES}
        for s in fresh:
            kept[s.module] = {**s.__dict__, "commit": commit.strip()}
        order = list(CORE) + list(RULES)
        modules = sorted(
            kept.values(),
            key=lambda m: order.index(m["module"]) if m["module"] in order else len(order),
        )
        data = {
            "date": datetime.date.today().isoformat(),
            "commit": commit.strip(),
            "modules": modules,
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(data, indent=1) + "\n")
        PAGE.write_text(page_from(data))
    return 0


def page_from(data: dict) -> str:
    """The page for a results.json document."""
    scores = [Score(**m) for m in data["modules"]]
    return render(scores, data["date"], data["commit"])


if __name__ == "__main__":
    sys.exit(main())
