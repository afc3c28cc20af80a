"""The policy ratchet: report every change that weakens the policy since a git ref (GR005).

An agent told to make CI green can do it by switching the check off. So
`guardrails check --policy-base REF` (or `policy-base` in the config)
compares the effective policy at REF with the working tree and reports each
weakening where it was made:

- a rule that was active and is not any more (`select` narrowed, `ignore`
  grown), or whose severity was lowered, or a higher `fail-on`;
- new `per-file-ignores` entries or ids;
- a rule option loosened (a larger `max-lines`, a layer dropped, a module
  added to an allow-list) — each option declares which way is weaker;
- a plugin removed from `plugins`;
- the baseline grown (findings accepted without being fixed);
- a new suppression comment in a checked file (with `foreign-suppressions`,
  a new honoured `# noqa`/`# nosec` too), or `foreign-suppressions` grown.

Strengthening is silent. Each finding carries an approval key; a weakening
is approved by listing that key in the approvals file *as it is at REF* —
so approval has to land on the base branch first, through a reviewed change
(protect the file with CODEOWNERS), and a branch cannot approve itself —
or, for one CI run, in `GUARDRAILS_POLICY_APPROVED` (comma-separated keys),
an input a person sets on the CI job.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardrails import gitdiff
from guardrails.config import Settings, load_settings
from guardrails.errors import GuardrailsError
from guardrails.lines import split_lines
from guardrails.model import Option, Violation
from guardrails.paths import project_path
from guardrails.plan import Plan, build_plan
from guardrails.registry import Registry

DEFAULT_APPROVALS = ".github/guardrails-approvals.txt"
APPROVED_ENV = "GUARDRAILS_POLICY_APPROVED"
_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Weakening:
    """One change that weakens the policy, and where it was made."""

    key: str  # stable approval key, e.g. "ignore:SEC001"
    message: str
    path: Path
    line: int


# ------------------------------------------------------------------ git access
class _Base:
    """Files as they are at the base ref."""

    def __init__(self, cwd: Path, ref: str) -> None:
        self.top = gitdiff.repository(cwd, ref, "--policy-base").resolve()
        self.ref = ref

    def read(self, path: Path) -> str | None:
        """The text of `path` at the ref, or None when it did not exist there."""
        try:
            relative = path.resolve().relative_to(self.top).as_posix()
        except ValueError:
            return None
        shown = gitdiff.git(self.top, "show", f"{self.ref}:{relative}", option="--policy-base")
        return shown.stdout if shown.returncode == 0 else None


# ------------------------------------------------------------------ comparison
def weakenings(
    settings: Settings,
    plan: Plan,
    registry: Registry,
    ref: str,
    files: Sequence[Path],
    approved: Iterable[str] = (),
) -> list[Weakening]:
    """Every weakening of the effective policy between `ref` and the working tree.

    `approved` are keys a person approved for this run (`GUARDRAILS_POLICY_APPROVED`).
    """
    base = _Base(settings.root, ref)
    # No config at the ref (or now) means the default policy, which is compared too:
    # adding a config that ignores rules weakens the defaults.
    config = settings.config_path or settings.root / "pyproject.toml"
    found: list[Weakening] = []
    old_settings = _settings_from(base.read(config) or "", settings)
    old_plan = build_plan(old_settings, registry)
    found += _config_weakenings(old_settings, old_plan, settings, plan, config)
    found += _baseline_weakenings(base, old_settings, settings)
    found += _new_suppressions(base, settings, files)
    allowed = _approvals(base, settings, approved)
    return [w for w in found if w.key not in allowed]


def _settings_from(text: str, current: Settings) -> Settings:
    """Settings parsed from the config text at the ref, rooted like the current ones."""
    import dataclasses

    with tempfile.TemporaryDirectory(prefix="guardrails-policy-base-") as scratch:
        path = Path(scratch) / "pyproject.toml"
        path.write_text(text, encoding="utf-8")
        try:
            old = load_settings(Path(scratch), config=path)
        except GuardrailsError:
            return dataclasses.replace(current, config_path=current.config_path)  # compare none
    # The command line applies to both sides: only the config file is compared.
    return dataclasses.replace(
        old,
        root=current.root,
        config_path=current.config_path,
        layers=old.layers[:1] + current.layers[1:],
    )


def _line_of(path: Path, *needles: str) -> int:
    """The first line of `path` holding one of `needles` (1 if none does)."""
    try:
        lines = split_lines(path.read_text(encoding="utf-8"))
    except OSError:
        return 1
    for needle in needles:
        for number, text in enumerate(lines, start=1):
            if needle in text and not text.lstrip().startswith("#"):
                return number
    return 1


def _config_weakenings(
    old: Settings, old_plan: Plan, new: Settings, new_plan: Plan, config: Path
) -> list[Weakening]:
    found = []
    old_rules = {r.id: r for r in old_plan.rules}
    new_rules = {r.id: r for r in new_plan.rules}
    ignored = {i for layer in new.layers[:1] for i in layer.ignore}
    removed = sorted(set(old_rules) - set(new_rules))
    for selector, ids in _grouped(removed, old_rules):
        by_ignore = any(selector.startswith(i) or i.startswith(selector) for i in ignored)
        needle = ("ignore",) if by_ignore else ("select", "extend-select")
        what = (
            f"{ids[0]} ({old_rules[ids[0]].meta.name})"
            if len(ids) == 1
            else f"{selector} ({len(ids)} rules: {', '.join(ids)})"
        )
        found.append(
            Weakening(
                f"deselect:{selector}",
                f"{what} {'was' if len(ids) == 1 else 'were'} active at the base and "
                f"{'is' if len(ids) == 1 else 'are'} switched off here "
                f"({'ignored' if by_ignore else 'no longer selected'})",
                config,
                _line_of(config, *needle),
            )
        )
    for rule_id in sorted(set(old_rules) & set(new_rules)):
        before, after = old_rules[rule_id], new_rules[rule_id]
        if _RANK[after.severity] < _RANK[before.severity]:
            found.append(
                Weakening(
                    f"severity:{rule_id}",
                    f"{rule_id} severity lowered from {before.severity} to {after.severity}",
                    config,
                    _line_of(config, rule_id, "severity"),
                )
            )
        for option in before.meta.options:
            old_value = before.options.get(option.name)
            new_value = after.options.get(option.name)
            if old_value != new_value and _looser(option, old_value, new_value):
                found.append(
                    Weakening(
                        f"option:{rule_id}.{option.name}",
                        f"{rule_id} option `{option.name}` loosened: "
                        f"{_show(old_value)} -> {_show(new_value)}",
                        config,
                        _line_of(config, f"{option.name}", f"rules.{rule_id}"),
                    )
                )
    if _RANK[new.fail_on] > _RANK[old.fail_on]:
        found.append(
            Weakening(
                "fail-on",
                f"fail-on raised from {old.fail_on} to {new.fail_on}: fewer findings fail the run",
                config,
                _line_of(config, "fail-on"),
            )
        )
    for kind in sorted(set(new.foreign_suppressions) - set(old.foreign_suppressions)):
        found.append(
            Weakening(
                f"foreign-suppressions:{kind}",
                f"`# {kind}` comments now suppress guardrails findings (foreign-suppressions)",
                config,
                _line_of(config, "foreign-suppressions"),
            )
        )
    old_pfi = {pattern: set(ids) for pattern, ids in old.per_file_ignores}
    for pattern, ids in new.per_file_ignores:
        for rule_id in sorted(set(ids) - old_pfi.get(pattern, set())):
            found.append(
                Weakening(
                    f"per-file-ignores:{pattern}:{rule_id}",
                    f"per-file-ignores now exempts {pattern!r} from {rule_id}",
                    config,
                    _line_of(config, f'"{pattern}"', f"'{pattern}'", pattern),
                )
            )
    for plugin in sorted(set(old.plugins) - set(new.plugins)):
        found.append(
            Weakening(
                f"plugin:{plugin}",
                f"plugin {plugin!r} was removed, and every rule it provides with it",
                config,
                _line_of(config, "plugins"),
            )
        )
    return found


def _grouped(removed: list[str], old_rules: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Removed ids, one group per prefix (e.g. `REL`) when every rule of it went."""
    groups: list[tuple[str, list[str]]] = []
    by_prefix: dict[str, list[str]] = {}
    for rule_id in removed:
        by_prefix.setdefault(rule_id.rstrip("0123456789"), []).append(rule_id)
    for prefix, ids in sorted(by_prefix.items()):
        had = [r for r in old_rules if r.rstrip("0123456789") == prefix]
        if len(ids) > 1 and len(ids) == len(had):
            groups.append((prefix, ids))
        else:
            groups.extend((rule_id, [rule_id]) for rule_id in ids)
    return groups


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _looser(option: Option, old: Any, new: Any) -> bool:
    """Whether changing `option` from `old` to `new` weakens its rule."""
    direction = option.weaker or _default_direction(option)
    if direction == "higher":
        return isinstance(new, (int, float)) and isinstance(old, (int, float)) and new > old
    if direction == "lower":
        return isinstance(new, (int, float)) and isinstance(old, (int, float)) and new < old
    if direction == "layers":  # ordered lowest first: compare the imports it forbids
        return bool(_forbidden_pairs(old) - _forbidden_pairs(new))
    if direction in ("fewer", "more"):
        old_items, new_items = _items(old), _items(new)
        return bool(old_items - new_items) if direction == "fewer" else bool(new_items - old_items)
    return True  # "changed": no known direction, a person decides


