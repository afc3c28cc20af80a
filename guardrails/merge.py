"""`guardrails merge OUT IN...`: the results of N shards as the one unsharded run.

Each CI runner checks one shard (`check --shard I/N`, `guardrails.shards`)
and writes JSON or SARIF; the merge job joins them so code scanning sees one
upload and the exit code is decided once. The joined document is the one an
unsharded `check` writes, byte for byte: the same findings in the same
order with the same fingerprints, the same rules list and summary.

That works because a shard's output records what the merge needs (its
shard, the run's file-list digest, and for SARIF the summary and each
result's shown path) and because shards split by file: a file's findings
all come from one shard, already in order, so a stable sort by path over
the shards' concatenation is the unsharded order.

A merge of an incomplete or mixed set — a shard missing or given twice,
shards of another checkout or guardrails version — is refused: a missing
shard would be a false clean.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardrails.containment import replace_text
from guardrails.diagnostics import RULE_CRASH
from guardrails.errors import UsageError, check_exit_code
from guardrails.report import Summary

_MAX_INPUT_BYTES = 2 * 1024**3


@dataclass
class Shard:
    """One input: its document, format and where it came from."""

    path: Path
    fmt: str  # "json" or "sarif"
    document: dict[str, Any]
    record: dict[str, Any]  # {"index", "count", "run"}
    summary: dict[str, Any]


@dataclass
class Merged:
    """The joined document's text, its summary and the exit code the unsharded run gives."""

    text: str
    summary: Summary
    crashed: bool

    def exit_code(self, exit_zero: bool = False) -> int:
        return check_exit_code(self.crashed, self.summary.failing, exit_zero)


def _load(path: Path) -> Shard:
    from guardrails.discovery import read_source

    try:
        data = read_source(path, _MAX_INPUT_BYTES)  # never a FIFO or an unbounded read
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UsageError(f"{path}: not JSON ({exc})".splitlines()[0]) from None
    if not isinstance(document, dict):
        raise UsageError(f"{path}: not a guardrails JSON or SARIF result")
    if isinstance(document.get("runs"), list):
        runs = document["runs"]
        properties = (
            runs[0].get("properties") if len(runs) == 1 and isinstance(runs[0], dict) else None
        )
        extra = properties.get("guardrails") if isinstance(properties, dict) else None
        if not isinstance(extra, dict) or not isinstance(extra.get("shard"), dict):
            raise UsageError(
                f"{path}: a SARIF log without a shard record; write it with --shard I/N"
            )
        _shape(path, extra, {"summary": dict, "paths": list})
        if len(extra["paths"]) != len(_results(path, document)):
            raise UsageError(f"{path}: its shard record does not match its results")
        return Shard(path, "sarif", document, extra["shard"], extra["summary"])
    if isinstance(document.get("violations"), list):
        if not isinstance(document.get("shard"), dict):
            raise UsageError(
                f"{path}: a JSON result without a shard record; write it with --shard I/N"
            )
        _shape(path, document, {"summary": dict, "suppressed": list, "version": str})
        return Shard(path, "json", document, document["shard"], document["summary"])
    raise UsageError(f"{path}: not a guardrails JSON or SARIF result")


def _shape(path: Path, data: dict[str, Any], fields: dict[str, type]) -> None:
    for name, kind in fields.items():
        if not isinstance(data.get(name), kind):
            raise UsageError(f"{path}: `{name}` missing or not a {kind.__name__}")


def _results(path: Path, document: dict[str, Any]) -> list[Any]:
    results = document["runs"][0].get("results")
    if not isinstance(results, list):
        raise UsageError(f"{path}: a SARIF run without results")
    return results


def _complete(shards: Sequence[Shard]) -> list[Shard]:
    """The shards in index order, once each checked to be all of one run."""
    formats = {shard.fmt for shard in shards}
    if len(formats) > 1:
        raise UsageError("give all shards in one format: JSON or SARIF, not both")
    for shard in shards:
        record = shard.record
        if not (
            type(record.get("index")) is int
            and type(record.get("count")) is int
            and isinstance(record.get("run"), str)
        ):
            raise UsageError(f"{shard.path}: a malformed shard record")
    first = shards[0].record
    for shard in shards:
        if shard.record["count"] != first["count"] or shard.record["run"] != first["run"]:
            raise UsageError(
                f"{shard.path} is shard {shard.record['index']}/{shard.record['count']} of "
                f"another run (other files) than {shards[0].path}; merge shards of one checkout"
            )
    by_index: dict[int, Shard] = {}
    for shard in shards:
        index = shard.record["index"]
        if index in by_index:
            raise UsageError(
                f"shard {index} is given twice: {by_index[index].path} and {shard.path}"
            )
        by_index[index] = shard
    count = first["count"]
    missing = [i for i in range(1, count + 1) if i not in by_index]
    if missing or len(by_index) != count:
        listed = ", ".join(map(str, missing)) or "none"
        raise UsageError(
            f"shards missing: {listed} of {count}; a merge of part of a run would be a false clean"
        )
    return [by_index[i] for i in range(1, count + 1)]


