"""A synthetic monorepo of millions of lines, checked whole and as shards plus a merge.

Issue 21: one CI runner cannot check a very large repository in a minute; N
runners each check a shard (`guardrails check --shard I/N`) and one step merges
their outputs (`guardrails merge`). This measures that on real code at scale:

- the corpus: the running interpreter's standard library packages (every folder
  with an `__init__.py`, tests included: real code, deliberately broken files
  too), copied again and again into `packages/pkgNNN_<name>/` until `--lines`
  is reached, each copy's absolute imports of those packages rewritten to
  renamed ones (a package's imports of itself stay in its copy; its imports of
  the others go to a copy chosen by a hash of the pair), so the import graph
  is one monorepo's graph, not N disjoint copies of one; a `pyproject.toml`
  with the default catalog and ARC001 `layers` over a few packages, so the
  import-graph backend runs;
- runs, one after another: unsharded cold (empty cache, which it fills),
  unsharded warm (that cache), a tiny shard (about ten files, `--shard
  1/min(files/10, 1024)`: the fixed cost every shard pays, the whole
  project's import graph included), shards 1..N
  cold (`--no-cache`), `merge` of their JSON; wall time and peak RSS of each
  command's whole process tree (guardrails' workers, Semgrep, Ruff, the
  graph's subprocess), sampled every 0.2 s;
- checks: the merged JSON equals the unsharded one byte for byte, and so does
  the warm run's;
- memory per shard flat in file count: the shards also run on a corpus of
  `--small-lines` (default a quarter), and the table gives each shard's peak RSS
  at both sizes and their ratio (4x the files per shard would give ~4 if memory
  grew with files).

    python bench/scale.py                           # 5,000,000 lines, 4 shards
    python bench/scale.py --lines 20000 --small-lines 0 --json scale.json
    python bench/scale.py --workdir /tmp/mono --keep  # keep the corpus to look at

Exit 1 when the merged or the warm output differs from the unsharded one; a
guardrails run that fails (exit 2) stops the benchmark with its last lines.
Not part of the test suite: the 5M-line run takes 15-20 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from guardrails.shards import MAX_SHARDS

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import _tree_rss, compile_guardrails  # noqa: E402  (one way to measure a tree)

LAYERS = 4
"""How many packages of the first copy ARC001's `layers` names."""

_IMPORT = re.compile(
    rb"^([ \t]*)(?:from[ \t]+([A-Za-z_]\w*)([\w.]*[ \t]+import\b)|import[ \t]+([^\n#;\\]+))",
    re.M,
)
_ITEM = re.compile(rb"^([A-Za-z_]\w*)((?:\.\w+)*)((?:[ \t]+as[ \t]+\w+)?)$")


@dataclass
class Corpus:
    """What was built: its size and how long building took."""

    root: Path
    files: int
    lines: int
    bytes: int
    copies: int
    packages: int
    rewritten_imports: int
    build_seconds: float


@dataclass
class Run:
    """One command's wall time and the peak RSS of its process tree."""

    name: str
    seconds: float
    peak_rss_mib: float


def sources(stdlib: Path) -> list[tuple[str, list[tuple[Path, bytes]]]]:
    """Each stdlib package (sorted) with its .py files (sorted) and their bytes."""
    found = []
    for folder in sorted(stdlib.iterdir()):
        if not (folder / "__init__.py").is_file() or not folder.name.isidentifier():
            continue
        files = sorted(p for p in folder.rglob("*.py") if p.is_file())
        found.append((folder.name, [(p.relative_to(folder), p.read_bytes()) for p in files]))
    return found


def renamed(package: str, copy: int) -> str:
    return f"pkg{copy:03d}_{package}"


def target_copy(importer: str, imported: str, copy: int, full_copies: int) -> int:
    """Which copy of `imported` a copy of `importer` uses: its own copy for itself (its
    absolute self-imports), else one spread over the complete copies by a hash of the pair."""
    if importer == imported or full_copies < 1:
        return copy
    return (copy + zlib.crc32(f"{importer}>{imported}".encode())) % full_copies


