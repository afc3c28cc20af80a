"""Benchmark guardrails against its floor and its peers on one corpus, in one run.

    pip install -e '.[bench]'
    python bench/run.py                      # the running interpreter's stdlib, 3 runs each
    python bench/run.py --runs 5 --jobs 2 --corpus path/to/project --json out.json

The corpus (by default the standard library without site-packages) is
copied to a temporary directory, so caches and the "touch one file" edit
never touch the original. The commands run in `--runs` rounds, each round
running every command once, so that all of them see the same drift of a
shared machine's speed; each measurement is the median wall time over the
rounds, with the peak resident memory of the whole process tree
(guardrails plus its workers, Semgrep and Ruff) sampled four times a
second, and the target ratios are medians of the per-round ratios:

- guardrails cold (empty cache), warm (nothing changed), one file touched;
- the LibCST parse-only floor with the same number of processes;
- `ruff check` with the Ruff rule families guardrails maps;
- `bandit -r`;
- `semgrep scan` with guardrails' own YAML rules alone (Semgrep's own targeting).

It prints one table with ratios against the floor and the peers, checks the
targets of issue 8, confirms that the cold run has no GR003 and that warm
results equal cold ones, and writes everything as JSON (`--json`) so runs
can be compared across commits. Not part of the test suite: on the stdlib
it takes 10-15 minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
TARGETS = {
    "cold / floor": ("<=", 1.6),
    "bandit / cold": (">=", 2.0),
    "warm seconds": ("<=", 1.0),
    "one-file seconds": ("<=", 2.5),
    "peak RSS MiB": ("<=", 1024.0),
}


@dataclass
class Measure:
    """Median wall time and peak memory of one command over several runs."""

    name: str
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    skipped: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def _tree_rss(root: psutil.Process) -> int:
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        with contextlib.suppress(psutil.Error):  # ended between listing and reading
            total += process.memory_info().rss
    return total


def timed(argv: Sequence[str], cwd: Path, ok_codes: Sequence[int] = (0,)) -> tuple[float, int, str]:
    """(seconds, peak RSS of the process tree in bytes, stdout) of one command."""
    peak = 0
    done = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, stdout=out, stderr=err)
        handle = psutil.Process(process.pid)

        def sample() -> None:
            # Reading every process's /proc entries is not free: sampling every
            # 20 ms took about a tenth of a core, slowing multi-process runs
            # most on 2 cores. Memory plateaus within a run, so 4 samples a
            # second find the peak.
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(handle))
                done.wait(0.25)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join(timeout=5)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if code not in ok_codes:
            detail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            sys.exit(f"{argv[0]} {argv[1]} failed with exit code {code}: {' | '.join(detail)}")
    return elapsed, peak, stdout


def copy_corpus(source: Path, target: Path) -> tuple[int, int]:
    """Copy every .py file below `source` (without site-packages); (files, lines)."""
    files = lines = 0
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source)
        if "site-packages" in relative.parts or not path.is_file():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        files += 1
        lines += path.read_bytes().count(b"\n")
    return files, lines


def ruff_families() -> list[str]:
    """The Ruff rule families (letter prefixes) of the codes guardrails maps."""
    from guardrails.config import load_settings
    from guardrails.plugins import load_plan

    plan = load_plan(load_settings(Path.cwd(), isolated=True))
    codes = {code for rule in plan.rules for code in rule.implementation("ruff") or ()}
    return sorted({code.rstrip("0123456789") for code in codes})


def semgrep_rule_configs() -> list[str]:
    """`--config FILE` for each built-in Semgrep rule file (they sit among the Python rules)."""
    import guardrails.rules

    files = [f for d in guardrails.rules.guardrails_semgrep_rule_dirs() for f in d.rglob("*.yaml")]
    return [arg for f in sorted(files) for arg in ("--config", str(f))]


def version_of(argv: Sequence[str]) -> str:
    try:
        result = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return (result.stdout or result.stderr).strip().splitlines()[0] if result.stdout else "?"


def findings(stdout: str) -> list[tuple[str, int, int, str, str]]:
    data = json.loads(stdout)
    return [
        (v["path"], v["line"], v["column"], v["rule_id"], v["message"]) for v in data["violations"]
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", type=Path, default=Path("bench-result.json"))
    parser.add_argument(
        "--skip", default="", help="comma-separated peers to leave out: bandit,semgrep,ruff"
    )
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    work = Path(tempfile.mkdtemp(prefix="guardrails-bench-"))
    try:
        return run(args, skip, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compile_guardrails() -> None:
    """Write bytecode for guardrails as `pip install` does for a regular install.

    An editable install (and PYTHONDONTWRITEBYTECODE) would otherwise make
    every run compile the engine and rules from source, ~0.1 s users of a
    regular install never pay.
    """
    import guardrails

    package = Path(guardrails.__file__).parent
    import guardrails.rules

    for folder in {package, Path(guardrails.rules.__file__).parent}:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=False)


def run(args: argparse.Namespace, skip: set[str], work: Path) -> int:
    corpus, cache = work / "corpus", work / "cache"
    compile_guardrails()
    files, lines = copy_corpus(args.corpus.resolve(), corpus)
    print(f"corpus: {args.corpus} -> {files} files, {lines} lines; jobs {args.jobs}", flush=True)
    # The console script, not `python -m`: with the corpus as cwd, `-m` would
    # import the corpus' own copies of stdlib modules.
    guardrails = [
        shutil.which("guardrails") or "guardrails", "check", "--isolated", "--exit-zero",
        "--output-format", "json", "--jobs", str(args.jobs), "--cache-dir", str(cache), ".",
    ]  # fmt: skip
    touched = sorted(corpus.rglob("*.py"), key=lambda p: abs(p.stat().st_size - 20_000))[0]
    plan: list[tuple[Measure, Callable[[int], None] | None, Sequence[int]]] = []

    def measure(
        name: str,
        argv: list[str],
        before: Callable[[int], None] | None = None,
        ok_codes: Sequence[int] = (0,),
    ) -> None:
        plan.append((Measure(name, argv), before, ok_codes))

    def clear_cache(_: int) -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def touch(index: int) -> None:
        with touched.open("a", encoding="utf-8") as handle:
            handle.write(f"\n# benchmark edit {index}\n")

    floor = [sys.executable, str(HERE / "parse_floor.py"), "--jobs", str(args.jobs), "."]
    measure("libcst parse floor", floor)
    measure("guardrails cold", guardrails, clear_cache)
    measure("guardrails warm", guardrails)  # right after a cold run: its cache
    measure("guardrails one file", guardrails, touch)
    if "ruff" not in skip:
        select = ",".join(ruff_families())
        ruff = ["ruff", "check", "--isolated", "--no-cache", "--exit-zero", "--select", select]
        measure(f"ruff ({select})", [*ruff, "--output-format", "json", "."])
    if "bandit" not in skip:
        if shutil.which("bandit"):
            measure("bandit -r", ["bandit", "-r", "-q", "-f", "json", "."], ok_codes=(0, 1))
        else:
            print("  bandit not installed (pip install -e '.[bench]'): skipped")
    if "semgrep" not in skip:
        semgrep = [
            "semgrep", "scan", *semgrep_rule_configs(), "--json", "--metrics=off",
            "--disable-version-check", "--oss-only", "--quiet", "--jobs", str(args.jobs), ".",
        ]  # fmt: skip
        measure("semgrep (guardrails rules)", semgrep, ok_codes=(0, 1))

    # Rounds, each running every command once: a shared VM's speed drifts over
    # minutes, and interleaving lets every command see the same drift, so the
    # ratios compare like with like.
    outputs: dict[str, str] = {}
    for index in range(args.runs):
        print(f"round {index + 1}/{args.runs}", flush=True)
        for entry, before, ok_codes in plan:
            if before is not None:
                before(index)
            seconds, peak, stdout = timed(entry.argv, corpus, ok_codes)
            entry.seconds.append(seconds)
            entry.peak_rss_mib = max(entry.peak_rss_mib, peak / 2**20)
            outputs[entry.name] = stdout
            print(f"  {entry.name:<28} {seconds:8.2f} s", flush=True)
    measures = {entry.name: entry for entry, _, _ in plan}
    cold_output = outputs["guardrails cold"]

    cold = findings(cold_output)
    crashes = [f for f in cold if f[3] == "GR003"]
    unparsable = sorted({f[0] for f in cold if f[3] == "GR001"})
    warm_same = findings(outputs["guardrails warm"]) == cold
    report = summarise(measures, args, files, lines, crashes, unparsable, warm_same)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nJSON written to {args.json}")
    return 1 if crashes or not warm_same else 0


def summarise(
    measures: dict[str, Measure],
    args: argparse.Namespace,
    files: int,
    lines: int,
    crashes: list[tuple[str, int, int, str, str]],
    unparsable: list[str],
    warm_same: bool,
) -> dict[str, object]:
    """Print the table and the target checks; return everything for the JSON file."""
    floor = measures["libcst parse floor"].median
    print(f"\n{'command':<28}{'median s':>10}{'min s':>9}{'max s':>9}{'/ floor':>9}{'RSS MiB':>9}")
    for entry in measures.values():
        print(
            f"{entry.name:<28}{entry.median:>10.2f}{min(entry.seconds):>9.2f}"
            f"{max(entry.seconds):>9.2f}{entry.median / floor:>9.2f}{entry.peak_rss_mib:>9.0f}"
        )

    def per_round(numerator: str, denominator: str) -> float:
        """Median of the ratio within each round (both ran minutes apart at most)."""
        pairs = zip(measures[numerator].seconds, measures[denominator].seconds, strict=True)
        return statistics.median(a / b for a, b in pairs)

    values = {
        "cold / floor": per_round("guardrails cold", "libcst parse floor"),
        "warm seconds": measures["guardrails warm"].median,
        "one-file seconds": measures["guardrails one file"].median,
        "peak RSS MiB": max(
            measures[name].peak_rss_mib
            for name in ("guardrails cold", "guardrails warm", "guardrails one file")
        ),
    }
    if "bandit -r" in measures:
        values["bandit / cold"] = per_round("bandit -r", "guardrails cold")
    print("\ntargets (issue 8; ratios are medians of per-round ratios):")
    verdicts = {}
    for name, value in values.items():
        op, limit = TARGETS[name]
        ok = value <= limit if op == "<=" else value >= limit
        verdicts[name] = {"value": round(value, 3), "target": f"{op} {limit}", "met": ok}
        print(f"  {'met ' if ok else 'MISS'} {name:<18} {value:8.2f}  (target {op} {limit})")
    print(f"  GR003 in the cold run: {len(crashes)}; warm results equal cold: {warm_same}")
    print(f"  GR001 (files no backend could parse): {len(unparsable)}")
    for path in unparsable:
        print(f"    {path}")
    return {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "guardrails": version_of(["guardrails", "--version"]),
            "ruff": version_of(["ruff", "--version"]),
            "semgrep": version_of(["semgrep", "--version"]),
            "bandit": version_of(["bandit", "--version"]),
        },
        "corpus": {"path": str(args.corpus), "files": files, "lines": lines},
        "jobs": args.jobs,
        "runs": args.runs,
        "measures": {
            name: {**asdict(entry), "median": entry.median} for name, entry in measures.items()
        },
        "targets": verdicts,
        "gr003": [list(c) for c in crashes],
        "gr001_files": unparsable,
        "warm_equals_cold": warm_same,
    }


if __name__ == "__main__":
    sys.exit(main())
