"""The precision ledger: guardrails' default configuration on pinned real projects, scored
against hand-judged labels.

    python bench/precision.py                # download (once), check, score, print per rule
    python bench/precision.py --write        # also rewrite rules/precision.json + docs/precision.md
    python bench/precision.py --todo FILE    # write the findings still to judge as CSV
    python bench/precision.py --check        # exit 1 if the error/noise bars are missed

Each project is a wheel from the package index, pinned below, checked with `--isolated`
(no config file: the defaults a new user gets) and scored against `bench/precision/labels.csv`
(project, path, line, rule, verdict, note). Verdicts: `tp` (the definition holds and a reviewer
of that project would want it flagged), `fp` (the tool misread the code), `noisy` (true by the
letter, but intended or harmless). Precision = tp / (tp + fp + noisy). A label whose finding is
gone (a fixed false positive, or a version bump) is listed as stale, never silently counted.
Not part of the test suite: it downloads packages and takes a minute or two.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LABELS = HERE / "precision" / "labels.csv"
RESULTS = REPO / "rules" / "precision.json"
DOC = REPO / "docs" / "precision.md"
DEFAULT_WORK = Path.home() / ".cache" / "guardrails-precision"

BUILTIN = re.compile(r"^(SEC|OBS|REL|ARC|GR)[0-9]{3}$")
VERDICTS = ("tp", "fp", "noisy")
FIELDS = ("project", "path", "line", "rule", "verdict", "note")

# Sampling for --todo: every error finding up to this many per rule and project, and a spread
# sample of the rest (warnings; info notes and the opt-in firehose get fewer).
ERROR_CAP = 15
WARNING_CAP = 4
INFO_CAP = 2


@dataclass(frozen=True)
class Project:
    """One pinned wheel and the folders of it that are checked."""

    name: str
    version: str
    paths: tuple[str, ...] = ()  # relative to the unpacked wheel; empty = all of it
    kind: str = "library"

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


PROJECTS = (
    Project("flask", "3.1.3", kind="web framework"),
    Project("django", "5.2.19", ("django/core", "django/contrib"), kind="web framework"),
    Project("requests", "2.34.2", kind="HTTP client"),
    Project("httpx", "0.29.0", kind="HTTP client"),
    Project("celery", "5.7.0", kind="task worker"),
    Project("paramiko", "5.1.0", kind="SSH library"),
    Project("fastapi", "0.165.0", kind="web framework"),
    Project("datasette", "0.65.5", kind="web application"),
    Project("httpie", "3.2.4", kind="CLI application"),
    Project("gunicorn", "27.0.1", kind="server"),
    Project("flower", "2.2.0", kind="web application"),
    Project("pgcli", "4.7.1", kind="CLI application"),
    Project("changedetection.io", "0.60.10", kind="web application"),
    Project("locust", "2.47.0", kind="load-testing application"),
    Project("radicale", "3.9.0", kind="CalDAV server"),
    Project("pypiserver", "2.4.2", kind="web application"),
)


def unpack(project: Project, work: Path) -> Path:
    """The unpacked wheel of `project` under `work`, downloading it the first time."""
    root = work / "src" / f"{project.name}-{project.version}"
    if root.is_dir():
        return root
    wheels = work / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--only-binary", ":all:", "-d", str(wheels), project.requirement],
        check=True,
    )  # fmt: skip
    prefix = re.sub(r"[-_.]+", "_", project.name).lower() + "-" + project.version + "-"
    wheel = next(w for w in wheels.glob("*.whl") if w.name.lower().startswith(prefix))
    partial = root.with_suffix(".partial")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(partial)
    partial.rename(root)
    return root


def python_lines(root: Path, paths: tuple[str, ...]) -> int:
    """Physical lines of the Python files checked: the denominator of 'per 1,000 lines'."""
    total = 0
    for top in [root / p for p in paths] or [root]:
        for file in top.rglob("*.py"):
            total += len(file.read_bytes().splitlines())
    return total


def check(root: Path, paths: tuple[str, ...]) -> list[dict[str, Any]]:
    """Built-in findings of the default configuration, as JSON rows."""
    proc = subprocess.run(
        [sys.executable, "-m", "guardrails", "check", "--isolated", "--no-cache",
         "--output-format", "json", "--exit-zero", *(paths or (".",))],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    # exit 2 with findings on stdout: a file guardrails could not fully check (GR001/GR003)
    if proc.returncode not in (0, 2) or not proc.stdout.strip():
        sys.exit(f"guardrails failed on {root.name} ({proc.returncode}): {proc.stderr[-400:]}")
    rows = json.loads(proc.stdout)["violations"]
    return [v for v in rows if BUILTIN.match(v["rule_id"])]


def read_labels(path: Path = LABELS) -> dict[tuple[str, str, int, str], dict[str, str]]:
    """Labels by (project, path, line, rule); fails loudly on a malformed or repeated row."""
    labels: dict[tuple[str, str, int, str], dict[str, str]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for number, row in enumerate(csv.DictReader(fh), 2):
            if row["verdict"] not in VERDICTS:
                sys.exit(f"{path}:{number}: verdict must be one of {VERDICTS}")
            key = (row["project"], row["path"], int(row["line"]), row["rule"])
            if key in labels:
                sys.exit(f"{path}:{number}: repeated label {key}")
            labels[key] = row
    return labels


def score(
    runs: dict[Project, tuple[int, list[dict[str, Any]]]],
    labels: dict[tuple[str, str, int, str], dict[str, str]],
) -> dict[str, Any]:
    """Per-rule and overall numbers, in the shape `rules/precision.json` stores."""
    rules: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, str, int, str]] = set()
    projects = []
    total_lines = 0
    for project, (lines, findings) in runs.items():
        total_lines += lines
        loud = [v for v in findings if v["severity"] != "info"]
        projects.append(
            {
                "name": project.name,
                "version": project.version,
                "kind": project.kind,
                "paths": list(project.paths),
                "lines": lines,
                "findings": len(findings),
                "warning_error": len(loud),
                "per_kloc": round(1000 * len(loud) / lines, 2),
            }
        )
        groups: collections.Counter[str] = collections.Counter()
        judged: collections.Counter[str] = collections.Counter()
        for v in findings:
            groups[v["rule_id"]] += 1
            stats = rules.setdefault(
                v["rule_id"],
                {"severity": v["severity"], "findings": 0, "judged": 0,
                 **{k: 0 for k in VERDICTS}, "notes": []},
            )  # fmt: skip
            stats["findings"] += 1
            key = (project.name, v["path"], v["line"], v["rule_id"])
            label = labels.get(key)
            if label is None or key in seen:
                continue
            seen.add(key)
            judged[v["rule_id"]] += 1
            stats["judged"] += 1
            stats[label["verdict"]] += 1
            if label["verdict"] != "tp":
                stats["notes"].append(
                    {"verdict": label["verdict"], "project": project.name,
                     "path": v["path"], "line": v["line"], "note": label["note"]}
                )  # fmt: skip
        for rule_id, count in groups.items():
            # every error finding is judged, up to ERROR_CAP per rule and project
            rules[rule_id]["unjudged"] = rules[rule_id].get("unjudged", 0) + max(
                0, min(count, ERROR_CAP) - judged[rule_id]
            )
    for stats in rules.values():
        stats["per_kloc"] = round(1000 * stats["findings"] / total_lines, 3)
        stats["precision"] = round(stats["tp"] / stats["judged"], 3) if stats["judged"] else None
    errors = [
        s for rid, s in rules.items() if s["severity"] == "error" and not rid.startswith("GR")
    ]
    error_judged = sum(s["judged"] for s in errors)
    loud = sum(p["warning_error"] for p in projects)
    stale = collections.Counter(
        (key[3], labels[key]["verdict"]) for key in labels if key not in seen
    )
    return {
        "generated": datetime.date.today().isoformat(),
        "projects": projects,
        "rules": dict(sorted(rules.items())),
        "totals": {
            "lines": total_lines,
            "warning_error": loud,
            "per_kloc": round(1000 * loud / total_lines, 2),
            "error_findings": sum(s["findings"] for s in errors),
            "error_judged": error_judged,
            "error_precision": (
                round(sum(s["tp"] for s in errors) / error_judged, 3) if error_judged else None
            ),
            "judged": len(seen),
            "stale_labels": {
                f"{rule} {verdict}": n for (rule, verdict), n in sorted(stale.items())
            },
        },
    }


def problems(results: dict[str, Any]) -> list[str]:
    """The bars of the ledger this run misses (empty when all are met)."""
    found = []
    totals = results["totals"]
    if totals["error_precision"] is not None and totals["error_precision"] < 0.95:
        found.append(f"error precision {totals['error_precision']} < 0.95 over all error findings")
    if totals["per_kloc"] > 5:
        found.append(f"{totals['per_kloc']} warning/error findings per 1,000 lines > 5")
    for rule_id, stats in results["rules"].items():
        if stats["severity"] != "error" or rule_id.startswith("GR"):
            continue
        if stats["precision"] is not None and stats["precision"] < 0.9:
            found.append(f"{rule_id}: precision {stats['precision']} < 0.9 at error severity")
        if stats["unjudged"]:
            found.append(f"{rule_id}: {stats['unjudged']} error finding(s) not judged")
    return found


def todo(runs: dict[Project, tuple[int, list[dict[str, Any]]]], labels: dict) -> list[dict]:
    """Findings to judge next: errors up to a cap per rule and project, a spread of the rest."""
    rows = []
    for project, (_, findings) in runs.items():
        by_rule: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        for v in findings:
            if not v["rule_id"].startswith("GR"):
                by_rule[v["rule_id"]].append(v)
        for rule_id, found in sorted(by_rule.items()):
            found.sort(key=lambda v: (v["path"], v["line"]))
            severity = found[0]["severity"]
            cap = {"error": ERROR_CAP, "warning": WARNING_CAP}.get(severity, INFO_CAP)
            picked = found if len(found) <= cap else [
                found[int(i * len(found) / cap)] for i in range(cap)
            ]  # fmt: skip
            for v in picked:
                if (project.name, v["path"], v["line"], rule_id) not in labels:
                    rows.append(
                        {"project": project.name, "path": v["path"], "line": v["line"],
                         "rule": rule_id, "severity": severity, "message": v["message"][:200]}
                    )  # fmt: skip
    return rows


def print_table(results: dict[str, Any]) -> None:
    """Per rule: severity, findings, per 1,000 lines, judged, verdicts, precision."""
    print(f"{'rule':<8} {'severity':<8} {'found':>6} {'/kloc':>7} {'judged':>6} "
          f"{'tp':>4} {'fp':>4} {'noisy':>5} {'precision':>9}")  # fmt: skip
    for rule_id, s in results["rules"].items():
        precision = "-" if s["precision"] is None else f"{s['precision']:.2f}"
        counts = f"{s['judged']:>6} {s['tp']:>4} {s['fp']:>4} {s['noisy']:>5}"
        print(
            f"{rule_id:<8} {s['severity']:<8} {s['findings']:>6} {s['per_kloc']:>7.2f} "
            f"{counts} {precision:>9}"
        )
    t = results["totals"]
    print(
        f"\n{t['lines']} lines, {t['warning_error']} warning/error findings "
        f"({t['per_kloc']} per 1,000 lines); error precision {t['error_precision']} "
        f"over {t['error_judged']} judged of {t['error_findings']}; {t['judged']} judged in all"
    )
    for project in results["projects"]:
        print(f"  {project['name']:<10} {project['lines']:>7} lines {project['per_kloc']:>6} /kloc")
    if t["stale_labels"]:
        print("labels whose finding is gone:", t["stale_labels"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="download/unpack folder")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--write", action="store_true", help="rewrite precision.json and the doc")
    parser.add_argument("--todo", type=Path, help="write findings still to judge here (CSV)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a bar is missed")
    parser.add_argument("--project", action="append", help="only these projects (repeatable)")
    args = parser.parse_args()

    chosen = [p for p in PROJECTS if not args.project or p.name in args.project]
    runs = {}
    for project in chosen:
        root = unpack(project, args.work)
        runs[project] = (python_lines(root, project.paths), check(root, project.paths))
    labels = read_labels(args.labels)
    results = score(runs, labels)
    print_table(results)
    if args.todo:
        rows = todo(runs, labels)
        with args.todo.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else list(FIELDS))
            writer.writeheader()
            writer.writerows(rows)
        print(f"{len(rows)} finding(s) to judge written to {args.todo}")
    if args.write:
        from guardrails.docs_gen.precision import precision_page

        RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        DOC.write_text(precision_page(results), encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(REPO)} and {DOC.relative_to(REPO)}")
    missed = problems(results)
    for problem in missed:
        print("MISSED:", problem)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