def rewrite(text: bytes, importer: str, copy: int, names: set[str], full: int) -> tuple[bytes, int]:
    """`text` with its absolute imports of `names` renamed; lines stay where they were.

    `import json` becomes `import pkg003_json as json`, so the module keeps the
    name its code uses; `from json.x import y` and `import json.x as z` get the
    new package name; relative imports and other modules are left alone.
    """
    count = 0

    def new(name: bytes) -> bytes:
        nonlocal count
        count += 1
        package = name.decode()
        return renamed(package, target_copy(importer, package, copy, full)).encode()

    def item(part: bytes) -> bytes:
        match = _ITEM.match(part.strip())
        if not match or match[1].decode() not in names:
            return part
        head, rest, alias = match.groups()
        lead = part[: len(part) - len(part.lstrip())]
        if not rest and not alias:
            return lead + new(head) + b" as " + head
        return lead + new(head) + rest + alias

    def replace(match: re.Match[bytes]) -> bytes:
        indent, module, tail, listed = match.groups()
        if module is not None:
            if module.decode() not in names:
                return match[0]
            return indent + b"from " + new(module) + tail
        trailing = listed[len(listed.rstrip()) :]
        return (
            indent + b"import " + b",".join(item(p) for p in listed.rstrip().split(b",")) + trailing
        )

    return _IMPORT.sub(replace, text), count


def pyproject(layers: Sequence[str]) -> str:
    listed = ", ".join(f'"{name}"' for name in layers)
    return (
        "# A synthetic monorepo (bench/scale.py): the default catalog, and ARC001 over a few\n"
        "# packages so the import graph of the whole project is built.\n"
        '[tool.guardrails]\nsrc = ["packages"]\n\n'
        f"[tool.guardrails.rules.ARC001]\nlayers = [{listed}]\n"
    )


def build(root: Path, lines: int, stdlib: Path) -> Corpus:
    """Copy the stdlib packages, renamed, until `lines` lines; deterministic for one Python."""
    started = time.perf_counter()
    packages = sources(stdlib)
    names = {name for name, _ in packages}
    per_copy = sum(data.count(b"\n") for _, files in packages for _, data in files)
    full = lines // per_copy
    made = {"files": 0, "lines": 0, "bytes": 0, "imports": 0}
    created: list[str] = []
    copy = 0
    while made["lines"] < lines:
        for package, files in packages:
            if made["lines"] >= lines:
                break
            top = root / "packages" / renamed(package, copy)
            created.append(top.name)
            for relative, data in files:
                if made["lines"] >= lines:
                    break
                text, count = rewrite(data, package, copy, names, full)
                destination = top / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(text)
                made["files"] += 1
                made["lines"] += text.count(b"\n")
                made["bytes"] += len(text)
                made["imports"] += count
        copy += 1
    (root / "pyproject.toml").write_text(pyproject(created[:LAYERS]), encoding="utf-8")
    return Corpus(
        root=root,
        files=made["files"],
        lines=made["lines"],
        bytes=made["bytes"],
        copies=copy,
        packages=len(created),
        rewritten_imports=made["imports"],
        build_seconds=round(time.perf_counter() - started, 2),
    )


def guardrails() -> list[str]:
    """The console script beside this interpreter: `python -m` from the corpus would put
    the corpus first on sys.path."""
    script = Path(sys.executable).parent / "guardrails"
    return [str(script)] if script.exists() else [sys.executable, "-m", "guardrails"]


def timed(argv: list[str], cwd: Path) -> tuple[float, int]:
    """(seconds, peak RSS in bytes) of a command that must exit 0 or 1 (findings).

    The peak is the largest sum over the process tree (workers, Semgrep, Ruff,
    the import graph's subprocess) sampled every 0.2 s, or the command's own
    peak from the kernel (`wait4`) when that is larger: a run shorter than a
    sample, like a small `merge`, still gets its memory.
    """
    import psutil

    peak, done = 0, threading.Event()
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        handle = psutil.Process(process.pid)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(handle))
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join(timeout=5)
        if process.returncode not in (0, 1):
            err.seek(0)
            detail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            sys.exit(f"{' '.join(argv[1:3])} exited {process.returncode}: {' | '.join(detail)}")
    return elapsed, max(peak, usage.ru_maxrss * 1024)


def measured(name: str, argv: list[str], cwd: Path, runs: list[Run]) -> Run:
    """Run `argv`, timing it and its process tree; print and keep the numbers."""
    print(f"  {name:<30}", end="", flush=True)
    seconds, peak = timed(argv, cwd)
    run = Run(name, round(seconds, 2), round(peak / 2**20, 1))
    print(f"{run.seconds:9.2f} s {run.peak_rss_mib:9.0f} MiB", flush=True)
    runs.append(run)
    return run


