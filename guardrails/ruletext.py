"""Rule text: the one place a rule's `RuleMeta` is turned into words.

Every surface that shows a rule calls this module and formats no rule prose
itself, so a rule reads the same wherever an agent or a person meets it:
the same remediation sentence, the same good example with the same caption,
the same docs link.

- `policy_line`: MCP `policies` (its full and compact forms); with the fix
  under it, `llms_entry`: llms.txt (`docs_gen`).
- `markdown_body`: each docs page below its header (`docs_gen`), SARIF
  `help.markdown`.
- `help_text`, `description`, `finding_text`: SARIF `help.text`,
  `fullDescription` and each result's message.
- `explain_text`: `guardrails explain ID` and the MCP `explain` tool (both
  through `guardrails.explain`).
- `agent_block`, `fix_hint`: `agent` output's why, what to do, fix command and
  good example per rule.
- `instead_line`: the AGENTS.md section, one short line per rule.
- `facts`: the header line of a docs page and of `explain`.

All of them start from the same pieces: `prose` (a field on one line with
single spaces), `sentences` (where a sentence ends: text is only ever shortened
by whole sentences), `good_example` (the rule's fix) and `caption`,
`option_type`, `fix_text`, `fix_command`, `docs_link` (`docs_uri`: the page's URL).

This module imports only `guardrails.model` and `guardrails.lines`; reporters
and `docs_gen` import it, and it imports no backend, reporter or the CLI.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.lines import split_lines
from guardrails.model import Example, Option, RuleMeta, Violation

# A sentence ends at `.`, `!` or `?` before a space, but not in an abbreviation (`e.g.`).
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)[.!?](?=\s)")

_FIX_TEXT = {
    "none": "Not fixed automatically: the right change depends on the code around it.",
    "safe": "`guardrails fix` applies a fix that keeps behaviour.",
    "unsafe": "`guardrails fix --unsafe-fixes` applies a fix that can change behaviour; review it.",
}
_FIX_COMMAND = {"safe": "`guardrails fix`", "unsafe": "`guardrails fix --unsafe-fixes`"}
DO = "Do:"
"""What introduces the remediation in every one-line form (policy lines, agent output)."""
ALSO_GOOD = "Also not flagged"
"""What introduces a rule's good examples after its fix (docs pages, `explain`)."""


def sentences(text: str) -> list[str]:
    """`text` (as `prose`) split into whole sentences, the one owner of where a sentence ends.

    A sentence ends at `.`, `!` or `?` before a space, but not in an abbreviation
    (`e.g.`) nor inside a code span (`` `try: ... finally:` ``). Every surface
    that shortens rule text drops whole sentences from the end, so none ever
    shows half of one. A stray backtick (no closing one) does not hide the rest
    of the text: then code spans are not looked at.
    """
    text = prose(text)
    ends = _sentence_ends(text)
    if ends is None:
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    out, start = [], 0
    for end in ends:
        out.append(text[start:end].strip())
        start = end
    rest = text[start:].strip()
    return [*out, rest] if rest else out


def _sentence_ends(text: str) -> list[int] | None:
    """Offsets just past each sentence end outside code spans; None if a span never closes."""
    ends, fence, i = [], "", 0
    while i < len(text):
        if text[i] == "`":
            j = i
            while j < len(text) and text[j] == "`":
                j += 1
            run = text[i:j]
            fence = run if not fence else ("" if run == fence else fence)
            i = j
            continue
        if not fence and _SENTENCE_END.match(text, i):
            ends.append(i + 1)
        i += 1
    return None if fence else ends


def first_sentence(text: str) -> str:
    """The first sentence of a rule's text, the one owner of every one-line rendering (agent
    output, MCP, llms.txt, AGENTS.md), so they cannot differ. A `;` does not end it."""
    found = sentences(text)
    return found[0] if found else ""


def leading_sentences(text: str, limit: int) -> str:
    """As many whole sentences from the start of `text` as fit in `limit` characters; the
    first one always, complete, however long it is. For a surface with a size budget."""
    found = sentences(text)
    kept = found[:1]
    for sentence in found[1:]:
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept)


def prose(text: str) -> str:
    """`text` on one line with single spaces.

    Rule text may be written across lines or with double spaces (a plugin's
    triple-quoted string, a code span in a remediation); every surface shows
    it normalised, so a full remediation starts with exactly the sentence a
    one-line form shows, and no rule text can start a new line of output.
    """
    return " ".join(text.split())


