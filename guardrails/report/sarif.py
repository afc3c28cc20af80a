"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning among them).

Every active rule appears in `tool.driver.rules` with short and full
descriptions, `help` (plain text: why, what to do, where to read more; and
Markdown: the body of the rule's docs page, examples included), a docs
pointer (`helpUri`: its page), its default level, and as tags its category
and each CWE it names (`external/cwe/cwe-078`, as code scanning reads them);
all of that text is written by `guardrails.ruletext`. Results carry the
rule index, level, message, 1-based region, a `%SRCROOT%`-relative URI,
`partialFingerprints` and `fixes` where a fix exists. Validated against the
official schema in the tests.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from guardrails import ruletext
from guardrails._version import __version__
from guardrails.fingerprint import VERSION as FINGERPRINT_KEY
from guardrails.model import RuleMeta, Violation
from guardrails.paths import root_relative
from guardrails.report import Summary

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/guardrails-lint/guardrails"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# GitHub shows a severity for security results from this property (0.1-10).
_SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}


def _rule(meta: RuleMeta, severity: str) -> dict[str, Any]:
    # the category, then each CWE the rule names as GitHub code scanning reads it
    # (CodeQL's spelling, three digits at least: `external/cwe/cwe-078`)
    tags = [meta.category, *(f"external/cwe/cwe-{cwe:03d}" for cwe in ruletext.cwe_ids(meta))]
    properties: dict[str, Any] = {"tags": tags}
    if meta.category == "security":
        properties["security-severity"] = _SECURITY_SEVERITY[severity]
    rule: dict[str, Any] = {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": ruletext.summary(meta)},
        "fullDescription": {"text": ruletext.description(meta)},
        "help": {"text": ruletext.help_text(meta), "markdown": ruletext.markdown_body(meta)},
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": properties,
    }
    if ruletext.docs_uri(meta):  # its page: its own URL, or the built-in rules' docs
        rule["helpUri"] = ruletext.docs_uri(meta)
    return rule


def _uri(path: str, root: Path) -> str:
    """A URI reference (RFC 3986) to `path`: relative to `root` when inside it.

    Every byte of the name that is not unreserved is percent-encoded (UTF-8
    for text, the raw byte for a name that is not UTF-8), so `#`, `?`, `%`,
    spaces and non-ASCII stay part of the path, and a `:` in the first
    segment cannot read as a scheme (`c:x.py`, `file:x.py`).
    """
    relative = root_relative(path, root)
    if relative is None:
        return Path(os.path.abspath(path)).as_uri()  # percent-encodes the same way
    return quote(os.fsencode(relative), safe="/")


def _region(start_line: int, start_col: int, end_line: int, end_col: int) -> dict[str, int]:
    region = {"startLine": max(1, start_line), "startColumn": max(1, start_col)}
    if (end_line, end_col) >= (start_line, start_col):
        region.update(endLine=max(1, end_line), endColumn=max(1, end_col))
    return region


def _result(v: Violation, index: int, root: Path) -> dict[str, Any]:
    """One SARIF result; a suppressed finding carries an in-source suppression."""
    uri = _uri(v.path, root)
    location = {"uri": uri}
    if not uri.startswith("file:"):
        location["uriBaseId"] = "%SRCROOT%"
    result: dict[str, Any] = {
        "ruleId": v.rule_id,
        "ruleIndex": index,
        "level": _LEVEL[v.severity],
        "message": {"text": ruletext.finding_text(v)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": _region(v.line, v.column, v.end_line, v.end_column),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: v.fingerprint},
    }
    if v.suppressed_by:
        result["suppressions"] = [
            {"kind": "inSource", "justification": f"suppressed by {v.suppressed_by}"}
        ]
    if v.fix is not None:
        result["fixes"] = [
            {
                "description": {"text": v.fix.description or f"Fix {v.rule_id}"},
                "artifactChanges": [
                    {
                        "artifactLocation": location,
                        "replacements": [
                            {
                                "deletedRegion": _region(
                                    e.start_line, e.start_column, e.end_line, e.end_column
                                ),
                                "insertedContent": {"text": e.content},
                            }
                            for e in v.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def document(
    violations: Sequence[Violation],
    rules: Sequence[tuple[RuleMeta, str]],
    root: Path,
    suppressed: Sequence[Violation] = (),
    described: Mapping[str, RuleMeta] | None = None,
    shard: Mapping[str, Any] | None = None,
    summary: Summary | None = None,
) -> dict[str, Any]:
    """The SARIF log for `violations`, listing every active rule (meta, severity).

    `suppressed` findings (other linters' comments) are results too, with a
    `suppressions` entry, as SARIF viewers expect. A finding of a rule that
    is not active (an engine diagnostic) lists its rule from `described`
    (every rule's meta by id) when there, else as the finding describes it.

    A shard's log (`shard`: `check --shard`) carries in its run's properties what
    `guardrails merge` needs and SARIF has no place for: the shard, the summary
    (the exit code decision) and each result's shown path (the report order).
    """
    violations = sorted([*violations, *suppressed], key=Violation.sort_key)
    metas = list(rules)
    known = {meta.id for meta, _ in metas}
    for v in violations:  # engine diagnostics can appear without being "active"
        if v.rule_id not in known:
            known.add(v.rule_id)
            meta = (described or {}).get(v.rule_id) or ruletext.placeholder(v)
            metas.append((meta, v.severity))
    metas.sort(key=lambda pair: pair[0].id)
    index = {meta.id: i for i, (meta, _) in enumerate(metas)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "guardrails",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(meta, severity) for meta, severity in metas],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(v, index[v.rule_id], root) for v in violations],
    }
    if shard is not None:
        from guardrails.report.json_format import summary_dict

        run["properties"] = {
            "guardrails": {
                "shard": dict(shard),
                "summary": summary_dict(summary) if summary is not None else None,
                "paths": [v.path for v in violations],
            }
        }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(
    violations: Sequence[Violation],
    rules: Sequence[tuple[RuleMeta, str]],
    root: Path,
    out: TextIO,
    suppressed: Sequence[Violation] = (),
    described: Mapping[str, RuleMeta] | None = None,
    shard: Mapping[str, Any] | None = None,
    summary: Summary | None = None,
) -> None:
    out.write(
        json.dumps(
            document(violations, rules, root, suppressed, described, shard, summary), indent=2
        )
    )
    out.write("\n")
