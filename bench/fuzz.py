"""Fuzz `guardrails check` and `guardrails fix` with generated programs, through the real CLI.

    pip install -e '.[fuzz]'
    python bench/fuzz.py                                    # 10,000 programs, seed 0
    python bench/fuzz.py --programs 500 --seed 7 --failures /tmp/fuzz --json report.json

Programs come from hypothesmith, in three shapes: `from_grammar()` (token-level
oddities: form feeds, backslash continuations, odd whitespace, unusual
identifiers), `from_node()` (LibCST-built statements: decorators, nested
classes, `try` forms) and "mixed" programs that splice generated fragments
between snippets every fixable rule fires on (and comments next to them), so
`fix` really rewrites code instead of seeing only no-op files. They are
written into a temporary project in batches (`--batch`, default 500 files)
and each batch goes through two `check --output-format json` runs (cold,
then warm) and two `fix --unsafe-fixes` runs. The properties, each a failure class:

- `gr003`: no rule or engine crash on any file;
- `check-error` / `fix-error`: the commands exit 0 or 1 (check: 1 exactly when
  its summary counts failing findings), with no traceback, and check's JSON
  parses (the files that cause a broken run are isolated by bisection);
- `position`: every finding's and every fix edit's line/column lies inside
  its file (Python's lines: `\\n`, `\\r\\n`, `\\r`) and names a file of the batch;
- `unparsable-write`: a fixed file still compiles when the original did;
- `fix-refused`: no fix is refused because its result would not parse;
- `lost-content`: a file fix did not report is byte-identical; in a file it
  changed, only lines a fix edit covers differ, every comment is still there,
  and every simple statement no fix edit touches is still there, unchanged
  and in the same blocks (a guard inserted at the wrong indentation moves
  the rest of a function body out of it: that file compiles, and is caught);
- `not-idempotent`: a second `fix` changes nothing and fixes nothing;
- `cache-mismatch`: the same check run again (every result from the cache)
  reports exactly the same findings.

`gr001-on-valid` (GR001 on a program CPython compiles: the file was not
checked, honestly reported) is counted and saved but is not a failure.
Failing programs are written under `--failures` (one folder per class, the
program and a `.txt` with the detail) to reproduce with
`guardrails check --isolated FILE`. Exit 1 on any failure. Not part of the
test suite (tests/test_fuzz.py runs a few hundred programs); see docs/fuzzing.md
for how long the documented run takes.
"""

from __future__ import annotations

import argparse
import ast
import collections
import concurrent.futures
import difflib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
import warnings
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

FAILURE_CLASSES = (
    "gr003",
    "check-error",
    "fix-error",
    "position",
    "unparsable-write",
    "fix-refused",
    "lost-content",
    "not-idempotent",
    "cache-mismatch",
)
NOTE_CLASSES = ("gr001-on-valid",)
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# Extra runs allowed to find the programs that break a whole run, per batch.
ISOLATE_RUNS = 60
FIXED_LINE = re.compile(r"^fixed \d+ in (.+)$")
REFUSED_LINE = re.compile(r"^guardrails: (.+): a fix produced code that does not parse")

