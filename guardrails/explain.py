"""`guardrails explain ID`: one rule in full, as plain text, for the CLI and MCP alike.

Its own module because the command line and the MCP server's `explain` tool
answer the same question (look the id up, say what is close when it is not
known, render the rule), and neither should import the other for it. The
text itself is `guardrails.ruletext.explain_text`, beside every other
rendering of a rule.
"""

from __future__ import annotations

from guardrails.errors import UsageError
from guardrails.registry import Registry
from guardrails.ruletext import explain_text


def explain(registry: Registry, rule_id: str) -> str:
    """The explanation of `rule_id` (any case), naming every engine that implements it;
    UsageError naming ids with the same prefix when it is not a loaded rule."""
    wanted = rule_id.strip().upper()
    meta = registry.get(wanted)
    if meta is None:
        close = [rid for rid in sorted(registry.rules) if rid.startswith(wanted[:3])][:8]
        hint = f" (known ids with that prefix: {', '.join(close)})" if close else ""
        raise UsageError(f"unknown rule id {rule_id!r}{hint}")
    return explain_text(meta, registry.backends(wanted))
