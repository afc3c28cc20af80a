"""Hostile matrix, containment: no surface reads, writes or deletes outside the project.

Each case is one of issue 15's, or a variant of it: the MCP tools driven by
a real MCP client over stdio, agent hooks fed crafted events, `clean`,
`docs --out`, `init` and `baseline --out` pointed at places that are not
theirs. Every case asserts that the files outside (or the user's own files)
are byte-for-byte untouched, and that a refusal is one line, never a
traceback.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guardrails.cache import TAG

BAD = "import os\n\n\ndef run(cmd: str) -> None:\n    os.system(cmd)\n"
SECRET = "SECRET_TOKEN = 'hunter2'\nimport os\nos.system('rm -rf ~')\n"


def one_line_error(run, *words: str) -> None:
    """Exit 2 and exactly one `guardrails: error:` line mentioning `words`."""
    assert run.code == 2, (run.out, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("guardrails: error: "), run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
    for word in words:
        assert word in lines[0], (word, lines[0])


def snapshot(folder: Path, skip: str = "") -> dict[str, bytes | str]:
    """Every entry below `folder` (but `skip` folders): file bytes, a link's target, or `dir`."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if skip and skip in path.relative_to(folder).parts:
            continue
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[name] = "dir"
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = "special"  # a FIFO: reading it would block
    return found


@pytest.fixture
def outside(project) -> Path:
    """A Python file next to the project, with content worth stealing or destroying."""
    path = project.root.parent / "outside.py"
    path.write_text(SECRET)
    return path


# ------------------------------------------------------------------ MCP


