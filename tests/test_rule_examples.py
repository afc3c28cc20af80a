"""Every built-in rule's bad and good examples, run through the real engine."""

from __future__ import annotations

from guardrails.testing import example_tests, missing_examples

test_builtin_examples = example_tests(plugin="guardrails.rules")


def test_every_builtin_rule_has_two_bad_and_two_good_examples() -> None:
    assert missing_examples(plugin="guardrails.rules") == []
