"""Run the full built-in catalog over real code and print what it finds, per rule.

    python bench/catalog_on_real_code.py                 # stdlib + pinned packages
    python bench/catalog_on_real_code.py --sample 5      # also 5 random findings per rule
    python bench/catalog_on_real_code.py --no-packages   # stdlib only (no downloads)

The corpus is the running interpreter's standard library (without
site-packages) and a pinned handful of popular packages fetched with
`pip download` (wheels, no dependencies). It fails (exit 1) on any GR003 —
a rule crashing on real code — and lists every GR001 so a reviewer can
confirm they are the stdlib's deliberately broken test files. Not part of
the test suite: it takes minutes and downloads packages.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

PACKAGES = ("requests==2.32.3", "flask==3.1.0", "rich==13.9.4", "httpx==0.28.1")


def fetch_packages(target: Path) -> list[Path]:
    """Download the pinned wheels and unpack their Python files under `target`."""
    wheels = target / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            "-d",
            str(wheels),
            *PACKAGES,
        ],
        check=True,
    )
    roots = []
    for wheel in sorted(wheels.glob("*.whl")):
        root = target / wheel.name.split("-")[0]
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.endswith(".py")]
            archive.extractall(root, members=members)
        roots.append(root)
    return roots


def check(paths: list[Path], cwd: Path) -> dict:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "guardrails",
            "check",
            "--isolated",
            "--output-format",
            "json",
            "--exit-zero",
            *map(str, paths),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 2):
        sys.exit(f"guardrails failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=0, help="random findings to show per rule")
    parser.add_argument("--no-packages", action="store_true", help="stdlib only")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    with tempfile.TemporaryDirectory(prefix="guardrails-real-code-") as tmp:
        work = Path(tmp)
        corpora = {"stdlib": [stdlib]}
        if not args.no_packages:
            corpora["packages"] = fetch_packages(work / "packages")
        failed = False
        for name, paths in corpora.items():
            data = check(paths, work)
            violations = data["violations"]
            counts = collections.Counter(v["rule_id"] for v in violations)
            print(f"\n== {name}: {data['summary']['files']} files, {len(violations)} findings")
            for rule_id, count in sorted(counts.items()):
                print(f"  {rule_id:<8} {count:>6}")
            crashes = [v for v in violations if v["rule_id"] == "GR003"]
            for v in crashes:
                print(f"  CRASH {v['path']}:{v['line']}: {v['message']}")
            failed |= bool(crashes)
            for v in (v for v in violations if v["rule_id"] == "GR001"):
                print(f"  unparsable: {v['path']}:{v['line']}: {v['message'][:100]}")
            if args.sample:
                rng = random.Random(args.seed)
                by_rule = collections.defaultdict(list)
                for v in violations:
                    by_rule[v["rule_id"]].append(v)
                for rule_id in sorted(by_rule):
                    picked = rng.sample(by_rule[rule_id], min(args.sample, len(by_rule[rule_id])))
                    print(f"\n  -- {rule_id}")
                    for v in picked:
                        print(f"  {v['path']}:{v['line']}: {v['message'][:120]}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
