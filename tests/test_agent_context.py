"""What agents read teaches the fix: the rule's canonical good example, whole sentences, the
`guardrails fix` command where one applies, and an AGENTS.md section small enough to read.

Run on the real catalog (every built-in rule and the example ACME plugin): each rule's first
good example is the code to write instead of its first bad example, not an exemption the rule
leaves alone; every text a surface shortens is a run of whole sentences from the start of the
rule's own text; the AGENTS.md section of the default catalog stays under 6 KB and names every
rule the default config turns on.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from guardrails import docs_gen, ruletext
from guardrails.config import Settings
from guardrails.model import Edit, Fix, RuleMeta
from guardrails.plan import Plan, build_plan
from guardrails.plugins import build_registry
from guardrails.registry import ActiveRule
from guardrails.report import Summary, agent

AGENTS_MD_BUDGET = 6000
"""Bytes the AGENTS.md section of the full default catalog may take."""

# Rules with no example at all: a crash inside a rule, a weakened policy in config.
NO_EXAMPLES = {"GR003", "GR005"}

# Where the exemptions live: test files, entry points, local settings, legacy code.
ENTRY_OR_EXEMPT_PATH = re.compile(
    r"(^|/)(__main__|cli|main|manage|conftest)\.py$|(^|/)(scripts|bin|legacy)/|(^|/)local\.py$"
)
# Shapes of code a rule leaves alone rather than code that fixes it, each allowed in the
# fix only when the bad example has it too (SEC014's bad code sits under `__main__`).
EXEMPTION_SHAPES = {
    "an entry point guard": re.compile(r"if __name__ == .__main__.:"),
    "a main() function": re.compile(r"^def main\(", re.M),
    "a test function": re.compile(r"^def test_", re.M),
    "a bare re-raise": re.compile(r"^\s*raise\s*$", re.M),
    "a print call": re.compile(r"\bprint\("),
    "a suppression comment": re.compile(r"guardrails:\s*ignore"),
    "a deliberate suppress": re.compile(r"contextlib\.suppress"),
}
BUILTIN_PLUGINS = ("guardrails", "guardrails.rules")
SENTENCE_END = re.compile(r"[.!?][)\"'`*]*$")


@pytest.fixture(scope="module")
def catalog() -> tuple[list[RuleMeta], set[str], Plan]:
    """Every loaded rule (built-ins, engine, ACME), the ids the default config turns on, and
    the default plan (which paths are test code)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("GUARDRAILS_DISABLE_PLUGIN_AUTOLOAD", raising=False)
        root = Path(__file__).parent
        settings = Settings(root=root, src=(root,))
        registry = build_registry(settings)
        plan = build_plan(settings, registry)
    metas = registry.sorted()
    assert {"SEC001", "GR001", "ACME001"} <= {m.id for m in metas}
    return metas, {rule.id for rule in plan.rules}, plan


def test_every_rule_names_its_fix_as_its_first_good_example(catalog) -> None:
    metas, _, plan = catalog
    for meta in metas:
        if meta.id in NO_EXAMPLES:
            assert not meta.bad and not meta.good, meta.id
            continue
        assert meta.bad and meta.good, meta.id
        fix, bad = ruletext.good_example(meta), meta.bad[0]
        assert fix is meta.good[0], meta.id  # the one owner every surface calls
        # the fix lives where the bad code lives, checked with the same options
        assert dict(fix.options or {}) == dict(bad.options or {}), meta.id
        if bad.path:
            assert fix.path == bad.path, meta.id
        else:
            assert not plan.is_test(fix.path or "app/x.py"), meta.id
            assert not ENTRY_OR_EXEMPT_PATH.search(fix.path), meta.id
        for shape, pattern in EXEMPTION_SHAPES.items():
            if not pattern.search(bad.code):
                assert not pattern.search(fix.code), (meta.id, shape)


def test_every_rule_text_is_whole_sentences(catalog) -> None:
    """The texts surfaces shorten split into sentences that each end a sentence and close
    every code span, so dropping sentences from the end never leaves half of one."""
    metas, _, _ = catalog
    for meta in metas:
        for name in ("summary", "why", "remediation", "severity_note", "instead"):
            for sentence in ruletext.sentences(getattr(meta, name)):
                assert SENTENCE_END.search(sentence), (meta.id, name, sentence)
                assert sentence.count("`") % 2 == 0, (meta.id, name, sentence)


def _prefix_of_sentences(shown: str, text: str) -> bool:
    """`shown` is the first k sentences of `text`, for some k >= 1."""
    found = ruletext.sentences(text)
    return any(shown == " ".join(found[:k]) for k in range(1, len(found) + 1))


