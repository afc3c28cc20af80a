"""guardrails.ruletext: the one renderer of rule text."""

from __future__ import annotations

import pytest

from guardrails.ruletext import first_sentence


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
    ],
)
def test_first_sentence_is_cut_at_a_real_sentence_end_only(text: str, first: str) -> None:
    """One owner for every one-line rendering (agent, MCP, llms.txt, AGENTS.md)."""
    assert first_sentence(text) == first
