"""`guardrails engine`: one warm engine per project that answers agent hooks.

A hook process per edit would load plugins, build the plan and fork a
LibCST child every time. The engine does that once and then answers each
hook over a local socket (`guardrails.engine_client` is the other side)
with the very function the hook would run in-process
(`agent_hooks.answer`), given a `WarmEngine`: the same pipeline, the same
bytes out, only sooner.

Lifecycle, per project folder (the one whose config the hook resolves):

- started on first use: a hook that had to check in-process starts one
  in the background for the next edits; the language server and the MCP
  server start one when they start. `GUARDRAILS_ENGINE=off` prevents it.
- one at a time: an exclusive lock (`engine.lock`) held for its lifetime;
  a second engine exits at once. A crashed engine's lock goes with it.
- found through `engine.json` in the project's cache folder (port, random
  token, code stamp; mode 0600). Only its default place is looked in, so a
  project with another `cache-dir` checks in-process.
- ends after `IDLE_TIMEOUT` seconds without a request, when told to stop
  (a client with other code, `guardrails engine --stop`), or on SIGTERM;
  it then removes its state file.

It listens on 127.0.0.1 only, answers only requests carrying its token and
only for folders inside its project, and handles one request at a time in
its main thread (a hook checks in its own folder, which the process's
working directory must follow).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrails import engine_client
from guardrails.errors import GuardrailsError

if TYPE_CHECKING:
    from guardrails.warm import WarmEngine

IDLE_TIMEOUT = 900.0
"""Seconds without a request after which an engine exits (an agent session's pauses)."""

ENGINE_MAIN = (
    "import sys; del sys.path[0]; from guardrails.cli import main; sys.exit(main(['engine']))"
)
"""How a hook starts the engine: in the project folder, which must not be on `sys.path`
(`python -m` would put it first, and a project's `logging.py` would shadow the stdlib's)."""

MAX_REQUEST = 64 * 1024 * 1024  # an edit event holds one file's content at most


def _folder(cwd: Path) -> Path | None:
    """The project folder whose engine serves `cwd`: where its config is (as hooks
    resolve it), provided the cache stays in its default place there."""
    from guardrails.config import load_settings

    try:
        settings = load_settings(cwd)
    except GuardrailsError:
        return None  # a broken config: the hook reports it, in-process
    if settings.cache_dir is not None:
        return None
    return settings.root


def start_in_background(cwd: Path) -> None:
    """Start the engine of `cwd`'s project unless one runs (or engines are off).

    Never raises and never waits: the caller (a hook, a server starting up)
    has its own work to do; at worst the next hook checks in-process again.
    """
    if not engine_client.enabled():
        return
    with contextlib.suppress(OSError, ValueError):
        folder = _folder(cwd)
        if folder is None:
            return
        cache = folder / engine_client.STATE.parent
        if not os.access(cache if cache.exists() else folder, os.W_OK):
            return  # a read-only project: an engine could not even write its address
        if _locked(cache / "engine.lock"):
            return
        subprocess.Popen(
            [sys.executable, "-c", ENGINE_MAIN],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not ended with the hook's process group
            close_fds=True,
        )


def _locked(lock: Path) -> bool:
    """Whether an engine holds `lock` now (a quick probe, released at once)."""
    import fcntl

    if not lock.exists():
        return False
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def stop(cwd: Path) -> bool:
    """Ask the engine serving `cwd` to stop; whether one answered."""
    state = engine_client.state_near(cwd)
    return state is not None and engine_client.send(state, {"op": "stop"}) is not None


def serve(cwd: Path, idle: float = IDLE_TIMEOUT) -> int:
    """Run the engine of `cwd`'s project until idle for `idle` seconds; exit code 0.

    Exits at once (0) when another engine already serves the project."""
    import fcntl

    from guardrails import cache
    from guardrails.errors import UsageError
    from guardrails.safewrite import write_atomically
    from guardrails.warm import WarmEngine

    if not engine_client.enabled():
        raise UsageError("the engine is switched off (GUARDRAILS_ENGINE) or needs a POSIX system")
    folder = _folder(cwd)
    if folder is None:
        raise UsageError("no engine for a project whose config is broken or sets `cache-dir`")
    state_path = folder / engine_client.STATE
    cache.claim(state_path.parent)
    with open(state_path.parent / "engine.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another engine serves this project
        token = secrets.token_hex(16)
        with socket.create_server(("127.0.0.1", 0)) as listener:
            state = {
                "protocol": engine_client.PROTOCOL,
                "pid": os.getpid(),
                "port": listener.getsockname()[1],
                "token": token,
                "stamp": engine_client.code_stamp(),
            }
            data = json.dumps(state).encode("utf-8")
            write_atomically(state_path, data, mode=0o600, durable=False)
            engine = Served(WarmEngine(folder))
            previous = signal.signal(signal.SIGTERM, _stop_on_signal)
            try:
                _warm_up(engine.warm, folder)
                _loop(listener, engine, folder, token, idle)
            finally:
                signal.signal(signal.SIGTERM, previous)
                engine.warm.close()
                _remove_if_ours(state_path, data)
    return 0


@dataclass
class Served:
    """The engine's warm state and how many hooks it answered (what `status` tells)."""

    warm: WarmEngine
    served: int = 0


class _Stop(BaseException):
    """SIGTERM: end the loop and clean up."""


def _stop_on_signal(signum: int, frame: object) -> None:
    raise _Stop


def _warm_up(engine: WarmEngine, folder: Path) -> None:
    """Load the project's plan and start its LibCST worker before the first hook asks."""
    from guardrails.config import load_settings

    with contextlib.suppress(GuardrailsError):
        settings = load_settings(folder)
        engine.worker_for(engine.plan_for(settings)).warm_up()


def _loop(listener: socket.socket, engine: Served, folder: Path, token: str, idle: float) -> None:
    listener.settimeout(idle)
    while True:
        try:
            conn, _address = listener.accept()
        except TimeoutError:
            return  # idle: nobody has asked for a while
        except _Stop:
            return
        with conn:
            try:
                conn.settimeout(10.0)  # a client sends its whole request at once
                request = _read(conn)
                answer, stop = _answer(request, engine, folder, token)
                conn.settimeout(None)
                conn.sendall(json.dumps(answer).encode("utf-8"))
            except _Stop:
                return
            except OSError:
                continue  # that client went away: the next one may not
        if stop:
            return


def _read(conn: socket.socket) -> Any:
    data = engine_client.read_all(conn, MAX_REQUEST)
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def _answer(request: Any, engine: Served, folder: Path, token: str) -> tuple[dict[str, Any], bool]:
    """(the reply, whether to stop). Anything unexpected is refused: the client then
    checks in-process, which reports what is wrong as the hook always has."""
    from guardrails import agent_hooks
    from guardrails.containment import is_inside

    if not isinstance(request, dict) or not isinstance(request.get("token"), str):
        return {"ok": False}, False
    if not hmac.compare_digest(request["token"], token):
        return {"ok": False}, False
    nonce = request.get("nonce")
    # every answer to a token holder proves the engine holds it too (`engine_client.send`)
    refused: dict[str, Any] = {"ok": False, "proof": engine_client.proof(token, str(nonce))}
    if request.get("op") == "stop":
        return {**refused, "ok": True}, True
    if request.get("op") == "status":
        return {**refused, "ok": True, "pid": os.getpid(), "served": engine.served}, False
    agent_name, cwd, event = request.get("agent"), request.get("cwd"), request.get("event")
    if request.get("op") != "hook" or not isinstance(event, str) or not isinstance(cwd, str):
        return refused, False
    if not isinstance(agent_name, str) or agent_hooks.ALIASES.get(agent_name, agent_name) not in (
        agent_hooks.AGENTS
    ):
        return refused, False
    project = Path(cwd)
    try:
        if "\0" in cwd or not project.is_absolute() or not is_inside(project, folder):
            return refused, False
    except (OSError, ValueError, GuardrailsError):
        return refused, False
    agent = agent_hooks.agent_named(agent_name)
    previous = Path.cwd()
    try:
        os.chdir(project)  # as the hook process would run: in the agent's project folder
        answer = agent_hooks.answer(agent, event.encode("latin-1"), project, engine.warm)
    except OSError:
        return refused, False
    finally:
        os.chdir(previous)
    engine.served += 1
    out, err = answer.streams()
    return {**refused, "ok": True, "code": answer.code, "stdout": out, "stderr": err}, False


def _remove_if_ours(state_path: Path, data: bytes) -> None:
    """Remove the state file unless another engine has written its own since."""
    with contextlib.suppress(OSError):
        if state_path.read_bytes() == data:
            state_path.unlink()