def _forbidden_pairs(layers: Any) -> set[tuple[str, str]]:
    """(importer layer, imported layer) pairs an ordered layer list forbids."""
    if not isinstance(layers, (list, tuple)):
        return set()
    names = [str(layer) for layer in layers]
    return {(low, high) for i, low in enumerate(names) for high in names[i + 1 :]}


def _default_direction(option: Option) -> str:
    if option.kind is int and option.name.startswith("max-"):
        return "higher"
    if option.kind is int and option.name.startswith("min-"):
        return "lower"
    if option.kind in (list, dict):
        return "fewer"
    return "changed"


def _items(value: Any) -> set[str]:
    """Comparable members of a list option, or of a mapping's keys and value lists."""
    if isinstance(value, dict):
        return {
            f"{key}={item}"
            for key, items in value.items()
            for item in (items if isinstance(items, list) else [items])
        } | {f"{key}=" for key in value}
    if isinstance(value, (list, tuple)):
        return {str(item) for item in value}
    return set()


def _baseline_weakenings(base: _Base, old: Settings, new: Settings) -> list[Weakening]:
    from guardrails import baseline as baselines

    if new.baseline is None or not new.baseline.exists():
        return []
    old_text = base.read(old.baseline if old.baseline is not None else new.baseline)
    old_prints: set[str] = set()
    if old_text:
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "baseline.json"
            copy.write_text(old_text, encoding="utf-8")
            try:
                old_prints = {e["fingerprint"] for e in baselines.load(copy)}
            except GuardrailsError:
                old_prints = set()
    added = [e for e in baselines.load(new.baseline) if e["fingerprint"] not in old_prints]
    if not added:
        return []
    rules = Counter(str(e.get("rule_id", "?")) for e in added)
    detail = ", ".join(f"{rule_id} x{count}" for rule_id, count in sorted(rules.items()))
    digest = hashlib.sha256("\n".join(sorted(e["fingerprint"] for e in added)).encode())
    return [
        Weakening(
            f"baseline:{digest.hexdigest()[:16]}",
            f"the baseline grew by {len(added)} accepted finding(s) ({detail}); "
            "fix them instead of recording them",
            new.baseline,
            1,
        )
    ]


