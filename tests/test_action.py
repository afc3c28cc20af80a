"""The GitHub Action (action.yml) and the GitLab CI template, run step by step here.

There is no runner in the test environment, so `actions_runner.Runner` emulates the part of
one that a composite action uses: the `run:` steps execute with bash, in order, with their
`env:` and `if:` evaluated as GitHub would. `uses:` steps (other actions: cache, artifacts,
code scanning) are not run; `Services` checks instead that what their `with:` names exists
and is valid (the SARIF the upload step uploads validates against the SARIF 2.1.0 schema)
and stands in for the artifact and cache stores between jobs.

The install step is not run (it would download guardrails' dependencies): the tests set the
action's `install: false`, with which the action uses the `guardrails` on PATH and refuses
it unless it is the `version` asked for. That check is tested too.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from actions_runner import Runner
from test_cache_portable import MARK, _mark_entries
from test_output_formats import validate_sarif

from guardrails import _version, cli

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
TEMPLATE_PATH = REPO / "ci" / "gitlab" / "guardrails.gitlab-ci.yml"
TEMPLATE = yaml.safe_load(TEMPLATE_PATH.read_text(encoding="utf-8"))
GITLAB_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "gitlab-code-quality-schema.json").read_text()
)


def has_shards() -> bool:
    """`check --shard` and `merge` exist (they are built on main in parallel with this)."""
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    return "merge" in commands and "--shard" in commands["check"].format_help()


needs_shards = pytest.mark.skipif(not has_shards(), reason="`check --shard` and `merge` not here")


class Services:
    """The other actions the action uses, as far as the tests can stand in for them: each
    call is checked for what it names, and artifacts are kept between jobs."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.uploaded_sarif: list[tuple[str, bytes]] = []
        self.caches: dict[str, Path] = {}  # saved caches by key, oldest first

    def __call__(self, uses: str, given: dict[str, str]) -> dict[str, str]:
        self.calls.append((uses, given))
        action = uses.split("@")[0]
        if action == "actions/cache/restore":
            key, restore = given["key"], given["restore-keys"].splitlines()
            assert restore and all(key.startswith(prefix) for prefix in restore), given
            assert Path(given["path"]).is_absolute()
            for prefix in restore:  # as actions/cache: the newest entry with the prefix
                found = [saved for saved in reversed(self.caches) if saved.startswith(prefix)]
                if found:
                    shutil.copytree(self.caches[found[0]], given["path"])
                    return {"cache-hit": "false", "cache-matched-key": found[0]}
            return {"cache-hit": "false"}
        if action == "actions/cache/save":
            assert any(Path(given["path"]).iterdir()), "the check wrote no cache entry"
            assert given["key"] not in self.caches, "a cache key is saved once"
            self.caches[given["key"]] = self.store / "caches" / given["key"]
            shutil.copytree(given["path"], self.caches[given["key"]])
            return {}
        if action == "github/codeql-action/upload-sarif":
            sarif = Path(given["sarif_file"])
            validate_sarif(json.loads(sarif.read_text(encoding="utf-8")))
            self.uploaded_sarif.append((given["category"], sarif.read_bytes()))
            return {}
        if action == "actions/upload-artifact":
            source = Path(given["path"])
            assert source.is_file() and given["if-no-files-found"] == "error"
            target = self.store / "artifacts" / given["name"]
            target.mkdir(parents=True)
            shutil.copy(source, target)
            return {"artifact-id": "1"}
        if action == "actions/download-artifact":
            for artifact in sorted((self.store / "artifacts").iterdir()):
                if fnmatch.fnmatch(artifact.name, given["pattern"]):
                    shutil.copytree(artifact, Path(given["path"]) / artifact.name)
            return {}
        raise AssertionError(f"the tests do not expect the action to use {uses}")

    def used(self, action: str) -> list[dict[str, str]]:
        return [given for uses, given in self.calls if uses.split("@")[0] == action]


# --- a sample repository --------------------------------------------------------------------