def _summary(shards: Sequence[Shard]) -> Summary:
    """The unsharded run's summary: the shards' counts added up."""
    fail_on = {shard.summary.get("fail_on") for shard in shards}
    if len(fail_on) != 1:
        raise UsageError("the shards were checked with different fail-on levels")
    try:
        counters = {
            name: sum((Counter(shard.summary[name]) for shard in shards), Counter())
            for name in ("by_category", "by_severity", "by_rule")
        }
        return Summary(
            files=sum(int(shard.summary["files"]) for shard in shards),
            total=sum(int(shard.summary["total"]) for shard in shards),
            by_category=dict(sorted(counters["by_category"].items())),
            by_severity=dict(sorted(counters["by_severity"].items())),
            by_rule=dict(sorted(counters["by_rule"].items())),
            fail_on=str(fail_on.pop()),
            failing=sum(int(shard.summary["failing"]) for shard in shards),
            baseline_hidden=sum(int(shard.summary["baseline"]["hidden"]) for shard in shards),
            baseline_stale=sum(int(shard.summary["baseline"]["stale"]) for shard in shards),
            suppressed=sum(int(shard.summary["suppressed"]) for shard in shards),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"a shard's summary is malformed ({exc!r})") from None


def _by_path(rows: list[tuple[str, Any]]) -> list[Any]:
    """The rows in report order: within a file the shard's order, files by shown path."""
    return [row for _path, row in sorted(rows, key=lambda pair: pair[0])]


def _merge_json(shards: Sequence[Shard], summary: Summary) -> tuple[str, bool]:
    from guardrails.report.json_format import summary_dict, write_document

    versions = {shard.document["version"] for shard in shards}
    if len(versions) != 1:
        raise UsageError(f"the shards come from different guardrails versions: {sorted(versions)}")
    parts = {}
    for name in ("violations", "suppressed"):
        rows = [(row.get("path", ""), row) for shard in shards for row in shard.document[name]]
        if any(not isinstance(row, dict) or not isinstance(path, str) for path, row in rows):
            raise UsageError(f"a shard's `{name}` holds something other than findings")
        parts[name] = _by_path(rows)
    crashed = any(row.get("rule_id") == RULE_CRASH.id for row in parts["violations"])
    out = io.StringIO()
    write_document(
        out, parts["violations"], parts["suppressed"], summary_dict(summary), version=versions.pop()
    )
    return out.getvalue(), crashed


def _merge_sarif(shards: Sequence[Shard]) -> tuple[str, bool]:
    runs = [shard.document["runs"][0] for shard in shards]
    try:
        versions = {run["tool"]["driver"]["version"] for run in runs}
        rules: dict[str, Any] = {}
        for run in runs:
            for rule in run["tool"]["driver"]["rules"]:
                rules.setdefault(rule["id"], rule)
    except (KeyError, TypeError) as exc:
        raise UsageError(f"a shard's SARIF tool section is malformed ({exc!r})") from None
    if len(versions) != 1:
        raise UsageError(f"the shards come from different guardrails versions: {sorted(versions)}")
    ordered = sorted(rules)
    index = {rule_id: i for i, rule_id in enumerate(ordered)}
    rows = [
        (path, result)
        for shard, run in zip(shards, runs, strict=True)
        for path, result in zip(
            shard.document["runs"][0]["properties"]["guardrails"]["paths"],
            run["results"],
            strict=True,
        )
    ]
    results = _by_path(rows)
    for result in results:
        if not isinstance(result, dict) or result.get("ruleId") not in index:
            raise UsageError("a shard's SARIF result names a rule its log does not list")
        result["ruleIndex"] = index[result["ruleId"]]
    merged = dict(runs[0])
    merged.pop("properties")
    merged["tool"] = {
        **runs[0]["tool"],
        "driver": {**runs[0]["tool"]["driver"], "rules": [rules[i] for i in ordered]},
    }
    merged["results"] = results
    document = {**shards[0].document, "runs": [merged]}
    crashed = any(
        result["ruleId"] == RULE_CRASH.id and not result.get("suppressions") for result in results
    )
    return json.dumps(document, indent=2) + "\n", crashed


def merge(inputs: Sequence[Path]) -> Merged:
    """The shards' results at `inputs` joined into the unsharded run's document."""
    if not inputs:
        raise UsageError("name the shards' result files to merge")
    shards = _complete([_load(path) for path in inputs])
    summary = _summary(shards)
    if shards[0].fmt == "json":
        text, crashed = _merge_json(shards, summary)
    else:
        text, crashed = _merge_sarif(shards)
    return Merged(text, summary, crashed)


def write(out: Path, merged: Merged) -> None:
    """Write the joined document whole or not at all."""
    try:
        replace_text(out, merged.text)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