def test_no_surface_cuts_a_sentence(catalog) -> None:
    """agent output, llms.txt, AGENTS.md and the MCP policy lines show whole sentences only."""
    metas, _, _ = catalog
    rules = {m.id: m for m in metas}
    findings = [
        ActiveRule(m, m.severity, {}).violation("a.py", (1, 1), (1, 2), "found") for m in metas
    ]
    out = io.StringIO()
    agent.render(findings, Summary.of(findings, 1, "warning"), rules, out, len(findings))
    blocks = {b.split(" ", 1)[0]: b for b in out.getvalue().split("\n## ")[1:]}
    llms = docs_gen.llms_txt(metas)
    agents_md = docs_gen.agents_md_section(metas)
    for meta in metas:
        block = blocks[meta.id]
        if meta.why.strip():
            why = re.search(r"^Why: (.*)$", block, re.M).group(1)
            assert _prefix_of_sentences(why, meta.why), meta.id
        do = re.search(r"^Do: (.*)$", block, re.M).group(1)
        assert do == ruletext.remediation(meta), meta.id
        entry = llms.split(f"- [{meta.id} {meta.name}]({meta.id}.md): ", 1)[1].split("\n")[0]
        flagged, remedy = entry.split(f" {ruletext.DO} ", 1)
        assert flagged == ruletext.summary(meta), meta.id  # llms.txt: complete
        assert remedy.startswith(ruletext.remediation(meta)), meta.id
        line = agents_md.split(f"**{meta.id}** {meta.name}: ", 1)[1].split("\n")[0]
        short = line.split(" (`guardrails fix", 1)[0]
        assert short == ruletext.instead(meta), meta.id
        if not meta.instead:
            assert _prefix_of_sentences(short, meta.remediation), meta.id
        compact = ruletext.policy_line(meta.id, meta, compact=True).removeprefix(f"- {meta.id}: ")
        mark = ruletext.fix_mark(meta)
        compact = compact.removesuffix(f" {mark}") if mark else compact
        assert _prefix_of_sentences(compact, meta.remediation), meta.id


def test_leading_sentences_drop_whole_sentences_and_keep_the_first() -> None:
    text = "Use `try: ... finally:` here. Then this. And this one."
    assert ruletext.leading_sentences(text, 5) == "Use `try: ... finally:` here."
    assert ruletext.leading_sentences(text, 40) == "Use `try: ... finally:` here. Then this."
    assert ruletext.leading_sentences(text, 1000) == text


def test_agents_md_section_of_the_default_catalog_is_compact_and_complete(catalog) -> None:
    metas, active, _ = catalog
    ours = [m for m in metas if m.plugin in BUILTIN_PLUGINS]
    builtin = [m for m in ours if m.id in active]
    assert {m.id for m in builtin} == {m.id for m in ours if m.default_enabled}
    section = docs_gen.agents_md_section(builtin)
    assert len(section.encode()) <= AGENTS_MD_BUDGET, len(section.encode())
    for meta in builtin:
        assert f"- **{meta.id}** {meta.name}: " in section, meta.id
    assert "`guardrails explain ID`" in section  # where the full pages are
    headings = re.findall(r"^### (\w+)$", section, re.M)
    assert headings == ["security", "reliability", "observability", "architecture", "engine"]
    fixable = [m for m in builtin if m.fix in ("safe", "unsafe")]
    assert fixable  # OBS003 (safe), REL003 (unsafe), ...
    for meta in fixable:
        line = section.split(f"**{meta.id}** {meta.name}: ", 1)[1].split("\n")[0]
        assert line.endswith(f"({ruletext.fix_command(meta.fix)})"), line


def test_llms_txt_marks_fixable_rules(catalog) -> None:
    metas, _, _ = catalog
    llms = docs_gen.llms_txt(metas)
    for meta in metas:
        entry = llms.split(f"- [{meta.id} {meta.name}]({meta.id}.md): ", 1)[1].split("\n")[0]
        command = ruletext.fix_command(meta.fix)
        assert entry.endswith(f" Fix: {command}.") == bool(command), entry


def test_agent_output_says_when_guardrails_fix_applies(project) -> None:
    """Real findings through the CLI: OBS007 has a safe fix, REL010 an unsafe one, ARC007
    none."""
    project.write(
        "app/jobs.py",
        "import subprocess\n"
        "from os.path import *\n\n\n"
        "class JobError(Exception):\n    pass\n\n\n"
        "def run(raw: str) -> int:\n"
        "    subprocess.run(['sync'])\n"
        "    try:\n        return int(raw)\n"
        "    except ValueError:\n        raise JobError('bad')\n\n\n"
        "def other(raw: str) -> int:\n"
        "    try:\n        return int(raw)\n"
        "    except ValueError:\n        raise JobError('worse')\n",
    )
    result = project.run("check", "--output-format", "agent", "app/jobs.py")
    assert result.code == 1, result.err
    blocks = {b.split(" ", 1)[0]: b for b in result.out.split("\n## ")[1:]}
    assert {"OBS007", "REL010", "ARC007"} <= set(blocks), result.out
    assert "Fix: `guardrails fix` applies this to every finding below." in blocks["OBS007"]
    assert (
        "Fix: `guardrails fix --unsafe-fixes` applies this to every finding below."
        in blocks["REL010"]
    )
    assert "guardrails fix" not in blocks["ARC007"]
    assert "the example is the fix" in result.out


def test_agent_output_marks_each_fixable_finding_when_only_some_are() -> None:
    meta = RuleMeta(
        id="ORG001",
        name="org-rule",
        category="reliability",
        severity="warning",
        summary="Risky.",
        why="It breaks.",
        remediation="Call `safe()`.",
        fix="safe",
    )
    rule = ActiveRule(meta, "warning", {})
    fix = Fix((Edit(1, 1, 1, 2, "y"),), "safe")
    findings = [
        rule.violation("a.py", (1, 1), (1, 2), "fixable", fix=fix),
        rule.violation("a.py", (2, 1), (2, 2), "not fixable"),
    ]
    out = io.StringIO()
    agent.render(findings, Summary.of(findings, 1, "warning"), {"ORG001": meta}, out)
    text = out.getvalue()
    assert "every finding below" not in text
    assert "- a.py:1 fixable (`guardrails fix` fixes it)\n" in text
    assert "- a.py:2 not fixable\n" in text
