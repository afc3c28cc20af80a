"""bench/scale.py runs end to end on a tiny monorepo: shards merged equal the unsharded run.

The real benchmark checks five million lines; this smoke run builds about
5,000 lines of renamed stdlib packages and runs every step of it (unsharded
cold and warm, a tiny shard, two shards, `merge`) through the real CLI. Timings
on a shared machine are not asserted; the output's shape and the byte-for-byte
comparisons are, since the benchmark exists to show sharding changes only speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench" / "scale.py"


def test_a_tiny_monorepo_sharded_and_merged_equals_the_unsharded_run(tmp_path: Path) -> None:
    out, work = tmp_path / "scale.json", tmp_path / "work"
    argv = [sys.executable, str(BENCH), "--lines", "5000", "--small-lines", "0", "--shards", "2"]
    done = subprocess.run(
        [*argv, "--workdir", str(work), "--keep", "--json", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "merged == unsharded: OK" in done.stdout
    result = json.loads(out.read_text())
    assert result["merged_equals_unsharded"] is True
    assert result["warm_equals_cold"] is True
    corpus = result["corpus"]
    assert 5_000 <= corpus["lines"] < 10_000 and corpus["files"] >= 5
    names = [run["name"] for run in result["runs"]]
    assert names[:2] == ["unsharded cold", "unsharded warm"]
    assert names[2].startswith("tiny shard 1/")
    assert names[3:] == ["shard 1/2", "shard 2/2", "merge"]
    assert all(run["seconds"] > 0 and run["peak_rss_mib"] > 0 for run in result["runs"])
    assert result["findings"] > 0 and result["rule_crashes"] == 0
    derived = result["derived"]
    assert derived["lines_per_second_per_runner"] > 0
    assert set(derived["runners_for_one_minute"]) >= {"1000000", "5000000"}


def test_the_corpus_is_renamed_real_code_whose_packages_import_each_other(tmp_path: Path) -> None:
    """Each copy's absolute imports of the copied packages point at renamed ones, lines and
    parse results stay as they were, and the pyproject names ARC001 layers that exist."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import scale
    finally:
        sys.path.remove(str(REPO / "bench"))
    stdlib = Path(sysconfig.get_path("stdlib"))
    corpus = scale.build(tmp_path, 60_000, stdlib)
    assert corpus.lines >= 60_000 and corpus.rewritten_imports > 0
    tops = sorted(p.name for p in (tmp_path / "packages").iterdir())
    assert all(name.startswith("pkg000_") for name in tops)
    config = (tmp_path / "pyproject.toml").read_text()
    assert 'src = ["packages"]' in config
    for layer in tops[: scale.LAYERS]:
        assert f'"{layer}"' in config
    imports = [
        line
        for path in (tmp_path / "packages").rglob("*.py")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.lstrip().startswith(("import pkg", "from pkg"))
    ]
    assert any(" as " in line for line in imports) and any(
        "from pkg000_" in line for line in imports
    )

    text, count = scale.rewrite(
        b"import json, os\nfrom json.decoder import x\nimport json.decoder as d\n"
        b"from . import y\nimport jsonx\n",
        "json",
        2,
        {"json"},
        5,
    )
    assert count == 3
    assert text == (
        b"import pkg002_json as json, os\nfrom pkg002_json.decoder import x\n"
        b"import pkg002_json.decoder as d\nfrom . import y\nimport jsonx\n"
    )
