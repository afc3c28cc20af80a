"""The result cache travels: keyed by content and settings, never by place or time.

CI restores `.guardrails_cache` on another runner, at another checkout path,
on another branch, with every file's mtime new; the entries must still be
found, and the findings read from them must name the files as this run
shows them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from pathlib import Path

from conftest import Project
from guardrails.cache import for_plan
from guardrails.config import load_settings
from guardrails.model import Violation
from guardrails.plugins import load_plan

APP = """\
import subprocess


def run(cmd: str) -> None:
    subprocess.run(cmd, shell=True)
"""
MARK = " [read from the cache]"
MESSAGE = [f.name for f in dataclasses.fields(Violation)].index("message")


def _project(project: Project) -> None:
    project.write("pyproject.toml", '[tool.guardrails]\nsrc = ["src"]\n')
    project.write("src/shop/__init__.py", "")
    project.write("src/shop/jobs.py", APP)
    project.write("src/shop/billing/__init__.py", "")
    project.write("src/shop/billing/tasks.py", APP.replace("cmd", "command"))


def _moved(project: Project, tmp_path: Path) -> Project:
    """The project and its cache at another path, every mtime new (a fresh checkout
    and a restored cache)."""
    target = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(project.root, target, symlinks=True)
    later = time.time() + 3600
    for folder, _dirs, names in os.walk(target):
        for name in names:
            os.utime(Path(folder, name), (later, later))
    return Project(target)


def _mark_entries(cache: Path) -> int:
    """Append MARK to every cached message: a run that uses an entry shows it."""
    marked = 0
    for entry in cache.rglob("*.json"):
        data = json.loads(entry.read_text())
        for row in data["violations"]:
            row[MESSAGE] += MARK
            marked += 1
        entry.write_text(json.dumps(data))
    return marked


def test_a_cache_restored_at_another_path_gives_a_warm_run(
    project: Project, tmp_path: Path
) -> None:
    _project(project)
    cold = project.run("check", "--output-format", "json")
    assert cold.code == 1 and len(cold.ids()) == 4

    moved = _moved(project, tmp_path)
    assert _mark_entries(moved.root / ".guardrails_cache") == 4
    warm = moved.run("check", "--output-format", "json")
    assert warm.code == 1
    assert warm.ids() == cold.ids()
    assert all(v["message"].endswith(MARK) for v in warm.json()["violations"])
    fingerprints = [v["fingerprint"] for v in cold.json()["violations"]]
    assert [v["fingerprint"] for v in warm.json()["violations"]] == fingerprints

    # run from a folder inside the project: the same entries, the files named from there
    inner = moved.run("check", "--output-format", "json", ".", cwd=moved.root / "src" / "shop")
    assert inner.code == 1
    assert sorted({v["path"] for v in inner.json()["violations"]}) == [
        "billing/tasks.py",
        "jobs.py",
    ]
    assert all(v["message"].endswith(MARK) for v in inner.json()["violations"])

    # an edited file is a miss, as before
    moved.write("src/shop/jobs.py", APP + "\n\nVALUE = 1\n")
    edited = moved.run("check", "--output-format", "json")
    marked = {(v["path"], v["message"].endswith(MARK)) for v in edited.json()["violations"]}
    assert marked == {("src/shop/jobs.py", False), ("src/shop/billing/tasks.py", True)}


def test_the_run_key_names_no_place_and_no_time(project: Project, tmp_path: Path) -> None:
    _project(project)
    moved = _moved(project, tmp_path)
    keys = []
    for root in (project.root, moved.root):
        settings = load_settings(root)
        keys.append(for_plan(load_plan(settings)).key)
    assert keys[0] == keys[1]
    # the rule code's mtimes do not count, its content does (editable installs, in-repo plugins)
    import guardrails.rules

    rule_file = Path(guardrails.rules.__file__)
    stat = rule_file.stat()
    os.utime(rule_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    try:
        assert for_plan(load_plan(load_settings(project.root))).key == keys[0]
    finally:
        os.utime(rule_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _entries(cache: Path) -> set[Path]:
    return set(cache.glob("v*/*/*.json"))


def test_clean_unused_for_drops_only_what_no_run_reads(project: Project) -> None:
    """A CI cache saved run after run keeps each old file version's entry; `clean
    --unused-for DAYS` keeps it to what runs still read."""
    _project(project)
    assert project.run("check").code == 1
    cache = project.root / ".guardrails_cache"
    first = _entries(cache)
    project.write("src/shop/jobs.py", APP + "\n\nVALUE = 1\n")
    assert project.run("check").code == 1
    old = time.time() - 30 * 86400
    for entry in _entries(cache):
        os.utime(entry, (old, old))
    assert project.run("check").code == 1  # reads (and so marks) the four current entries
    current = _entries(cache)
    cleaned = project.run("clean", "--unused-for", "7")
    assert cleaned.code == 0, cleaned.err
    assert cleaned.out.strip() == "removed 1 entries unused for 7 days (4 kept)"
    left = _entries(cache)
    assert len(left) == 4 and left <= current and (cache / "CACHEDIR.TAG").is_file()
    assert len(first - left) == 1  # jobs.py's first version
    # still a warm run for the files as they are
    assert _mark_entries(cache) == 4
    warm = project.run("check", "--output-format", "json")
    assert all(v["message"].endswith(MARK) for v in warm.json()["violations"])

    for bad in ("0", "-1", "nan", "inf"):
        refused = project.run("clean", f"--unused-for={bad}")
        assert refused.code == 2 and refused.err.count("\n") == 1, refused.err
    project.write("notes/keep.txt", "mine\n")
    refused = project.run("clean", "--cache-dir", "notes", "--unused-for", "1")
    assert refused.code == 2 and "not marked as a guardrails cache" in refused.err
    assert (project.root / "notes" / "keep.txt").exists()
