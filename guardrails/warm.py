"""A warm engine: each project's plan loaded once, reused for every unsaved buffer it checks.

`guardrails check` pays for loading plugins and building the plan on every
run; an editor asks on every keystroke. `WarmEngine` keeps, per config file,
the settings and plan that `guardrails check` would resolve for a file
(the nearest config, as `guardrails.scopes` picks it) and checks a buffer's
text with the same engine call (`engine.check_paths` on an in-memory
`SourceFile`), then the same baseline. A changed config file is noticed
on the next check (settings are read again each time, about a millisecond,
so a file the config `extend`s counts too), as is an edited in-repo plugin
module; a caller can also say so (`reload`).

It holds no editor state: the language server, the MCP server and the
engine that answers agent hooks (`guardrails.engine_host`) each keep one.
The same object serves the whole pipeline (`service.CheckRequest.warm`):
`plan_for` gives each configuration's plan, loaded once per distinct
settings, and `worker_for` its resident LibCST worker
(`backends.libcst.resident`), so a warm answer is the cold one, faster.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import io
import os
import sys
import threading
import tokenize
from dataclasses import dataclass
from pathlib import Path

from guardrails.backends.libcst.resident import ResidentWorker
from guardrails.config import Settings, find_config, load_settings
from guardrails.diagnostics import ENGINE_RULES
from guardrails.engine_client import installed_stamp
from guardrails.model import RuleMeta, Violation
from guardrails.plan import Plan, discovery_for
from guardrails.plugins import load_plan

FAST_BACKEND = "libcst"
"""The in-process backend cheap enough for every keystroke; the others run on save."""


Stamps = tuple[tuple[str, int, int], ...]
"""(file, mtime_ns, size) of each source file of the project's own plugin modules."""


def _module_stamps(names: tuple[str, ...]) -> Stamps:
    """The source files of the plugin modules `names` (packages: every module under them)."""
    files: list[str] = []
    for name in names:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if not origin:
            continue
        if os.path.basename(origin) == "__init__.py":
            for folder, _dirs, found in os.walk(os.path.dirname(origin)):
                files += [os.path.join(folder, f) for f in sorted(found) if f.endswith(".py")]
        else:
            files.append(origin)
    return _restamped(tuple((f, 0, 0) for f in files))


def _restamped(stamps: Stamps) -> Stamps:
    found = []
    for file, _mtime, _size in stamps:
        try:
            stat = os.stat(file)
            found.append((file, stat.st_mtime_ns, stat.st_size))
        except OSError:
            found.append((file, -1, -1))
    return tuple(found)


def _forget_modules(names: tuple[str, ...]) -> None:
    """Drop the plugin modules `names` (and their submodules) so the next import reads them
    from disk again."""
    for loaded in list(sys.modules):
        if any(loaded == name or loaded.startswith(name + ".") for name in names):
            del sys.modules[loaded]
    importlib.invalidate_caches()


def fast_plan(plan: Plan) -> Plan:
    """`plan` with only the LibCST implementations: rules that have none are left out, so
    a suppression of a Semgrep-backed rule is not judged unused by a pass that skipped it."""
    rules = tuple(
        dataclasses.replace(
            rule, implementations={FAST_BACKEND: rule.implementations[FAST_BACKEND]}
        )
        for rule in plan.rules
        if FAST_BACKEND in rule.implementations
    )
    return dataclasses.replace(plan, rules=rules)


@dataclass
class Project:
    """One configuration as `guardrails check` resolves it, with its plans, loaded once."""

    config: Path | None
    settings: Settings
    plan: Plan
    fast: Plan

    @property
    def metas(self) -> dict[str, RuleMeta]:
        """Every rule a finding of this project may name, engine rules included."""
        found = {meta.id: meta for meta in ENGINE_RULES}
        found.update({rule.id: rule.meta for rule in self.plan.rules})
        return found

    def excluded(self, path: Path) -> bool:
        """Whether the config's `exclude` leaves the file out, as a walk of its folder would."""
        return discovery_for(self.settings).excluded(path)