def shards(corpus: Corpus, out: Path, count: int, runs: list[Run], label: str) -> list[Path]:
    """A tiny shard first (about ten files, or 1 of the most shards `--shard` takes: what
    a shard costs whatever its size), then shards 1..count one after another, as CI
    runners would run them; all cold."""
    base = [*guardrails(), "check", "--no-cache", "--output-format"]
    tiny = min(MAX_SHARDS, max(count + 1, corpus.files // 10))
    tiny_out = f"json:{out / 'tiny.json'}"
    measured(
        f"{label}tiny shard 1/{tiny}", [*base, tiny_out, "--shard", f"1/{tiny}"], corpus.root, runs
    )
    outputs = []
    for index in range(1, count + 1):
        path = out / f"shard-{index}.json"
        argv = [*base, f"json:{path}", "--shard", f"{index}/{count}"]
        measured(f"{label}shard {index}/{count}", argv, corpus.root, runs)
        outputs.append(path)
    return outputs


def findings_by_rule(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for violation in json.loads(path.read_bytes())["violations"]:
        counts[violation["rule_id"]] = counts.get(violation["rule_id"], 0) + 1
    return dict(sorted(counts.items()))


def benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    stdlib = Path(sysconfig.get_path("stdlib"))
    result: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": len(os.sched_getaffinity(0)),
            "python": sys.version.split()[0],
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "shard_count": args.shards,
    }
    compile_guardrails()
    small: dict[str, Any] | None = None
    if args.small_lines:
        print(f"building {args.small_lines:,} lines ...", flush=True)
        corpus = build(work / "small", args.small_lines, stdlib)
        print(f"  {corpus.files:,} files, {corpus.lines:,} lines in {corpus.build_seconds} s")
        out = work / "small-out"
        out.mkdir()
        runs: list[Run] = []
        shards(corpus, out, args.shards, runs, "small ")
        small = {"corpus": {**asdict(corpus), "root": None}, "runs": [asdict(r) for r in runs]}
        shutil.rmtree(corpus.root)
    print(f"building {args.lines:,} lines ...", flush=True)
    corpus = build(work / "large", args.lines, stdlib)
    print(f"  {corpus.files:,} files, {corpus.lines:,} lines in {corpus.build_seconds} s")
    out, cache = work / "out", work / "cache"
    out.mkdir()
    runs = []
    base = [*guardrails(), "check"]
    unsharded, warm = out / "unsharded.json", out / "warm.json"
    cold_argv = [*base, "--cache-dir", str(cache), "--output-format"]
    measured("unsharded cold", [*cold_argv, f"json:{unsharded}"], corpus.root, runs)
    measured("unsharded warm", [*cold_argv, f"json:{warm}"], corpus.root, runs)
    parts = shards(corpus, out, args.shards, runs, "")
    merged = out / "merged.json"
    measured("merge", [*guardrails(), "merge", str(merged), *map(str, parts)], corpus.root, runs)
    expected = unsharded.read_bytes()
    rules = findings_by_rule(unsharded)
    result.update(
        corpus={**asdict(corpus), "root": str(corpus.root) if args.keep else None},
        runs=[asdict(r) for r in runs],
        merged_equals_unsharded=merged.is_file() and merged.read_bytes() == expected,
        warm_equals_cold=warm.read_bytes() == expected,
        findings=sum(rules.values()),
        findings_by_rule=rules,
        unparsable_files=rules.get("GR001", 0),
        rule_crashes=rules.get("GR003", 0),
    )
    if small is not None:
        result["small"] = small
    result["derived"] = derived(result)
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def derived(result: dict[str, Any]) -> dict[str, Any]:
    """Lines per second per runner, the fixed cost of a shard, runners for one minute.

    A shard of L/n lines of an L-line project takes F(L) + L / (n * rate): F is
    what the tiny shard takes (start-up, discovery and the import graph of the
    WHOLE project), a straight line through its two sizes (one size: through 0);
    the rate comes from the unsharded cold run, less F.
    """
    count = result["shard_count"]
    lines = result["corpus"]["lines"]
    runs = {r["name"]: r for r in result["runs"]}
    shard_runs = [runs[f"shard {i}/{count}"] for i in range(1, count + 1)]
    fixed = next(r["seconds"] for r in result["runs"] if r["name"].startswith("tiny shard"))
    cold = runs["unsharded cold"]["seconds"]
    rate = lines / max(cold - fixed, 1e-9)
    slope, start = fixed / lines, 0.0
    found: dict[str, Any] = {
        "lines_per_second_per_runner": round(rate),
        "fixed_seconds": fixed,
        "slowest_shard_seconds": max(r["seconds"] for r in shard_runs),
        "sum_of_shards_over_unsharded": round(sum(r["seconds"] for r in shard_runs) / cold, 2),
        "peak_rss_mib_per_shard": [r["peak_rss_mib"] for r in shard_runs],
    }
    if "small" in result:
        small = {r["name"]: r for r in result["small"]["runs"]}
        small_lines = result["small"]["corpus"]["lines"]
        small_fixed = next(r["seconds"] for r in result["small"]["runs"] if "tiny" in r["name"])
        if lines > small_lines:
            slope = max(0.0, (fixed - small_fixed) / (lines - small_lines))
            start = max(0.0, fixed - slope * lines)
        peaks = [small[f"small shard {i}/{count}"]["peak_rss_mib"] for i in range(1, count + 1)]
        found["small_fixed_seconds"] = small_fixed
        found["small_peak_rss_mib_per_shard"] = peaks
        found["files_ratio"] = round(
            result["corpus"]["files"] / result["small"]["corpus"]["files"], 2
        )
        found["peak_rss_ratio"] = round(max(found["peak_rss_mib_per_shard"]) / max(peaks), 2)
    found["fixed_model"] = {
        "seconds": round(start, 2),
        "seconds_per_million_lines": round(slope * 1e6, 2),
    }
    found["runners_for_one_minute"] = {
        str(size): runners(size, rate, start, slope) for size in SIZES
    }
    return found


SIZES = (100_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000)


def runners(
    lines: int, rate: float, start: float, slope: float, budget: float = 60.0
) -> int | None:
    """Shards needed so each finishes within `budget` seconds: every shard pays the fixed
    cost `start + slope * lines` (the whole project's import graph grows with it) plus
    its share of the checking; None when the fixed cost alone exceeds the budget."""
    left = budget - start - slope * lines
    if left <= 0:
        return None
    return max(1, -(-lines // int(rate * left)))


def report(result: dict[str, Any]) -> None:
    corpus = result["corpus"]
    print(
        f"\ncorpus: {corpus['files']:,} files, {corpus['lines']:,} lines, {corpus['copies']} "
        f"copies of the stdlib packages ({corpus['packages']} packages), built in "
        f"{corpus['build_seconds']} s; {result['machine']['cpus']} CPUs, load average "
        f"{result['machine']['load_average_at_start'][0]} at the start, "
        f"{result['machine']['load_average_at_end'][0]} at the end"
    )
    print(f"{'run':<30}{'wall s':>10}{'peak RSS MiB':>14}")
    for run in result.get("small", {}).get("runs", []) + result["runs"]:
        print(f"{run['name']:<30}{run['seconds']:>10.2f}{run['peak_rss_mib']:>14.0f}")
    d = result["derived"]
    print(f"merged == unsharded: {'OK' if result['merged_equals_unsharded'] else 'DIFF'}")
    print(f"warm == cold: {'OK' if result['warm_equals_cold'] else 'DIFF'}")
    print(
        f"findings {result['findings']:,}; files no backend parses (GR001) "
        f"{result['unparsable_files']}; rule crashes (GR003) {result['rule_crashes']}"
    )
    model = d["fixed_model"]
    print(
        f"{d['lines_per_second_per_runner']:,} lines/s per runner; fixed cost of a shard "
        f"{model['seconds']} s + {model['seconds_per_million_lines']} s per million lines "
        f"of the project; "
        f"slowest shard {d['slowest_shard_seconds']} s; shards / unsharded "
        f"{d['sum_of_shards_over_unsharded']}"
    )
    if "peak_rss_ratio" in d:
        print(
            f"peak RSS per shard: {d['small_peak_rss_mib_per_shard']} MiB -> "
            f"{d['peak_rss_mib_per_shard']} MiB for {d['files_ratio']}x the files: "
            f"ratio {d['peak_rss_ratio']}"
        )
    print(
        "runners to stay under a minute: "
        + ", ".join(
            f"{int(k):,} lines: {v or 'not reachable'}"
            for k, v in d["runners_for_one_minute"].items()
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000_000, help="size of the corpus")
    parser.add_argument(
        "--small-lines",
        type=int,
        help="a second corpus for memory per shard (default: a quarter of --lines; 0: none)",
    )
    parser.add_argument("--shards", type=int, default=4, help="how many shards")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temp dir)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the workdir in place (the large corpus, outputs, cache)",
    )
    parser.add_argument("--json", type=Path, help="also write every number here")
    args = parser.parse_args(argv)
    if args.lines < 1000 or args.shards < 2:
        parser.error("--lines must be at least 1000 and --shards at least 2")
    if args.small_lines is None:
        args.small_lines = args.lines // 4
    if args.workdir is not None and args.workdir.exists() and any(args.workdir.iterdir()):
        parser.error(f"--workdir {args.workdir} is not empty")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="guardrails-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    work = work.resolve()
    try:
        result = benchmark(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["merged_equals_unsharded"] and result["warm_equals_cold"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
