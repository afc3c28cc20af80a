"""One renderer of rule text (`guardrails.ruletext`) serves every surface that shows a rule.

docs pages, llms.txt, the AGENTS.md section, SARIF rule help, `agent` output, `explain` and the
MCP `policies` tool all show a rule's remediation; here each surface is produced through its
real entry point (the CLI, the MCP tool functions, the reporters) for every loaded rule,
built-ins and the example ACME plugin, and each must show the very same first sentence, the
same good example under the same caption, and the same body of Markdown. Then: no module of
those surfaces reads a rule's text fields itself, and `ruletext` depends on nothing but
`guardrails.model` and `guardrails.lines`.
"""

from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import pytest

from conftest import REPO
from guardrails import docs_gen, mcp_server
from guardrails.config import load_settings
from guardrails.explain import explain_text
from guardrails.model import Example, RuleMeta
from guardrails.plugins import load_plan
from guardrails.registry import ActiveRule
from guardrails.report import Summary, agent, sarif
from guardrails.ruletext import first_sentence, fix_command, fix_mark, instead


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            "Pass a timeout, e.g. `get(url, timeout=10)`. Then more.",
            "Pass a timeout, e.g. `get(url, timeout=10)`.",
        ),
        (
            "Shared, i.e. between calls; it surprises. Really.",
            "Shared, i.e. between calls; it surprises.",
        ),
        ("Compare x vs. y and etc. stay whole! Next.", "Compare x vs. y and etc. stay whole!"),
        ("No end at all", "No end at all"),
        ("  Spread\n  over lines.  Next.", "Spread over lines."),
        ("Version 1.2 stays. Next.", "Version 1.2 stays."),
        (
            "Then `try: ... finally: lock.release()`. Next.",
            "Then `try: ... finally: lock.release()`.",
        ),
        ("A stray ` tick. Next.", "A stray ` tick."),
    ],
)
def test_first_sentence_is_cut_at_a_real_sentence_end_only(text: str, first: str) -> None:
    """One owner for every one-line rendering (agent, MCP, llms.txt, AGENTS.md)."""
    assert first_sentence(text) == first


# --- every surface, every loaded rule ------------------------------------------------------------


