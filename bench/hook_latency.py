"""Agent hook round trips with and without a warm engine, beside `ruff check` on the same file.

An agent CLI starts `guardrails hook --agent claude-code` after every edit and
waits for it. This measures that wait as the agent sees it (process start to
exit, the event on stdin) in a scratch project with the full default catalog:

- cold: `GUARDRAILS_ENGINE=off`, every hook checks in-process;
- warm: a running `guardrails engine` answers (started first, then waited for);
- peer: `ruff check` of the same file, same machine, same run (the ratio is
  the comparable number; absolute times depend on the machine).

Each edit changes the file (a new line in a function) and the cache is
emptied before each hook, so no answer comes from a cache; every warm answer
is compared byte for byte with the cold one for the same text. Files: the
first ~1,000 lines of CPython's
`argparse.py` (real code) and a short module whose Flask call a
Semgrep-backed rule flags (so Semgrep runs on every hook).

    python bench/hook_latency.py [--edits N] [--json FILE]

Exit 1 when a target of issue 20 is missed (warm p50 <= 150 ms, cold p50 <= 1 s,
both for the 1,000-line file) or a warm answer differs from the cold one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lsp_latency import find_ruff, real_module  # noqa: E402  (the same real code, the same ruff)

FLASK = (
    "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
    "def main():\n    app.run(host='127.0.0.1', debug=True)\n"
)
TARGETS = {"warm_p50_ms": 150.0, "cold_p50_ms": 1000.0}


def command() -> list[str]:
    """`guardrails` as an agent CLI starts it: the script beside this interpreter."""
    script = Path(sys.executable).parent / "guardrails"
    return [str(script)] if script.exists() else [sys.executable, "-m", "guardrails"]


def timed(
    argv: list[str], root: Path, env: dict[str, str], stdin: bytes = b""
) -> tuple[float, bytes]:
    started = time.perf_counter()
    proc = subprocess.run(argv, input=stdin, cwd=root, env=env, capture_output=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, proc.stdout + b"\0" + proc.stderr + b"\0" + str(proc.returncode).encode()


def edited(text: str, step: int) -> str:
    """`text` with one more line in its first function body: new bytes every time."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("def ") and line.rstrip().endswith(":"):
            added = f"    _edit_{step} = {step}\n"
            return "".join([*lines[: index + 1], added, *lines[index + 1 :]])
    return text + f"_edit_{step} = {step}\n"


def forget_cache(root: Path) -> None:
    """Drop the cached findings (the engine's state file beside them stays)."""
    for folder in (root / ".guardrails_cache").glob("v*"):
        shutil.rmtree(folder)


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1), "n": len(ordered)}


def wait_for_engine(root: Path, seconds: float = 120) -> None:
    from guardrails import engine_client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = engine_client.read_state(root / engine_client.STATE)
        if state is not None and (engine_client.send(state, {"op": "status"}) or {}).get("ok"):
            return
        time.sleep(0.1)
    raise SystemExit("guardrails engine did not start")


def measure(root: Path, name: str, text: str, edits: int, ruff: str | None) -> dict[str, Any]:
    base = {**os.environ}
    off, on = {**base, "GUARDRAILS_ENGINE": "off"}, {**base, "GUARDRAILS_ENGINE": "on"}
    path = root / name
    event = json.dumps({"tool_name": "Write", "tool_input": {"file_path": name}, "cwd": str(root)})
    hook = [*command(), "hook", "--agent", "claude-code"]
    cold, warm, peer, differ = [], [], [], 0
    for step in range(edits):
        path.write_text(edited(text, step))
        forget_cache(root)
        cold_ms, cold_out = timed(hook, root, off, event.encode())
        forget_cache(root)  # the same text: else the warm hook reads the cold one's entry
        warm_ms, warm_out = timed(hook, root, on, event.encode())
        cold.append(cold_ms)
        warm.append(warm_ms)
        differ += cold_out != warm_out
        if ruff:
            peer.append(timed([ruff, "check", "--no-cache", "--quiet", name], root, base)[0])
    result = {"cold": summary(cold), "warm": summary(warm), "differing_answers": differ}
    if peer:
        result["ruff_check"] = summary(peer)
        result["warm_over_ruff_p50"] = round(result["warm"]["p50"] / result["ruff_check"]["p50"], 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30, help="hook runs per file and mode")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    if args.edits < 2:
        parser.error("--edits must be at least 2")
    ruff = find_ruff()
    document, source = real_module()
    results: dict[str, Any] = {"document": source, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="guardrails-hook-bench-") as scratch:
        root = Path(scratch).resolve()
        (root / "pyproject.toml").write_text("[tool.guardrails]\n")
        (root / "big.py").write_text(document)
        (root / "web.py").write_text(FLASK)
        env = {**os.environ, "GUARDRAILS_ENGINE": "on"}
        engine = subprocess.Popen(
            [*command(), "engine", "--idle-timeout", "600"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_engine(root)
            results["big.py"] = measure(root, "big.py", document, args.edits, ruff)
            results["web.py (Semgrep runs)"] = measure(root, "web.py", FLASK, args.edits, ruff)
        finally:
            subprocess.run([*command(), "engine", "--stop"], cwd=root, env=env, check=False)
            try:
                engine.wait(timeout=30)
            except subprocess.TimeoutExpired:
                engine.kill()
    big = results["big.py"]
    checks = {
        "warm_p50_ms": big["warm"]["p50"] <= TARGETS["warm_p50_ms"],
        "cold_p50_ms": big["cold"]["p50"] <= TARGETS["cold_p50_ms"],
        "identical": all(r["differing_answers"] == 0 for k, r in results.items() if ".py" in k),
    }
    results["targets"] = TARGETS
    results["met"] = checks
    print(f"document: {source}; {args.edits} edits per file; {os.cpu_count()} CPUs")
    print(f"{'file':<24}{'mode':<12}{'p50 ms':>9}{'p95 ms':>9}")
    for name, found in results.items():
        if not name.endswith((".py", "runs)")):
            continue
        for mode in ("cold", "warm", "ruff_check"):
            if mode in found:
                row = found[mode]
                print(f"{name:<24}{mode:<12}{row['p50']:>9.1f}{row['p95']:>9.1f}")
        if "warm_over_ruff_p50" in found:
            print(f"{'':<24}{'warm/ruff':<12}{found['warm_over_ruff_p50']:>9.1f}")
        print(f"{'':<24}differing warm answers: {found['differing_answers']}")
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'MISS'} {name}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
