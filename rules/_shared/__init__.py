"""What several built-in rules share: private to the rule pack.

Each module serves a few rules of one concern and carries the catalog's own
judgements (which receivers are loggers, which names hold secrets, which
modules are programs). General LibCST helpers are public instead, for org
plugins too: `guardrails.cst.helpers`, `guardrails.cst.names`,
`guardrails.cst.traverse` and the fix builders in `guardrails.cst.rule`.
"""
