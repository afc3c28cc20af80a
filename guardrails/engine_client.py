"""The client side of the warm engine: what `guardrails hook` does before anything heavy.

An agent CLI starts `guardrails hook` after every edit. Importing the
engine (LibCST, pluggy, the rules) and loading the plan costs more than the
check of one file, so the hook first asks the project's running engine
(`guardrails.engine_host`) over a local socket, with the standard library
only. When there is no engine, or it is stale (another guardrails, another
interpreter, changed installed packages) or does not answer, the caller
checks in-process instead: the same pipeline, the same answer, just slower.

Rendezvous: the engine of a project writes `.guardrails_cache/engine.json`
(port, a random token, its code stamp) in the project folder, readable by
its owner only; the client looks for it from its working directory upwards.
Set `GUARDRAILS_ENGINE=off` to never use or start one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import site
import socket
import sys
from pathlib import Path
from typing import Any

STATE = Path(".guardrails_cache", "engine.json")
"""Where a project's engine says how to reach it, relative to the project folder."""

PROTOCOL = 1
CONNECT_TIMEOUT = 0.5  # seconds: a live engine on this machine accepts at once
ANSWER_TIMEOUT = 300.0  # seconds: a check with Semgrep on a large file can take a while
MAX_ANSWER = 64 * 1024 * 1024


def enabled() -> bool:
    """Whether the warm engine may be used (and started): `GUARDRAILS_ENGINE=off` says no."""
    # guardrails: ignore[ARC005] the hook's entry point, before any config code is imported
    value = os.environ.get("GUARDRAILS_ENGINE", "").strip().lower()
    return value not in {"0", "off", "no", "false"} and os.name == "posix"


def code_stamp() -> str:
    """What must match between an engine and its client for their answers to agree:
    guardrails' own code, the interpreter and the packages it can import."""
    package = Path(__file__).resolve().parent
    files = []
    for folder, _dirs, names in os.walk(package):
        for name in sorted(names):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                files.append((os.path.join(folder, name), stat.st_mtime_ns, stat.st_size))
    state = [PROTOCOL, sys.executable, sorted(files), installed_stamp()]
    return hashlib.sha256(json.dumps(state).encode("utf-8", "surrogateescape")).hexdigest()


def installed_stamp() -> list[tuple[str, int]]:
    """The folders installed packages (plugins among them) are imported from, with their
    modification times: installing or removing a package changes its folder's."""
    folders = [*site.getsitepackages(), site.getusersitepackages()]
    # guardrails: ignore[ARC005] not configuration: where this interpreter imports from
    folders += os.environ.get("PYTHONPATH", "").split(os.pathsep)
    stamps = []
    for folder in filter(None, folders):  # "" would be whatever folder this process is in
        try:
            stamps.append((folder, os.stat(folder).st_mtime_ns))
        except OSError:
            stamps.append((folder, 0))
    return stamps


def state_near(start: Path) -> dict[str, Any] | None:
    """The state of the engine serving `start`: the nearest state file upwards, if valid."""
    for folder in (start, *start.parents):
        candidate = folder / STATE
        if candidate.is_file():
            return read_state(candidate)
    return None


def read_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("protocol") != PROTOCOL:
        return None
    if not isinstance(state.get("port"), int) or not isinstance(state.get("token"), str):
        return None
    return state


def read_all(conn: socket.socket, limit: int) -> bytes | None:
    """Everything the other end sends until it closes its side; None past `limit` bytes."""
    chunks, size = [], 0
    while chunk := conn.recv(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None
    return b"".join(chunks)


def proof(token: str, nonce: str) -> str:
    """What only a holder of the token can say about a request's nonce."""
    return hmac.new(token.encode(), nonce.encode(), hashlib.sha256).hexdigest()


def send(state: dict[str, Any], request: dict[str, Any]) -> dict[str, Any] | None:
    """One request to the engine; None when it cannot be reached, answers nonsense, or
    cannot prove it holds the token (another process listening on a dead engine's port
    must not get to put words in front of the model)."""
    nonce = os.urandom(16).hex()
    message = {**request, "token": state["token"], "nonce": nonce}
    payload = json.dumps(message).encode("utf-8") + b"\n"
    try:
        with socket.create_connection(("127.0.0.1", state["port"]), CONNECT_TIMEOUT) as conn:
            conn.settimeout(ANSWER_TIMEOUT)
            conn.sendall(payload)
            conn.shutdown(socket.SHUT_WR)
            data = read_all(conn, MAX_ANSWER)
    except OSError:
        return None
    if data is None:
        return None
    try:
        answer = json.loads(data)
    except ValueError:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("proof"), str):
        return None
    if not hmac.compare_digest(answer.pop("proof"), proof(state["token"], nonce)):
        return None
    return answer


def ask(cwd: Path, request: dict[str, Any]) -> dict[str, Any] | None:
    """The answer of the engine serving `cwd`, or None (then check in-process).

    An engine started from other code or another environment is told to
    stop: it would answer as that code does, and the next hook starts a new one.
    """
    state = state_near(cwd)
    if state is None:
        return None
    if state.get("stamp") != code_stamp():
        send(state, {"op": "stop"})
        return None
    answer = send(state, request)
    if answer is None or answer.get("ok") is not True:
        return None
    return answer


def _agent_argument(args: list[str]) -> str | None:
    """NAME from exactly `hook --agent NAME` (or `--agent=NAME`); anything else is the
    full command line's to parse (and to reject with its own message)."""
    rest = args[1:]
    if len(rest) == 2 and rest[0] == "--agent":
        return rest[1]
    if len(rest) == 1 and rest[0].startswith("--agent="):
        return rest[0].split("=", 1)[1]
    return None


def hook(args: list[str]) -> tuple[int | None, bytes]:
    """Answer `guardrails hook --agent NAME` through the warm engine.

    Returns (exit code, stdin): the code is None when the engine did not
    answer, and then the caller checks the event (stdin, already read) itself.
    """
    agent = _agent_argument(args)
    data = sys.stdin.buffer.read() if sys.stdin is not None else b""
    if agent is None or not enabled():
        return None, data
    cwd = Path.cwd()
    request = {"op": "hook", "agent": agent, "cwd": str(cwd), "event": data.decode("latin-1")}
    answer = ask(cwd, request)
    if answer is None:
        return None, data
    stdout, stderr, code = answer.get("stdout"), answer.get("stderr"), answer.get("code")
    if not (isinstance(stdout, str) and isinstance(stderr, str) and isinstance(code, int)):
        return None, data
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    return code, data
