"""`guardrails server` driven by a real LSP client (pygls') over stdio, as an editor drives it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

BAD = 'import requests\n\n\ndef get():\n    return requests.get("https://example.com")\n'
GOOD = (
    'import requests\n\n\ndef get():\n    return requests.get("https://example.com", timeout=5)\n'
)
SAFE_FIX = (
    "import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef f(job):\n"
    "    try:\n        job()\n    except ValueError as exc:\n"
    '        log.error("failed: %s", exc)\n'
)
DEBUG_ON = (
    'from flask import Flask\n\napp = Flask(__name__)\napp.run(host="127.0.0.1", debug=True)\n'
)
TIMEOUT = 10.0


class Session:
    """One server process, its client, and the diagnostics it published per document."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("test-client", "1")
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.messages: list[str] = []
        self.changed = asyncio.Event()
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append(params)
            self.changed.set()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def message(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            return None

    async def start(self, encodings: list[str] | None = None, snippets: bool = False) -> None:
        await self.client.start_io(sys.executable, "-m", "guardrails", "server", cwd=self.root)
        capabilities = types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=encodings)
            if encodings
            else None,
            workspace=types.WorkspaceClientCapabilities(
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                    dynamic_registration=True
                ),
                workspace_edit=types.WorkspaceEditClientCapabilities(snippet_edit_support=snippets),
            ),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                    related_information=True
                )
            ),
        )
        self.init = await self.client.initialize_async(
            types.InitializeParams(
                capabilities=capabilities,
                root_uri=from_fs_path(str(self.root)),
                workspace_folders=[
                    types.WorkspaceFolder(uri=from_fs_path(str(self.root)), name="p")
                ],
            )
        )
        self.client.initialized(types.InitializedParams())

    def uri(self, name: str) -> str:
        return from_fs_path(str(self.root / name))

    def open(self, name: str, text: str) -> str:
        uri = self.uri(name)
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
            )
        )
        return uri

    def change(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
        )

    async def diagnostics(
        self, uri: str, until: Callable[[list[types.Diagnostic]], bool]
    ) -> list[types.Diagnostic]:
        """The latest diagnostics for the current version once `until` holds for them."""

        async def wait() -> list[types.Diagnostic]:
            while True:
                latest = self.published.get(uri, [])
                current = latest and latest[-1].version == self.versions[uri]
                if current and until(list(latest[-1].diagnostics)):
                    return list(latest[-1].diagnostics)
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)

    async def actions(self, uri: str, line: int, only: list[str] | None = None) -> list[Any]:
        where = types.Range(types.Position(line, 0), types.Position(line, 0))
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=where,
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
        return list(result or [])

    async def stop(self) -> tuple[int | None, str]:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        server = self.client._server
        assert server is not None and server.stderr is not None
        err = await asyncio.wait_for(server.stderr.read(), TIMEOUT)
        code = await asyncio.wait_for(server.wait(), TIMEOUT)
        await self.client.stop()
        return code, err.decode()


def run(root: Path, scenario: Callable[[Session], Awaitable[None]], **start: Any) -> None:
    async def main() -> None:
        session = Session(root)
        await session.start(**start)
        try:
            await scenario(session)
        finally:
            if session.client._server is not None and session.client._server.returncode is None:
                session.client._server.kill()
                await session.client.stop()

    asyncio.run(main())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A git repository with a guardrails config: the project the editor opened."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "pyproject.toml").write_text("[tool.guardrails]\n")
    return tmp_path.resolve()