# Prepended to mixed programs so the snippets' names resolve to what the rules look for.
HEADER = (
    "import logging\nimport subprocess\nimport tempfile\nfrom logging import getLogger\n\n"
    "logger = logging.getLogger(__name__)  # fuzz: header\n"
)
# Code each fixable rule (OBS003, OBS004, OBS007, REL003, REL010, SEC008, SEC014) fires
# on, in the shapes a fix has to get right: comments on the edited line, one-line bodies,
# docstrings, multi-line calls, nested handlers; plus findings without fixes.
SNIPPETS = (
    'try:\n    work()\nexcept ValueError as err:\n    logger.error("work failed")  # fuzz: obs003\n'
    '    raise RuntimeError("failed")\n',
    "def load(path):\n    try:\n        return open(path).read()\n    except (OSError, KeyError):"
    "  # fuzz: bare\n        raise LookupError(path)\n",
    "try:\n    work()\nexcept Exception:\n    logger.error('x'); raise ValueError('y')\n",
    'log = logging.getLogger("svc")  # fuzz: obs004\n',
    "root = getLogger()\n",
    'def add(item, items=[]):\n    """Append `item`."""\n'
    "    items.append(item)\n    return items\n",
    "def tally(x, *, seen={}): return seen.setdefault(x, len(seen))  # fuzz: one-line\n",
    "class Box:\n    def __init__(self, data=dict()):  # fuzz: rel003\n        self.data = data\n",
    "async def fetch(url, cache=set()):\n    try:\n        await work(url)\n"
    "    except OSError:\n        logger.error('fetch'); raise\n",
    'subprocess.run(["ls", "-l"])\n',
    'result = subprocess.run(\n    ["git", "status"],  # fuzz: rel010\n'
    "    capture_output=True,\n)\n",
    'scratch = tempfile.mktemp(suffix=".csv")  # fuzz: sec008\n',
    'app.run(host="127.0.0.1", debug=True)  # fuzz: sec014\n',
    "value = eval(source)  # fuzz: no fix\n",
    "def outer():\n    def inner(a, b=[]):\n        return b\n    return inner\n",
)


@dataclass
class Program:
    name: str
    kind: str  # grammar | node | mixed
    source: bytes
    valid: bool  # CPython compiles it


@dataclass
class Failure:
    kind: str
    program: str
    detail: str


@dataclass
class Report:
    programs: int = 0
    by_shape: dict[str, int] = field(default_factory=dict)
    valid: int = 0
    findings: int = 0
    fixable: int = 0
    files_fixed: int = 0
    generate_seconds: float = 0.0
    guardrails_seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    notes: list[Failure] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for f in (*self.failures, *self.notes) if f.kind == kind)


# ------------------------------------------------------------------ generation


def _draw(strategy: object, count: int, seed: int) -> list[str]:
    """`count` examples of a hypothesis strategy, the same ones for the same seed."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    found: list[str] = []

    @seeded(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(source: str) -> None:
        found.append(source)

    collect()
    return found[:count]


def _node_strategy(kind: str) -> object:
    """from_node() for one LibCST node class (a module, or a statement it rarely builds)."""
    import hypothesmith
    import libcst as cst

    return hypothesmith.from_node(getattr(cst, kind))


def _compiles(source: bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # guardrails: ignore[SEC002] compiled to test its syntax, never executed
            compile(source, "<fuzz>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return False
    return True


def _ends_line(text: str) -> str:
    return text if text.endswith(("\n", "\r")) else text + "\n"


def _mix(fragments: list[str], rng: random.Random) -> str:
    """Generated fragments spliced between fixable snippets, in an order that compiles."""
    snippets = [_ends_line(s) for s in rng.sample(SNIPPETS, rng.randint(1, 4))]
    pieces = [_ends_line(f) for f in fragments]
    order = [HEADER, *snippets]
    for piece in pieces:
        order.insert(rng.randint(1, len(order)), piece)
    comment = f"# fuzz: comment {rng.randrange(10**6)}\n"
    order.insert(rng.randint(1, len(order)), comment)
    candidates = ["".join(order), "".join([*pieces, HEADER, *snippets, comment])]
    if rng.random() < 0.15:  # Windows line endings over generated and fixed code alike
        candidates.insert(0, re.sub(r"(?<!\r)\n", "\r\n", candidates[0]))
    for candidate in candidates:
        if _compiles(candidate.encode("utf-8", "surrogatepass")):
            return candidate
    return "".join([HEADER, *snippets])  # a fragment that only compiles on its own


def generate(
    count: int, seed: int, node_share: float, mixed_share: float, node_kinds: list[str]
) -> list[Program]:
    """`count` programs; the same seed gives the same programs."""
    import hypothesmith

    rng = random.Random(seed)
    n_node = round(count * node_share)
    n_mixed = round(count * mixed_share)
    n_grammar = max(count - n_node - n_mixed, 0)
    grammar = _draw(hypothesmith.from_grammar(), n_grammar, seed)
    nodes: list[str] = []
    for index, kind in enumerate(node_kinds):
        share = n_node // len(node_kinds) + (index < n_node % len(node_kinds))
        if share:
            nodes += _draw(_node_strategy(kind), share, seed * 31 + index)
    pool = grammar + nodes or [""]
    mixed = [_mix(rng.sample(pool, min(len(pool), rng.randint(1, 2))), rng) for _ in range(n_mixed)]
    programs = []
    for kind, sources in (("grammar", grammar), ("node", nodes), ("mixed", mixed)):
        for source in sources:
            data = source.encode("utf-8", "surrogatepass")
            name = f"s{seed}_{len(programs):05d}_{kind}.py"
            programs.append(Program(name, kind, data, _compiles(data)))
    return programs


# ------------------------------------------------------------------ running guardrails


@dataclass
class Result:
    code: int
    out: str
    err: str
    timed_out: bool = False


def _guardrails(args: list[str], cwd: Path, timeout: float) -> Result:
    argv = [sys.executable, "-m", "guardrails", *args]
    try:
        proc = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        return Result(-1, str(exc.stdout or ""), str(exc.stderr or ""), timed_out=True)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def _write_project(root: Path, programs: Iterable[Program]) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "src").mkdir(parents=True)
    for program in programs:
        (root / "src" / program.name).write_bytes(program.source)


def _check_args(jobs: int | None) -> list[str]:
    return ["check", "--isolated", "--output-format", "json", *_jobs(jobs), "src"]


def _fix_args(jobs: int | None) -> list[str]:
    return ["fix", "--isolated", "--unsafe-fixes", *_jobs(jobs), "src"]


def _run_timeout(files: int) -> float:
    """One guardrails run's limit: generous, a hang is a failure, a slow machine is not."""
    return 120 + 2.0 * files


