"""`guardrails server`: the Language Server (LSP over stdio, built on pygls and lsprotocol).

Every check goes through one `WarmEngine` (`guardrails.warm`): per-file
config, plugins, per-file-ignores, suppressions and the baseline apply as
`guardrails check` applies them. The protocol side here only schedules
checks and turns findings into diagnostics and code actions:

- open and change: the unsaved buffer, LibCST rules only, in a worker
  thread, at once when no check of that document runs; changes that come
  while one runs are checked together, right after it (so typing never
  queues checks, and an edit waits for at most one check before its own).
  A result for an older version is never published. The LibCST rules run
  in the engine's resident worker process: warm, and no fork of this
  threaded process.
- save: every backend (Semgrep, Ruff read the saved file) in a second
  worker thread, so LibCST diagnostics never wait for them; their findings
  stay with the document's diagnostics until the next save.
- a changed config file (watched files, or a saved one) reloads the plans.

The server writes nothing: fixes and suppressions are edits sent to the client.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from guardrails import __version__
from guardrails.config import CONFIG_NAMES
from guardrails.diagnostics import PARSE_ERROR, RULE_CRASH
from guardrails.errors import GuardrailsError
from guardrails.lines import split_lines
from guardrails.model import Edit, RuleMeta, Violation
from guardrails.warm import WarmEngine

COALESCE = 0.005
"""Seconds a change waits before its check starts: changes sent together are checked once."""

SOURCE = "guardrails"
FIX_ALL = "source.fixAll.guardrails"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_RULE_ID = re.compile(r"\b[A-Z][A-Z_]*[0-9]{3}\b")
_IGNORE = re.compile(r"#\s*guardrails\s*:\s*ignore\[(?P<ids>[^\]]*)\]")

log = logging.getLogger(__name__)


@dataclass
class DocumentState:
    """What the server knows about one open document."""

    version: int | None = None
    timer: asyncio.TimerHandle | None = None
    running: bool = False  # a LibCST check of this document is under way
    dirty: bool = False  # changed while it ran: check again when it ends
    fast: list[Violation] = field(default_factory=list)  # LibCST rules, latest version
    slow: list[Violation] = field(default_factory=list)  # other backends, last save
    shown: list[Violation] = field(default_factory=list)  # what the client was last sent
    metas: dict[str, RuleMeta] = field(default_factory=dict)
    crashes: set[str] = field(default_factory=set)  # ids of the crashed rules already told


class GuardrailsServer(LanguageServer):
    """The LSP surface over a `WarmEngine`; one per editor session."""

    def __init__(self) -> None:
        super().__init__("guardrails", __version__)
        self.engine: WarmEngine | None = None
        self.documents: dict[str, DocumentState] = {}
        # one thread per kind of check: LibCST checks never queue behind Semgrep
        self.fast_pool = concurrent.futures.ThreadPoolExecutor(1, "guardrails-fast")
        self.slow_pool = concurrent.futures.ThreadPoolExecutor(1, "guardrails-slow")
        self.config_errors: set[str] = set()
        self.tasks: set[asyncio.Future[None]] = set()  # running checks, kept until done

    def spawn(self, uri: str, full: bool) -> None:
        """Start a check as a task the server holds on to (a bare task can be collected)."""
        task = asyncio.ensure_future(self.check(uri, True) if full else self.check_fast(uri))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def warm(self) -> WarmEngine:
        if self.engine is None:
            root = self.workspace.root_path if self.workspace else None
            self.engine = WarmEngine(Path(root or Path.cwd()))
        return self.engine

    @property
    def encoding(self) -> str:
        """The negotiated position encoding: utf-32 or utf-8 when the client offers
        them (pygls takes the client's first preference), else UTF-16."""
        chosen = self.server_capabilities.position_encoding
        return str(chosen.value if hasattr(chosen, "value") else chosen or "utf-16")

    def supports(self, *path: str) -> bool:
        """Whether the client's capabilities say yes at `path` (attribute names)."""
        node: object = self.client_capabilities
        for name in path:
            node = getattr(node, name, None)
            if node is None:
                return False
        return bool(node)

    # -- checking ---------------------------------------------------------------

    def schedule(self, uri: str, delay: float = COALESCE) -> None:
        """Check the buffer's LibCST rules soon; while a check of it runs, right after it."""
        state = self.documents.setdefault(uri, DocumentState())
        if state.running:
            state.dirty = True
            return
        if state.timer is not None:
            state.timer.cancel()
        loop = asyncio.get_running_loop()
        state.timer = loop.call_later(delay, self.spawn, uri, False)

    async def check_fast(self, uri: str) -> None:
        """One LibCST check of the document; another after it if it changed meanwhile."""
        state = self.documents.get(uri)
        if state is None:
            return
        state.timer, state.running, state.dirty = None, True, False
        try:
            await self.check(uri, False)
        finally:
            state.running = False
            if state.dirty and self.documents.get(uri) is state:
                self.schedule(uri, 0)

    async def check(self, uri: str, full: bool) -> None:
        """Check the document's current text off the event loop; publish if still current."""
        state = self.documents.get(uri)
        path = to_fs_path(uri)
        if state is None or path is None or not path.endswith((".py", ".pyi")):
            return
        document = self.workspace.get_text_document(uri)
        version, text = document.version, document.source
        pool = self.slow_pool if full else self.fast_pool
        loop = asyncio.get_running_loop()
        try:
            project, found = await loop.run_in_executor(
                pool, self.warm().check, Path(path), text, full
            )
        except GuardrailsError as exc:  # a broken config or plugin: say so once, keep running
            self.tell_once(f"guardrails: cannot check {Path(path).name}: {exc}")
            return
        except Exception as exc:  # a bug must not end the editor's session: log it, go on
            log.exception("checking %s failed", path)
            self.tell_once(f"guardrails: checking {Path(path).name} failed: {exc!r}")
            return
        if uri not in self.documents or self.workspace.get_text_document(uri).version != version:
            return  # stale: a newer version is on its way
        state.metas = project.metas
        if full:
            fast_ids = {rule.id for rule in project.fast.rules}
            state.slow = [v for v in found if v.backend != "libcst" and v.rule_id not in fast_ids]
            state.fast = [v for v in found if v not in state.slow]
        else:
            state.fast = found
        self.publish(uri, version, text)

    def publish(self, uri: str, version: int | None, text: str) -> None:
        state = self.documents[uri]
        broken = [v for v in state.fast if v.rule_id == PARSE_ERROR.id]
        # a buffer that does not parse mid-typing: one diagnostic, the rest out of the way
        shown = broken[:1] if broken else sorted(state.fast + state.slow, key=Violation.sort_key)
        for v in shown:
            crashed = ",".join(_RULE_ID.findall(v.message)) or v.message
            if v.rule_id == RULE_CRASH.id and crashed not in state.crashes:
                state.crashes.add(crashed)  # once per rule and document, not per keystroke
                self.tell_once(f"guardrails: {Path(to_fs_path(uri) or uri).name}: {v.message}")
        state.shown = shown
        lines = split_lines(text)
        diagnostics = [self.diagnostic(uri, v, lines, state.metas) for v in shown]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def tell_once(self, message: str) -> None:
        if message in self.config_errors:
            return
        self.config_errors.add(message)
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        )

    # -- conversions --------------------------------------------------------------

    def position(self, lines: list[str], line: int, column: int) -> types.Position:
        """A 1-based line and code-point column as an LSP position in the negotiated units."""
        index = max(line - 1, 0)
        text = lines[index] if index < len(lines) else ""
        prefix = text.rstrip("\r\n")[: max(column - 1, 0)]
        if self.encoding == "utf-32":
            units = len(prefix)
        elif self.encoding == "utf-8":
            units = len(prefix.encode("utf-8", "surrogatepass"))
        else:
            units = len(prefix.encode("utf-16-le", "surrogatepass")) // 2
        return types.Position(line=index, character=units)

    def span(self, lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> types.Range:
        return types.Range(start=self.position(lines, *start), end=self.position(lines, *end))

    def diagnostic(
        self, uri: str, v: Violation, lines: list[str], metas: dict[str, RuleMeta]
    ) -> types.Diagnostic:
        from guardrails.ruletext import docs_uri

        where = self.span(lines, (v.line, v.column), (v.end_line, v.end_column))
        meta = metas.get(v.rule_id)
        href = docs_uri(meta) if meta is not None else ""
        related = None
        if v.remediation and self.supports(
            "text_document", "publish_diagnostics", "related_information"
        ):
            related = [
                types.DiagnosticRelatedInformation(
                    location=types.Location(uri=uri, range=where),
                    message=f"what to do: {v.remediation}",
                )
            ]
        return types.Diagnostic(
            range=where,
            message=v.message,
            severity=SEVERITY.get(v.severity, types.DiagnosticSeverity.Warning),
            code=v.rule_id,
            code_description=types.CodeDescription(href=href) if href else None,
            source=SOURCE,
            related_information=related,
            data={"rule": v.rule_id, "line": v.line, "column": v.column},
        )

    def text_edit(self, lines: list[str], edit: Edit) -> types.TextEdit:
        where = self.span(
            lines, (edit.start_line, edit.start_column), (edit.end_line, edit.end_column)
        )
        return types.TextEdit(range=where, new_text=edit.content)

    # -- code actions ---------------------------------------------------------------

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        state = self.documents.get(uri)
        if state is None:
            return []
        document = self.workspace.get_text_document(uri)
        lines = split_lines(document.source)
        only = params.context.only
        actions: list[types.CodeAction] = []
        wanted_quickfix = not only or any(str(k).startswith("quickfix") for k in only)
        if wanted_quickfix:
            first, last = params.range.start.line + 1, params.range.end.line + 1
            for v in state.shown:
                if v.end_line < first or v.line > last:
                    continue
                actions += self.fix_actions(uri, v, lines, document.version)
                if v.rule_id not in (PARSE_ERROR.id, RULE_CRASH.id):
                    actions.append(self.suppress_action(uri, v, lines, document.version))
        if not only or any(FIX_ALL.startswith(str(k)) for k in only):
            fix_all = self.fix_all_action(uri, state, document.source, document.version)
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    def workspace_edit(
        self, uri: str, version: int | None, edits: list[types.TextEdit | types.SnippetTextEdit]
    ) -> types.WorkspaceEdit:
        snippets = any(isinstance(e, types.SnippetTextEdit) for e in edits)
        if snippets or self.supports("workspace", "workspace_edit", "document_changes"):
            document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
            return types.WorkspaceEdit(
                document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)]
            )
        plain = [e for e in edits if isinstance(e, types.TextEdit)]
        return types.WorkspaceEdit(changes={uri: plain})

    def fix_actions(
        self, uri: str, v: Violation, lines: list[str], version: int | None
    ) -> list[types.CodeAction]:
        if v.fix is None or not v.fix.edits:
            return []
        unsafe = v.fix.applicability != "safe"
        title = f"{v.rule_id}: {v.fix.description or 'apply the fix'}"
        edits: list[types.TextEdit | types.SnippetTextEdit] = [
            self.text_edit(lines, e) for e in v.fix.edits
        ]
        return [
            types.CodeAction(
                title=title + (" (unsafe)" if unsafe else ""),
                kind=types.CodeActionKind.QuickFix,
                is_preferred=not unsafe,
                edit=self.workspace_edit(uri, version, edits),
            )
        ]

    def suppress_action(
        self, uri: str, v: Violation, lines: list[str], version: int | None
    ) -> types.CodeAction:
        """Insert `  # guardrails: ignore[ID] ` at the end of the finding's line (or add the
        id to the ignore comment already there); the cursor goes where the reason belongs
        when the client takes snippets."""
        index = v.line - 1
        text = lines[index].rstrip("\r\n") if index < len(lines) else ""
        existing = _IGNORE.search(text)
        snippets = self.supports("workspace", "workspace_edit", "snippet_edit_support")
        if existing is not None:
            column = existing.end("ids") + 1  # 1-based code points, before the `]`
            new_text = f", {v.rule_id}"
        else:
            column = len(text) + 1
            new_text = f"  # guardrails: ignore[{v.rule_id}] "
        where = self.span(lines, (v.line, column), (v.line, column))
        edit: types.TextEdit | types.SnippetTextEdit
        if snippets and existing is None:
            snippet = types.StringValue(value=_snippet_escape(new_text) + "$0")
            edit = types.SnippetTextEdit(range=where, snippet=snippet)
        else:
            edit = types.TextEdit(range=where, new_text=new_text)
        return types.CodeAction(
            title=f"Suppress {v.rule_id} on this line (give a reason)",
            kind=types.CodeActionKind.QuickFix,
            edit=self.workspace_edit(uri, version, [edit]),
        )

    def fix_all_action(
        self, uri: str, state: DocumentState, text: str, version: int | None
    ) -> types.CodeAction | None:
        """Every safe fix of the file at once, as `guardrails fix` applies them."""
        from guardrails.fixer import apply_fixes

        fixes = [
            v.fix
            for v in state.shown
            if v.fix is not None and v.fix.applicability == "safe" and v.fix.edits
        ]
        if not fixes:
            return None
        fixed, applied = apply_fixes(text, fixes)
        if not applied or fixed == text:
            return None
        lines = split_lines(text)
        end = self.position(lines, len(lines) + 1, 1) if text.endswith("\n") or not lines else None
        if end is None:
            last = lines[-1]
            end = self.position(lines, len(lines), len(last) + 1)
        whole = types.Range(start=types.Position(line=0, character=0), end=end)
        edits: list[types.TextEdit | types.SnippetTextEdit] = [
            types.TextEdit(range=whole, new_text=fixed)
        ]
        return types.CodeAction(
            title=f"guardrails: fix all safe ({applied})",
            kind=FIX_ALL,
            edit=self.workspace_edit(uri, version, edits),
        )


