"""`check --shard I/N` and `guardrails merge`: N runners give the one unsharded result.

The merged JSON and SARIF must equal an unsharded run's byte for byte on
real code (a copy of the installed `pluggy` package, plus files for every
kind of finding that is not a plain per-file one: an import chain across
shards, a weakened config, a parse error, baseline counts, findings another
linter's comment suppressed), and `merge` must exit as the unsharded run.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pluggy
import pytest

from conftest import Project
from guardrails.errors import UsageError
from guardrails.shards import PER_FILE_BYTES, Shard, select

CONFIG = """\
[project]
name = "corpus"

[tool.guardrails]
foreign-suppressions = ["noqa"]
baseline = "guardrails-baseline.json"
policy-base = "HEAD"
ignore = []

[tool.guardrails.rules.ARC001]
layers = ["zulu", "alpha"]
"""
COMMIT = ("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m")


def _corpus(project: Project) -> None:
    """Real code in the middle, the special cases at both ends of the path order."""
    shutil.copytree(
        Path(pluggy.__file__).parent,
        project.root / "lib" / "pluggy",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    project.write("pyproject.toml", CONFIG)
    project.write("alpha/__init__.py", "")
    project.write("alpha/views.py", "def render() -> str:\n    return 'x'\n")
    project.write("zulu/__init__.py", "")
    # zulu (the lower layer) reaches alpha through yankee (in no layer): ARC001 on
    # models.py, whose chain ends in a file another shard checks
    project.write("yankee/__init__.py", "")
    project.write("yankee/helpers.py", "from alpha import views\n\nRENDER = views.render\n")
    project.write("zulu/models.py", "from yankee import helpers\n\nUSE = helpers.RENDER\n")
    project.write(
        "zulu/jobs.py",
        "import subprocess\n\n\n"
        "def run(cmd: str) -> None:\n"
        "    subprocess.run(cmd, shell=True)  # noqa: S602\n"
        "    subprocess.run(cmd, shell=True)\n",
    )
    project.write("zulu/broken.py", "def broken(:\n")
    project.write("guardrails-baseline.json", json.dumps({"version": 1, "findings": []}))
    project.git("init", "-q")
    project.git("add", "-A")
    project.git(*COMMIT, "base")
    # recorded now, then one recorded finding fixed: hidden and stale counts both move
    recorded = project.run("baseline", "lib", "--out", "guardrails-baseline.json")
    assert recorded.code == 0, recorded.err
    entries = json.loads((project.root / "guardrails-baseline.json").read_text())["findings"]
    paths = sorted({entry["path"] for entry in entries})
    assert len(paths) >= 3, paths
    kept = [entry for entry in entries if entry["path"] in paths[:2]]
    project.write("guardrails-baseline.json", json.dumps({"version": 1, "findings": kept}))
    project.write(kept[0]["path"], "VALUE = 0\n")
    # a weakened policy on no checked file: reported once, by shard 1
    project.write("pyproject.toml", CONFIG.replace("ignore = []", 'ignore = ["OBS001"]'))


def _outputs(project: Project, name: str, *args: str) -> tuple[int, bytes, bytes]:
    run = project.run(
        "check",
        "--output-format",
        f"json:{name}.json",
        "--output-format",
        f"sarif:{name}.sarif",
        *args,
    )
    assert run.code in (0, 1), run.err
    root = project.root
    return run.code, (root / f"{name}.json").read_bytes(), (root / f"{name}.sarif").read_bytes()


def test_merged_shards_equal_the_unsharded_run_byte_for_byte(project: Project) -> None:
    _corpus(project)
    code, whole_json, whole_sarif = _outputs(project, "whole", "--no-cache")
    whole = json.loads(whole_json)
    ids = {(v["path"], v["rule_id"]) for v in whole["violations"]}
    # the cases this test is about are all there
    assert ("zulu/models.py", "ARC001") in ids
    assert ("pyproject.toml", "GR005") in ids
    assert any(path == "zulu/broken.py" for path, _rule in ids)
    assert any(v["path"] == "zulu/jobs.py" for v in whole["suppressed"])
    assert whole["summary"]["baseline"]["hidden"] > 0
    assert whole["summary"]["baseline"]["stale"] > 0
    assert len({path for path, _rule in ids}) > 5

    files = []
    for index in (1, 2, 3):
        _code, shard_json, _shard_sarif = _outputs(project, f"s{index}", "--shard", f"{index}/3")
        shard = json.loads(shard_json)
        assert shard["shard"]["index"] == index and shard["shard"]["count"] == 3
        files.append(shard["summary"]["files"])
        assert 0 < shard["summary"]["files"] < whole["summary"]["files"]
    assert sum(files) == whole["summary"]["files"]  # every file once

    for fmt, expected in (("json", whole_json), ("sarif", whole_sarif)):
        shards = [f"s{index}.{fmt}" for index in (3, 1, 2)]  # any order
        merged = project.run("merge", f"merged.{fmt}", *shards)
        assert merged.code == code, merged.err
        assert (project.root / f"merged.{fmt}").read_bytes() == expected
        assert f"({whole['summary']['files']} files checked)." in merged.err
    exit_zero = project.run("merge", "again.json", "s1.json", "s2.json", "s3.json", "--exit-zero")
    assert exit_zero.code == 0


def test_merge_refuses_what_is_not_one_complete_run(project: Project) -> None:
    project.write("pyproject.toml", '[tool.guardrails]\nselect = ["SEC"]\n')
    for name in "abcdef":
        project.write(f"pkg/{name}.py", "import os\n\nos.system('ls')\n")
    for index in (1, 2):
        project.run("check", "--shard", f"{index}/2", "--output-format", f"json:s{index}.json")
        project.run("check", "--shard", f"{index}/2", "--output-format", f"sarif:s{index}.sarif")
    project.run("check", "--output-format", "json:whole.json")
    project.write("pkg/g.py", "x = 1\n")
    project.run("check", "--shard", "2/2", "--output-format", "json:other.json")
    project.write("bad.json", "{not json")

    cases = {
        ("s1.json",): "shards missing: 2 of 2",
        ("s1.json", "s1.json"): "shard 1 is given twice",
        ("s1.json", "other.json"): "of another run",
        ("s1.json", "s2.sarif"): "one format",
        ("whole.json",): "without a shard record",
        ("bad.json",): "bad.json: not JSON",
        ("missing.json",): "cannot read missing.json",
    }
    for inputs, message in cases.items():
        refused = project.run("merge", "out.json", *inputs)
        assert refused.code == 2, (inputs, refused.err)
        lines = refused.err.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (inputs, refused.err)
        assert "Traceback" not in refused.err
    assert not (project.root / "out.json").exists()  # nothing written on refusal
    merged = project.run("merge", "out.json", "s2.json", "s1.json")
    assert (
        merged.code == 1
        and (project.root / "out.json").read_bytes() == (project.root / "whole.json").read_bytes()
    )


@pytest.mark.parametrize("spec", ["0/4", "5/4", "1/0", "x", "1/4/2", "-1/4", "1/99999"])
def test_a_bad_shard_is_one_line_and_exit_2(project: Project, spec: str) -> None:
    project.write("a.py", "x = 1\n")
    refused = project.run("check", f"--shard={spec}")
    assert refused.code == 2
    assert refused.err.count("\n") == 1 and "--shard" in refused.err


def test_prune_needs_the_whole_run(project: Project) -> None:
    project.write("a.py", "x = 1\n")
    project.write("b.json", json.dumps({"version": 1, "findings": []}))
    refused = project.run("check", "--shard", "1/2", "--baseline", "b.json", "--prune")
    assert refused.code == 2 and "--prune with --shard" in refused.err


def _files(tmp_path: Path, sizes: dict[str, int]) -> list[Path]:
    paths = []
    for name, size in sizes.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
        paths.append(path)
    return paths


def _split(files: list[Path], root: Path, count: int) -> dict[Path, int]:
    owner = {}
    for index in range(1, count + 1):
        chosen, assigned = select(files, root, Shard(index, count))
        assert assigned.index == index and assigned.count == count
        for path in chosen:
            assert path not in owner, "a file in two shards"
            owner[path] = index
    return owner


def test_shards_partition_balance_by_bytes_and_stay_put(tmp_path: Path) -> None:
    rng = random.Random(7)
    sizes = {f"p{rng.randrange(40):02d}/m{n:03d}.py": rng.randrange(10, 40_000) for n in range(300)}
    files = _files(tmp_path, sizes)
    for count in (1, 2, 4, 7):
        owner = _split(files, tmp_path, count)
        assert set(owner) == set(files)  # every file exactly once
        loads = [0] * count
        for path, index in owner.items():
            loads[index - 1] += path.stat().st_size + PER_FILE_BYTES
        biggest = max(sizes.values()) + PER_FILE_BYTES
        assert max(loads) - min(loads) <= 2 * biggest, (count, loads)
    # deterministic whatever order discovery gave, and not by absolute path
    before = _split(files, tmp_path, 4)
    assert _split(list(reversed(files)), tmp_path, 4) == before
    # adding a file elsewhere moves only files beside the shard boundaries
    files += _files(tmp_path, {"p17/new.py": 5_000})
    after = _split(files, tmp_path, 4)
    moved = [path for path in before if after[path] != before[path]]
    assert len(moved) <= 3 * 2, moved


def test_shard_spec_parsing() -> None:
    assert Shard.parse("2/4") == Shard(2, 4)
    assert Shard.parse(" 1/1 ") == Shard(1, 1)
    with pytest.raises(UsageError):
        Shard.parse("4/2")
