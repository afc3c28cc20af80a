"""The quality score: a check's result turned into the numbers `guardrails report` shows.

Everything here is plain data, computed from one `guardrails check --output-format
json` result (parsed, so a report built from a stored result and one built from a
fresh run are the same function of the same input), the checked files (lines,
suppression comments) and the earlier results kept for the trend. The renderers in
`guardrails.report.quality_html` and `quality_md` only lay these numbers out.

The score of a package is its severity-weighted findings per 1,000 lines
(docs/quality.md): lower is better, 0 is clean.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardrails.discovery import module_name, read_source
from guardrails.errors import ConfigError, UsageError
from guardrails.model import SEVERITIES

WEIGHTS = {"error": 5, "warning": 2, "info": 1}
"""What one finding of each severity weighs in a score."""

PER_LINES = 1000
"""A score counts weighted findings per this many lines."""

FORMULA = "score = 1000 * (5 * errors + 2 * warnings + 1 * info) / lines"
"""The formula as the report and docs/quality.md print it."""

NO_LAYER = "(no layer)"
ROOT_PACKAGE = "(root)"
MAX_RESULT_BYTES = 512 * 1024 * 1024
"""A result file larger than this is refused, not read whole."""


@dataclass(frozen=True)
class CheckedFile:
    """One checked file as the report needs it: where, how long, which comments it holds."""

    path: str  # as reports show it
    package: str
    layer: str | None
    lines: int


@dataclass(frozen=True)
class RuleCount:
    rule_id: str
    name: str
    category: str
    severity: str
    count: int


@dataclass(frozen=True)
class PackageScore:
    """A package's findings against its size; `score` is None when it has no checked lines."""

    name: str
    files: int
    lines: int
    findings: int
    by_severity: dict[str, int]
    weighted: int
    score: float | None


@dataclass(frozen=True)
class HeatMap:
    """Finding counts by category (rows) and package or layer (columns)."""

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: dict[tuple[str, str], int]

    def count(self, row: str, column: str) -> int:
        return self.cells.get((row, column), 0)

    @property
    def largest(self) -> int:
        return max(self.cells.values(), default=0)


@dataclass(frozen=True)
class SuppressionEntry:
    """One `# guardrails: ignore[...]` comment; `expired` once its `until=` date has passed
    (or the date does not parse, which suppresses nothing)."""

    path: str
    line: int
    ids: tuple[str, ...]
    until: str | None
    expired: bool
    reason: str


@dataclass(frozen=True)
class BaselineInfo:
    path: str
    entries: int | None  # None: the file could not be read (`problem` says why)
    problem: str | None = None


@dataclass(frozen=True)
class TrendPoint:
    label: str
    total: int
    by_severity: dict[str, int]


@dataclass(frozen=True)
class Quality:
    """Everything the quality page and QUALITY.md show."""

    version: str
    today: str
    files: int
    lines: int
    total: int
    weighted: int
    score: float | None
    by_severity: dict[str, int]
    by_category: dict[str, int]
    rules: tuple[RuleCount, ...]  # every rule with findings, most findings first
    packages: tuple[PackageScore, ...]  # worst score first
    heat: HeatMap
    layers: HeatMap | None
    baseline: BaselineInfo | None
    baseline_hidden: int
    baseline_stale: int
    suppressions: tuple[SuppressionEntry, ...]
    trend: tuple[TrendPoint, ...]


def weighted(by_severity: Mapping[str, int]) -> int:
    return sum(WEIGHTS.get(severity, 1) * count for severity, count in by_severity.items())


def score(weight: int, lines: int) -> float | None:
    """Weighted findings per 1,000 lines; None for no lines (a score would divide by 0)."""
    return round(PER_LINES * weight / lines, 2) if lines else None


# --- reading results ---------------------------------------------------------------------


