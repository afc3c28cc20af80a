"""`guardrails learn`: candidate rules from a fix, each verified by the real Semgrep to fire
on the old code and stay quiet on the new; a refactor yields none, and says why."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import Project, terminal_output

COMMIT = ("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am")

BEFORE = {
    "app/http.py": (
        "import requests\n\n\ndef fetch(url: str) -> dict:\n    return requests.get(url).json()\n"
    ),
    "app/db.py": (
        "def find(cur, name: str) -> list:\n"
        "    cur.execute(\"SELECT id FROM users WHERE name = '%s'\" % name)\n"
        "    return cur.fetchall()\n"
    ),
    "app/jobs.py": (
        "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
        "def run(job) -> None:\n"
        "    try:\n        job.start()\n    except Exception:\n        pass\n"
    ),
    "app/billing.py": (
        "from acme import client\n\n\ndef invoices(account: str) -> list:\n"
        "    return client.fetch(account)\n"
    ),
}
AFTER = {
    "app/http.py": BEFORE["app/http.py"].replace("get(url)", "get(url, timeout=10)"),
    "app/db.py": BEFORE["app/db.py"].replace(
        "\"SELECT id FROM users WHERE name = '%s'\" % name",
        '"SELECT id FROM users WHERE name = %s", (name,)',
    ),
    "app/jobs.py": BEFORE["app/jobs.py"].replace("pass", 'logger.exception("job failed")'),
    "app/billing.py": BEFORE["app/billing.py"].replace(
        "fetch(account)", "fetch(account, tenant=TENANT)"
    ),
}
MESSAGE = "Fix the four mistakes review found: timeout, SQL, swallowed error, tenant"
ELSEWHERE = {
    # the same mistakes the fix did not touch: what a learned rule should find
    "app/reports.py": (
        "import requests\n\n\ndef report(base: str) -> bytes:\n"
        "    return requests.get(base + '/report').content\n\n\n"
        "def rows(cur, day: str) -> list:\n"
        "    cur.execute(\"SELECT * FROM sales WHERE day = '%s'\" % day)\n"
        "    return cur.fetchall()\n"
    ),
    # the tenant mistake only in a test: not a class of mistake in the code
    "tests/test_billing.py": (
        "from acme import client\n\n\ndef test_fetch() -> None:\n"
        "    assert client.fetch('acct') == []\n"
    ),
}


def _repo(project: Project) -> None:
    project.git("init", "-q")
    for path, text in {**BEFORE, **ELSEWHERE}.items():
        project.write(path, text)
    project.git("add", "-A")
    project.git(*COMMIT, "base")


def _fixed(project: Project) -> None:
    _repo(project)
    for path, text in AFTER.items():
        project.write(path, text)
    project.git(*COMMIT, MESSAGE)


def _patterns(data: dict) -> dict[tuple[str, int], list[dict[str, str]]]:
    return {(c["kind"], c["generality"]): c["patterns"] for c in data["candidates"]}


def test_each_fix_of_a_commit_becomes_a_verified_candidate(project: Project) -> None:
    _fixed(project)
    learned = project.run("learn", "HEAD", "--json")
    assert learned.code == 0, learned.err
    data = learned.json()
    assert data["source"] == {"from": "HEAD", "message": MESSAGE}
    summaries = {c["summary"] for c in data["candidates"]}
    assert "`requests.get(...)` without `timeout=`" in summaries
    assert "`client.fetch(...)` without `tenant=`" in summaries
    assert "`cur.execute('...' % $V1)`" in summaries
    statements = [c for c in data["candidates"] if c["kind"] == "statement"]
    assert {"pattern": "try:\n    ...\nexcept Exception:\n    pass"} in [
        p for c in statements for p in c["patterns"]
    ]
    by_kind = _patterns(data)
    assert by_kind[("keyword-added", 1)][0] == {"pattern": "$RECEIVER.get(...)"} or any(
        c["patterns"][0] == {"pattern": "$RECEIVER.fetch(...)"} for c in data["candidates"]
    )
    # every candidate names the fix it came from, with both sides
    http = next(c for c in data["candidates"] if "timeout" in c["summary"])
    assert http["fixes"] == [
        {
            "path": "app/http.py",
            "line": 5,
            "before": "return requests.get(url).json()\n",
            "after": "return requests.get(url, timeout=10).json()\n",
        }
    ]
    assert data["no_rule"] == []

    text = project.run("learn", "HEAD")
    assert text.code == 0 and f"Learning from HEAD: {MESSAGE}" in text.out
    assert "pattern-not: requests.get(..., timeout=$VALUE, ...)" in text.out


def test_the_reach_shows_other_instances_and_rejects_the_line_not_the_class(
    project: Project,
) -> None:
    _fixed(project)
    data = project.run("learn", "HEAD", "--json").json()
    by_summary = {c["summary"]: c for c in data["candidates"]}
    timeout = by_summary["`requests.get(...)` without `timeout=`"]
    assert timeout["rejected"] is None and timeout["reach"] == 1
    assert timeout["examples"] == [
        "app/reports.py:5: return requests.get(base + '/report').content"
    ]
    sql = by_summary["`cur.execute('...' % $V1)`"]
    assert sql["rejected"] is None and sql["reach"] == 1
    assert sql["examples"][0].startswith("app/reports.py:9: cur.execute(")
    # any receiver's `.get(...)` is ordinary code: a built-in rule's good example has it
    anywhere = by_summary["`$RECEIVER.get(...)` without `timeout=`"]
    assert anywhere["rejected"].startswith("fires on the good example of ")
    # the tenant mistake is found only in a test file
    tenant = by_summary["`client.fetch(...)` without `tenant=`"]
    assert tenant["reach"] == 1 and tenant["rejected"] == "fires only in test files"


def test_the_patterns_fire_on_the_old_code_and_not_the_new(project: Project, tmp_path) -> None:
    """What `learn` verified, checked again here with Semgrep directly."""
    _fixed(project)
    data = project.run("learn", "HEAD", "--json").json()
    rules = [
        {
            "id": f"c{i}",
            "languages": ["python"],
            "severity": "WARNING",
            "message": c["summary"],
            "patterns": c["patterns"],
        }
        for i, c in enumerate(data["candidates"])
    ]
    config = tmp_path / "rules.json"
    config.write_text(json.dumps({"rules": rules}))
    for side, files in (("old", BEFORE), ("new", AFTER)):
        folder = tmp_path / side
        for path, text in files.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text)
        scan = subprocess.run(
            ["semgrep", "scan", "--experimental", "--config", str(config), "--json",
             "--metrics=off", "--disable-version-check", "--", str(folder)],
            capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        fired = {r["check_id"].rsplit(".", 1)[-1] for r in json.loads(scan.stdout)["results"]}
        if side == "old":
            assert fired == {r["id"] for r in rules}
        else:
            assert fired == set()


def test_a_refactor_teaches_nothing_and_says_why(project: Project) -> None:
    _repo(project)
    project.write("app/http.py", BEFORE["app/http.py"].replace("url", "address"))
    project.write("app/db.py", BEFORE["app/db.py"].replace("name", "who") + "# looked at\n")
    project.git(*COMMIT, "Rename for clarity")
    learned = project.run("learn", "HEAD", "--json")
    assert learned.code == 1, learned.err
    data = learned.json()
    assert data["candidates"] == []
    assert data["no_rule"] and all("rename or refactor" in line for line in data["no_rule"])
    text = project.run("learn", "HEAD")
    assert text.code == 1 and "Nothing to learn" in text.out


def test_a_diff_file_and_the_working_tree_teach_the_same(project: Project) -> None:
    _repo(project)
    for path, text in AFTER.items():
        project.write(path, text)
    from_tree = project.run("learn", "--json")
    assert from_tree.code == 0, from_tree.err
    diff = subprocess.run(
        ["git", "diff"], cwd=project.root, capture_output=True, text=True, check=True
    ).stdout
    project.write("fix.diff", diff)
    from_diff = project.run("learn", "--diff", "fix.diff", "--json")
    assert from_diff.code == 0, from_diff.err
    summaries = {c["summary"] for c in from_tree.json()["candidates"]}
    assert summaries == {c["summary"] for c in from_diff.json()["candidates"]}
    assert "`requests.get(...)` without `timeout=`" in summaries


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope",), "'nope' is not a commit"),
        (("--diff", "missing.diff"), "cannot read missing.diff"),
        (("--diff", "empty.diff"), "no hunks found"),
        (("HEAD", "--diff", "empty.diff"), "not both"),
        (("HEAD",), "without a parent"),
        (("--", "-x"), "is not a commit"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(project: Project, args, message) -> None:
    project.git("init", "-q")
    project.write("a.py", "x = 1\n")
    project.write("empty.diff", "nothing here\n")
    project.git("add", "-A")
    project.git(*COMMIT, "only")
    refused = project.run("learn", *args)
    assert refused.code == 2, refused.err
    assert refused.err.count("\n") == 1 and message in refused.err, refused.err


def test_write_best_makes_a_complete_rule_that_every_surface_sees(project: Project) -> None:
    _repo(project)
    project.write(
        "pyproject.toml",
        '[project]\nname = "shop"\n\n[tool.guardrails]\nfail-on = "warning"\n'
        'policy-base = "HEAD"\n',
    )
    project.git("add", "-A")
    project.git(*COMMIT, "config")
    for path, text in AFTER.items():
        project.write(path, text)
    project.git(*COMMIT, MESSAGE)
    written = project.run("learn", "HEAD", "--write", "best", "--id", "ACME101", "--json")
    assert written.code == 0, written.err
    files = written.json()["written"]["files"]
    assert {path.rsplit("/", 1)[-1] for path in files} >= {"__init__.py", "test_acme101.py"}
    config = (project.root / "pyproject.toml").read_text()
    assert 'plugins = ["guardrails_learned"]' in config and 'fail-on = "warning"' in config

    explained = project.run("explain", "ACME101")
    assert explained.code == 0 and MESSAGE in explained.out  # the why, from the commit
    found = project.run("check", "--output-format", "json")
    assert found.code == 1, found.err
    assert {(v["path"], v["rule_id"]) for v in found.json()["violations"]} >= {
        ("app/reports.py", "ACME101")
    }
    # adding a rule is no weakening of the policy: the ratchet asks no approval for it
    assert "GR005" not in {v["rule_id"] for v in found.json()["violations"]}
    # its own test: green on the examples (the fix's old and new code)
    test = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "guardrails_learned"],
        cwd=project.root, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert test.returncode == 0 and "2 passed" in test.stdout, test.stdout + test.stderr
    # red when the rule stops firing on the old code
    rule = next((project.root / "guardrails_learned" / "semgrep").glob("*.yaml"))
    rule.write_text(rule.read_text().replace("# bad", ""))
    red = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "guardrails_learned"],
        cwd=project.root, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert red.returncode == 1

    again = project.run("learn", "HEAD", "--write", "best", "--id", "ACME101")
    assert again.code == 2 and "already" in again.err


def test_write_refuses_before_touching_anything(project: Project) -> None:
    _fixed(project)
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.mine"]\n')
    project.write("tools/__init__.py", "")
    project.write(
        "tools/mine.py",
        "from guardrails import hookimpl\n\n\n@hookimpl\n"
        "def guardrails_categories() -> list[str]:\n    return []\n",
    )
    refused = project.run("learn", "HEAD", "--write", "best", "--id", "ACME101")
    assert refused.code == 2 and "add 'guardrails_learned' to `plugins`" in refused.err
    assert not (project.root / "guardrails_learned").exists()
    for choice, message in (("99", "give best or 1.."), ("x", "give best or 1..")):
        refused = project.run("learn", "HEAD", "--write", choice, "--id", "ACME101")
        assert refused.code == 2 and message in refused.err


def _at_a_terminal(project: Project, args: list[str], answers: list[str]) -> str:
    """Run `guardrails ARGS` with a terminal for stdin and stdout, answering each prompt."""
    import os
    import pty
    import select

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "guardrails", *args],
        cwd=project.root, stdin=follower, stdout=follower, stderr=subprocess.PIPE,
    )  # fmt: skip
    os.close(follower)
    shown, pending = b"", list(answers)
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError(f"no prompt within 120 s: {shown[-500:]!r}")
        chunk = terminal_output(leader)
        if not chunk:
            break
        shown += chunk
        if pending and shown.rstrip().endswith((b":", b"]:")):
            os.write(leader, pending.pop(0).encode() + b"\n")
    process.wait(timeout=120)
    os.close(leader)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    return shown.decode("utf-8", "replace")


def test_at_a_terminal_it_shows_the_candidates_and_asks(project: Project) -> None:
    _fixed(project)
    project.write("pyproject.toml", "[tool.guardrails]\n")
    shown = _at_a_terminal(project, ["learn", "HEAD"], ["9", "1", "ACME007"])
    assert "1. " in shown and "reach: fires on" in shown
    assert "'9' is not one of" in shown  # asked again
    assert "Wrote ACME007" in shown
    assert list((project.root / "guardrails_learned" / "semgrep").glob("acme007_*.yaml"))
    # Enter writes nothing
    project.git("add", "-A")
    project.git(*COMMIT, "the learned rule")
    _at_a_terminal(project, ["learn", "HEAD~1"], [""])
    assert len(list((project.root / "guardrails_learned" / "semgrep").glob("*.yaml"))) == 1


def test_write_into_a_named_plugin_package(project: Project) -> None:
    from guardrails.backends.semgrep import load_rule_dir

    _fixed(project)
    assert project.run("new-plugin", "shop").code == 0
    package = project.root / "guardrails-shop"
    written = project.run(
        "learn", "HEAD", "--write", "best", "--id", "SHOP001", "--into", "guardrails-shop"
    )
    assert written.code == 0, written.err
    (rule,) = package.glob("src/*/rules/semgrep/shop001_*.yaml")
    assert (package / "tests" / "test_shop001.py").is_file()
    metas, _rules, triggers = load_rule_dir(rule.parent, "shop")
    assert set(metas) == {"SHOP001"} and metas["SHOP001"].why == MESSAGE
    assert len(metas["SHOP001"].bad) == len(metas["SHOP001"].good) == 1
    assert triggers["SHOP001"]  # files without its word skip Semgrep
    assert not (project.root / "guardrails_learned").exists()  # nothing in-repo, no config
    refused = project.run("learn", "HEAD", "--write", "best", "--id", "SHOP002", "--into", "app")
    assert refused.code == 2 and "not a plugin package" in refused.err


def test_a_fix_no_pattern_separates_gets_a_libcst_skeleton(project: Project) -> None:
    project.git("init", "-q")
    project.write("pyproject.toml", "[tool.guardrails]\n")
    # a Semgrep `if` pattern also matches the `if` with its new `else`: no pattern tells
    # the two apart, a LibCST rule can
    project.write("app/orders.py", "def run(ok):\n    if ok:\n        go()\n    return ok\n")
    project.git("add", "-A")
    project.git(*COMMIT, "base")
    project.write(
        "app/orders.py",
        "def run(ok):\n    if ok:\n        go()\n    else:\n        stop()\n    return ok\n",
    )
    project.git(*COMMIT, "Guard against a missing order")
    learned = project.run("learn", "HEAD", "--json")
    assert learned.code == 1 and learned.json()["candidates"] == []
    assert "--write libcst" in learned.json()["no_rule"][0]
    written = project.run("learn", "HEAD", "--write", "libcst", "--id", "ACME050")
    assert written.code == 0, written.err
    rule = project.root / "guardrails_learned" / "rule_acme050.py"
    assert "Guard against a missing order" in rule.read_text()
    explained = project.run("explain", "ACME050")
    assert explained.code == 0 and "Guard against a missing order" in explained.out
    # the skeleton's test is red until its visitor reports the old code
    red = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "guardrails_learned"],
        cwd=project.root, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert red.returncode == 1 and "1 failed, 1 passed" in red.stdout, red.stdout + red.stderr
