"""Human output: `path:line:col: ID message`, an indented fix hint, a summary last.

Colour only when asked for (a terminal, or FORCE_COLOR); rich is imported
only then, to keep CI runs' start-up small.
"""

from __future__ import annotations

from typing import TextIO

from guardrails.model import Violation
from guardrails.report import Summary, printable

_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def summary_line(summary: Summary) -> str:
    """The closing line CI logs end with."""
    if summary.total == 0:
        line = f"All checks passed ({_plural(summary.files, 'file')} checked)."
    else:
        parts = ", ".join(f"{n} {cat}" for cat, n in summary.by_category.items())
        line = (
            f"Found {_plural(summary.total, 'finding')}: {parts} "
            f"({_plural(summary.files, 'file')} checked)."
        )
    if summary.baseline_hidden:
        line += f" {_plural(summary.baseline_hidden, 'finding')} hidden by the baseline."
    if summary.suppressed:
        line += (
            f" {_plural(summary.suppressed, 'finding')} suppressed by `# noqa`/`# nosec` comments"
            " (foreign-suppressions)."
        )
    if summary.baseline_stale:
        line += (
            f" {_plural(summary.baseline_stale, 'baseline entry')} no longer match"
            " (shrink it with --prune)."
        )
    return line


def render(violations: list[Violation], summary: Summary, out: TextIO, color: bool) -> None:
    if color:
        _render_rich(violations, summary, out)
        return
    for v in violations:  # a file name cannot start a line of its own (printable)
        out.write(f"{printable(v.path)}:{v.line}:{v.column}: {v.rule_id} {printable(v.message)}\n")
        out.write(f"    help: {printable(v.remediation)}\n")
    if violations:
        out.write("\n")
    out.write(summary_line(summary) + "\n")


def _render_rich(violations: list[Violation], summary: Summary, out: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False, soft_wrap=True, force_terminal=True)
    for v in violations:
        line = Text()
        line.append(f"{printable(v.path)}:{v.line}:{v.column}:", style="bold")
        line.append(" ")
        line.append(v.rule_id, style=_STYLE.get(v.severity, "bold"))
        line.append(f" {printable(v.message)}")
        console.print(line)
        hint = Text("    help: ", style="cyan")
        hint.append(printable(v.remediation))
        console.print(hint)
    if violations:
        console.print()
    console.print(Text(summary_line(summary), style="bold"))