async def _mcp_calls(root: Path, calls: list[tuple[str, dict[str, object]]]):
    """(isError, text) of each call, through the SDK's stdio client, server started in `root`."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    env = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DEBUG"}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "guardrails", "mcp"], cwd=str(root), env=env
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        answers = []
        for name, arguments in calls:
            result = await session.call_tool(name, arguments)
            text = "".join(c.text for c in result.content if hasattr(c, "text"))
            answers.append((bool(result.isError), text))
        return answers


def test_mcp_tools_refuse_every_path_outside_the_project(project, outside) -> None:
    project.write("app.py", BAD)
    project.write("pkg/ok.py", "X = 1\n")
    (project.root / "link.py").symlink_to(outside)  # in the project, pointing out
    (project.root / "pkg" / "evil.py").symlink_to(outside)  # found by walking `pkg`
    (project.root / "outdir").symlink_to(outside.parent, target_is_directory=True)
    absolute, escaping = str(outside), "../outside.py"
    refused = [
        # unsaved text must never be written anywhere, least of all over the real file
        ("check", {"source": "WIPED = 1\n", "path": escaping}),
        ("check", {"source": "WIPED = 1\n", "path": absolute}),
        ("check", {"source": "WIPED = 1\n", "path": "link.py"}),
        ("check", {"source": "WIPED = 1\n", "path": "outdir/outside.py"}),
        ("check", {"source": "WIPED = 1\n", "path": "pkg/../../outside.py"}),
        ("check", {"source": "X = 1\n", "path": "."}),  # not a file name
        ("check", {"source": "X = 1\n", "path": "a\x00.py"}),
        # reading outside files and returning their content
        ("check", {"paths": [absolute]}),
        ("check", {"paths": ["/etc/passwd"]}),
        ("check", {"paths": [escaping]}),
        ("check", {"paths": ["link.py"]}),
        ("check", {"paths": ["pkg"]}),  # a folder holding a symlink out
        ("check", {"paths": ["app.py", "outdir"]}),
        ("fix", {"paths": [absolute], "apply": True, "unsafe": True}),
        ("fix", {"paths": ["link.py"], "apply": True}),
        ("fix", {"paths": ["pkg"], "apply": True}),
        ("fix", {"paths": ["/etc/passwd"]}),
        ("policies", {"path": absolute}),
        ("policies", {"path": "link.py"}),
        ("policies", {"path": "/etc/passwd"}),
        ("explain", {"rule_id": "../../etc/passwd"}),
        # arguments the SDK rejects get the same one-line error result
        ("check", {"paths": "/etc/passwd"}),
        ("policies", {}),
        ("explain", {"rule_id": "X" * 100_000}),
    ]
    allowed = [
        ("check", {"source": BAD, "path": "pkg/new.py"}),
        ("check", {"paths": ["app.py"]}),
    ]
    before = snapshot(project.root.parent, skip=".guardrails_cache")
    answers = asyncio.run(_mcp_calls(project.root, refused + allowed))
    for (name, arguments), (is_error, text) in zip(refused, answers[: len(refused)], strict=True):
        assert is_error, (name, arguments, text)
        assert text.startswith("error: ") and "\n" not in text.strip(), (name, arguments, text)
        assert len(text) < 1000, text
        assert "Traceback" not in text and "internal error" not in text, text
        assert "hunter2" not in text and "root:" not in text, text
    (_, unsaved), (_, checked) = answers[len(refused) :]
    assert "SEC001" in unsaved and "pkg/new.py:5" in unsaved
    assert "SEC001" in checked and "app.py:5" in checked
    # nothing written or left behind, in the project or next to it
    assert snapshot(project.root.parent, skip=".guardrails_cache") == before
    assert outside.read_text() == SECRET


# ------------------------------------------------------------------ agent hooks
def _hook(agent: str, event: dict[str, object], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GUARDRAILS_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "guardrails", "hook", "--agent", agent],
        input=json.dumps(event),
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_agent_hooks_ignore_edited_files_outside_the_project(project, outside) -> None:
    (project.root / "link.py").symlink_to(outside)
    cases = [
        (str(project.root), str(outside)),
        (str(project.root), "../outside.py"),
        (str(project.root), str(project.root / "link.py")),
        (str(outside.parent), str(outside)),  # an event claiming a cwd above the project
        ("/", str(outside)),
    ]
    for index, (cwd, file_path) in enumerate(cases):
        agent, tool, quiet = (
            ("claude-code", "Write", "") if index % 2 else ("gemini-cli", "write_file", "{}")
        )
        event = {
            "cwd": cwd,
            "hook_event_name": "PostToolUse",
            "tool_name": tool,
            "tool_input": {"file_path": file_path},
        }
        answer = _hook(agent, event, project.root)
        assert answer.returncode == 0, (agent, cwd, file_path, answer.stderr)
        assert answer.stdout.strip() == quiet and answer.stderr == "", (agent, answer)
    assert outside.read_text() == SECRET
    # the same file inside the project is checked: the no-op above is containment
    project.write("inside.py", SECRET)
    event = {"cwd": str(project.root), "tool_name": "Write",
             "tool_input": {"file_path": str(project.root / "inside.py")}}
    assert _hook("claude-code", event, project.root).returncode == 2


# ------------------------------------------------------------------ clean
def test_check_does_not_follow_a_project_link_out_of_the_project(project, outside) -> None:
    """`check .` finds `link.py -> ../outside.py`: not read, reported unchecked (GR001)."""
    (project.root / "link.py").symlink_to(outside)
    project.write("app.py", "x = 1\n")
    for args in ((), ("--jobs", "2")):
        run = project.run("check", "--output-format", "json", ".", *args)
        assert run.code == 1, run.err
        assert run.ids() == [("link.py", "GR001", 1)]
        assert "outside the project root" in run.json()["violations"][0]["message"]
        assert "hunter2" not in run.out and "os.system" not in run.out
    named = project.run("check", "--output-format", "json", str(outside))  # named: checked
    assert named.code == 1 and ("SEC001" in {v["rule_id"] for v in named.json()["violations"]})
    assert outside.read_text() == SECRET


def test_clean_with_cache_dir_dot_in_config_keeps_the_project(project) -> None:
    project.write("pyproject.toml", '[tool.guardrails]\ncache-dir = "."\n')
    project.write(".gitignore", "*.pyc\n")
    project.write("app.py", "X = 1\n")
    before = snapshot(project.root)
    one_line_error(project.run("clean"), "cache-dir", "project root")
    one_line_error(project.run("check", "--select", "SEC001"), "cache-dir")
    assert snapshot(project.root) == before


@pytest.mark.parametrize("value", ["..", "../elsewhere", "/tmp", "out"])
def test_config_cache_dir_outside_the_project_is_refused(project, value) -> None:
    if value == "out":  # a symlink in the project that leads out of it
        (project.root / "out").symlink_to(project.root.parent, target_is_directory=True)
    project.write("pyproject.toml", f'[tool.guardrails]\ncache-dir = "{value}"\n')
    before = snapshot(project.root.parent)
    one_line_error(project.run("clean"), "cache-dir", "outside the project root")
    assert snapshot(project.root.parent) == before


def test_clean_refuses_every_folder_it_did_not_tag(project) -> None:
    project.write("pyproject.toml", "[tool.guardrails]\n")
    project.write("notes/.gitignore", "*\n")  # the old, only guard
    project.write("notes/todo.md", "keep me\n")
    project.write("foreign/CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n")
    project.write("tagged-root-attack/x", "")
    (project.root / TAG).write_text(  # even a guardrails tag in the root does not make it one
        "Signature: 8a477f597d28d172789f06886806bc55\n"
        "# guardrails-cache: this folder is guardrails' result cache\n"
    )
    (project.root / "cachelink").symlink_to(project.root / "notes", target_is_directory=True)
    before = snapshot(project.root.parent)
    for cache_dir, words in (
        ("..", ("holds the project root",)),
        (".", ("holds the project root",)),
        ("notes", ("not marked", TAG)),
        ("foreign", ("not marked",)),
        ("cachelink", ("symlink",)),
        ("pyproject.toml", ("not a folder",)),
    ):
        one_line_error(project.run("clean", "--cache-dir", cache_dir), *words)
    assert snapshot(project.root.parent) == before


def test_clean_deletes_the_tagged_cache_and_an_older_untagged_one(project) -> None:
    project.write("app.py", "X = 1\n")
    assert project.run("check", "--select", "SEC001").code == 0
    cache = project.root / ".guardrails_cache"
    assert "guardrails" in (cache / TAG).read_text()
    assert project.run("clean").code == 0 and not cache.exists()
    # a cache written before the tag existed: only guardrails' own shape is recognised
    project.write(".guardrails_cache/.gitignore", "# created by guardrails\n*\n")
    project.write(f".guardrails_cache/v4/ab/{'ab' * 32}.json", "{}")
    assert project.run("clean").code == 0 and not cache.exists()
    project.write(".guardrails_cache/.gitignore", "# created by guardrails\n*\n")
    project.write(".guardrails_cache/v4/ab/thesis.tex", "months of work\n")
    one_line_error(project.run("clean"), "not marked")
    assert (cache / "v4/ab/thesis.tex").read_text() == "months of work\n"


def test_check_never_writes_its_cache_into_a_folder_it_does_not_own(project) -> None:
    project.write("app.py", "X = 1\n")
    project.write("docs/README.md", "hello\n")
    before = snapshot(project.root)
    for cache_dir in (".", "docs"):
        run = project.run("check", "--select", "SEC001", "--cache-dir", cache_dir)
        assert run.code == 0 and run.err.count("warning: cache disabled") == 1, run.err
        assert "not a guardrails cache folder" in run.err
    assert snapshot(project.root) == before  # no .gitignore of `*`, no entries, no tag
    # the default cache folder, committed as a symlink to an (empty) folder outside
    elsewhere = project.root.parent / "elsewhere"
    elsewhere.mkdir()
    (project.root / ".guardrails_cache").symlink_to(elsewhere, target_is_directory=True)
    run = project.run("check", "--select", "SEC001")
    assert run.code == 0 and "outside the project root" in run.err, run.err
    assert list(elsewhere.iterdir()) == []


# ------------------------------------------------------------------ config and CLI paths
def test_config_baseline_outside_the_project_is_refused_but_the_command_line_may(
    project,
) -> None:
    outside = project.root.parent / "b.json"
    outside.write_text('{"version": 1, "findings": []}\n')
    project.write("app.py", BAD)
    project.write("pyproject.toml", '[tool.guardrails]\nbaseline = "../b.json"\n')
    one_line_error(project.run("check", "--select", "SEC001"), "baseline", "outside")
    named = project.run(
        "check", "--select", "SEC001", "--isolated", "--baseline", str(outside), "--no-cache"
    )
    assert named.code == 1 and "SEC001" in named.out, named.err
    assert outside.read_text() == '{"version": 1, "findings": []}\n'


# ------------------------------------------------------------------ docs --out
def test_docs_out_dot_refuses_and_deletes_nothing(project) -> None:
    project.write("README.md", "# my project\n")
    project.write("LICENSE.txt", "MIT\n")
    project.write("d/notes.md", "mine\n")
    project.write("victim.md", "do not delete\n")
    project.write("m/.guardrails-docs-manifest", "../victim.md\n/etc/passwd\nREADME.md\n")
    project.write("m/README.md", "# listed in the manifest, but not a page guardrails wrote\n")
    project.write("file.md", "a file, not a folder\n")
    before = snapshot(project.root)
    one_line_error(project.run("docs", "--out", "."), "did not generate", "README.md")
    one_line_error(project.run("docs", "--out", "d"), "did not generate")
    one_line_error(project.run("docs", "--out", "file.md"), "not a folder")
    assert snapshot(project.root) == before
    # a manifest is trusted only for plain names in its own folder
    assert project.run("docs", "--out", "m").code == 0
    assert (project.root / "victim.md").read_text() == "do not delete\n"
    assert (project.root / "m/README.md").exists()


def test_docs_out_removes_only_what_it_generated(project, outside) -> None:
    assert project.run("docs", "--out", "d").code == 0
    manifest = project.root / "d" / ".guardrails-docs-manifest"
    assert "SEC001.md" in manifest.read_text()
    # an older guardrails wrote no manifest: its own pages are recognised and adopted
    manifest.unlink()
    assert project.run("docs", "--out", "d").code == 0 and manifest.exists()
    project.write("d/mine.md", "my notes\n")
    (project.root / "d" / "SEC001.md").unlink()
    (project.root / "d" / "SEC001.md").symlink_to(outside)  # never written through
    one_line_error(project.run("docs", "--out", "d"), "SEC001.md", "not overwriting")
    assert outside.read_text() == SECRET
    (project.root / "d" / "SEC001.md").unlink()
    assert project.run("docs", "--out", "d").code == 0
    assert (project.root / "d" / "mine.md").read_text() == "my notes\n"


# ------------------------------------------------------------------ init
@pytest.mark.parametrize(
    "case",
    ["settings-is-a-folder", "settings-is-a-fifo", "parent-is-a-file", "symlink-out",
     "folder-link-out"],
)
def test_init_validates_everything_before_writing_anything(project, outside, case) -> None:
    if case == "settings-is-a-folder":
        (project.root / ".claude/settings.json").mkdir(parents=True)
        words = (".claude/settings.json", "folder")
    elif case == "settings-is-a-fifo":  # reading it would block forever
        (project.root / ".claude").mkdir()
        os.mkfifo(project.root / ".claude/settings.json")
        words = (".claude/settings.json", "not a regular file")
    elif case == "parent-is-a-file":
        project.write(".claude", "a file where a folder should be\n")
        words = (".claude",)
    elif case == "symlink-out":
        (project.root / ".mcp.json").symlink_to(outside)
        words = (".mcp.json", "outside")
    else:
        (project.root / ".gemini").symlink_to(outside.parent, target_is_directory=True)
        words = (".gemini/settings.json", "outside")
    before = snapshot(project.root.parent)
    one_line_error(project.run("init", "--agent", "claude-code", "--agent", "gemini-cli"), *words)
    assert snapshot(project.root.parent) == before  # not pyproject, not pre-commit, nothing


def test_init_writes_through_an_in_project_symlink(project) -> None:
    project.write("docs/AGENTS.md", "# Agents\n")
    (project.root / "AGENTS.md").symlink_to("docs/AGENTS.md")
    assert project.run("init").code == 0
    assert (project.root / "AGENTS.md").is_symlink()
    assert "guardrails:begin" in (project.root / "docs/AGENTS.md").read_text()


# ------------------------------------------------------------------ baseline --out
def test_baseline_out_to_an_unwritable_place_is_one_line(project) -> None:
    project.write("app.py", BAD)
    project.write("folder/keep.txt", "x\n")
    before = snapshot(project.root)
    for out, words in (
        ("folder", ("is a folder",)),
        ("missing/sub/b.json", ("does not exist",)),
        ("app.py/b.json", ("does not exist",)),
        ("/proc/guardrails-baseline.json", ("cannot write baseline",)),
    ):
        run = project.run("baseline", "--select", "SEC001", "--no-cache", "--out", out)
        one_line_error(run, *words)
    assert snapshot(project.root) == before


def test_baseline_write_is_atomic_through_symlinks_and_keeps_the_mode(project) -> None:
    project.write("app.py", BAD)
    real = project.write("ci/baseline.json", '{"version": 1, "findings": []}\n')
    real.chmod(0o640)
    (project.root / "b.json").symlink_to("ci/baseline.json")
    run = project.run("baseline", "--select", "SEC001", "--out", "b.json", "--no-cache")
    assert run.code == 0, run.err
    assert (project.root / "b.json").is_symlink() and "SEC001" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["baseline.json"]  # no temp left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_baseline_out_into_a_read_only_folder(project) -> None:
    project.write("app.py", BAD)
    locked = project.root / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        run = project.run("baseline", "--select", "SEC001", "--out", "locked/b.json")
        one_line_error(run, "not writable")
    finally:
        locked.chmod(0o755)