def _new_suppressions(base: _Base, settings: Settings, files: Iterable[Path]) -> list[Weakening]:
    from guardrails import suppressions

    found = []
    kinds = settings.foreign_suppressions  # honoured noqa and nosec comments suppress too
    for path in files:
        text = _text(path)
        lowered = text.lower() if kinds else ""
        if suppressions.MARKER not in text and not any(kind in lowered for kind in kinds):
            continue
        old_text = base.read(path) or ""
        before = Counter(_signature(s) for s in suppressions.parse(old_text, kinds))
        for s in suppressions.parse(text, kinds):
            signature = _signature(s)
            if before[signature]:
                before[signature] -= 1
                continue
            relative = project_path(path, settings.root)
            ids = ",".join(s.ids or s.codes) or "-"
            what = f"`# {s.kind}` " if s.kind != suppressions.MARKER else ""
            found.append(
                Weakening(
                    f"suppression:{relative}:{ids}",
                    f"new {what}suppression of {ids.replace(',', ', ')} "
                    f"({s.reason or 'no reason given'})",
                    path,
                    s.line,
                )
            )
    return found


def _signature(s: Any) -> tuple[str, tuple[str, ...], tuple[str, ...], str]:
    return (s.kind, tuple(sorted(s.ids)), tuple(sorted(s.codes)), " ".join(s.reason.split()))


