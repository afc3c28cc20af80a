"""`guardrails explain ID`: one rule in full, as plain text.

Its own module because the command line and the MCP server's `explain` tool
print the same text, and neither should import the other for it. The text
itself is `guardrails.ruletext.explain_text`, beside every other rendering
of a rule.
"""

from __future__ import annotations

from guardrails.model import RuleMeta
from guardrails.ruletext import explain_text as _explain_text


def explain_text(meta: RuleMeta) -> str:
    """The full explanation `guardrails explain` prints."""
    return _explain_text(meta)