def _snippet_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def is_config(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1] in CONFIG_NAMES


def build() -> GuardrailsServer:
    """The server with its handlers registered."""
    server = GuardrailsServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: GuardrailsServer, params: types.InitializedParams) -> None:
        from guardrails import engine_host

        engine_host.start_in_background(ls.warm().workspace)  # for the agent hooks here
        if ls.supports("workspace", "did_change_watched_files", "dynamic_registration"):
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{n}") for n in CONFIG_NAMES]
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
            registration = types.Registration(
                id="guardrails-config",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GuardrailsServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.documents[params.text_document.uri] = DocumentState()
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GuardrailsServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    async def did_save(ls: GuardrailsServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if is_config(uri):
            reload(ls)
        elif uri in ls.documents:
            await ls.check(uri, True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GuardrailsServer, params: types.DidCloseTextDocumentParams) -> None:
        state = ls.documents.pop(params.text_document.uri, None)
        if state is not None and state.timer is not None:
            state.timer.cancel()
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: GuardrailsServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(is_config(change.uri) for change in params.changes):
            reload(ls)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False
        ),
    )
    def code_action(ls: GuardrailsServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: GuardrailsServer, params: None) -> None:
        for state in ls.documents.values():
            if state.timer is not None:
                state.timer.cancel()
        ls.fast_pool.shutdown(wait=False, cancel_futures=True)
        ls.slow_pool.shutdown(wait=False, cancel_futures=True)
        if ls.engine is not None:
            ls.engine.close()  # its resident workers

    return server


def reload(ls: GuardrailsServer) -> None:
    """A config changed: forget the plans and re-check every open document."""
    ls.warm().reload()
    ls.config_errors.clear()
    for uri in list(ls.documents):
        state = ls.documents[uri]
        state.slow = []  # found under the old config
        ls.schedule(uri, 0)
        if _saved(ls, uri):  # Semgrep and Ruff read the file: only when it is the buffer
            ls.spawn(uri, True)


def _saved(ls: GuardrailsServer, uri: str) -> bool:
    """Whether the file on disk holds exactly the open buffer."""
    path = to_fs_path(uri)
    try:
        return path is not None and Path(path).read_text("utf-8") == (
            ls.workspace.get_text_document(uri).source
        )
    except (OSError, UnicodeDecodeError):
        return False


def serve() -> None:
    """Speak LSP on stdin/stdout until the client says exit."""
    build().start_io()
