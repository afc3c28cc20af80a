"""Import-graph rules: contracts checked on the whole project's imports (ARC001, ARC002).

A LibCST rule sees one file's import statements; a layer broken through a
module in no layer (`app.repo.orders -> app.util.helpers ->
app.service.billing`) is visible only in the project's import graph. A rule
class (from `guardrails_rules`) that also has a classmethod
`check_imports(graph, options)` is declared here too; this backend builds
the graph of the WHOLE project, not only the batch (pre-commit passes a few
files, a chain runs through the others), runs those rules on it and reports
each chain on the batch file it starts in, at its first import of the next
module in the chain. The graph is built only when an active rule asks for it
(`wants_imports(options)`, e.g. ARC001 only with `layers` configured).

The imports are read by grimp (the library import-linter is built on, its
scanner in Rust: about 15 times faster than `ast` here, docs/dependencies.md),
in a subprocess so it neither blocks the LibCST pass nor touches this
process's `sys.path` and `sys.modules`. grimp finds packages by importable
name, skips folders without `__init__.py` inside a package and stops at the
first file it cannot parse or decode as UTF-8; so it reads a private mirror
of the project instead: every discovered file (the run's exclusions
honoured) at the path its guardrails module name gives (src roots), a
synthetic `__init__.py` in every folder, each batch file as the run read it.
A file grimp cannot parse or decode is left out and the graph built again
(LibCST reports it: GR001). grimp's cache is off; nothing is written outside
the run's temporary folder.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrails.backends.process import BackendError, backend_timeout, isolated_env, last_line
from guardrails.backends.process import start as start_process
from guardrails.diagnostics import RULE_CRASH
from guardrails.discovery import discover, module_name, unchecked_reason
from guardrails.model import Violation
from guardrails.plan import discovery_for
from guardrails.registry import ActiveRule
from guardrails.source import SourceFile

if TYPE_CHECKING:
    from guardrails.backends import Claim, HookResults
    from guardrails.plan import Plan
    from guardrails.registry import Registry

BACKEND = "imports"
MAX_UNPARSABLE = 200
"""Files grimp cannot parse that are left out, one rebuild each, before the graph is given up."""

# Run by `python -I`: the mirror's packages are the only project code on sys.path,
# and nothing of the checked project is imported (grimp reads files; find_spec runs
# no module code).
_SCANNER = r"""
import importlib.util, json, os, re, sys
root = sys.argv[1]
sys.path.insert(0, root)
import grimp
from grimp.exceptions import SourceSyntaxError
tops = sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n)))
skipped, usable = [], []
for name in tops:
    loaded = sys.modules.pop(name, None)
    try:
        spec = importlib.util.find_spec(name)
    finally:
        if loaded is not None:
            sys.modules[name] = loaded
    where = list(spec.submodule_search_locations or ()) if spec else []
    if where == [os.path.join(root, name)]:
        usable.append(name)
    else:
        skipped.append([os.path.join(root, name), "a module Python loads first has its name"])
graph = None
for _ in range(int(sys.argv[2]) + 1):
    if not usable:
        break
    try:
        graph = grimp.build_graph(*usable, cache_dir=None)
        break
    except SourceSyntaxError as exc:
        if not exc.filename or not os.path.lexists(exc.filename):
            raise
        skipped.append([exc.filename, f"cannot parse: line {exc.lineno}"])
        os.remove(exc.filename)
    except UnicodeError as exc:
        # grimp names the file it cannot decode in its message alone:
        # "Failed to decode file PATH as UTF-8: ..." or "... PATH (unknown encoding 'x')"
        text = str(exc).partition("Failed to decode file ")[2]
        ends = [m.end() for m in re.finditer(r"[.]pyi?(?=[ :(]|$)", text)]
        named = [text[:end] for end in ends if os.path.lexists(text[:end])]
        if not named:
            raise
        skipped.append([named[0], "cannot decode"])
        os.remove(named[0])
else:
    print(json.dumps({"error": "too many files that cannot be parsed"}))
    sys.exit(0)
imports = []
for importer in sorted(graph.modules if graph is not None else ()):
    for imported in sorted(graph.find_modules_directly_imported_by(importer)):
        details = graph.get_import_details(importer=importer, imported=imported)
        lines = [d["line_number"] for d in details if d.get("line_number")]
        imports.append([importer, imported, min(lines) if lines else 1])
