"""The policy ratchet: weakening the policy since a git ref is GR005; strengthening is silent."""

from __future__ import annotations

import json

BASE_CONFIG = """\
[tool.guardrails]
select = ["SEC", "REL", "ARC"]
baseline = "guardrails-baseline.json"

[tool.guardrails.rules.ARC003]
max-lines = 400

[tool.guardrails.rules.ARC001]
layers = ["shop.data", "shop.service", "shop.api"]
"""
APP = (
    "import subprocess\n\n\n"
    "def run(args: list[str]) -> None:\n"
    "    subprocess.run(args, check=True)\n"
)


def _repo(project) -> None:
    project.git("init", "-q")
    project.write("pyproject.toml", BASE_CONFIG)
    project.write("shop/__init__.py", "")
    project.write("shop/app.py", APP)
    project.write("guardrails-baseline.json", json.dumps({"version": 1, "findings": []}))
    project.git("add", "-A")
    project.git("commit", "-q", "-m", "base")


def _gr005(project, *args: str) -> list[tuple[str, int, str]]:
    base = () if "--policy-base" in args else ("--policy-base", "HEAD")
    result = project.run("check", *base, "--output-format", "json", *args)
    assert result.code in (0, 1), result.err
    return [
        (v["path"], v["line"], v["message"])
        for v in result.json()["violations"]
        if v["rule_id"] == "GR005"
    ]


def test_unchanged_and_strengthened_policy_is_silent(project) -> None:
    _repo(project)
    assert _gr005(project) == []
    stricter = BASE_CONFIG.replace('["SEC", "REL", "ARC"]', '["SEC", "REL", "ARC", "OBS"]')
    stricter = stricter.replace("max-lines = 400", "max-lines = 300")
    stricter = stricter.replace('"shop.api"]', '"shop.api", "shop.cli"]')
    project.write("pyproject.toml", stricter)
    assert _gr005(project) == []


def test_each_weakening_is_reported_where_it_was_made(project) -> None:
    _repo(project)
    weaker = BASE_CONFIG.replace('["SEC", "REL", "ARC"]', '["SEC", "ARC"]')
    weaker = weaker.replace("max-lines = 400", "max-lines = 2000")
    weaker = weaker.replace(
        'layers = ["shop.data", "shop.service", "shop.api"]', 'layers = ["shop.data", "shop.api"]'
    )
    weaker += '\n[tool.guardrails.per-file-ignores]\n"shop/legacy/*" = ["SEC001"]\n'
    project.write("pyproject.toml", weaker)
    project.write(
        "shop/app.py",
        APP.replace(
            "    subprocess.run(args, check=True)\n",
            "    subprocess.run(args, check=True)  # guardrails: ignore[REL004] retried by cron\n",
        ),
    )
    found = _gr005(project)
    messages = "\n".join(m for _, _, m in found)
    lines = {m.split(" ")[0]: (path, line) for path, line, m in found}
    assert "REL (13 rules: REL001, REL002," in messages and "no longer selected" in messages
    assert lines["REL"] == ("pyproject.toml", 2)
    assert "ARC003 option `max-lines` loosened: 400 -> 2000" in messages
    assert "ARC001 option `layers` loosened" in messages
    assert "per-file-ignores now exempts 'shop/legacy/*' from SEC001" in messages
    assert any(
        path == "shop/app.py" and line == 5 and "new suppression of REL004" in m
        for path, line, m in found
    )
    assert all("approval key: `" in m for _, _, m in found)


def test_ignore_and_baseline_growth_and_approval_on_the_base_branch(project, tmp_path) -> None:
    _repo(project)
    project.write(
        "pyproject.toml",
        BASE_CONFIG.replace(
            'select = ["SEC", "REL", "ARC"]', 'select = ["SEC", "REL", "ARC"]\nignore = ["SEC001"]'
        ),
    )
    project.write(
        "guardrails-baseline.json",
        json.dumps(
            {
                "version": 1,
                "findings": [
                    {
                        "fingerprint": "f" * 32,
                        "rule_id": "REL004",
                        "path": "shop/app.py",
                        "line": 5,
                        "message": "m",
                    }
                ],
            }
        ),
    )
    found = _gr005(project)
    keys = sorted(m.split("approval key: `")[1].rstrip("`)") for _, _, m in found)
    assert "deselect:SEC001" in keys and any(k.startswith("baseline:") for k in keys)
    ignored = next(m for _, _, m in found if "SEC001" in m)
    assert "ignored" in ignored
    # The branch cannot approve itself: an approvals file it adds is not read ...
    project.write(".github/guardrails-approvals.txt", "\n".join(keys) + "\n")
    assert len(_gr005(project)) == len(found)
    # ... a person's CI input is, and so is the file once it is on the base branch.
    approved = project.run(
        "check",
        "--policy-base",
        "HEAD",
        "--output-format",
        "json",
        env={"GUARDRAILS_POLICY_APPROVED": ",".join(keys)},
    )
    assert not [v for v in approved.json()["violations"] if v["rule_id"] == "GR005"]
    project.git("add", ".github/guardrails-approvals.txt")
    project.git("commit", "-q", "-m", "approve the exceptions (reviewed by CODEOWNERS)")
    # only the approvals file is committed: the weakening is still in the working tree
    assert _gr005(project) == []


def test_policy_base_from_config_and_bad_ref(project) -> None:
    _repo(project)
    project.write(
        "pyproject.toml",
        BASE_CONFIG.replace(
            "[tool.guardrails]\n", '[tool.guardrails]\npolicy-base = "HEAD"\n'
        ).replace('"REL", ', ""),
    )
    result = project.run("check", "--output-format", "json")
    assert any(v["rule_id"] == "GR005" for v in result.json()["violations"])
    bad = project.run("check", "--policy-base", "no-such-branch")
    assert bad.code == 2
    assert bad.err.strip().splitlines() == [
        "guardrails: error: --policy-base 'no-such-branch' is not a commit, branch or tag "
        "in this repository"
    ]


def test_a_committed_weakening_against_the_previous_commit(project) -> None:
    _repo(project)
    weaker = BASE_CONFIG.replace('"REL", ', "").replace("max-lines = 400", "max-lines = 900")
    project.write("pyproject.toml", weaker)
    project.write(
        "shop/app.py",
        APP.replace("check=True)\n", "check=True)  # guardrails: ignore[SEC001] ok\n"),
    )
    project.git("commit", "-qam", "make CI green")
    found = _gr005(project, "--policy-base", "HEAD~1")
    keys = {m.split("approval key: `")[1].rstrip("`)") for _, _, m in found}
    assert keys == {"deselect:REL", "option:ARC003.max-lines", "suppression:shop/app.py:SEC001"}


def test_a_new_config_that_ignores_rules_weakens_the_defaults(project) -> None:
    project.git("init", "-q")
    project.write("shop/app.py", APP)
    project.git("add", "-A")
    project.git("commit", "-q", "-m", "no config: the default policy")
    project.write("pyproject.toml", '[tool.guardrails]\nignore = ["SEC001"]\n')
    found = _gr005(project)
    assert [(path, line) for path, line, _ in found] == [("pyproject.toml", 2)]
    assert "SEC001" in found[0][2] and "ignored" in found[0][2]
    # the command line is the same on both sides, so it is not a weakening
    assert _gr005(project, "--ignore", "REL") == found
