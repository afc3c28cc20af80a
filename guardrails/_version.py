"""The version, and where a project gets guardrails from: one owner for the repository and
the pinned commit that the README, the docs' CI and pre-commit recipes and `guardrails init`
all name (tests check they agree and that the commit exists)."""

__version__ = "0.1.0"

REPOSITORY = "https://github.com/guardrails-lint/guardrails"

RELEASE = "cfc38cda9709efb99bf788e2c70329e479e6a86f"
"""The commit recipes pin (pre-commit's `rev:`, `@` in install lines): a commit, not a tag or
branch, so what a project runs cannot change under it."""