def summary(meta: RuleMeta) -> str:
    """What the rule flags."""
    return prose(meta.summary)


def why(meta: RuleMeta) -> str:
    """Why it matters."""
    return prose(meta.why)


def remediation(meta: RuleMeta) -> str:
    """What to write instead, in full."""
    return prose(meta.remediation)


def severity_note(meta: RuleMeta) -> str:
    """Why the rule has its default severity, when measured precision decided it; else ""."""
    return prose(meta.severity_note)


def docs_link(meta: RuleMeta) -> str:
    """Where to read more: the rule's URL, else the command that explains it."""
    return meta.docs


RULE_PAGES = "https://github.com/guardrails-lint/guardrails/blob/main/docs/rules"
"""Where `guardrails docs` pages of the built-in rules are published (docs/rules/<ID>.md)."""

BUILT_IN_PLUGINS = frozenset({"guardrails", "guardrails.rules"})
"""The plugins whose rules have a generated page under `RULE_PAGES`."""

_CWE = re.compile(r"CWE-([0-9]+)")  # as the docs pages link them (`_reference`)


def own_uri(meta: RuleMeta) -> str:
    """The page URL the rule's author gives (`docs_url`), or ""."""
    link = docs_link(meta)
    return link if link.startswith(("https://", "http://")) else ""


def docs_uri(meta: RuleMeta) -> str:
    """The URL of the rule's page, the one place it is built (SARIF `helpUri`, rdjson's
    `code.url`): its `docs_url` when that is a URL, else its generated page in this
    repository for a built-in rule, else "" (a plugin's rule without a URL has no page)."""
    if own_uri(meta):
        return own_uri(meta)
    return f"{RULE_PAGES}/{meta.id}.md" if meta.plugin in BUILT_IN_PLUGINS else ""


def cwe_ids(meta: RuleMeta) -> tuple[int, ...]:
    """The CWE numbers the rule names in its references (`"CWE-78"` -> 78), in order."""
    found = (_CWE.fullmatch(reference) for reference in meta.references)
    return tuple(dict.fromkeys(int(match.group(1)) for match in found if match))


def fix_text(meta: RuleMeta) -> str:
    """What `guardrails fix` does for the rule, as a sentence."""
    return _FIX_TEXT.get(meta.fix, meta.fix)


def fix_command(applicability: str) -> str:
    """The command that applies a fix of this applicability (`safe`/`unsafe`); "" for none."""
    return _FIX_COMMAND.get(applicability, "")


def fix_mark(meta: RuleMeta) -> str:
    """The few words marking a fixable rule in a one-line form ("" when it is not)."""
    command = fix_command(meta.fix)
    return f"Fix: {command}." if command else ""


def fix_hint(applicability: str, every: bool = False) -> str:
    """What `agent` output says about findings `guardrails fix` can fix: on a rule's block
    (`every` finding below) or after one finding."""
    command = fix_command(applicability)
    if not command:
        return ""
    return f"{command} applies this to every finding below." if every else f"{command} fixes it"


def instead(meta: RuleMeta) -> str:
    """What to write instead in a few words: the rule's `instead`, else the remediation's
    first sentence (the line AGENTS.md shows per rule). Never cut."""
    return prose(meta.instead) or first_sentence(meta.remediation)


def option_type(option: Option) -> str:
    """An option's type as the docs and `explain` print it, e.g. `list of str`."""
    item = f" of {option.item_kind.__name__}" if option.item_kind else ""
    return option.kind.__name__ + item


def good_example(meta: RuleMeta) -> Example | None:
    """The good example every surface that shows one shows: the rule's fix, its first good
    example by convention (`RuleMeta.good`), never an exemption such as a test file."""
    return meta.good[0] if meta.good else None


def other_good_examples(meta: RuleMeta) -> tuple[Example, ...]:
    """The good examples after the fix: code the rule leaves alone (docs pages, `explain`)."""
    return meta.good[1:]


def caption(example: Example, markdown: bool = True) -> str:
    """Where an example lives and the options it is checked with ("" for neither): in
    Markdown as a docs page shows it above the code (`` `app/cli.py` with `max-lines = 5` ``),
    or as plain text (`in app/cli.py with max-lines = 5`).

    A good example may pass only because of its path (a test file, a CLI
    module) or its options, so it is never shown without them.
    """
    code = (lambda text: f"`{text}`") if markdown else (lambda text: text)
    parts = [code(example.path) if markdown else f"in {example.path}"] if example.path else []
    if example.options:
        options = sorted(example.options.items())
        parts.append("with " + ", ".join(code(f"{key} = {value!r}") for key, value in options))
    return " ".join(parts)