FIRST = {
    "pyproject.toml": '[tool.guardrails]\nselect = ["SEC001", "REL001"]\n',
    "app/__init__.py": "",
    "app/jobs.py": (
        "import subprocess\n\n\ndef restart(name):\n"
        '    subprocess.run(f"restart {name}", shell=True)\n'
    ),
    "app/client.py": "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n",
    "lib/__init__.py": "",
    "lib/util.py": "def double(x):\n    return 2 * x\n",
    "lib/hooks.py": "import subprocess\n\n\ndef hook(cmd):\n    subprocess.call(cmd, shell=True)\n",
}
NEW_LINE = 'def remove(name):\n    subprocess.run(f"rm {name}", shell=True)\n'


@dataclass
class Sample:
    root: Path
    base: str  # the first commit: what a pull request's base would be


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    """A git repository with four findings in its first commit and a fifth, on a new line of
    app/jobs.py, in its second."""
    root = tmp_path / "repo"
    for relative, content in FIRST.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(content)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    base = git(root, "rev-parse", "HEAD")
    with (root / "app" / "jobs.py").open("a") as jobs:
        jobs.write("\n\n" + NEW_LINE)
    git(root, "commit", "-q", "-am", "second")
    return Sample(root, base)


def act(sample: Sample, tmp: Path, services: Services, until: str = "", **inputs: str) -> Runner:
    """One job: the action's steps with these inputs (and `install: false`)."""
    runner = Runner(ACTION, REPO, {"install": "false", **inputs}, sample.root, tmp, services)
    runner.run(until)
    return runner


def test_the_emulated_expressions_read_as_githubs(tmp_path: Path) -> None:
    """The runner stand-in decides which steps run: its reading of `if:` must be GitHub's
    (a missing output is '', a condition without a status call needs success())."""
    runner = Runner(ACTION, REPO, {"shard": "1/2"}, tmp_path, tmp_path / "t", lambda *_: {})
    runner.steps["run"] = {"outputs": {"exit-code": "1"}}
    assert runner.evaluate("always() && steps.run.outputs.exit-code != ''") is True
    assert runner.evaluate("steps.nothing.outputs.x != ''") is False
    assert runner.evaluate("!(inputs.shard == '') && inputs.merge == 'false'") is True
    assert runner.evaluate("inputs.diff-base || 'none'") == "none"
    assert runner.text("${{ runner.temp }}/x") == f"{tmp_path / 't'}/x"
    runner.failed = True
    assert runner.condition({"if": "inputs.cache == 'true'"}) is False
    assert runner.condition({"if": "always() && inputs.cache == 'true'"}) is True
    assert runner.condition({}) is False


# --- the action's file ---------------------------------------------------------------------


def test_the_action_is_composite_and_its_scripts_take_inputs_only_through_env() -> None:
    """`${{ inputs.x }}` inside `run:` is pasted into the script before bash reads it: a
    value with `"; curl ... | sh` in it would run. Expressions belong in `env:`, which the
    scripts quote."""
    assert ACTION["runs"]["using"] == "composite"
    scripts = [step for step in ACTION["runs"]["steps"] if "run" in step]
    assert len(scripts) >= 4
    for step in scripts:
        assert "${{" not in step["run"], f"an expression inside the script of {step.get('id')}"
        assert step["shell"] == "bash"
    names = set(ACTION["inputs"])
    for used in re.findall(r"inputs\.([\w-]+)", (REPO / "action.yml").read_text()):
        assert used in names, f"inputs.{used} is not declared"
    ids = [step.get("id") for step in ACTION["runs"]["steps"]]
    for output in ACTION["outputs"].values():
        assert re.fullmatch(r"\$\{\{ steps\.[\w-]+\.outputs\.[\w-]+ \}\}", output["value"])
        assert output["value"].split(".")[1] in ids


def test_the_default_version_is_this_release() -> None:
    """Users pin `uses: ...@vX` and get that release's guardrails unless they ask otherwise."""
    assert ACTION["inputs"]["version"]["default"] == _version.__version__


def test_steps_that_must_run_after_a_failure_say_so() -> None:
    """The check's code is captured, the SARIF uploaded and the cache saved, and only then
    does the last step fail the job: each of those runs `if: always()`."""
    steps = ACTION["runs"]["steps"]
    late = [s for s in steps if s.get("uses", "").startswith(("github/", "actions/cache/save"))]
    late += [steps[-1]]
    assert all(str(s["if"]).startswith("always() && ") for s in late)
    assert steps[-1]["id"] == "result" and 'exit "$CODE"' in steps[-1]["run"]