modules = sorted(graph.modules) if graph is not None else []
print(json.dumps({"modules": modules, "imports": imports, "skipped": skipped}))
"""


class ImportGraph:
    """The project's import graph as `check_imports` sees it (public API).

    Nodes are the project's modules, named as guardrails names them (dotted
    path below the nearest src root); an edge is a direct import, wherever in
    the module it stands (functions and `if TYPE_CHECKING:` included, as for
    the per-file rules). Third-party and standard-library modules are not in it.
    """

    def __init__(self, imports: Iterable[tuple[str, str]], modules: Iterable[str] = ()) -> None:
        self._out: dict[str, set[str]] = {}
        self._in: dict[str, set[str]] = {}
        for module in modules:
            self._out.setdefault(module, set())
            self._in.setdefault(module, set())
        for importer, imported in imports:
            if importer == imported:
                continue
            self._out.setdefault(importer, set()).add(imported)
            self._out.setdefault(imported, set())
            self._in.setdefault(imported, set()).add(importer)
            self._in.setdefault(importer, set())
        self.modules: frozenset[str] = frozenset(self._out)

    def imports_of(self, module: str) -> frozenset[str]:
        """Modules `module` imports directly."""
        return frozenset(self._out.get(module, ()))

    def importers_of(self, module: str) -> frozenset[str]:
        """Modules that import `module` directly."""
        return frozenset(self._in.get(module, ()))

    def shortest_chains(
        self, targets: Callable[[str], bool], through: Callable[[str], bool]
    ) -> dict[str, tuple[str, ...]]:
        """For each module that reaches a target: its shortest chain to one.

        A chain is `(module, ..., target)`: each module imports the next,
        every module strictly inside it satisfies `through`, and it stops at
        the first target. A target's own chain is not given (a module that
        is itself a target reaches none through it). Ties go to the
        alphabetically first chain; cycles are fine (each module is visited
        once).
        """
        goal = {m for m in self.modules if targets(m)}
        next_hop: dict[str, str | None] = dict.fromkeys(goal)
        queue = deque(sorted(goal))
        while queue:
            current = queue.popleft()
            if next_hop[current] is not None and not through(current):
                continue  # reached, but no chain goes on through it
            for importer in sorted(self._in.get(current, ())):
                if importer not in next_hop:
                    next_hop[importer] = current
                    queue.append(importer)
        chains = {}
        for module, hop in next_hop.items():
            if hop is None:
                continue
            chain = [module]
            while hop is not None:
                chain.append(hop)
                hop = next_hop[hop]
            chains[module] = tuple(chain)
        return chains


def _mirror(
    plan: Plan, files: Sequence[SourceFile], directory: Path
) -> dict[str, tuple[str, bool]]:
    """Write the project's modules below `directory`; module -> (shown path or "", in batch)."""
    settings = plan.settings
    placed: dict[str, tuple[str, bool]] = {}

    def place(module: str, is_package: bool, write: Callable[[Path], None], key: str, own: bool):
        parts = module.split(".")
        if not module or not all(part.isidentifier() for part in parts) or module in placed:
            return
        # a top-level module becomes a package of the same name: grimp builds packages
        target = (
            directory.joinpath(*parts, "__init__.py")
            if is_package or len(parts) == 1
            else (directory.joinpath(*parts[:-1], parts[-1] + ".py"))
        )
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        write(target)
        placed[module] = (key, own)

    for source in files:
        if source.data is None or source.path.suffix != ".py":
            continue
        data = source.data
        write = lambda t, d=data: t.write_bytes(d)  # noqa: E731
        place(source.module, source.is_package, write, source.shown, True)
    for path in discover([settings.root], discovery_for(settings)):
        if path.suffix != ".py" or unchecked_reason(path, settings.max_file_size, settings.root):
            continue
        module, is_package = module_name(path, settings.src)
        real = os.path.abspath(path)
        place(module, is_package, lambda t, r=real: t.symlink_to(r), "", False)
    # every folder a package: grimp drops folders without `__init__.py` inside a package
    for folder, _dirs, names in os.walk(directory):
        if Path(folder) != directory and "__init__.py" not in names:
            Path(folder, "__init__.py").write_bytes(b"")
    return placed