_KEY_LINE = re.compile(r"^\s*([^#\s][^#]*?)\s*(#.*)?$")


def _approvals(base: _Base, settings: Settings, passed: Iterable[str]) -> set[str]:
    """Keys approved at the base ref, plus those a person passed to this CI run."""
    approved = {k.strip() for k in passed if k.strip()}
    path = settings.root / (settings.policy_approvals or DEFAULT_APPROVALS)
    text = base.read(path) or ""
    for line in split_lines(text):
        match = _KEY_LINE.match(line)
        if match:
            approved.add(match.group(1))
    return approved


def findings(
    settings: Settings, plan: Plan, files: Sequence[Path], ref: str, approved: Iterable[str] = ()
) -> list[Violation]:
    """GR005 findings for each weakening of the policy since `ref`.

    Asked for explicitly (`policy-base`), so always on: a config that
    deselects GR005 must not be able to switch off the check of itself.
    `approved` are the keys a person approved for this run (the command line
    reads them from `GUARDRAILS_POLICY_APPROVED`).
    """
    from guardrails.diagnostics import POLICY_WEAKENED
    from guardrails.fingerprint import with_fingerprints
    from guardrails.paths import display_path
    from guardrails.plugins import build_registry
    from guardrails.registry import make_violation

    found = []
    registry = build_registry(settings)
    for weakening in weakenings(settings, plan, registry, ref, files, approved):
        found.append(
            make_violation(
                POLICY_WEAKENED,
                display_path(weakening.path),
                (weakening.line, 1),
                (weakening.line, 2),
                f"{weakening.message} (approval key: `{weakening.key}`)",
                _lines(weakening.path),
                backend="engine",
            )
        )
    return with_fingerprints(found, settings.root)


def _text(path: Path) -> str:
    """A file's text as the checks read it (a Python file's PEP 263 coding honoured);
    empty when it cannot be read or decoded (GR001 reports such a checked file)."""
    from guardrails.discovery import read_source
    from guardrails.source import decode_or_error

    try:
        data = read_source(path, _MAX_TEXT_BYTES)
    except OSError:
        return ""
    return decode_or_error(data).text or ""


def _lines(path: Path) -> list[str]:
    return split_lines(_text(path))


_MAX_TEXT_BYTES = 64 * 1024 * 1024