def facts(meta: RuleMeta, engines: str = "") -> list[str]:
    """The rule's facts for a header line; `engines` names every backend implementing it."""
    found = [
        f"Category: {meta.category}",
        f"Default severity: {meta.severity}",
        f"Engine: {engines or meta.backend}",
        f"Plugin: {meta.plugin or 'guardrails'}",
    ]
    if meta.skip_tests:
        found.append("Skips test code")
    if not meta.default_enabled:
        found.append("Off by default (turn on with `extend-select` or `--select ALL`)")
    return found


# --- one line per rule: llms.txt, AGENTS.md, MCP `policies` -----------------------------------


def policy_line(label: str, meta: RuleMeta, *, full: bool = False, compact: bool = False) -> str:
    """`- LABEL: what it flags Do: what to write instead Fix: command`, each in its first
    sentence; `Fix:` only for a rule `guardrails fix` can fix.

    `full` keeps both whole (llms.txt, MCP `policies` when the budget allows);
    `compact` leaves only the remediation's first sentence (MCP `policies`
    over budget). The label is the surface's: a link in llms.txt, the id,
    name and severity in MCP.
    """
    mark = f" {fix_mark(meta)}" if fix_mark(meta) else ""
    if compact:
        return f"- {label}: {first_sentence(meta.remediation)}{mark}"
    if full:
        return f"- {label}: {summary(meta)} {DO} {remediation(meta)}{mark}"
    return (
        f"- {label}: {first_sentence(meta.summary)} {DO} {first_sentence(meta.remediation)}{mark}"
    )


def llms_entry(label: str, meta: RuleMeta) -> str:
    """A rule in llms.txt: its full policy line, then its fix as an indented code block.
    Nothing is shortened: llms.txt is the complete context file."""
    lines = [policy_line(label, meta, full=True)]
    example = good_example(meta)
    if example is not None:
        where = caption(example)
        lines.append(f"  Good ({where}):" if where else "  Good:")
        lines += ["", "  ```python"]
        lines += [f"  {row}" if row else "" for row in split_lines(example.code.rstrip())]
        lines += ["  ```", ""]
    return "\n".join(lines)


def instead_line(label: str, meta: RuleMeta) -> str:
    """`- LABEL: what to write instead (fix command)`: the AGENTS.md line, kept short."""
    command = fix_command(meta.fix)
    return f"- {label}: {instead(meta)}" + (f" ({command})" if command else "")


# --- the full text: docs pages and SARIF help (Markdown), `explain` (plain) ---------------------


def _reference(ref: str) -> str:
    match = re.fullmatch(r"CWE-(\d+)", ref)
    if match:
        return f"[{ref}](https://cwe.mitre.org/data/definitions/{match.group(1)}.html)"
    if ref.startswith("http"):
        return f"<{ref}>"
    return ref


def _code_block(example: Example) -> list[str]:
    heading = [f"{caption(example)}:", ""] if caption(example) else []
    return [*heading, "```python", example.code.rstrip(), "```", ""]


def markdown_body(meta: RuleMeta, measured: Sequence[str] = ()) -> str:
    """The Markdown of a rule from "What it does" to "References".

    A docs page is its header and this; SARIF `help.markdown` is this alone.
    `measured` is the docs' "Measured precision" paragraph (from the
    precision ledger), followed there by the severity note; without it the
    note has its own "Default severity" section.
    """
    lines = ["## What it does", "", summary(meta), "", "## Why it matters", "", why(meta), ""]
    lines += ["## Example", ""]
    if meta.bad:
        lines += ["Flagged (the reported lines end with `# bad`):", ""]
        for example in meta.bad:
            lines += _code_block(example)
    else:
        lines += ["(no example)", ""]
    lines += ["## Use instead", "", remediation(meta), ""]
    fix = good_example(meta)
    if fix is not None:
        lines += _code_block(fix)
    if other_good_examples(meta):
        lines += [f"{ALSO_GOOD}:", ""]
        for example in other_good_examples(meta):
            lines += _code_block(example)
    lines += ["## Fix", "", fix_text(meta), "", "## Options", ""]
    if meta.options:
        lines += [
            f"Set under `[tool.guardrails.rules.{meta.id}]`:",
            "",
            "| option | type | default | meaning |",
            "|---|---|---|---|",
        ]
        for option in meta.options:
            lines.append(
                f"| `{option.name}` | {option_type(option)} | `{option.default!r}` | "
                f"{prose(option.description)} |"
            )
        lines.append("")
    else:
        lines += ["None.", ""]
    note = [severity_note(meta), ""] if meta.severity_note else []
    if measured:
        lines += ["## Measured precision", "", *measured, "", *note]
    elif note:
        lines += ["## Default severity", "", *note]
    lines += ["## References", ""]
    lines += [f"- {_reference(ref)}" for ref in meta.references] or ["None."]
    return "\n".join(lines).rstrip() + "\n"