def _batch_timeout(files: int) -> float:
    """Check, two fixes and the isolating runs, each at most `_run_timeout`."""
    return _run_timeout(files) * (3 + ISOLATE_RUNS)


def _jobs(jobs: int | None) -> list[str]:
    return ["--jobs", str(jobs)] if jobs else []


def _run_broken(result: Result, wants_json: bool) -> str:
    """Why a run is broken as a whole, or ''."""
    if result.timed_out:
        return "timed out"
    if "Traceback" in result.err:
        return "traceback on stderr: " + result.err.strip().splitlines()[-1]
    if result.code not in (0, 1):
        return f"exit {result.code}: {result.err.strip()[:500]}"
    if wants_json:
        try:
            json.loads(result.out)
        except ValueError as exc:
            return f"output is not JSON ({exc}): {result.out[:200]!r}"
    return ""


def _isolate(
    programs: list[Program], broken: Callable[[list[Program]], str], budget: list[int]
) -> list[tuple[Program, str]]:
    """The programs that break a run on their own (bisection; a few runs per culprit)."""
    if budget[0] <= 0:
        return []
    budget[0] -= 1
    why = broken(programs)
    if not why:
        return []
    if len(programs) == 1:
        return [(programs[0], why)]
    half = len(programs) // 2
    found = _isolate(programs[:half], broken, budget) + _isolate(programs[half:], broken, budget)
    if found or len(programs) > 8:
        return found
    # neither half breaks alone (programs that only break together, or a flaky crash)
    return [(p, f"together with the {len(programs) - 1} others here: {why}") for p in programs]


# ------------------------------------------------------------------ properties


def python_lines(text: str) -> list[str]:
    """Lines as the tokenizer splits them (`\\n`, `\\r\\n`, `\\r`), ends kept."""
    return LINE.findall(text)


def _decode(data: bytes) -> str | None:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


