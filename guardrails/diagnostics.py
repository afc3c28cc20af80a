"""The engine's own findings (GR ids): problems with the run, not the code's policy.

They are `Violation`s like any other so they reach every output format,
suppression report and exit code without special cases.
"""

from __future__ import annotations

from guardrails.model import Example, RuleMeta

_ENGINE = "guardrails"

PARSE_ERROR = RuleMeta(
    id="GR001",
    name="unparsable-file",
    category="engine",
    severity="error",
    summary="The file could not be read, decoded or parsed, so no rule checked it.",
    why="A file guardrails cannot parse is a file no policy was enforced on; "
    "reporting it keeps a syntax error from looking like a clean result.",
    instead="Fix the syntax or encoding error, or exclude the file.",
    remediation="Fix the syntax or encoding error at the reported position, or exclude the "
    "file with `extend-exclude` if it is intentionally not Python. A file reported "
    "\"not checked\" must become a regular file within `max-file-size` (or the limit "
    "raised); one Semgrep or Ruff could not fully parse needs syntax that tool supports.",
    bad=(Example("def broken(:\n    pass\n"),),
    good=(Example("def fixed() -> None:\n    pass\n"),),
    plugin=_ENGINE,
    backend="engine",
)

UNUSED_SUPPRESSION = RuleMeta(
    id="GR002",
    name="unused-suppression",
    category="engine",
    severity="warning",
    summary="A `# guardrails: ignore[...]` comment suppresses nothing.",
    why="Stale suppressions hide future findings on the same line and teach readers "
    "(and agents) that ignoring a policy is normal.",
    instead="Delete the unused suppression comment.",
    remediation="Delete the suppression comment, or correct the rule id in it.",
    bad=(Example("import json\nDATA = json.loads('{}')  # guardrails: ignore[SEC003] trusted\n"),),
    good=(Example("import json\nDATA = json.loads('{}')\n"),),
    plugin=_ENGINE,
    backend="engine",
)

RULE_CRASH = RuleMeta(
    id="GR003",
    name="rule-crashed",
    category="engine",
    severity="error",
    summary="A rule or plugin raised an exception while checking this file.",
    why="The crashed rule did not check the rest of the file, so its policy is not "
    "enforced there; the run exits non-zero so that is never mistaken for a pass.",
    instead="Report the crash to the rule's plugin.",
    remediation="Report the exception to the rule's plugin; until it is fixed, "
    "the file is only partly checked.",
    plugin=_ENGINE,
    backend="engine",
)

SUPPRESSION_WITHOUT_REASON = RuleMeta(
    id="GR004",
    name="suppression-without-reason",
    category="engine",
    severity="warning",
    summary="A suppression comment does not say why the finding is acceptable.",
    why="The reason is what a reviewer reads to accept an exception to a policy; "
    "without it, suppressions become a silent escape hatch.",
    instead="Give each suppression a reason: `# guardrails: ignore[ID] why`.",
    remediation="Write the reason after the bracket: "
    "`# guardrails: ignore[SEC001] command is a constant, no user input`.",
    bad=(Example("import os\n\nos.system('sync')  # guardrails: ignore[SEC001]\n"),),
    good=(
        Example(
            "import os\n\n"
            "os.system('sync')  # guardrails: ignore[SEC001] constant command, no input\n"
        ),
    ),
    plugin=_ENGINE,
    backend="engine",
)

POLICY_WEAKENED = RuleMeta(
    id="GR005",
    name="policy-weakened",
    category="engine",
    severity="error",
    summary="The change weakens the policy compared with the `--policy-base` ref: a rule "
    "switched off, an option loosened, a new exemption, suppression or baseline entry.",
    why="The quickest way to make a failing check pass is to switch the check off; an agent "
    "optimising for a green build will find it. Weakening a policy is sometimes right, but "
    "it is a decision for a person, made visibly, not a side effect of a change.",
    instead="Fix the code instead of weakening the policy.",
    remediation="Fix the code so the policy can stay as it was, and revert the weakening; if "
    "it is deliberate, have it approved by adding the finding's approval key to the approvals "
    "file on the base branch (a reviewed change), or for one CI run in "
    "GUARDRAILS_POLICY_APPROVED.",
    plugin=_ENGINE,
    backend="engine",
)

EXPIRED_SUPPRESSION = RuleMeta(
    id="GR006",
    name="expired-suppression",
    category="engine",
    severity="warning",
    summary="A suppression's `until=YYYY-MM-DD` date has passed, or is not a valid date; "
    "it no longer hides anything.",
    why="An exception to a policy granted for a while must not quietly become permanent; "
    "once the date passes, the suppressed finding is reported again and the comment is "
    "flagged so someone decides. A date that cannot be read never suppresses at all, so a "
    "typo cannot turn into a suppression without end.",
    instead="Fix the finding and delete the expired suppression.",
    remediation="Fix the finding the comment suppressed and delete the comment; if the "
    "exception must stay, write a new date and reason, e.g. "
    "`# guardrails: ignore[SEC004] until=2027-03-31 rotating the key in OPS-112`.",
    bad=(
        Example(
            "import os\n\n"
            "os.system('sync')  # guardrails: ignore[SEC001] until=2020-01-31 cron migration\n"
        ),
    ),
    good=(Example("import subprocess\n\nsubprocess.run(['sync'], check=True)\n"),),
    plugin=_ENGINE,
    backend="engine",
)

ENGINE_RULES = (
    PARSE_ERROR,
    UNUSED_SUPPRESSION,
    RULE_CRASH,
    SUPPRESSION_WITHOUT_REASON,
    POLICY_WEAKENED,
    EXPIRED_SUPPRESSION,
)
ALWAYS_ON = frozenset({PARSE_ERROR.id, RULE_CRASH.id})
"""Diagnostics no selection can switch off: they mean the check itself is incomplete."""