# --- running it ----------------------------------------------------------------------------


def test_one_run_annotates_uploads_sarif_saves_the_cache_then_fails(
    sample: Sample, tmp_path: Path
) -> None:
    services = Services(tmp_path / "artifacts")
    runner = act(sample, tmp_path / "job", services)
    check = runner.step("run")
    assert check.code == 0, check.err  # the check's own code is captured, not raised here
    assert re.search(r"^::warning file=app/jobs\.py,line=5,", check.out, re.M), check.out
    assert re.search(r"^::error file=app/client\.py,line=5,", check.out, re.M), check.out
    assert re.search(r"^::warning file=lib/hooks\.py,line=5,", check.out, re.M), check.out

    outputs = runner.outputs()
    sarif = Path(outputs["sarif-file"])
    assert sarif == sample.root / "guardrails.sarif"
    assert outputs["exit-code"] == "1" and outputs["findings"] == "4"
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert len(results) == 4
    assert "4 findings, exit code 1" in runner.summary.read_text()

    order = [step.uses.split("@")[0] or step.name for step in runner.record if step.ran]
    assert order == [
        "setup",
        "prepare",
        "actions/cache/restore",
        "run",
        "actions/cache/save",
        "github/codeql-action/upload-sarif",
        "result",
    ]
    assert services.uploaded_sarif == [("guardrails", sarif.read_bytes())]
    restore, save = (
        services.used("actions/cache/restore")[0],
        services.used("actions/cache/save")[0],
    )
    assert restore["path"] == save["path"] == str(tmp_path / "job" / "guardrails-cache")
    assert restore["key"] == save["key"]
    assert restore["key"].startswith(f"guardrails-{_version.__version__}-Linux-")
    assert runner.step("result").code == 1  # the job fails, after the upload
    assert "::error title=guardrails::findings" in runner.step("result").out


def test_the_next_run_at_another_checkout_path_reads_the_saved_cache(
    sample: Sample, tmp_path: Path
) -> None:
    """What the cache step is for: a run on another runner (another checkout path, new
    mtimes, another temporary folder) restores the saved cache and reads its findings from
    it. Each cached message is marked in between, so a finding read from it shows."""
    services = Services(tmp_path / "store")
    act(sample, tmp_path / "first", services)
    (saved,) = services.caches.values()
    assert _mark_entries(saved) == 4

    clone = tmp_path / "elsewhere" / "repo"
    git(tmp_path, "clone", "-q", str(sample.root), str(clone))
    runner = act(Sample(clone, sample.base), tmp_path / "second", services)
    assert services.used("actions/cache/restore")[1]["key"] != next(iter(services.caches))
    annotations = re.findall(r"^::\w+ .*$", runner.step("run").out, re.M)
    assert len(annotations) == 4
    assert all(MARK.replace(" ", "") in line.replace(" ", "") for line in annotations)
    assert len(services.caches) == 2  # the second run saved its own entry
    # pruned before saving: what the run read is kept, nothing failed
    assert "removed 0 entries unused for 7 days" in runner.step("run").out
    assert "could not prune" not in runner.step("run").out


def test_the_cache_key_changes_with_the_config_and_not_with_the_code(
    sample: Sample, tmp_path: Path
) -> None:
    def key(run: str) -> str:
        services = Services(tmp_path / run / "artifacts")
        act(sample, tmp_path / run, services, until="restore")  # the key, not the check
        return services.used("actions/cache/restore")[0]["restore-keys"].splitlines()[-1]

    first = key("one")
    (sample.root / "lib" / "util.py").write_text("def triple(x):\n    return 3 * x\n")
    assert key("two") == first
    (sample.root / "pyproject.toml").write_text('[tool.guardrails]\nselect = ["SEC001"]\n')
    assert key("three") != first


def test_diff_base_reports_only_the_lines_a_pull_request_changed(
    sample: Sample, tmp_path: Path
) -> None:
    services = Services(tmp_path / "artifacts")
    runner = act(sample, tmp_path / "job", services, **{"diff-base": sample.base})
    annotations = re.findall(r"^::\w+ file=([^,]+),line=(\d+)", runner.step("run").out, re.M)
    assert annotations == [("app/jobs.py", "9")]
    assert runner.outputs()["findings"] == "1"