def _position_errors(violation: dict, lines: list[str]) -> list[str]:
    """Where a finding's or its fix edits' positions fall outside the file."""

    def inside(label: str, line: object, column: object) -> str:
        if not isinstance(line, int) or not isinstance(column, int):
            return f"{label} {line}:{column} is not a pair of integers"
        if line == len(lines) + 1 and column == 1:
            return ""  # the end of the file
        if not 1 <= line <= max(len(lines), 1):
            return f"{label} line {line} outside 1..{len(lines)}"
        width = len(lines[line - 1].rstrip("\r\n")) if lines else 0
        if not 1 <= column <= width + 1:
            return f"{label} {line}:{column} outside columns 1..{width + 1}"
        return ""

    rule = violation.get("rule_id")
    found = [
        inside(f"{rule} start", violation.get("line"), violation.get("column")),
        inside(f"{rule} end", violation.get("end_line"), violation.get("end_column")),
    ]
    if (violation.get("end_line"), violation.get("end_column")) < (
        violation.get("line"),
        violation.get("column"),
    ):
        found.append(f"{rule} ends before it starts")
    for edit in (violation.get("fix") or {}).get("edits", ()):
        found.append(inside(f"{rule} edit start", edit.get("start_line"), edit.get("start_column")))
        found.append(inside(f"{rule} edit end", edit.get("end_line"), edit.get("end_column")))
    return [f for f in found if f]