class WarmEngine:
    """Plans per config file under one workspace, reused across checks (thread-safe)."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace.resolve()
        self._projects: dict[Path | None, Project] = {}
        self._configs: dict[Path, Path | None] = {}  # folder -> nearest config (memo)
        # per config file: the settings a plan was built for (their repr) and the plan;
        # only the latest per config is kept, so editing a config many times grows nothing
        self._plans: dict[Path | None, tuple[str, Plan, Stamps]] = {}
        self._workers: dict[int, ResidentWorker] = {}  # by id() of a plan in `_plans`
        self._lock = threading.RLock()

    def reload(self) -> None:
        """Forget every loaded plan: a config file changed (or appeared)."""
        with self._lock:
            self._projects.clear()
            self._configs.clear()
            self._plans.clear()
            self._retire()

    def close(self) -> None:
        """End the resident workers (they also end when this process does)."""
        self.reload()

    def plan_for(self, settings: Settings) -> Plan:
        """The plan `load_plan(settings)` gives, loaded once while the settings stay equal
        and the installed packages and the project's own plugin modules (`plugins` in
        config) are unchanged on disk; an edited plugin module is imported afresh."""
        # an installed (or removed) plugin package changes its site folder: plan again
        key = repr((settings, installed_stamp()))
        with self._lock:
            known = self._plans.get(settings.config_path)
            if known is not None and known[0] == key and _restamped(known[2]) == known[2]:
                return known[1]
            if known is not None:
                _forget_modules(settings.plugins)
            plan = load_plan(settings)
            self._plans[settings.config_path] = (key, plan, _module_stamps(settings.plugins))
            self._retire()
            return plan

    def worker_for(self, plan: Plan) -> ResidentWorker:
        """The resident LibCST worker holding `plan` (started on first use)."""
        with self._lock:
            worker = self._workers.get(id(plan))
            if worker is None or worker.plan is not plan:
                worker = self._workers[id(plan)] = ResidentWorker(plan)
            return worker

    def _retire(self) -> None:
        """End the workers whose plans are no longer current."""
        current = {id(plan) for _, plan, _ in self._plans.values()}
        current |= {id(project.plan) for project in self._projects.values()}
        for key in [k for k in self._workers if k not in current]:
            self._workers.pop(key).close()

    def project_for(self, path: Path) -> Project:
        """The configuration `path` is checked with: its nearest config, else the
        workspace's. Raises GuardrailsError for a broken config or plugin."""
        with self._lock:
            config = find_config(path.parent, self._configs)
            if config is None:
                config = find_config(self.workspace, self._configs)
            cwd = config.parent if config is not None else self.workspace
            # read every time (about a millisecond): a file it `extend`s may have changed
            settings = load_settings(cwd, config=config)
            plan = self.plan_for(settings)
            project = self._projects.get(config)
            if project is not None and project.plan is plan and project.settings == settings:
                return project
            project = Project(config, settings, plan, fast_plan(plan))
            self._projects[config] = project
            return project

    def check(self, path: Path, text: str, full: bool) -> tuple[Project, list[Violation]]:
        """Findings for `text` as the contents of `path`, after the project's baseline.

        `full` runs every backend (Semgrep and Ruff read the file from disk, so
        only when the buffer is saved); otherwise only the LibCST rules run,
        in memory. Nothing is written anywhere."""
        from guardrails import baseline as baselines
        from guardrails.engine import check_paths
        from guardrails.source import in_memory

        project = self.project_for(path)
        if project.excluded(path):
            return project, []
        settings = project.settings
        source = in_memory(path, settings.root, settings.src, _encoded(text))
        plan = project.plan if full else project.fast
        resident = self.worker_for(project.plan)  # runs LibCST rules only: one for both plans
        violations = check_paths(plan, [source], jobs=1, cache=None, resident=resident).violations
        if settings.baseline is not None and os.path.isfile(settings.baseline):
            violations = baselines.apply_file(
                violations, settings.baseline, settings.root, [path]
            ).kept
        return project, violations


def _encoded(text: str) -> bytes:
    """The buffer as the bytes a save would write: in the encoding its PEP 263 coding line
    declares (an editor saves a `latin-1` file as latin-1), else UTF-8; lone surrogates
    are kept as given. Text the declared encoding cannot hold (which the editor could not
    save either) goes as UTF-8."""
    lines = io.StringIO(text)  # the first two lines only: not a split of the whole buffer
    head = (lines.readline() + lines.readline()).encode("utf-8", errors="surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head).readline)
    except SyntaxError:  # an unknown encoding named: the check reports that (GR001)
        encoding = "utf-8"
    if encoding not in ("utf-8", "utf-8-sig"):
        with contextlib.suppress(UnicodeError, LookupError):
            return text.encode(encoding)
    return text.encode("utf-8", errors="surrogatepass")
