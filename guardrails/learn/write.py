"""An accepted candidate as a complete rule in the project's in-repo plugin, with its test.

The rule is a Semgrep YAML file with every guardrails field filled in: an id
in the organisation's prefix, a name, category, severity, the *why* drafted
from the commit message (edit it), the remediation, and the fix's before and
after as the bad and good examples (the reported lines marked `# bad`, as
Semgrep reports them). Beside it goes a test that runs those examples
through the real engine: red on the old code, green on the new.

The plugin is a module at the project root (`guardrails_learned/`) whose hook
hands its `semgrep/` folder to guardrails; the configuration lists it in
`plugins`. Nothing is overwritten: an existing rule file, a config that
cannot be edited safely, or an id already taken is refused with one line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from guardrails.errors import UsageError
from guardrails.learn import verify
from guardrails.learn.changes import Fix
from guardrails.learn.propose import Proposal
from guardrails.model import BUILTIN_CATEGORIES, RULE_ID

MODULE = "guardrails_learned"
_HOOK = '''"""Rules `guardrails learn` wrote for this project: Semgrep YAML files in `semgrep/`,
LibCST rules in `rule_*.py` modules."""

import importlib
from pathlib import Path

from guardrails import CstRule, hookimpl

HERE = Path(__file__).resolve().parent


@hookimpl
def guardrails_semgrep_rule_dirs() -> list[Path]:
    folder = HERE / "semgrep"
    return [folder] if folder.is_dir() else []


@hookimpl
def guardrails_rules() -> list[type[CstRule]]:
    rules = []
    for path in sorted(HERE.glob("rule_*.py")):
        module = importlib.import_module(f"{__name__}.{path.stem}")
        rules += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, CstRule)
            and value.__module__ == module.__name__
        ]
    return rules
'''


@dataclass(frozen=True)
class Written:
    rule_id: str
    files: list[Path]


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("$receiver", "any"))
    return "-".join(words)[:60].strip("-") or "learned-rule"


def _name(proposal: Proposal) -> str:
    c = proposal.candidate
    return _slug(c.summary.replace("(...)", "").replace("'...'", "string"))


def _trigger(proposal: Proposal) -> str:
    """A word every match must contain: files without it never go to Semgrep."""
    text = proposal.candidate.patterns[0][1]
    words = [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if not w.startswith("V")]
    callee = re.match(r"(?:\$RECEIVER\.)?([A-Za-z_][\w.]*)\(", text)
    if callee:
        return callee[1].rsplit(".", 1)[-1]
    return words[0] if words else "("


def next_id(taken: set[str], prefix: str | None) -> str:
    """The next free id of the organisation's prefix (the most common among plugin rules)."""
    if prefix is None:
        prefixes = Counter(re.match(r"[A-Z]+", i)[0] for i in taken if RULE_ID.match(i))
        if not prefixes:
            raise UsageError("learn --write: give the rule an id (--id ACME001)")
        prefix = prefixes.most_common(1)[0][0]
    numbers = [int(i[len(prefix) :]) for i in taken if re.fullmatch(rf"{prefix}\d{{3}}", i)]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _yaml_string(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a YAML double-quoted string


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "".join(f"{pad}{line}\n" for line in text.rstrip("\n").split("\n"))


def _marked(proposal: Proposal) -> list[str]:
    """Each fix's before with `# bad` on the lines Semgrep reports."""
    texts = {f"before_{i}.py": fix.before for i, fix in enumerate(proposal.fixes)}
    hits, _errors = verify.scan([proposal.candidate], texts)
    lines: dict[str, set[int]] = {}
    for target, line in hits.get(0, ()):
        lines.setdefault(target, set()).add(line)
    marked = []
    for name, text in texts.items():
        rows = text.rstrip("\n").split("\n")
        for line in lines.get(name, ()):
            if 0 < line <= len(rows):
                rows[line - 1] += "  # bad"
        marked.append("\n".join(rows) + "\n")
    return marked


def rule_text(proposal: Proposal, rule_id: str, category: str, why: str) -> str:
    c = proposal.candidate
    name = _name(proposal)
    summary = f"Flags {c.summary}, the mistake a fix in this project corrected."
    remediation = "Write it as the fix did: " + " ".join(
        proposal.fixes[0].after.strip().split("\n")[:1]
    )
    lines = [
        "rules:",
        f"  - id: {name}",
        "    languages: [python]",
        "    severity: WARNING",
        f"    message: {_yaml_string(c.summary.replace('`', '') + ': a fix corrected this')}",
        "    patterns:",
    ]
    for item in c.semgrep():
        ((key, value),) = item.items()
        if isinstance(value, dict):
            lines.append(f"      - {key}:")
            lines += [f"          {k}: {_yaml_string(v)}" for k, v in value.items()]
        else:
            lines.append(f"      - {key}: {_block(value, 10).rstrip()}")
    lines += [
        "    metadata:",
        "      guardrails:",
        f"        id: {rule_id}",
        f"        name: {name}",
        f"        category: {category}",
        "        severity: warning",
        f"        triggers: [{_yaml_string(_trigger(proposal))}]",
        f"        summary: {_yaml_string(summary)}",
        f"        why: {_yaml_string(why)}",
        f"        remediation: {_yaml_string(remediation)}",
        "        bad:",
    ]
    for text in _marked(proposal):
        lines.append(f"          - code: {_block(text, 14).rstrip()}")
    lines.append("        good:")
    for fix in proposal.fixes:
        lines.append(f"          - code: {_block(fix.after, 14).rstrip()}")
    return "\n".join(lines) + "\n"


def package_test_text(rule_id: str) -> str:
    return f'''"""{rule_id}, learned from a fix: red on the old code, green on the new.

The plugin hands guardrails its rules folder's `semgrep/`, so the rule is selected by id
from the installed plugin (`pip install -e .`).
"""

from guardrails.testing import example_tests

test_examples = example_tests(rule_ids=["{rule_id}"])
'''


def test_text(rule_id: str) -> str:
    return f'''"""{rule_id}, learned from a fix: red on the old code, green on the new."""

from pathlib import Path

from guardrails.testing import example_tests

RULES = Path(__file__).resolve().parent / "semgrep"

test_examples = example_tests(rule_ids=["{rule_id}"], semgrep_dirs=[RULES])
'''


def _configured(root: Path) -> tuple[Path, str] | None:
    """The config file and its new text listing the learned plugin; None when it already
    does. Decided before anything is written: a config that cannot be edited safely is
    refused while the project is still as it was."""
    from guardrails.config import tomllib

    for name, table in (("guardrails.toml", None), ("pyproject.toml", "tool.guardrails")):
        config = root / name
        if not config.is_file():
            continue
        text = config.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        section = data if table is None else data.get("tool", {}).get("guardrails")
        if section is None:
            continue
        plugins = section.get("plugins")
        if plugins is not None:
            if MODULE in plugins:
                return None
            raise UsageError(f"learn --write: add {MODULE!r} to `plugins` in {name} first")
        line = f'plugins = ["{MODULE}"]  # rules written by `guardrails learn`\n'
        if table is None:
            return config, line + text
        header = re.search(r"^\[tool\.guardrails\][ \t]*\n", text, re.M)
        if header is None:
            raise UsageError(f"learn --write: add `plugins = [{MODULE!r}]` to {name} first")
        return config, text[: header.end()] + line + text[header.end() :]
    raise UsageError("learn --write: no [tool.guardrails] configuration to list the plugin in")


def write(
    proposal: Proposal,
    root: Path,
    rule_id: str,
    category: str,
    why: str,
    into: Path | None = None,
) -> Written:
    """Write the rule and its test: into the plugin package at `into` (as `new-plugin`
    lays one out), else into the in-repo plugin, which the config then lists (once)."""
    from guardrails.scaffold import plugin_layout

    if not RULE_ID.match(rule_id):
        raise UsageError(f"learn --write: {rule_id!r} is not an id like ACME001")
    if category not in BUILTIN_CATEGORIES or category == "engine":
        categories = ", ".join(BUILTIN_CATEGORIES[:4])
        raise UsageError(f"learn --write: category must be one of {categories}")
    stem = f"{rule_id.lower()}_{_name(proposal).replace('-', '_')}"
    config = None
    hook = None
    if into is not None:
        layout = plugin_layout(into)
        if layout is None:
            raise UsageError(
                f"learn --into {into}: not a plugin package (see `guardrails new-plugin`)"
            )
        rule = layout.rules / "semgrep" / f"{stem}.yaml"
        test = layout.tests / f"test_{rule_id.lower()}.py"
        test_source = package_test_text(rule_id)
    else:
        folder = root / MODULE
        rule = folder / "semgrep" / f"{stem}.yaml"
        test = folder / f"test_{rule_id.lower()}.py"
        test_source = test_text(rule_id)
        hook = folder / "__init__.py"
        config = _configured(root)
    existing = [str(p) for p in (rule, test) if p.exists()]
    if existing:
        raise UsageError(f"learn --write: {', '.join(existing)} already exists")
    text = rule_text(proposal, rule_id, category, why)
    written = []
    rule.parent.mkdir(parents=True, exist_ok=True)
    test.parent.mkdir(parents=True, exist_ok=True)
    if hook is not None and not hook.exists():
        hook.write_text(_HOOK, encoding="utf-8")
        written.append(hook)
    rule.write_text(text, encoding="utf-8")
    test.write_text(test_source, encoding="utf-8")
    written += [rule, test]
    if config is not None:
        from guardrails.containment import replace_text

        replace_text(config[0], config[1])
        written.append(config[0])
    return Written(rule_id, written)


def _libcst_text(fix: Fix, rule_id: str, name: str, category: str, why: str) -> str:
    """A LibCST rule whose metadata and examples are the fix; its visitor is to be written
    (its test is red until it reports the old code's marked line and not the new code)."""
    rows = fix.before.rstrip("\n").split("\n")
    rows[0] += "  # bad"
    bad = "\n".join(rows) + "\n"
    remediation = "Write it as the fix did: " + fix.after.strip().split("\n")[0]
    cls = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)
    return f'''"""{rule_id} {name}: learned from a fix no Semgrep pattern could express."""

from __future__ import annotations

import libcst as cst

from guardrails import CstRule, Example, RuleMeta


class {cls}(CstRule):
    META = RuleMeta(
        id={rule_id!r},
        name={name!r},
        category={category!r},
        severity="warning",
        summary="FILL IN: what the rule flags, in one sentence.",
        why={why!r},
        remediation={remediation!r},
        bad=(Example({bad!r}),),
        good=(Example({fix.after!r}),),
    )

    def visit_Call(self, node: cst.Call) -> None:
        # FILL IN: detect what the old code does and the new code does not (the examples);
        # resolve names with self.context.qualified_name(node.func).
        return None
'''


