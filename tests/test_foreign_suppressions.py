"""`foreign-suppressions`: a project's existing `# noqa` / `# nosec` triage, honoured on opt-in.

Every case shows the comment honoured AND its twin: the same code without
the comment (or with a comment for another concern) still reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from guardrails.config import Settings, load_settings
from guardrails.engine import RunResult, check_paths
from guardrails.errors import ConfigError
from guardrails.foreign import FOREIGN_COMMENT, covers, parse_comment
from guardrails.plugins import load_plan
from guardrails.ratchet import _config_weakenings
from guardrails.registry import SelectionLayer


def check(
    source: str, kinds: tuple[str, ...] = ("noqa", "nosec"), select: tuple[str, ...] = ()
) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="guardrails-test-") as tmp:
        root = Path(tmp).resolve()
        path = root / "app.py"
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        settings = Settings(
            root=root,
            src=(root,),
            layers=(SelectionLayer(select=select or None),),
            foreign_suppressions=kinds,
        )
        return check_paths(load_plan(settings), [path], jobs=1)


def pairs(found: list) -> set[tuple[str, int]]:
    return {(v.rule_id, v.line) for v in found}


# ------------------------------------------------------------------ parsing
@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# noqa", ("noqa", ())),
        ("# NOQA", ("noqa", ())),
        ("# noqa: E722", ("noqa", ("E722",))),
        ("# noqa:E722,B006", ("noqa", ("E722", "B006"))),
        ("# noqa: E722 B006 reason follows", ("noqa", ("E722", "B006"))),
        ("# type: ignore[arg-type]  # noqa: S101", ("noqa", ("S101",))),
        ("# noqa: this is fine", None),  # a code list that does not parse: nothing
        ("# noqa-ish", None),
        ("# nosec", ("nosec", ())),
        ("# nosec B602, B607", ("nosec", ("B602", "B607"))),
        ("# nosec: B602 trusted input", ("nosec", ("B602",))),
        ("# no security issue here", None),
    ],
)
def test_parse_comment(comment: str, expected: object) -> None:
    assert parse_comment(comment, ("noqa", "nosec")) == expected


def test_only_enabled_kinds_are_parsed() -> None:
    assert parse_comment("# noqa", ("nosec",)) is None
    assert parse_comment("# nosec", ("noqa",)) is None


def test_blanket_comments_cover_what_their_tool_checks() -> None:
    shell = frozenset({"S602", "B602"})
    assert covers("noqa", (), shell) and covers("nosec", (), shell)
    assert covers("noqa", (), frozenset({"T201"}))
    assert not covers("nosec", (), frozenset({"T201"}))  # bandit never flags print
    assert not covers("nosec", (), frozenset({"B006"}))  # bugbear's B006 is not bandit's
    assert not covers("noqa", ("E501",), shell)


# ---------------------------------------------------------------- end to end
def test_named_codes_suppress_the_mapped_rule_and_nothing_else() -> None:
    result = check(
        """\
        import subprocess


        def run(cmd: str, items: list = []) -> None:  # noqa: B006
            items.append(cmd)
            subprocess.call(cmd, shell=True)  # nosec B602
            subprocess.call(cmd, shell=True)  # noqa: E501
            subprocess.call(cmd, shell=True)  # nosec B101
        """,
        select=("REL003", "SEC001"),
    )
    assert pairs(result.suppressed) == {("REL003", 4), ("SEC001", 6)}
    assert pairs(result.violations) == {("SEC001", 7), ("SEC001", 8)}
    assert {v.suppressed_by for v in result.suppressed} == {FOREIGN_COMMENT}


def test_twin_without_the_comment_or_without_the_setting_is_reported() -> None:
    source = """\
        def add(item: str, items: list = []) -> list:  # noqa: B006
            return items


        def keep(item: str, items: list = []) -> list:
            return items
        """
    honoured = check(source, select=("REL003", "GR"))
    assert pairs(honoured.suppressed) == {("REL003", 1)}
    assert pairs(honoured.violations) == {("REL003", 5)}
    default = check(source, kinds=(), select=("REL003", "GR"))
    assert pairs(default.violations) == {("REL003", 1), ("REL003", 5)}  # and no GR002
    assert default.suppressed == []


def test_blanket_noqa_and_nosec() -> None:
    result = check(
        """\
        import subprocess


        def run(cmd: str) -> None:
            subprocess.call(cmd, shell=True)  # noqa
            subprocess.call(cmd, shell=True)  # nosec
            print(cmd)  # nosec
            print(cmd)  # noqa
        """,
        select=("SEC001", "OBS001"),
    )
    assert pairs(result.suppressed) == {("SEC001", 5), ("SEC001", 6), ("OBS001", 8)}
    assert pairs(result.violations) == {("OBS001", 7)}


def test_rules_no_other_linter_checks_are_never_suppressed() -> None:
    result = check(
        """\
        import os

        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/run")
        def run_it() -> str:
            os.system(request.args["cmd"])  # noqa
            return "ok"
        """,
        select=("SEC015",),
    )
    assert pairs(result.violations) == {("SEC015", 10)}


def test_ruff_backed_rules_answer_to_their_ruff_codes() -> None:
    result = check(
        """\
        def pay(amount: int) -> int:
            assert amount > 0  # noqa: S101
            assert amount < 10  # nosec B101
            assert amount != 5
            return amount
        """,
        select=("REL009",),
    )
    assert pairs(result.suppressed) == {("REL009", 2), ("REL009", 3)}
    assert pairs(result.violations) == {("REL009", 4)}


def test_a_comment_on_another_line_suppresses_nothing_and_is_never_gr002() -> None:
    result = check(
        """\
        import subprocess

        # noqa: S602
        def run(cmd: str) -> None:
            subprocess.call(cmd, shell=True)
            return None  # noqa: S602
        """,
        select=("SEC001", "GR"),
    )
    assert pairs(result.violations) == {("SEC001", 5)}
    assert result.suppressed == []


def test_guardrails_comment_wins_and_precedence_applies_among_suppressed() -> None:
    result = check(
        """\
        def load(read):
            try:
                return read()
            except Exception:  # noqa: BLE001, S110
                pass
            try:
                return read()
            except:  # noqa: E722
                pass
            try:
                return read()
            except Exception:  # guardrails: ignore[OBS005] best effort  # noqa: BLE001
                pass
        """,
        select=("REL002", "OBS005", "OBS006", "GR"),
    )
    # one suppressed finding per construct; an untriaged concern stays active
    assert pairs(result.suppressed) == {("OBS005", 4), ("REL002", 8)}
    assert pairs(result.violations) == {("OBS005", 8)}


# ---------------------------------------------------------------- reporting
def test_json_and_sarif_report_them_as_suppressed_and_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.guardrails]\nforeign-suppressions = ["noqa"]\nselect = ["REL003"]\n'
    )
    (tmp_path / "app.py").write_text(
        "def add(items: list = []) -> list:  # noqa: B006\n    return items\n"
    )

    def cli(fmt: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "guardrails", "check", "--no-cache", "--output-format", fmt],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    done = cli("json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["violations"] == []
    assert [(v["rule_id"], v["suppressed_by"]) for v in report["suppressed"]] == [
        ("REL003", "foreign-comment")
    ]
    assert report["summary"]["total"] == 0 and report["summary"]["suppressed"] == 1
    done = cli("sarif")
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)["runs"][0]["results"]
    assert result["ruleId"] == "REL003"
    assert result["suppressions"][0]["kind"] == "inSource"
    done = cli("text")
    assert done.returncode == 0 and "1 finding suppressed by" in done.stdout


# ------------------------------------------------------------- config, ratchet
def test_config_accepts_only_known_kinds(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.guardrails]\nforeign-suppressions = ["nosec", "noqa"]\n')
    assert load_settings(tmp_path).foreign_suppressions == ("nosec", "noqa")
    config.write_text('[tool.guardrails]\nforeign-suppressions = ["pylint"]\n')
    with pytest.raises(ConfigError, match="foreign-suppressions"):
        load_settings(tmp_path)


def test_turning_foreign_suppressions_on_weakens_the_policy(tmp_path: Path) -> None:
    old = Settings(root=tmp_path, src=(tmp_path,))
    new = Settings(root=tmp_path, src=(tmp_path,), foreign_suppressions=("noqa",))
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.guardrails]\n")
    found = _config_weakenings(old, load_plan(old), new, load_plan(new), config)
    assert [w.key for w in found] == ["foreign-suppressions:noqa"]
    assert _config_weakenings(new, load_plan(new), old, load_plan(old), config) == []