def explain_text(meta: RuleMeta, engines: str = "") -> str:
    """The full explanation, as plain text: `guardrails explain ID` and MCP `explain`;
    `engines` names every backend implementing the rule (`Registry.backends`)."""
    lines = [
        f"{meta.id} {meta.name}",
        " · ".join([*facts(meta, engines), f"Fix: {meta.fix}"]),
        "",
        "What it does",
        f"  {summary(meta)}",
        "",
        "Why it matters",
        f"  {why(meta)}",
        "",
        "What to do instead",
        f"  {remediation(meta)}",
    ]
    if meta.severity_note:
        lines += ["", "Why this severity", f"  {severity_note(meta)}"]
    shown = (
        ("Example (flagged)", meta.bad),
        ("Use instead", meta.good[:1]),
        (ALSO_GOOD, other_good_examples(meta)),
    )
    for title, examples in shown:
        for example in examples:
            where = caption(example, markdown=False)
            lines += ["", f"{title}, {where}" if where else title]
            lines += [f"    {row}" if row else "" for row in split_lines(example.code.rstrip())]
    lines += ["", "Options"]
    if meta.options:
        for opt in meta.options:
            lines.append(
                f"  {opt.name} ({option_type(opt)}, default {opt.default!r}): "
                f"{prose(opt.description)}"
            )
    else:
        lines.append("  none")
    if meta.references:
        lines += ["", "References"] + [f"  {ref}" for ref in meta.references]
    return "\n".join(lines) + "\n"


# --- SARIF ---------------------------------------------------------------------------------------


def description(meta: RuleMeta) -> str:
    """What the rule flags and why, in one paragraph (SARIF `fullDescription`)."""
    return " ".join(part for part in (summary(meta), why(meta)) if part)


def help_text(meta: RuleMeta) -> str:
    """The plain help: why, what to do instead, where to read more (SARIF `help.text`)."""
    lines = [why(meta)] if meta.why.strip() else []
    lines += [f"Do instead: {remediation(meta)}", f"Docs: {docs_link(meta)}"]
    return "\n".join(lines)


def finding_text(violation: Violation) -> str:
    """One finding's message and what to do about it (a SARIF result's message)."""
    return f"{violation.message.rstrip('.')}. {prose(violation.remediation)}"


def placeholder(violation: Violation) -> RuleMeta:
    """The rule of a finding whose `RuleMeta` is not at hand, described by the finding."""
    return RuleMeta(
        id=violation.rule_id,
        name=violation.name,
        category=violation.category,
        severity=violation.severity,
        summary=violation.message,
        why="",
        remediation=violation.remediation,
        docs_url=violation.docs if violation.docs.startswith(("https://", "http://")) else "",
    )


# --- agent output ----------------------------------------------------------------------------


def agent_block(meta: RuleMeta, fix: str = "") -> str:
    """Once per rule in `agent` output: why (first sentence), what to do, that `guardrails
    fix` applies it when every finding shown has a fix of applicability `fix`, the fix."""
    lines = [f"Why: {first_sentence(meta.why)}"] if meta.why.strip() else []
    lines.append(f"{DO} {remediation(meta)}")
    if fix_hint(fix, every=True):
        lines.append(f"Fix: {fix_hint(fix, every=True)}")
    example = good_example(meta)
    if example is not None:
        where = caption(example)
        lines.append(f"Good ({where}):" if where else "Good:")
        lines += ["```python", example.code.rstrip(), "```"]
    return "\n".join(lines) + "\n"