def ids(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) to `text`, as a client does."""
    lines = [*text.splitlines(keepends=True), ""]

    def offset(position: types.Position) -> int:
        line = lines[position.line]
        units = line.encode("utf-16-le")[: position.character * 2].decode("utf-16-le")
        return sum(len(x) for x in lines[: position.line]) + len(units)

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[Any]:
    assert action.edit is not None
    if action.edit.document_changes:
        return [e for change in action.edit.document_changes for e in change.edits]
    return list((action.edit.changes or {})[uri])


def test_unsaved_buffer_diagnostics_follow_the_edits_and_the_save(root: Path) -> None:
    async def scenario(s: Session) -> None:
        assert s.init.capabilities.code_action_provider is not None
        uri = s.open("app.py", BAD)
        found = await s.diagnostics(uri, lambda d: bool(d))
        assert ids(found) == ["REL001"]
        rel = found[0]
        assert rel.severity == types.DiagnosticSeverity.Error
        assert rel.source == "guardrails"
        assert (rel.range.start.line, rel.range.start.character) == (4, 11)
        assert rel.range.end == types.Position(4, 46)
        assert rel.code_description is not None
        assert rel.code_description.href.endswith("/REL001.md")
        assert rel.related_information and "timeout" in rel.related_information[0].message

        s.change(uri, GOOD)  # fixed in the buffer, never saved
        assert await s.diagnostics(uri, lambda d: True) == []

        s.change(uri, "def broken(:\n    pass\n" + BAD)
        broken = await s.diagnostics(uri, lambda d: True)
        assert ids(broken) == ["GR001"]

        # Semgrep-backed SEC014 runs on save only, merged with the LibCST findings
        (root / "web.py").write_text(DEBUG_ON + BAD)
        web = s.open("web.py", DEBUG_ON + BAD)
        assert ids(await s.diagnostics(web, lambda d: bool(d))) == ["REL001"]
        s.save(web)
        saved = await s.diagnostics(web, lambda d: "SEC014" in ids(d))
        assert sorted(ids(saved)) == ["REL001", "SEC014"]
        (unsafe,) = [a for a in await s.actions(web, 3) if a.title.startswith("SEC014")]
        assert unsafe.title.endswith("(unsafe)") and not unsafe.is_preferred
        assert s.published[uri][-1].version == s.versions[uri]  # nothing stale came after

        code, err = await s.stop()
        assert (code, err) == (0, "")

    run(root, scenario)


def test_code_actions_fix_suppress_and_fix_all(root: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = s.open("jobs.py", SAFE_FIX)
        assert ids(await s.diagnostics(uri, bool)) == ["OBS003"]
        actions = await s.actions(uri, 9)
        fixes = [a for a in actions if a.title.startswith("OBS003")]
        assert len(fixes) == 1 and fixes[0].is_preferred and "(unsafe)" not in fixes[0].title
        fixed = apply(SAFE_FIX, edits_of(fixes[0], uri))
        assert 'log.exception("failed: %s", exc)' in fixed or "exc_info" in fixed

        suppress = next(a for a in actions if a.title.startswith("Suppress OBS003"))
        (edit,) = edits_of(suppress, uri)
        assert isinstance(edit, types.TextEdit)  # the client takes no snippets
        suppressed = apply(SAFE_FIX, [edit])
        expected = '        log.error("failed: %s", exc)  # guardrails: ignore[OBS003] \n'
        assert suppressed.splitlines(keepends=True)[9] == expected

        (fix_all,) = await s.actions(uri, 0, only=["source.fixAll.guardrails"])
        assert fix_all.kind == "source.fixAll.guardrails"
        assert apply(SAFE_FIX, edits_of(fix_all, uri)) == fixed

        s.change(uri, fixed)
        assert await s.diagnostics(uri, lambda d: True) == []
        s.change(uri, suppressed.replace("] \n", "] the caller logs it\n"))
        assert await s.diagnostics(uri, lambda d: True) == []
        assert await s.stop() == (0, "")

    run(root, scenario)


def test_suppress_leaves_the_cursor_for_the_reason_and_extends_a_comment(root: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = s.open("app.py", BAD)
        await s.diagnostics(uri, bool)
        (suppress,) = [a for a in await s.actions(uri, 4) if a.title.startswith("Suppress")]
        (edit,) = edits_of(suppress, uri)
        assert isinstance(edit, types.SnippetTextEdit)
        assert edit.snippet.value == "  # guardrails: ignore[REL001] $0"

        text = BAD.replace(")\n", ")  # guardrails: ignore[SEC001] legacy\n")
        s.change(uri, text)
        await s.diagnostics(uri, lambda d: "REL001" in ids(d))
        (suppress,) = [a for a in await s.actions(uri, 4) if a.title.startswith("Suppress REL")]
        (edit,) = edits_of(suppress, uri)
        assert "ignore[SEC001, REL001] legacy" in apply(text, [edit])
        await s.stop()

    run(root, scenario, snippets=True)


def test_a_config_change_reloads_without_a_restart(root: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = s.open("app.py", BAD)
        assert ids(await s.diagnostics(uri, bool)) == ["REL001"]
        (root / "pyproject.toml").write_text('[tool.guardrails]\nignore = ["REL001"]\n')
        s.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri=s.uri("pyproject.toml"), type=types.FileChangeType.Changed)]
            )
        )
        s.published[uri].clear()
        assert await s.diagnostics(uri, lambda d: True) == []
        assert await s.stop() == (0, "")

    run(root, scenario)


def test_positions_count_utf16_units_unless_utf32_is_negotiated(root: Path) -> None:
    text = BAD.replace("    return", '    "\U0001f600"; return')  # an astral char before it

    async def utf16(s: Session) -> None:
        assert s.init.capabilities.position_encoding in (None, "utf-16")
        uri = s.open("app.py", text)
        (found,) = await s.diagnostics(uri, bool)
        # 4 spaces, quote, the emoji (2 units), quote, `; return ` -> the call at 17 units
        assert found.range.start == types.Position(4, 17)
        await s.stop()

    async def utf32(s: Session) -> None:
        assert s.init.capabilities.position_encoding == "utf-32"
        uri = s.open("app.py", text)
        (found,) = await s.diagnostics(uri, bool)
        assert found.range.start == types.Position(4, 16)  # one code point each
        await s.stop()

    run(root, utf16)
    run(root, utf32, encodings=["utf-32", "utf-16"])


def test_server_without_pygls_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "pygls"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('no pygls', name='pygls')\n")
    path = [str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    done = subprocess.run(
        [sys.executable, "-m", "guardrails", "server"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("guardrails: error: ") and "guardrails[lsp]" in done.stderr
    assert "Traceback" not in done.stderr


CRASHY_PLUGIN = """\
import libcst as cst
from guardrails import CstRule, Example, RuleMeta, hookimpl