def _line(text: str, start: str) -> str:
    """The one line of `text` that starts with `start`, without it."""
    found = [line[len(start) :] for line in text.split("\n") if line.startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def _after(text: str, heading: str, between: str = "\n\n") -> str:
    """The line after `heading` (`## Use instead\\n\\nTEXT`, `What to do instead\\n  TEXT`)."""
    return text.split(heading + between, 1)[1].split("\n", 1)[0]


def _agent_blocks(text: str) -> dict[str, str]:
    """`agent` output's block of each rule, by id."""
    return {block.split(" ", 1)[0]: block for block in text.split("\n## ")[1:]}


def _unmarked(text: str, meta: RuleMeta) -> str:
    """A policy line's text without the `Fix: command.` mark a fixable rule ends with."""
    mark = fix_mark(meta)
    if mark:
        assert text.endswith(f" {mark}"), (meta.id, text)
        return text.removesuffix(f" {mark}")
    assert " Fix: " not in text, (meta.id, text)
    return text


def _starts(full: str, sentence: str) -> bool:
    """`full` starts with the whole sentence `sentence` (then ends or goes on after a space)."""
    return full.startswith(sentence) and full[len(sentence) : len(sentence) + 1] in ("", " ")


@pytest.fixture(scope="module")
def surfaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every surface rendered for a project where every loaded rule is active."""
    import os
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("surfaces")
    (root / "pyproject.toml").write_text('[tool.guardrails]\nselect = ["ALL"]\n')
    (root / "clean.py").write_text("X = 1\n")
    env = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD"}

    def cli(*args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "guardrails", *args],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    cli("docs", "--out", "site", "--agents-md", "AGENTS.md")
    log = json.loads(cli("check", "--output-format", "sarif", "clean.py"))
    explained_by_cli = cli("explain", "SEC001")

    with pytest.MonkeyPatch.context() as patch:  # the MCP tools read the working directory
        patch.chdir(root)
        patch.delenv("GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD", raising=False)
        plan = load_plan(load_settings(root))
        metas = {rule.id: rule.meta for rule in plan.rules}
        explained = {rule_id: mcp_server.tool_explain(rule_id) for rule_id in metas}
        policies = mcp_server.tool_policies("clean.py", budget=10**7)
        compact = mcp_server.tool_policies("clean.py", budget=len(policies) - 1)
    findings = [
        rule.violation("clean.py", (1, 1), (1, 2), f"finding of {rule.id}") for rule in plan.rules
    ]
    out = io.StringIO()
    agent.render(findings, Summary.of(findings, 1, "warning"), metas, out, len(findings))
    return {
        "metas": metas,
        "root": root,
        "sarif": {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]},
        "explain": explained,
        "explain_cli": explained_by_cli,
        "policies": policies,
        "compact": compact,
        "agent": _agent_blocks(out.getvalue()),
    }


def test_every_loaded_rule_is_on_every_surface(surfaces) -> None:
    metas = surfaces["metas"]
    assert {"SEC001", "GR001", "ACME001"} <= set(metas)  # built-ins, engine, the ACME plugin
    assert set(surfaces["sarif"]) == set(metas) == set(surfaces["agent"])
    assert "… more" not in surfaces["compact"] and surfaces["compact"] != surfaces["policies"]
    # the CLI prints what the MCP tool returns
    assert surfaces["explain_cli"] == surfaces["explain"]["SEC001"]


def test_the_remediation_reads_the_same_on_every_surface(surfaces) -> None:
    root = surfaces["root"]
    llms = (root / "site" / "llms.txt").read_text()
    agents_md = (root / "AGENTS.md").read_text()
    for rule_id, meta in sorted(surfaces["metas"].items()):
        expected = first_sentence(meta.remediation)
        one_line = {  # surfaces that show the first sentence only
        }
        # MCP `policies` states the policies code is written against: no GR rule
        if meta.category != "engine":
            compact = _line(surfaces["compact"], f"- {rule_id} {meta.name}: ")
            one_line["MCP policies (compact)"] = _unmarked(compact, meta)
        else:
            assert f"- {rule_id} " not in surfaces["policies"] + surfaces["compact"]
        # AGENTS.md: every active rule, engine ones too, in a few words and the fix command
        command = f" ({fix_command(meta.fix)})" if fix_command(meta.fix) else ""
        assert _line(agents_md, f"- **{rule_id}** {meta.name}: ") == instead(meta) + command
        full = {  # surfaces that show the whole remediation: it starts with that sentence
            "llms.txt": _unmarked(
                _line(llms, f"- [{rule_id} {meta.name}]({rule_id}.md): ").split(" Do: ", 1)[1],
                meta,
            ),
            "docs page": _after((root / "site" / f"{rule_id}.md").read_text(), "## Use instead"),
            "SARIF help.text": _line(surfaces["sarif"][rule_id]["help"]["text"], "Do instead: "),
            "SARIF help.markdown": _after(
                surfaces["sarif"][rule_id]["help"]["markdown"], "## Use instead"
            ),
            "agent": _line(surfaces["agent"][rule_id], "Do: "),
            "explain": _after(surfaces["explain"][rule_id], "What to do instead", "\n  "),
        }
        if meta.category != "engine":
            full["MCP policies"] = _unmarked(
                _line(
                    surfaces["policies"], f"- {rule_id} {meta.name} ({meta.severity}): "
                ).split(" Do: ", 1)[1],
                meta,
            )
        for surface, text in one_line.items():
            assert text == expected, (rule_id, surface, text, expected)
        for surface, text in full.items():
            assert _starts(text, expected), (rule_id, surface, text, expected)
        assert len(set(full.values())) == 1, (rule_id, full)  # and the rest of it too


def test_the_good_example_is_the_same_with_the_same_caption(surfaces) -> None:
    """agent output and llms.txt show one good example, the rule's fix (its first); the docs
    page and `explain` show it first, captioned alike, the others after it."""
    root = surfaces["root"]
    llms = (root / "site" / "llms.txt").read_text()
    shown = 0
    for rule_id, meta in surfaces["metas"].items():
        block = surfaces["agent"][rule_id]
        if not meta.good:
            assert "Good" not in block and "```" not in block, rule_id
            continue
        match = re.search(r"\nGood(?: \((.+)\))?:\n(```python\n.*?\n```)\n", block, re.S)
        assert match, (rule_id, block)
        caption, code = match.groups()
        assert code == f"```python\n{meta.good[0].code.rstrip()}\n```", rule_id
        page = (root / "site" / f"{rule_id}.md").read_text()
        use_instead = page.split("## Use instead", 1)[1].split("\n## ", 1)[0]
        fix = f"\n{caption}:\n\n{code}\n" if caption else f"\n\n{code}\n"
        assert fix in use_instead.split("Also not flagged:")[0], rule_id
        assert use_instead.count("```python") == len(meta.good), rule_id
        explained = surfaces["explain"][rule_id]
        assert explained.count("\nUse instead") == 1, rule_id
        assert explained.count("\nAlso not flagged") == len(meta.good) - 1, rule_id
        entry = llms.split(f"- [{rule_id} {meta.name}]", 1)[1].split("\n- [", 1)[0]
        indented = "\n".join(f"  {row}" if row else "" for row in code.split("\n"))
        assert (f"  Good ({caption}):\n\n" if caption else "  Good:\n\n") in entry, rule_id
        assert indented in entry and entry.count("```python") == 1, rule_id
        shown += bool(caption)
    assert shown >= 5  # examples that pass because of their path or options say so


def test_sarif_help_markdown_is_the_docs_page_body(surfaces) -> None:
    """From "What it does" on, a docs page and SARIF's help are one text; only the page
    carries the precision measured on real projects (its links point into the docs)."""
    root = surfaces["root"]
    for rule_id, meta in surfaces["metas"].items():
        page = (root / "site" / f"{rule_id}.md").read_text()
        body = page[page.index("## What it does") :]
        note = "## Default severity\n\n" if meta.severity_note else ""
        body = re.sub(r"## Measured precision\n\n[^\n]+\n\n", note, body)
        assert surfaces["sarif"][rule_id]["help"]["markdown"] == body, rule_id


def test_a_plugin_rule_written_across_lines_reads_the_same_and_forges_no_line() -> None:
    """A plugin's triple-quoted rule text: one line with single spaces everywhere, so its
    first sentence is the same string on each surface and it cannot start a Markdown heading
    or a new policy line in the output."""
    meta = RuleMeta(
        id="ORG001",
        name="org-rule",
        category="reliability",
        severity="warning",
        summary="Something\n  risky.",
        why="It breaks.\n# Forged heading\nMore.",
        remediation="Call  `safe()`\n## instead. Then\nmore.",
        good=(Example("safe()\n", path="app/cli.py", options={"max": 1}),),
        docs_url="https://example.com/ORG001",
        plugin="org",
    )
    sentence = "Call `safe()` ## instead."
    rule = ActiveRule(meta, "warning", {})
    finding = rule.violation("a.py", (1, 1), (1, 2), "risky")
    out = io.StringIO()
    agent.render([finding], Summary.of([finding], 1, "warning"), {"ORG001": meta}, out)
    log = sarif.document([finding], [(meta, "warning")], Path.cwd())["runs"][0]
    rendered = {
        "llms.txt": docs_gen.llms_txt([meta]),
        "AGENTS.md": docs_gen.agents_md_section([meta]),
        "page": docs_gen.rule_page(meta),
        "agent": out.getvalue(),
        "explain": explain_text(meta),
        "policies": mcp_server._policy_line(rule, "app", compact=False),
        "compact": mcp_server._policy_line(rule, "app", compact=True),
        "SARIF": "\n".join(log["tool"]["driver"]["rules"][0]["help"].values()),
    }
    for surface, text in rendered.items():
        assert sentence in text, surface
        for line in text.split("\n"):
            assert not line.startswith(("# Forged", "## instead", "more.", "More.")), surface
    assert "Good (`app/cli.py` with `max = 1`):\n```python\nsafe()\n```" in rendered["agent"]
    assert "Use instead, in app/cli.py with max = 1\n    safe()" in rendered["explain"]
    # the same docs link wherever one is shown
    rule_log = log["tool"]["driver"]["rules"][0]
    assert rule_log["helpUri"] == finding.docs == "https://example.com/ORG001"
    assert rule_log["help"]["text"].endswith("\nDocs: https://example.com/ORG001")


# --- who writes rule text ------------------------------------------------------------------------

SURFACE_MODULES = sorted(
    [
        *(REPO / "docs_gen").glob("*.py"),
        *(REPO / "guardrails" / "report").glob("*.py"),
        REPO / "guardrails" / "explain.py",
        REPO / "guardrails" / "mcp_server.py",
    ]
)
RULE_TEXT = {"summary", "why", "remediation", "severity_note", "good", "bad", "references"}
RULE_TEXT |= {"docs", "docs_url"}
ALLOWED = {
    # text, github, rdjson and gitlab print a finding's own `remediation` field (the registry copies
    # it from the rule) whole, escaped, as that finding's single help line; they render no
    # rule text and show nothing that must match another surface's one-line form.
    ("guardrails/report/text.py", "remediation"),
    ("guardrails/report/github.py", "remediation"),
    ("guardrails/report/rdjson.py", "remediation"),
    ("guardrails/report/gitlab.py", "remediation"),
}


def _reads(path: Path) -> dict[tuple[str, str], list[int]]:
    """(module, attribute) -> lines, for each read of a rule-text attribute not on `ruletext`."""
    found: dict[tuple[str, str], list[int]] = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in RULE_TEXT
            and not (isinstance(node.value, ast.Name) and node.value.id == "ruletext")
        ):
            key = (str(path.relative_to(REPO)), node.attr)
            found.setdefault(key, []).append(node.lineno)
    return found


def test_no_surface_reads_rule_text_itself() -> None:
    """docs_gen, the reporters, explain and the MCP server leave rule text to `ruletext`."""
    reads: dict[tuple[str, str], list[int]] = {}
    for path in SURFACE_MODULES:
        reads.update(_reads(path))
    assert {key: lines for key, lines in reads.items() if key not in ALLOWED} == {}
    assert set(ALLOWED) <= set(reads), "an allowed read is gone: drop it from ALLOWED"


def test_ruletext_depends_only_on_the_model() -> None:
    """ruletext imports only guardrails.model and guardrails.lines (no backend, reporter or
    CLI), and the surfaces import it."""
    tree = ast.parse((REPO / "guardrails" / "ruletext.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert {name for name in imported if name.split(".")[0] == "guardrails"} <= {
        "guardrails.model",
        "guardrails.lines",
    }
    for relative in (
        "docs_gen/__init__.py",
        "guardrails/explain.py",
        "guardrails/mcp_server.py",
        "guardrails/report/agent.py",
        "guardrails/report/sarif.py",
    ):
        assert "ruletext" in (REPO / relative).read_text(), relative


def test_explain_names_every_engine_that_implements_the_rule(
    surfaces, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ARC001 runs on LibCST and on the import graph, REL005 on Ruff: the header names
    # what the registry knows, not the backend the rule's meta was declared with
    from guardrails.plugins import build_registry

    monkeypatch.delenv("GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD", raising=False)  # as surfaces did
    registry = build_registry(load_settings(surfaces["root"]))
    for rule_id, text in surfaces["explain"].items():
        assert f"Engine: {registry.backends(rule_id)} ·" in text, rule_id
    assert "Engine: libcst+imports ·" in surfaces["explain"]["ARC001"]