def test_a_diff_base_the_checkout_lacks_fails_with_what_to_fetch(
    sample: Sample, tmp_path: Path
) -> None:
    services = Services(tmp_path / "artifacts")
    missing = "0" * 40
    runner = act(sample, tmp_path / "job", services, **{"diff-base": missing})
    check = runner.step("run")
    assert check.code == 1 and "fetch-depth: 0" in check.out
    assert runner.step("result").ran is False  # no exit code: the job failed at the check
    assert not services.used("github/codeql-action/upload-sarif")


def test_paths_and_args_are_words_never_shell(sample: Sample, tmp_path: Path) -> None:
    """Quoting works; `$(...)`, `;` and backticks are text, not commands."""
    services = Services(tmp_path / "artifacts")
    runner = act(
        sample,
        tmp_path / "job",
        services,
        paths="app '$(touch pwned)'",
        args="--select 'SEC001' --fail-on error `touch pwned2`",
        **{"working-directory": "."},
    )
    assert not (sample.root / "pwned").exists() and not (sample.root / "pwned2").exists()
    assert runner.step("run").code == 0
    assert runner.outputs()["exit-code"] == "2"  # `touch pwned2` and `$(touch pwned)` as paths


def test_select_and_paths_reach_the_check(sample: Sample, tmp_path: Path) -> None:
    services = Services(tmp_path / "artifacts")
    runner = act(sample, tmp_path / "job", services, paths="app", args="--select SEC001")
    files = re.findall(r"^::\w+ file=([^,]+)", runner.step("run").out, re.M)
    assert files == ["app/jobs.py", "app/jobs.py"]
    assert runner.outputs()["exit-code"] == "1"


def test_a_working_directory_keeps_paths_relative_to_the_repository(
    sample: Sample, tmp_path: Path
) -> None:
    services = Services(tmp_path / "artifacts")
    runner = act(sample, tmp_path / "job", services, **{"working-directory": "lib"})
    assert Path(runner.outputs()["sarif-file"]) == sample.root / "lib" / "guardrails.sarif"
    files = re.findall(r"^::\w+ file=([^,]+)", runner.step("run").out, re.M)
    assert files == ["lib/hooks.py"]


def test_install_false_refuses_a_guardrails_of_another_version(
    sample: Sample, tmp_path: Path
) -> None:
    runner = act(sample, tmp_path / "job", Services(tmp_path / "a"), version="9.9.9")
    prepare = runner.step("prepare")
    assert prepare.code == 1
    assert f"PATH has guardrails {_version.__version__}, not the version input 9.9.9" in prepare.out
    assert not runner.step("run").ran


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"shard": "0/2"}, "shard: expected I/N"),
        ({"shard": "3/2"}, "shard: I must be at most N"),
        ({"shard": "1/2", "merge": "true"}, "shard and merge: a job checks one shard or merges"),
        ({"cache": "yes"}, "cache: expected true or false"),
        ({"upload-sarif": "sometimes"}, "upload-sarif: expected true, false or auto"),
        ({"category": "a b"}, "category: use letters"),
    ],
)
def test_bad_inputs_stop_the_job_with_one_error(
    inputs: dict[str, str], message: str, sample: Sample, tmp_path: Path
) -> None:
    runner = act(sample, tmp_path / "job", Services(tmp_path / "a"), **inputs)
    setup = runner.step("setup")
    assert setup.code == 1, setup.err
    assert setup.out.startswith(f"::error title=guardrails action::{message}"), setup.out
    assert setup.out.count("\n") == 1
    assert [step.name for step in runner.record if step.ran] == ["setup"]