class Crashy(CstRule):
    META = RuleMeta(
        id="TST001", name="crashy", category="reliability", severity="error",
        summary="s", why="w", remediation="r",
        bad=(Example("x = 1  # bad\\n"),), good=(Example("y = 2\\n"),),
    )

    def visit_Call(self, node: cst.Call) -> None:
        raise KeyError("boom")


@hookimpl
def guardrails_rules():
    return [Crashy]
"""


def test_a_crashing_plugin_rule_is_told_once_and_the_server_keeps_going(root: Path) -> None:
    (root / "tools").mkdir()
    (root / "tools" / "crashy.py").write_text(CRASHY_PLUGIN)
    (root / "pyproject.toml").write_text('[tool.guardrails]\nplugins = ["tools.crashy"]\n')

    async def scenario(s: Session) -> None:
        uri = s.open("app.py", BAD)
        found = await s.diagnostics(uri, lambda d: "GR003" in ids(d))
        assert sorted(ids(found)) == ["GR003", "REL001"]
        for n in range(3):  # typing on: the crash stays one diagnostic, told once
            s.change(uri, BAD + f"print({n})\n")
            await s.diagnostics(uri, lambda d: "GR003" in ids(d))
        assert len([m for m in s.messages if "TST001" in m]) == 1
        assert await s.stop() == (0, "")

    run(root, scenario)


def test_only_the_latest_version_is_published(root: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = s.open("app.py", GOOD)
        await s.diagnostics(uri, lambda d: True)
        for _ in range(5):  # sent together: checked together; older versions never shown
            s.change(uri, BAD)
            s.change(uri, GOOD)
        s.change(uri, BAD)
        assert ids(await s.diagnostics(uri, bool)) == ["REL001"]
        await asyncio.sleep(0.5)
        versions = [p.version for p in s.published[uri]]
        assert versions == [1, s.versions[uri]]
        assert await s.stop() == (0, "")

    run(root, scenario)


def test_each_file_gets_its_nearest_config_baseline_and_per_file_ignores(root: Path) -> None:
    service = root / "svc"
    (service / "legacy").mkdir(parents=True)
    (service / "pyproject.toml").write_text(
        '[tool.guardrails]\nbaseline = "baseline.json"\n'
        '[tool.guardrails.per-file-ignores]\n"legacy/*" = ["REL001"]\n'
    )
    (service / "old.py").write_text(BAD)
    recorded = subprocess.run(
        [sys.executable, "-m", "guardrails", "baseline"],
        cwd=service,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert recorded.returncode == 0, recorded.stderr

    async def scenario(s: Session) -> None:
        baselined = s.open("svc/old.py", BAD)
        ignored = s.open("svc/legacy/a.py", BAD)
        new = s.open("svc/new.py", BAD)
        top = s.open("top.py", BAD)
        assert ids(await s.diagnostics(new, bool)) == ["REL001"]
        assert ids(await s.diagnostics(top, bool)) == ["REL001"]
        assert await s.diagnostics(baselined, lambda d: True) == []
        assert await s.diagnostics(ignored, lambda d: True) == []
        assert await s.stop() == (0, "")

    run(root, scenario)


def test_a_broken_config_is_told_and_a_fixed_one_is_picked_up(root: Path) -> None:
    async def scenario(s: Session) -> None:
        (root / "pyproject.toml").write_text('[tool.guardrails]\nselect = ["NOPE999"]\n')
        uri = s.open("app.py", BAD)
        for _ in range(100):
            if s.messages:
                break
            await asyncio.sleep(0.05)
        assert len(s.messages) == 1 and "NOPE999" in s.messages[0]
        (root / "pyproject.toml").write_text("[tool.guardrails]\n")
        s.client.text_document_did_save(
            types.DidSaveTextDocumentParams(
                types.TextDocumentIdentifier(uri=s.uri("pyproject.toml"))
            )
        )
        assert ids(await s.diagnostics(uri, bool)) == ["REL001"]
        assert await s.stop() == (0, "")

    run(root, scenario)


MARKER_PLUGIN = """\
import libcst as cst
from guardrails import CstRule, RuleMeta, hookimpl