def load_result(path: Path, what: str = "result") -> dict[str, Any]:
    """A `guardrails check --output-format json` output; anything else is a UsageError
    naming the file (one line, exit 2)."""
    try:
        data = json.loads(read_source(path, MAX_RESULT_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{what} file {path} does not exist") from None
    except OSError as exc:
        raise UsageError(f"cannot read {what} file {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UsageError(f"{what} file {path} is not guardrails JSON output: {exc}") from None
    problem = _result_problem(data)
    if problem:
        raise UsageError(
            f"{what} file {path} is not guardrails JSON output "
            f"(`guardrails check --output-format json`): {problem}"
        )
    if "shard" in data:
        shard = data["shard"]
        where = f" {shard.get('index')}/{shard.get('count')}" if isinstance(shard, dict) else ""
        raise UsageError(
            f"{what} file {path} is one shard's result (shard{where}): "
            "merge the shards first with `guardrails merge`"
        )
    return data


def _result_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "not a JSON object"
    if not isinstance(data.get("version"), str):
        return "no `version`"
    violations, summary = data.get("violations"), data.get("summary")
    if not isinstance(violations, list) or not all(_finding_ok(v) for v in violations):
        return "`violations` is not a list of findings"
    if not isinstance(summary, dict):
        return "no `summary`"
    if not isinstance(summary.get("total"), int) or not isinstance(summary.get("files"), int):
        return "`summary` has no integer `total` and `files`"
    for key in ("by_rule", "by_category", "by_severity"):
        counts = summary.get(key)
        if not isinstance(counts, dict) or not all(isinstance(n, int) for n in counts.values()):
            return f"`summary.{key}` is not a table of counts"
    return None


def _finding_ok(v: Any) -> bool:
    return isinstance(v, dict) and all(
        isinstance(v.get(key), str) for key in ("rule_id", "name", "category", "severity", "path")
    )


def history(folder: Path | None, skip: Path | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(label, result) of each `*.json` file in `folder`, ordered by file name (so name
    them `<UTC timestamp>-<commit>.json`); `skip` is this run's own file, shown once."""
    if folder is None:
        return []
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise UsageError(f"--history {folder} is not a folder")
    try:
        names = sorted(p for p in folder.iterdir() if p.suffix == ".json")
    except OSError as exc:
        raise UsageError(f"cannot list --history {folder}: {exc.strerror or exc}") from None
    same = skip.resolve() if skip is not None else None
    return [
        (path.stem, load_result(path, "history"))
        for path in names
        if same is None or path.resolve() != same
    ]


# --- the checked files -------------------------------------------------------------------


def package_of(module: str) -> str:
    """The top-level package (or folder) of a dotted module name."""
    return module.split(".", 1)[0] or ROOT_PACKAGE


def layer_of(module: str, layers: Sequence[str]) -> str:
    """The most specific ARC001 layer holding `module` (as ARC001 decides it)."""
    holding = [layer for layer in layers if module == layer or module.startswith(layer + ".")]
    return max(holding, key=len) if holding else NO_LAYER


def count_lines(data: bytes | None) -> int:
    """Lines of a file's bytes: newlines, plus a last line without one; unread files count 0."""
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def module_of(path: str, src: Sequence[Path]) -> str:
    return module_name(Path(path), src)[0]


# --- the report --------------------------------------------------------------------------


def build(
    result: Mapping[str, Any],
    files: Sequence[CheckedFile],
    *,
    src: Sequence[Path],
    layers: Sequence[str],
    suppressions: Iterable[SuppressionEntry] = (),
    baseline: BaselineInfo | None = None,
    trend: Sequence[tuple[str, Mapping[str, Any]]] = (),
    today: datetime.date | None = None,
) -> Quality:
    """The numbers of the page from one result (validated by `load_result` or just
    rendered) and the files it checked; `trend` holds the earlier results, oldest first."""
    summary = result["summary"]
    violations = result["violations"]
    packages_of: dict[str, str] = {}
    layers_of: dict[str, str] = {}
    for f in files:
        packages_of.setdefault(f.path, f.package)
        layers_of.setdefault(f.path, f.layer or NO_LAYER)

    def package(path: str) -> str:
        if path not in packages_of:
            packages_of[path] = package_of(module_of(path, src))
        return packages_of[path]

    def layer(path: str) -> str:
        if path not in layers_of:
            layers_of[path] = layer_of(module_of(path, src), layers)
        return layers_of[path]

    size: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for f in files:
        size[f.package] += f.lines
        count[f.package] += 1
    severities: dict[str, Counter[str]] = {}
    heat: Counter[tuple[str, str]] = Counter()
    by_layer: Counter[tuple[str, str]] = Counter()
    for v in violations:
        name = package(v["path"])
        severities.setdefault(name, Counter())[v["severity"]] += 1
        heat[(v["category"], name)] += 1
        if layers:
            by_layer[(v["category"], layer(v["path"]))] += 1
    packages = []
    for name in sorted(set(size) | set(severities)):
        found = dict(sorted(severities.get(name, Counter()).items()))
        weight = weighted(found)
        packages.append(
            PackageScore(
                name,
                count[name],
                size[name],
                sum(found.values()),
                found,
                weight,
                score(weight, size[name]),
            )
        )
    packages.sort(key=lambda p: (-(p.score if p.score is not None else float("inf")), p.name))
    packages.sort(key=lambda p: p.findings == 0)  # clean packages last, worst first
    categories = tuple(sorted({category for category, _ in heat}))
    columns = tuple(p.name for p in sorted(packages, key=lambda p: p.name) if p.findings)
    layer_map = None
    if layers:
        present = {column for _, column in by_layer}
        order = [*reversed(layers), NO_LAYER]  # highest layer first, as the config reads down
        layer_map = HeatMap(
            "Findings by category and ARC001 layer",
            categories,
            tuple(name for name in order if name in present),
            dict(by_layer),
        )
    first: dict[str, dict[str, Any]] = {}
    for v in violations:
        first.setdefault(v["rule_id"], v)
    rules = tuple(
        RuleCount(
            rule_id,
            first[rule_id]["name"],
            first[rule_id]["category"],
            first[rule_id]["severity"],
            n,
        )
        for rule_id, n in sorted(summary["by_rule"].items(), key=lambda kv: (-kv[1], kv[0]))
        if rule_id in first
    )
    lines = sum(f.lines for f in files)
    by_severity = dict(summary["by_severity"])
    weight = weighted(by_severity)
    baseline_counts = summary.get("baseline") if isinstance(summary.get("baseline"), dict) else {}
    now = today or datetime.date.today()
    points = [_point(label, data) for label, data in trend]
    points.append(_point("this run", result))
    return Quality(
        version=str(result.get("version", "")),
        today=now.isoformat(),
        files=summary["files"],
        lines=lines,
        total=summary["total"],
        weighted=weight,
        score=score(weight, lines),
        by_severity={s: by_severity.get(s, 0) for s in reversed(SEVERITIES)},
        by_category=dict(summary["by_category"]),
        rules=rules,
        packages=tuple(packages),
        heat=HeatMap("Findings by category and package", categories, columns, dict(heat)),
        layers=layer_map,
        baseline=baseline,
        baseline_hidden=int(baseline_counts.get("hidden", 0) or 0),
        baseline_stale=int(baseline_counts.get("stale", 0) or 0),
        suppressions=tuple(sorted(suppressions, key=lambda s: (s.path, s.line))),
        trend=tuple(points),
    )


def _point(label: str, result: Mapping[str, Any]) -> TrendPoint:
    summary = result["summary"]
    return TrendPoint(label, summary["total"], dict(summary["by_severity"]))


def baseline_info(path: Path | None) -> BaselineInfo | None:
    """How many entries the configured baseline holds (None when none is configured)."""
    from guardrails import baseline
    from guardrails.paths import display_path

    if path is None:
        return None
    try:
        return BaselineInfo(display_path(path), len(baseline.load(path)))
    except ConfigError as exc:
        return BaselineInfo(display_path(path), None, str(exc))


def measure(
    paths: Iterable[Path],
    *,
    root: Path,
    src: Sequence[Path],
    max_bytes: int,
    layers: Sequence[str],
    today: datetime.date | None = None,
) -> tuple[list[CheckedFile], list[SuppressionEntry]]:
    """Each checked file's package, layer and lines, and guardrails' own suppression
    comments in it, each file read once as the check reads it (a file it does not
    read, too large or not a regular file, counts 0 lines)."""
    from guardrails import suppressions
    from guardrails.source import load

    now = today or datetime.date.today()
    files, found = [], []
    for path in paths:
        source = load(path, root, tuple(src), max_bytes)
        files.append(
            CheckedFile(
                source.shown,
                package_of(source.module),
                layer_of(source.module, layers) if layers else None,
                count_lines(source.data),
            )
        )
        text = source.text
        if text is not None and suppressions.MARKER in text:
            for s in suppressions.parse(text):
                if s.kind != suppressions.MARKER:
                    continue
                until = s.until.isoformat() if s.until is not None else s.bad_until
                found.append(
                    SuppressionEntry(
                        source.shown, s.line, s.ids, until, not s.active(now), s.reason
                    )
                )
        source.release()
    return files, found
