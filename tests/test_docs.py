"""`guardrails docs`: pages, index, llms.txt and AGENTS.md, generated from the rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from guardrails.config import Settings
from guardrails.explain import explain_text
from guardrails.plugins import build_registry

ROOT = Path(__file__).resolve().parents[1]
OWN_DOCS = ["--out", "docs/rules", "--plugin", "guardrails.rules", "--plugin", "guardrails"]


def test_committed_docs_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "guardrails", "docs", *OWN_DOCS, "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generation_is_deterministic_and_matches_the_rules(project, entry_point_plugins) -> None:
    first = project.run("docs", "--out", "a")
    second = project.run("docs", "--out", "b")
    assert first.code == second.code == 0, first.err
    names = sorted(p.name for p in (project.root / "a").iterdir())
    assert names == sorted(p.name for p in (project.root / "b").iterdir())
    for name in names:
        assert (project.root / "a" / name).read_bytes() == (project.root / "b" / name).read_bytes()
    registry = build_registry(Settings(root=project.root, src=(project.root,)))
    for meta in registry.sorted():
        page = (project.root / "a" / f"{meta.id}.md").read_text()
        for section in (
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Use instead",
            "## Fix",
            "## Options",
            "## References",
        ):
            assert section in page, (meta.id, section)
        for example in (*meta.bad, *meta.good):  # exactly the examples the tests execute
            assert f"```python\n{example.code.rstrip()}\n```" in page, meta.id
        explained = explain_text(meta)
        for text in (meta.summary, meta.why, meta.remediation):
            text = " ".join(text.split())  # shown on one line with single spaces
            assert text in page and text in explained
    index = (project.root / "a" / "index.md").read_text()
    assert "## security" in index and "[SEC001](SEC001.md)" in index
    llms = (project.root / "a" / "llms.txt").read_text()
    assert "- [SEC001 subprocess-shell](SEC001.md):" in llms
    # Installed plugins are documented too.
    assert (project.root / "a" / "ACME001.md").exists()


def test_check_mode_reports_stale_and_leftover_files(project) -> None:
    assert project.run("docs", "--out", "d").code == 0
    assert project.run("docs", "--out", "d", "--check").code == 0
    page = project.root / "d" / "SEC001.md"
    page.write_text(page.read_text() + "edited\n")
    # a page generated before for a rule that is gone: the manifest lists it
    (project.root / "d" / "OLD999.md").write_text("# OLD999 gone-rule\n")
    manifest = project.root / "d" / ".guardrails-docs-manifest"
    manifest.write_text(manifest.read_text() + "OLD999.md\n")
    notes = project.write("d/NOTES.md", "# ours\n")  # never generated: left alone
    stale = project.run("docs", "--out", "d", "--check")
    assert stale.code == 1
    assert "stale: d/SEC001.md" in stale.out and "not generated any more: d/OLD999.md" in stale.out
    assert "NOTES" not in stale.out
    assert page.read_text().endswith("edited\n")  # --check writes nothing
    assert project.run("docs", "--out", "d").code == 0
    assert not (project.root / "d" / "OLD999.md").exists()
    assert notes.read_text() == "# ours\n"
    assert project.run("docs", "--out", "d", "--check").code == 0


def test_agents_md_section_is_idempotent_and_keeps_the_rest(project) -> None:
    agents = project.write("AGENTS.md", "# Our agents\n\nUse tabs. Never push to main.\n")
    project.write("pyproject.toml", '[tool.guardrails]\nselect = ["SEC", "REL001"]\n')
    assert project.run("docs", "--agents-md", "AGENTS.md").code == 0
    once = agents.read_text()
    assert once.startswith("# Our agents\n\nUse tabs. Never push to main.\n\n<!-- guardrails:begin")
    assert "- **SEC001** subprocess-shell:" in once and "- **REL001**" in once
    assert "REL003" not in once  # only what this repository's config activates
    agents.write_text(once + "\n## Notes\n\nHand-written, after the section.\n")
    with_notes = agents.read_text()
    assert project.run("docs", "--agents-md", "AGENTS.md").code == 0
    assert agents.read_text() == with_notes
    assert project.run("docs", "--agents-md", "AGENTS.md", "--check").code == 0
    project.write("pyproject.toml", '[tool.guardrails]\nselect = ["SEC001"]\n')
    assert project.run("docs", "--agents-md", "AGENTS.md", "--check").code == 1
    assert project.run("docs", "--agents-md", "AGENTS.md").code == 0
    refreshed = agents.read_text()
    assert "REL001" not in refreshed and refreshed.endswith("Hand-written, after the section.\n")
    assert refreshed.count("<!-- guardrails:begin") == 1


def test_agents_md_is_created_when_missing(project) -> None:
    assert project.run("docs", "--agents-md", "docs/AGENTS.md").code == 0
    text = (project.root / "docs" / "AGENTS.md").read_text()
    assert text.startswith("<!-- guardrails:begin") and text.rstrip().endswith(
        "<!-- guardrails:end -->"
    )


def test_docs_needs_a_target(project) -> None:
    result = project.run("docs")
    assert result.code == 2 and "--out DIR and/or --agents-md PATH" in result.err