@needs_shards
def test_shard_jobs_and_the_merge_job_upload_what_one_run_would(
    sample: Sample, tmp_path: Path
) -> None:
    """Two shard jobs upload artifacts (not code scanning); the merge job downloads them,
    merges, uploads one SARIF identical byte for byte to the unsharded run's, and fails
    the job as the unsharded run would."""
    whole = act(sample, tmp_path / "whole", Services(tmp_path / "unused"))
    expected = Path(whole.outputs()["sarif-file"]).read_bytes()

    services = Services(tmp_path / "artifacts")
    for index in (1, 2):
        shard = act(sample, tmp_path / f"shard{index}", services, shard=f"{index}/2")
        assert shard.step("run").code == 0, shard.step("run").err
        assert Path(shard.outputs()["sarif-file"]).name == f"guardrails-shard-{index}-of-2.sarif"
    assert sorted(p.name for p in (services.store / "artifacts").iterdir()) == [
        "guardrails-shard-1-of-2",
        "guardrails-shard-2-of-2",
    ]
    assert not services.uploaded_sarif  # `upload-sarif: auto`: shards leave it to the merge
    cache_keys = [given["key"] for given in services.used("actions/cache/save")]
    assert len(set(cache_keys)) == 2  # each shard saves its own entries

    merge = act(sample, tmp_path / "merge", services, merge="true")
    assert merge.step("run").code == 0, merge.step("run").err
    assert services.uploaded_sarif == [("guardrails", expected)]
    assert merge.outputs()["exit-code"] == "1" and merge.outputs()["findings"] == "4"
    assert merge.step("result").code == 1
    assert len(services.used("actions/cache/restore")) == 2  # the merge job has no cache


@needs_shards
def test_a_shard_that_uploads_gets_a_category_of_its_own(sample: Sample, tmp_path: Path) -> None:
    services = Services(tmp_path / "artifacts")
    act(sample, tmp_path / "job", services, shard="2/2", **{"upload-sarif": "true"})
    assert [category for category, _ in services.uploaded_sarif] == ["guardrails/shard-2-of-2"]


# --- GitLab --------------------------------------------------------------------------------


def gitlab_report(root: Path, *args: str, cwd: Path | None = None) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["guardrails", "check", "--output-format", "gitlab", *args],
        cwd=cwd or root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    jsonschema.Draft7Validator(GITLAB_SCHEMA).validate(report)
    return report


def test_gitlab_code_quality_report_has_gitlabs_fields(sample: Sample) -> None:
    report = gitlab_report(sample.root)
    assert [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in report] == [
        ("app/client.py", 5),
        ("app/jobs.py", 5),
        ("app/jobs.py", 9),
        ("lib/hooks.py", 5),
    ]
    by_rule = {i["check_name"]: i["severity"] for i in report}
    assert by_rule == {"REL001": "critical", "SEC001": "major"}  # error, warning
    assert report[0]["description"].startswith("REL001 ")
    json_report = subprocess.run(
        ["guardrails", "check", "--output-format", "json"],
        cwd=sample.root,
        capture_output=True,
        text=True,
        check=False,
    )
    fingerprints = [v["fingerprint"] for v in json.loads(json_report.stdout)["violations"]]
    assert [i["fingerprint"] for i in report] == fingerprints
    assert len(set(fingerprints)) == 4


def test_gitlab_paths_count_from_the_repository_root(sample: Sample) -> None:
    """GitLab resolves a Code Quality path from the repository root, wherever the job ran."""
    report = gitlab_report(sample.root, ".", cwd=sample.root / "lib")
    assert [i["location"]["path"] for i in report] == ["lib/hooks.py"]


def test_an_empty_gitlab_report_is_an_empty_array(sample: Sample) -> None:
    done = subprocess.run(
        ["guardrails", "check", "--output-format", "gitlab", "lib/util.py"],
        cwd=sample.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "[]\n")


