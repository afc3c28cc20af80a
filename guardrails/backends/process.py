"""Running an external checker (Semgrep, Ruff) as one isolated subprocess.

The process starts before the LibCST pass and writes its JSON to a file in
a private temporary directory (a pipe would fill up and stall it while
nobody reads), so both run at the same time. The directory doubles as the
tool's HOME, so nothing lands in the user's home directory, and is removed
when the run ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guardrails.errors import GuardrailsError


class BackendError(GuardrailsError):
    """An external backend could not run or did not finish: the run is incomplete."""


def find_executable(name: str, override_env: str) -> str | None:
    """The tool named by `$override_env`, else the one installed beside the running
    interpreter, else `name` on PATH.

    Beside the interpreter first: `venv/bin/guardrails` run without activating the
    venv, or a `pipx` / `uv tool` install, has semgrep and ruff in its own scripts
    folder, which is not on PATH; and a tool of another environment on PATH may be
    another version than the one guardrails was installed with.
    """
    explicit = os.environ.get(override_env)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for folder in dict.fromkeys((sysconfig.get_path("scripts"), os.path.dirname(sys.executable))):
        found = shutil.which(name, path=folder) if folder else None
        if found:
            return found
    return shutil.which(name)


TIMEOUT_ENV = "GUARDRAILS_BACKEND_TIMEOUT"


def backend_timeout(default: float) -> float:
    """Seconds a backend may run: `$GUARDRAILS_BACKEND_TIMEOUT`, else `default`.

    A hung Semgrep or Ruff is stopped and the run fails (exit 2) instead of
    waiting forever; CI with a hard job limit can set a shorter bound.
    """
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise BackendError(f"{TIMEOUT_ENV} must be a positive number of seconds, got {raw!r}")
    return value


def _wrapped(executable: str, name: str) -> list[str]:
    """Executables a version-manager shim (pyenv, asdf) may run for `name`.

    A shim never changes when the tool behind it is upgraded, so every
    candidate it can pick is identified instead (a few stats).
    """
    try:
        fd = os.open(executable, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return []  # never read from a FIFO or device, even one on PATH
            head = handle.read(2048)
    except OSError:
        return []
    if not head.startswith(b"#!"):
        return []
    roots = []
    if b"pyenv" in head:
        roots.append(Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions")
    if b"asdf" in head:
        data = os.environ.get("ASDF_DATA_DIR") or str(Path.home() / ".asdf")
        roots.append(Path(data) / "installs")
    found = []
    for root in roots:
        for candidate in sorted(root.glob(f"*/bin/{name}")) + sorted(root.glob(f"*/*/bin/{name}")):
            found.append(os.path.realpath(candidate))
    return found


def executable_identity(name: str, override_env: str) -> str:
    """The tool a run would start, identified without starting it, alike on every machine
    that installed the same build (the cache travels between CI runners: `guardrails.cache`).

    The version and wheel tags of the Python package that installed it, with the
    hash its RECORD lists for the executable, plus the executable's size; for a tool
    no package installed, a hash of its content. The same for whatever a pyenv/asdf
    shim on PATH may run. Starting Semgrep only to ask its version would cost a warm
    run seconds.
    """
    executable = find_executable(name, override_env)
    if executable is None:
        return f"{name}: not found"
    real = os.path.realpath(executable)
    parts = [_identity(real, name)]
    for target in _wrapped(real, name):
        parts.append(_identity(target, name))
    return "\n".join(parts)


def _identity(path: str, name: str) -> str:
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        return f"{name}: {exc.strerror or exc}"
    installed = _installed_versions(path, name)
    if installed and _is_script(path):
        # a script pip wrote names its interpreter's path: the package says what it runs
        return f"{name}:" + ";".join(installed)
    if installed:
        return f"{name}:{size}:" + ";".join(installed)
    return f"{name}:{size}:sha256={content_digest(path)}"


def _is_script(path: str) -> bool:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            return stat.S_ISREG(os.fstat(fd).st_mode) and handle.read(2) == b"#!"
    return False


_DIGESTS: dict[tuple[str, int, int, int, int], str] = {}


def content_digest(path: str | Path) -> str:
    """The sha256 of a file's content; hashed once per process while its stat is unchanged
    (a long-lived server asks on every check)."""
    info = os.stat(path)
    key = (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    known = _DIGESTS.get(key)
    if known is None:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        known = _DIGESTS[key] = digest.hexdigest()
    return known


def _installed_versions(executable: str, name: str) -> list[str]:
    """The tool's package(s) installed beside a Python `bin/` executable: name, version
    and wheel tags, and the hash the package's RECORD gives the executable.

    `<prefix>/bin/ruff` comes with `<prefix>/lib/python3.X/site-packages/
    ruff-0.17.6.dist-info`, which names the build without running the tool and
    holds nothing that depends on where it was installed.
    """
    prefix = Path(executable).parent.parent
    pattern = f"lib/python*/site-packages/{name}-*.dist-info"
    found = []
    for dist in sorted(prefix.glob(pattern)):
        parts = [dist.name]
        with contextlib.suppress(OSError, UnicodeDecodeError):
            wheel = (dist / "WHEEL").read_text(encoding="utf-8")
            parts += [line for line in wheel.splitlines() if line.startswith("Tag:")]
        with contextlib.suppress(OSError, UnicodeDecodeError):
            record = (dist / "RECORD").read_text(encoding="utf-8")
            tail = f"bin/{Path(executable).name},"
            if not _is_script(executable):  # a script's hash depends on its shebang
                parts += [line for line in record.splitlines() if tail in line]
        found.append(",".join(parts))
    return found


def where_missing(name: str, override_env: str) -> str:
    """Where `name` was looked for, for the error saying it is missing."""
    explicit = os.environ.get(override_env)
    if explicit:
        return f"{override_env}={shlex.quote(explicit)} is not a file"
    return f"{name} is not on PATH nor beside this Python ({sysconfig.get_path('scripts')})"


@dataclass
class Job:
    """A started backend process and where its output goes."""

    name: str
    process: subprocess.Popen[bytes]
    workdir: tempfile.TemporaryDirectory[str]
    output: Path
    stderr: Path
    started: float = field(default_factory=time.monotonic)

    def done(self) -> bool:
        """Whether the process has ended (its output can be read without waiting)."""
        return self.process.poll() is not None

    def wait(self, timeout: float) -> tuple[int, str, str]:
        """(exit code, output text, stderr text); BackendError on timeout."""
        remaining = max(min(1.0, timeout), timeout - (time.monotonic() - self.started))
        try:
            code = self.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self.close()
            raise BackendError(
                f"{self.name} did not finish within {timeout:.0f} s and was stopped; "
                "the run is incomplete"
            ) from None
        out = self.output.read_text(encoding="utf-8", errors="replace")
        err = self.stderr.read_text(encoding="utf-8", errors="replace")
        return code, out, err

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.workdir.cleanup()


def start(
    name: str,
    argv: Sequence[str],
    workdir: tempfile.TemporaryDirectory[str],
    env: Mapping[str, str],
    cwd: Path,
) -> Job:
    """Start `argv` with stdout and stderr going to files in `workdir`.

    The tool's own folder goes first on its PATH: one found beside guardrails'
    Python (a pipx or unactivated venv install) runs its helpers from there
    (Semgrep's entry point starts its engine binaries by name).
    """
    base = Path(workdir.name)
    folder = os.path.dirname(os.path.abspath(argv[0])) if os.sep in argv[0] else ""
    if folder:
        env = {**env, "PATH": os.pathsep.join(p for p in (folder, env.get("PATH", "")) if p)}
    output, stderr = base / "stdout.json", base / "stderr.txt"
    with output.open("wb") as out, stderr.open("wb") as err:
        try:
            process = subprocess.Popen(
                list(argv),
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env=dict(env),
                cwd=cwd,
            )
        except OSError as exc:
            workdir.cleanup()
            raise BackendError(f"cannot start {name} ({argv[0]}): {exc.strerror or exc}") from None
    return Job(name, process, workdir, output, stderr)


def isolated_env(
    home: str, drop_prefixes: Sequence[str], extra: Mapping[str, str]
) -> dict[str, str]:
    """The current environment with HOME redirected and a tool's own settings removed."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not any(key.startswith(prefix) for prefix in drop_prefixes)
    }
    env.update({"HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home})
    env.update(extra)
    return env


def last_line(text: str) -> str:
    """The most informative single line of a tool's stderr."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