class ImportsJob:
    """The graph built in a thread (mirror, then grimp in a subprocess), checked on collect."""

    def __init__(self, plan: Plan, rules: Sequence[ActiveRule], files: Sequence[SourceFile]):
        self.plan = plan
        self.rules = rules
        self.files = [f for f in files if f.data is not None]
        self.workdir = tempfile.TemporaryDirectory(prefix="guardrails-imports-")
        self.result: dict[str, Any] | None = None
        self.failure: BaseException | None = None
        self.process: Any = None
        self.placed: dict[str, tuple[str, bool]] = {}
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="guardrails-imports", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            base = Path(self.workdir.name)
            mirror = base / "project"
            mirror.mkdir()
            self.placed = _mirror(self.plan, self.files, mirror)
            if self._stop.is_set():
                return
            run = tempfile.TemporaryDirectory(prefix="scan-", dir=base)
            argv = [sys.executable, "-I", "-c", _SCANNER, str(mirror), str(MAX_UNPARSABLE)]
            env = isolated_env(run.name, drop_prefixes=("PYTHON",), extra={})
            self.process = start_process("grimp", argv, run, env, base)
            if self._stop.is_set():
                return
            code, out, err = self.process.wait(backend_timeout(600))
            if code != 0:
                raise BackendError(f"the import graph could not be built (grimp): {last_line(err)}")
            self.result = json.loads(out)
        except BaseException as exc:  # reported by collect, in the caller's thread
            self.failure = exc

    def done(self) -> bool:
        return not self.thread.is_alive()

    def close(self) -> None:
        self._stop.set()
        if self.process is not None:
            self.process.close()
        self.thread.join(timeout=60)
        self.workdir.cleanup()

    def collect(self) -> dict[str, list[Violation]]:
        timeout = backend_timeout(600)
        self.thread.join(timeout=timeout + 5)  # the subprocess itself is stopped at `timeout`
        try:
            if self.thread.is_alive():
                raise BackendError(
                    f"the import graph was not built within {timeout:.0f} s; the run is incomplete"
                )
            if self.failure is not None:
                if isinstance(self.failure, BackendError):
                    raise self.failure
                raise BackendError(
                    f"the import graph could not be built: {self.failure!r}"
                ) from self.failure
            result = self.result or {}
            if "error" in result:
                raise BackendError(f"the import graph could not be built: {result['error']}")
            return self._findings(result)
        finally:
            self.close()

    def _findings(self, result: Mapping[str, Any]) -> dict[str, list[Violation]]:
        lines = {(a, b): line for a, b, line in result.get("imports", ())}
        graph = ImportGraph(lines, result.get("modules", ()))
        batch = {f.module: f for f in self.files if self.placed.get(f.module, ("", False))[1]}
        findings: dict[str, list[Violation]] = {}
        for rule in self.rules:
            cls = rule.implementation(BACKEND)
            try:
                found = list(cls.check_imports(graph, rule.options))
            except Exception as exc:  # a plugin's bug costs its rule only (GR003)
                crash = ActiveRule(RULE_CRASH, RULE_CRASH.severity, {})
                for source in batch.values():
                    findings.setdefault(source.shown, []).append(
                        crash.violation(
                            source.shown,
                            (1, 1),
                            (1, 2),
                            f"rule {rule.id} raised {type(exc).__name__}: {exc} "
                            "while checking the import graph",
                            backend=BACKEND,
                        )
                    )
                continue
            for chain, message in found:
                source = batch.get(chain[0]) if len(chain) >= 3 else None
                if source is None:
                    continue  # direct imports are the per-file rule's; others not in the batch
                line = lines.get((chain[0], chain[1]), 1)
                text = source.lines[line - 1] if 0 < line <= len(source.lines) else ""
                column = len(text) - len(text.lstrip()) + 1
                end = len(text.rstrip("\r\n")) + 1
                findings.setdefault(source.shown, []).append(
                    rule.violation(
                        source.shown,
                        (line, column),
                        (line, max(end, column + 1)),
                        message,
                        backend=BACKEND,
                    )
                )
        return findings


class ImportsBackend:
    """Rule classes with `check_imports`, run on the project's import graph (grimp)."""

    name = BACKEND
    cross_file = True

    def identity(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"grimp {version('grimp')}"
        except PackageNotFoundError:
            return "grimp: not installed"

    def declare(self, results: HookResults, registry: Registry, claim: Claim) -> None:
        """The LibCST backend declared these rules; here they get a second implementation."""
        for _plugin, classes in results("guardrails_rules"):
            for cls in classes:
                meta = getattr(cls, "META", None)
                check = getattr(cls, "check_imports", None)
                if callable(check) and meta is not None and registry.get(meta.id) is not None:
                    registry.implement(BACKEND, meta.id, cls)

    def start(
        self, plan: Plan, files: Sequence[SourceFile], cwd: Path, jobs: int
    ) -> ImportsJob | None:
        wanted = [
            rule
            for rule in plan.rules
            if (cls := rule.implementation(BACKEND)) is not None
            and getattr(cls, "wants_imports", lambda options: True)(rule.options)
        ]
        if not wanted or not any(f.data is not None for f in files):
            return None
        return ImportsJob(plan, wanted, files)


INSTANCE = ImportsBackend()