def gitlab_job(name: str, root: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """A job's `script:` lines as GitLab's runner runs them (bash, stop at the first failure),
    with the template's variables and these; `before_script` (the install) is left out."""
    job = TEMPLATE[name]
    env = {**os.environ, **TEMPLATE["variables"], "CI_PROJECT_DIR": str(root), **variables}
    script = "set -eo pipefail\n" + "\n".join(job["script"]) + "\n"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # `after_script` runs in a shell of its own, whatever the script's outcome, before the
    # cache is saved; it must not fail
    after = "set -eo pipefail\n" + "\n".join(job.get("after_script", [])) + "\n"
    cleanup = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", after],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cleanup.returncode == 0 and "Traceback" not in cleanup.stderr, cleanup.stderr
    assert "could not" not in cleanup.stderr and "error" not in cleanup.stderr, cleanup.stderr
    return done


def test_the_gitlab_template_pins_the_release_and_allows_only_findings() -> None:
    assert _version.RELEASE in TEMPLATE["variables"]["GUARDRAILS_INSTALL"]
    assert _version.REPOSITORY in TEMPLATE["variables"]["GUARDRAILS_INSTALL"]
    assert _version.__version__ in TEMPLATE["variables"]["GUARDRAILS_CACHE_VERSION"]
    check = TEMPLATE["guardrails"]
    assert check["allow_failure"] == {"exit_codes": [1]}
    assert check["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert set(check["cache"]["key"]["files"]) == {"pyproject.toml", "guardrails.toml"}
    assert TEMPLATE["guardrails-merge"]["needs"] == ["guardrails"]


def test_the_gitlab_job_without_parallel_writes_a_code_quality_report(sample: Sample) -> None:
    done = gitlab_job("guardrails", sample.root)
    assert done.returncode == 1, done.stderr  # findings: allowed to fail with exactly this
    report = json.loads((sample.root / "gl-code-quality-report.json").read_text())
    jsonschema.Draft7Validator(GITLAB_SCHEMA).validate(report)
    assert len(report) == 4
    assert (sample.root / ".guardrails_cache").is_dir()
    assert "Found 4 findings" in done.stdout
    assert list((sample.root / ".guardrails_cache").glob("v*/*/*.json"))  # pruning kept them


def test_the_gitlab_job_in_a_merge_request_reports_only_changed_lines(sample: Sample) -> None:
    done = gitlab_job("guardrails", sample.root, CI_MERGE_REQUEST_DIFF_BASE_SHA=sample.base)
    assert done.returncode == 1, done.stderr
    report = json.loads((sample.root / "gl-code-quality-report.json").read_text())
    assert [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in report] == [
        ("app/jobs.py", 9)
    ]


@needs_shards
def test_the_gitlab_shards_and_merge_job_give_the_unsharded_report(
    sample: Sample, tmp_path: Path
) -> None:
    whole = subprocess.run(
        ["guardrails", "check", "--output-format", "json"],
        cwd=sample.root,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    count = TEMPLATE["guardrails"]["parallel"]
    fingerprints = []
    for index in range(1, count + 1):
        done = gitlab_job(
            "guardrails", sample.root, CI_NODE_INDEX=str(index), CI_NODE_TOTAL=str(count)
        )
        assert done.returncode in (0, 1), done.stderr
        report = json.loads((sample.root / "gl-code-quality-report.json").read_text())
        jsonschema.Draft7Validator(GITLAB_SCHEMA).validate(report)
        fingerprints += [issue["fingerprint"] for issue in report]
    assert sorted(fingerprints) == sorted(v["fingerprint"] for v in json.loads(whole)["violations"])
    merged = gitlab_job("guardrails-merge", sample.root)
    assert merged.returncode == 1, merged.stderr
    assert (sample.root / "guardrails.json").read_text() == whole


# --- the docs say what the action and the format are ---------------------------------------

CI_PAGE = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")


def test_the_docs_pin_this_release_and_list_every_input() -> None:
    """docs/ci.md shows `uses: ...@vX` with `version: X` and a table of the inputs: both
    must follow action.yml and guardrails/_version.py."""
    tags = re.findall(r"uses: guardrails-lint/guardrails@(\S+)", CI_PAGE)
    versions = re.findall(r'^\s+version: "([^"]+)"', CI_PAGE, re.M)
    assert tags and set(tags) == {f"v{_version.__version__}"}
    assert len(versions) == len(tags) and set(versions) == {_version.__version__}
    listed = re.findall(r"^\| `([\w-]+)` \|", CI_PAGE, re.M)
    assert listed == list(ACTION["inputs"])
    for block in re.findall(r"```yaml\n(.*?)```", CI_PAGE, re.S):
        yaml.safe_load(block)


def test_the_documented_gitlab_example_has_the_real_fields(sample: Sample) -> None:
    page = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    section = page[page.index("## GitLab Code Quality") :]
    documented = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    jsonschema.Draft7Validator(GITLAB_SCHEMA).validate(documented)
    real = gitlab_report(sample.root)
    assert documented[0].keys() == real[0].keys()
    assert documented[0]["location"].keys() == real[0]["location"].keys()