def write_libcst(fix: Fix, root: Path, rule_id: str, category: str, why: str) -> Written:
    """A LibCST rule skeleton for a fix no pattern separates, in the in-repo plugin."""
    if not RULE_ID.match(rule_id):
        raise UsageError(f"learn --write: {rule_id!r} is not an id like ACME001")
    name = f"learned-{rule_id.lower()}"
    folder = root / MODULE
    rule = folder / f"rule_{rule_id.lower()}.py"
    test = folder / f"test_{rule_id.lower()}.py"
    existing = [str(p) for p in (rule, test) if p.exists()]
    if existing:
        raise UsageError(f"learn --write: {', '.join(existing)} already exists")
    config = _configured(root)
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    hook = folder / "__init__.py"
    if not hook.exists():
        hook.write_text(_HOOK, encoding="utf-8")
        written.append(hook)
    rule.write_text(_libcst_text(fix, rule_id, name, category, why), encoding="utf-8")
    cls = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)
    module = rule.stem
    test.write_text(
        f'''"""{rule_id}: red until its visitor reports the old code and not the new."""

from guardrails.testing import example_tests

if __package__:  # the folder is a package: pytest imports this test as part of it
    from .{module} import {cls}
else:
    from {module} import {cls}

test_examples = example_tests(rules=[{cls}])
''',
        encoding="utf-8",
    )
    written += [rule, test]
    if config is not None:
        from guardrails.containment import replace_text

        replace_text(config[0], config[1])
        written.append(config[0])
    return Written(rule_id, written)