class Marker(CstRule):
    META = RuleMeta(
        id="TST002", name="marker", category="reliability", severity="error",
        summary="s", why="w", remediation="r",
    )

    def visit_Module(self, node: cst.Module) -> None:
        self.report(node, "MESSAGE")


@hookimpl
def guardrails_rules():
    return [Marker]
"""


def test_an_extended_config_and_an_edited_plugin_apply_at_the_next_change(root: Path) -> None:
    """Neither file is a config name an editor watches for this server: the server itself
    notices the change, with no restart and no watched-files event."""
    (root / "tools").mkdir()
    plugin = root / "tools" / "marker.py"
    plugin.write_text(MARKER_PLUGIN.replace("MESSAGE", "first words"))
    (root / "base.toml").write_text("[tool.guardrails]\n")
    (root / "pyproject.toml").write_text(
        '[tool.guardrails]\nextend = "base.toml"\nplugins = ["tools.marker"]\n'
    )

    async def scenario(s: Session) -> None:
        uri = s.open("app.py", BAD)
        found = await s.diagnostics(uri, lambda d: "TST002" in ids(d))
        assert sorted(ids(found)) == ["REL001", "TST002"]
        (root / "base.toml").write_text('[tool.guardrails]\nignore = ["REL001"]\n')
        await asyncio.sleep(0.01)  # a new modification time, even on a coarse clock
        plugin.write_text(MARKER_PLUGIN.replace("MESSAGE", "other words, longer"))
        s.change(uri, BAD + "\n")
        found = await s.diagnostics(uri, lambda d: ids(d) == ["TST002"])
        assert found[0].message == "other words, longer"
        assert await s.stop() == (0, "")

    run(root, scenario)


def test_a_buffer_with_a_coding_line_is_checked_as_it_would_be_saved(root: Path) -> None:
    text = "# -*- coding: cp1252 -*-\nname = 'Ábaco'\n" + BAD  # UTF-8 of Á is no cp1252

    async def scenario(s: Session) -> None:
        uri = s.open("app.py", text)
        found = await s.diagnostics(uri, bool)
        assert ids(found) == ["REL001"]  # not "cannot decode" (GR001): encoded as cp1252
        assert found[0].range.start.line == 6
        assert await s.stop() == (0, "")

    run(root, scenario)