def _comments(text: str) -> collections.Counter[str] | None:
    """Every comment's text (the pure-Python tokenizer reads a lone CR as inside a line)."""
    lines = iter([line.rstrip("\r\n") + "\n" for line in python_lines(text)])
    try:
        tokens = tokenize.generate_tokens(lambda: next(lines, ""))
        return collections.Counter(t.string for t in tokens if t.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None


# An edit as ((start line, column), (end line, column)), 1-based like guardrails' JSON.
Edit = tuple[tuple[int, int], tuple[int, int]]
# A simple statement: the blocks around it, its span and its AST.
Statement = tuple[tuple[str, ...], tuple[int, int], tuple[int, int], str]


def _simple_statements(text: str) -> list[Statement] | None:
    """Every statement without a body, with the blocks (def names, `if`, ...) it sits in."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    lines = python_lines(text)

    def column(line: int, offset: int) -> int:  # ast counts UTF-8 bytes, guardrails characters
        raw = lines[line - 1].encode("utf-8", "surrogatepass") if line <= len(lines) else b""
        return len(raw[:offset].decode("utf-8", "replace")) + 1

    found: list[Statement] = []

    def walk(node: ast.AST, blocks: tuple[str, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            label = f"{type(child).__name__} {getattr(child, 'name', '') or ''}".strip()
            if isinstance(child, ast.stmt) and isinstance(getattr(child, "body", None), list):
                walk(child, (*blocks, label))
            elif isinstance(child, ast.stmt):
                end_line = child.end_lineno or child.lineno
                start = (child.lineno, column(child.lineno, child.col_offset))
                end = (end_line, column(end_line, child.end_col_offset or 0))
                found.append((blocks, start, end, ast.dump(child)))
            elif isinstance(child, (ast.excepthandler, ast.match_case)):
                walk(child, (*blocks, type(child).__name__))

    try:
        walk(tree, ())
    except RecursionError:
        return None
    return found


def _touched(start: tuple[int, int], end: tuple[int, int], edits: list[Edit]) -> bool:
    """An edit replaces text inside the span, or inserts text within it or at its ends."""
    for edit_start, edit_end in edits:
        if edit_start == edit_end:
            if start <= edit_start <= end:
                return True
        elif edit_start < end and start < edit_end:
            return True
    return False


def _lost_content(before: str, after: str, edits: list[Edit]) -> list[str]:
    """What a fix changed that no fix edit covers: lines, comments, statements' places."""
    problems = []
    covered = {n for (first, _), (last, _) in edits for n in range(first, last + 1)}
    old, new = python_lines(before), python_lines(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            outside = [n for n in range(i1 + 1, i2 + 1) if n not in covered]
            if outside:
                problems.append(f"lines {outside[:5]} changed but no fix edit covers them")
        elif tag == "insert" and i1 not in covered and i1 + 1 not in covered:
            problems.append(f"lines inserted after line {i1}, away from every fix edit")
    old_comments, new_comments = _comments(before), _comments(after)
    if old_comments is not None and new_comments is not None:
        missing = old_comments - new_comments
        if missing:
            problems.append(f"comments lost: {sorted(missing)[:3]}")
    old_statements, new_statements = _simple_statements(before), _simple_statements(after)
    if old_statements is not None and new_statements is not None:
        kept = collections.Counter((blocks, dump) for blocks, _, _, dump in new_statements)
        for blocks, start, end, dump in old_statements:
            if _touched(start, end, edits):
                continue
            if kept[(blocks, dump)] == 0:
                where = " > ".join(blocks) or "module"
                problems.append(f"statement at line {start[0]} ({where}) lost, changed or moved")
                break
            kept[(blocks, dump)] -= 1
    return problems


# ------------------------------------------------------------------ one batch


def run_batch(
    programs: list[Program], work: Path, jobs: int | None, timeout: float, report: Report
) -> None:
    """Check, fix and fix again one batch of programs; record every failure."""
    by_name = {p.name: p for p in programs}
    root = work / "batch"
    _write_project(root, programs)
    started = time.monotonic()
    checked = _guardrails(_check_args(jobs), root, timeout)
    report.guardrails_seconds += time.monotonic() - started
    why = _run_broken(checked, wants_json=True)
    if why:
        _blame("check-error", programs, why, work, jobs, timeout, _check_args(jobs), report)
        return
    result = json.loads(checked.out)
    violations = result.get("violations", [])
    failing = bool(result.get("summary", {}).get("failing"))
    if checked.code != int(failing):
        why = f"exit {checked.code} with {result.get('summary', {}).get('failing')} failing"
        report.failures.append(Failure("check-error", "(batch)", why))
    edits: dict[str, list[Edit]] = collections.defaultdict(list)
    for violation in violations:
        _check_violation(violation, by_name, edits, report)
    report.findings += len(violations)
    _compare_warm(checked, _guardrails(_check_args(jobs), root, timeout), by_name, report)

    started = time.monotonic()
    fixed = _guardrails(_fix_args(jobs), root, timeout)
    report.guardrails_seconds += time.monotonic() - started
    why = _run_broken(fixed, wants_json=False)
    if why:
        _blame("fix-error", programs, why, work, jobs, timeout, _fix_args(jobs), report)
        return
    reported = {_name(m.group(1)) for m in map(FIXED_LINE.match, fixed.out.splitlines()) if m}
    refused = {_name(m.group(1)) for m in map(REFUSED_LINE.match, fixed.err.splitlines()) if m}
    for name in sorted(refused & by_name.keys()):
        report.failures.append(Failure("fix-refused", name, "a fix would not parse"))
    after_first = {}
    for program in programs:
        after = (root / "src" / program.name).read_bytes()
        after_first[program.name] = after
        if after != program.source:
            report.files_fixed += 1
        _check_fixed(program, after, program.name in reported, edits[program.name], report)

    # A file the first fix left alone would see the same input again: only changed ones.
    changed = [f"src/{p.name}" for p in programs if after_first[p.name] != p.source]
    if not changed:
        return
    again = _guardrails([*_fix_args(jobs)[:-1], *changed], root, timeout)
    why = _run_broken(again, wants_json=False)
    if why:
        report.failures.append(Failure("fix-error", "(second fix of the batch)", why))
        return
    for match in map(FIXED_LINE.match, again.out.splitlines()):
        name = _name(match.group(1)) if match else ""
        if name in by_name:
            report.failures.append(Failure("not-idempotent", name, "second fix fixed more"))
    for program in programs:
        if (root / "src" / program.name).read_bytes() != after_first[program.name]:
            report.failures.append(Failure("not-idempotent", program.name, "second fix changed it"))


def _compare_warm(cold: Result, warm: Result, by_name: dict[str, Program], report: Report) -> None:
    """The same check again reads every file's result from the cache: it must be the same."""
    if _run_broken(warm, wants_json=True) or warm.code != cold.code:
        detail = f"warm run: exit {warm.code}, cold: {cold.code} {_run_broken(warm, True)}"
        report.failures.append(Failure("cache-mismatch", "(batch)", detail))
        return

    def by_file(out: str) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = collections.defaultdict(list)
        for violation in json.loads(out).get("violations", []):
            grouped[_name(str(violation.get("path", "")))].append(violation)
        return grouped

    cold_files, warm_files = by_file(cold.out), by_file(warm.out)
    for name in sorted(cold_files.keys() | warm_files.keys()):
        if cold_files.get(name) != warm_files.get(name):
            program = name if name in by_name else "(batch)"
            report.failures.append(Failure("cache-mismatch", program, "warm findings differ"))


def _name(shown: str) -> str:
    return Path(shown.strip()).name


def _check_violation(
    violation: dict, by_name: dict[str, Program], edits: dict[str, list[Edit]], report: Report
) -> None:
    name = _name(str(violation.get("path", "")))
    program = by_name.get(name)
    if program is None:
        report.failures.append(Failure("position", "(batch)", f"unknown path {violation!r:.300}"))
        return
    rule = violation.get("rule_id")
    if rule == "GR003":
        report.failures.append(Failure("gr003", name, str(violation.get("message"))))
    elif rule == "GR001" and program.valid:
        report.notes.append(Failure("gr001-on-valid", name, str(violation.get("message"))))
    fix = violation.get("fix")
    if fix:
        report.fixable += 1
        for edit in fix.get("edits", ()):
            keys = ("start_line", "start_column", "end_line", "end_column")
            numbers = [edit.get(key) for key in keys]
            if all(isinstance(n, int) for n in numbers):  # else a `position` failure below
                edits[name].append(((numbers[0], numbers[1]), (numbers[2], numbers[3])))
    text = _decode(program.source)
    if text is None:
        return
    for problem in _position_errors(violation, python_lines(text)):
        report.failures.append(Failure("position", name, problem))


def _check_fixed(
    program: Program, after: bytes, reported: bool, edits: list[Edit], report: Report
) -> None:
    name = program.name
    if after == program.source:
        if reported:
            report.failures.append(Failure("lost-content", name, "reported fixed, unchanged"))
        return
    if not reported:
        report.failures.append(Failure("lost-content", name, "changed but not reported"))
    if program.valid and not _compiles(after):
        report.failures.append(Failure("unparsable-write", name, "the fixed file does not compile"))
        return
    before_text, after_text = _decode(program.source), _decode(after)
    if before_text is None or after_text is None:
        report.failures.append(Failure("lost-content", name, "the fixed file does not decode"))
        return
    for problem in _lost_content(before_text, after_text, edits):
        report.failures.append(Failure("lost-content", name, problem))


def _blame(
    kind: str,
    programs: list[Program],
    why: str,
    work: Path,
    jobs: int | None,
    timeout: float,
    args: list[str],
    report: Report,
) -> None:
    """A whole run broke: find the programs that break it on their own."""

    def broken(subset: list[Program]) -> str:
        root = work / "isolate"
        _write_project(root, subset)
        return _run_broken(_guardrails(args, root, timeout), wants_json=args[0] == "check")

    culprits = _isolate(programs, broken, budget=[ISOLATE_RUNS])
    if not culprits:
        report.failures.append(Failure(kind, "(batch)", f"{why} (not reproduced in isolation)"))
    for program, detail in culprits:
        report.failures.append(Failure(kind, program.name, detail))


# ------------------------------------------------------------------ command


def save_failures(report: Report, programs: dict[str, Program], folder: Path) -> int:
    """Write each failing (or noted) program and what went wrong under `folder/CLASS/`."""
    saved = 0
    grouped: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for failure in (*report.failures, *report.notes):
        grouped[(failure.kind, failure.program)].append(failure.detail)
    for (kind, name), details in grouped.items():
        program = programs.get(name)
        if program is None:
            continue
        target = folder / kind
        target.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(program.source)
        (target / f"{name}.txt").write_text("\n".join(details) + "\n", encoding="utf-8")
        saved += 1
    return saved


def fuzz(args: argparse.Namespace) -> Report:
    """Generate and run every batch; the next batch is generated while guardrails runs."""
    report = Report()
    everything: dict[str, Program] = {}
    # hypothesmith compiles what it builds; odd but valid code warns on stderr otherwise
    warnings.simplefilter("ignore", SyntaxWarning)
    kinds = [k.strip() for k in args.node_kinds.split(",") if k.strip()]
    with tempfile.TemporaryDirectory(prefix="guardrails-fuzz-") as tmp:
        # hypothesis keeps a cache folder in the working directory unless told otherwise
        from hypothesis.configuration import set_hypothesis_home_dir

        set_hypothesis_home_dir(Path(tmp, "hypothesis"))
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as runner:
            running: tuple[concurrent.futures.Future[None], int] | None = None
            for number, index in enumerate(range(0, args.programs, args.batch)):
                size = min(args.batch, args.programs - index)
                started = time.monotonic()
                programs = generate(
                    size, args.seed * 100_003 + index, args.node_share, args.mixed, kinds
                )
                report.generate_seconds += time.monotonic() - started
                everything.update((p.name, p) for p in programs)
                report.programs += len(programs)
                report.valid += sum(p.valid for p in programs)
                for program in programs:
                    report.by_shape[program.kind] = report.by_shape.get(program.kind, 0) + 1
                _finish(running, args, report)
                work = Path(tmp, f"batch{number % 2}")
                future = runner.submit(
                    run_batch, programs, work, args.jobs, _run_timeout(size), report
                )
                running = (future, index + size)
            _finish(running, args, report)
    if args.failures:
        save_failures(report, everything, Path(args.failures))
    return report


def _finish(
    running: tuple[concurrent.futures.Future[None], int] | None,
    args: argparse.Namespace,
    report: Report,
) -> None:
    """Wait for the batch guardrails is running and say how far the run is."""
    if running is None:
        return
    future, done = running
    future.result(timeout=_batch_timeout(args.batch))
    print(f"{done}/{args.programs} programs, {len(report.failures)} failures", file=sys.stderr)


def summary(report: Report, failures_dir: str | None) -> str:
    shapes = ", ".join(f"{k} {v}" for k, v in sorted(report.by_shape.items()))
    rows = [
        f"programs: {report.programs} ({shapes}); CPython compiles {report.valid}",
        f"findings: {report.findings} ({report.fixable} with a fix); "
        f"files changed by fix: {report.files_fixed}",
        f"time: generating {report.generate_seconds:.0f} s, "
        f"guardrails {report.guardrails_seconds:.0f} s",
        "",
    ]
    for kind in FAILURE_CLASSES:
        rows.append(f"  {kind:<18} {report.count(kind)}")
    for kind in NOTE_CLASSES:
        rows.append(f"  {kind:<18} {report.count(kind)}  (noted, not a failure)")
    if report.failures:
        first = report.failures[0]
        rows += ["", f"FAILED: {len(report.failures)} failures; first: {first.kind} "
                 f"{first.program}: {first.detail}"]
        if failures_dir:
            rows.append(f"failing programs written under {failures_dir}/")
    else:
        rows += ["", "OK: no failures"]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--programs", type=int, default=10_000, help="how many (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same programs")
    parser.add_argument("--batch", type=int, default=500, help="files per guardrails run")
    parser.add_argument(
        "--node-share", type=float, default=0.1, help="share of from_node() programs"
    )
    parser.add_argument(
        "--mixed", type=float, default=0.4, help="share of generated code spliced with snippets"
    )
    parser.add_argument(
        "--node-kinds",
        default="FunctionDef,ClassDef,If,Module,With,Try",
        help="LibCST node classes from_node() builds, cheapest first",
    )
    parser.add_argument("--jobs", type=int, default=None, help="guardrails --jobs")
    parser.add_argument(
        "--failures",
        default=str(Path(tempfile.gettempdir(), "guardrails-fuzz-failures")),
        help="folder for failing programs, one subfolder per class ('' for none; "
        "default: guardrails-fuzz-failures in the temporary folder)",
    )
    parser.add_argument("--json", default=None, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    if args.programs < 1 or args.batch < 1:
        parser.error("--programs and --batch must be positive")
    if not 0 <= args.node_share <= 1 or not 0 <= args.mixed <= 1 - args.node_share:
        parser.error("--node-share and --mixed are shares between 0 and 1 that add up to <= 1")
    report = fuzz(args)
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(report), indent=1) + "\n", encoding="utf-8")
    try:
        print(summary(report, args.failures or None), flush=True)
    except BrokenPipeError:  # `| head`: the reader left; the exit code still tells
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
