"""A checked file's syntax tree must be freed as soon as the check returns.

Trees are large and acyclic, so reference counting frees them at once; a
reference cycle through them (a report pointing at its rule, whose context
holds the report list) would keep every tree alive until the cyclic
collector runs, and the engine pauses that collector while it checks a file.
"""

from __future__ import annotations

import gc
from pathlib import Path

import libcst as cst

from guardrails.backends.libcst.checker import check_source
from guardrails.config import load_settings
from guardrails.plugins import load_plan
from guardrails.source import in_memory

SOURCE = "\n".join(
    f"def handler_{i}(request, retries=[]):\n"
    f"    try:\n"
    f"        print(request.body, retries)\n"
    f"    except Exception:\n"
    f"        pass\n"
    for i in range(40)
)


def test_a_checked_tree_leaves_no_cyclic_garbage(tmp_path: Path) -> None:
    plan = load_plan(load_settings(tmp_path, isolated=True))
    path = tmp_path / "service.py"
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what the collector finds, to look at it
    try:
        result = check_source(plan, in_memory(path, tmp_path, (tmp_path,), SOURCE.encode()))
        gc.collect()
        stranded = [o for o in gc.garbage if isinstance(o, cst.CSTNode)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert len(result.violations) >= 80  # the rules ran and reported
    assert not stranded, f"{len(stranded)} tree nodes were only freed by the cycle collector"
