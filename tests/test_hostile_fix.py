"""Hostile matrix, `fix` never loses work (issue 15): stale edits, symlinks, modes, refusals.

The races are real, not mocked: an in-project plugin rule plays the user
saving the file while guardrails checks it (its `visit_Module` runs in the
middle of the check, after the file was read and before fixes are written).
Several hostile files share one run; one test per case reads that run.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Project, Run

USER_PLUGIN = """\
import json
import os
import signal
from pathlib import Path

import libcst as cst
from guardrails import CstRule, RuleMeta, hookimpl
from guardrails.cst.rule import NodeFix, replace


def meta(rule_id, name):
    return RuleMeta(id=rule_id, name=name, category="reliability", severity="error",
                    summary="s", why="w", remediation="r", fix="safe")


class UserSaves(CstRule):
    \"\"\"Once, when the checked text contains `when`, change the file as `<file>.save` says.\"\"\"

    META = meta("TST020", "user-saves")

    def visit_Module(self, node: cst.Module) -> None:
        marker = Path(self.context.path + ".save")
        if marker.exists():
            edit = json.loads(marker.read_text())
            if edit["when"] in self.context.source:
                marker.unlink()
                path = Path(self.context.path)
                if "content" in edit:
                    path.write_bytes(edit["content"].encode())
                else:
                    path.unlink()
                    if "link" in edit:
                        path.symlink_to(edit["link"])


class UserPressesCtrlC(CstRule):
    META = meta("TST023", "ctrl-c")

    def visit_Module(self, node: cst.Module) -> None:
        marker = Path(self.context.path + ".interrupt")
        if marker.exists() and "mid" in self.context.source:
            marker.unlink()
            os.kill(os.getpid(), signal.SIGINT)


class Rename(CstRule):
    META = meta("TST021", "old-to-mid")
    FROM, TO = "old", "mid"

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.FROM:
            self.report(node, self.FROM, fix=NodeFix((replace(node, self.TO),), "safe"))


class RenameAgain(Rename):
    META = meta("TST022", "mid-to-new")
    FROM, TO = "mid", "new"


class NonAscii(Rename):
    META = meta("TST024", "greeting-to-gruss")
    FROM, TO = "greeting", "gr\\u00fc\\u00df"


@hookimpl
def guardrails_rules():
    return [UserSaves, UserPressesCtrlC, Rename, RenameAgain, NonAscii]
"""

RAISE = (
    "def f(run):\n    try:\n        run()\n"
    '    except ValueError:\n        raise RuntimeError("x")\n'
)
RAISE_FIXED = RAISE.replace("ValueError:", "ValueError as exc:").replace('("x")', '("x") from exc')
CHANGED = "not fixed: it changed since it was checked"


def _with_plugin(project: Project) -> None:
    project.write("tools/user.py", USER_PLUGIN)
    project.write("pyproject.toml", '[tool.guardrails]\nplugins = ["tools.user"]\n')


def _saves(project: Project, name: str, content: str, when: str = "") -> None:
    project.write(f"{name}.save", json.dumps({"when": when, "content": content}))


def _deletes(project: Project, name: str, link: str | None = None) -> None:
    """During the check, delete `name` (and put a symlink to `link` in its place)."""
    edit = {"when": ""} if link is None else {"when": "", "link": link}
    project.write(f"{name}.save", json.dumps(edit))


def _fixed_lines(run: Run) -> list[str]:
    return [line for line in run.out.splitlines() if line.startswith("fixed ")]


def _temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.tmp")]


def _clean_stderr(run: Run) -> list[str]:
    assert "Traceback" not in run.err
    return run.err.strip().splitlines()


# ------------------------------------------------------------ edits saved during the run
@pytest.fixture(scope="module")
def races(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Run]:
    """One run: the user saves several files while `fix` works on them."""
    project = Project(tmp_path_factory.mktemp("races") / "proj")
    project.root.mkdir()
    _with_plugin(project)
    project.write("inserted.py", RAISE)  # the case: a line inserted above
    _saves(project, "inserted.py", "# the user's new first line\n" + RAISE)
    project.write("same_bytes.py", RAISE)  # rewritten with identical bytes
    _saves(project, "same_bytes.py", RAISE)
    project.write("second_pass.py", "old = 1\n")  # saved during the second pass only
    _saves(project, "second_pass.py", "mid = 1\nkept = 'the user typed this'\n", when="mid")
    project.write("untouched.py", "old = 2\n" + RAISE)  # nobody edits it: fully fixed
    project.write("ascii_only.py", "# -*- coding: ascii -*-\ngreeting = 1\n")
    project.write("deleted.py", RAISE)
    _deletes(project, "deleted.py")
    outside = project.root.parent / "outside.py"
    outside.write_text(RAISE)
    project.write("swapped.py", RAISE)  # becomes a link out of the project
    _deletes(project, "swapped.py", link=str(outside))
    run = project.run(
        "fix",
        "--select",
        "OBS007,TST020,TST021,TST022,TST024",
        "inserted.py",
        "same_bytes.py",
        "second_pass.py",
        "untouched.py",
        "ascii_only.py",
        "deleted.py",
        "swapped.py",
    )
    return project, run


def test_stale_edits_are_not_applied_to_a_file_changed_during_the_check(races) -> None:
    project, run = races
    assert (project.root / "inserted.py").read_text() == "# the user's new first line\n" + RAISE
    assert "guardrails: inserted.py: " + CHANGED in _clean_stderr(run)
    assert run.code == 2


def test_a_file_rewritten_with_the_same_bytes_during_the_check_is_not_written(races) -> None:
    # A backend may have read other bytes in between: the times say the file was written.
    project, run = races
    assert (project.root / "same_bytes.py").read_text() == RAISE
    assert "guardrails: same_bytes.py: " + CHANGED in _clean_stderr(run)


def test_an_edit_saved_during_a_later_pass_is_kept(races) -> None:
    project, run = races
    # pass 1 wrote `mid`; the user's save during pass 2 wins over pass 2's stale fix
    assert (project.root / "second_pass.py").read_text() == (
        "mid = 1\nkept = 'the user typed this'\n"
    )
    assert "guardrails: second_pass.py: " + CHANGED in _clean_stderr(run)
    assert "fixed 1 in second_pass.py" in _fixed_lines(run)


def test_a_file_deleted_during_the_check_is_not_recreated(races) -> None:
    project, run = races
    assert not (project.root / "deleted.py").exists()
    assert "guardrails: deleted.py: " + CHANGED in _clean_stderr(run)


def test_a_file_swapped_for_a_link_out_of_the_project_during_the_check(races) -> None:
    project, run = races
    assert (project.root / "swapped.py").is_symlink()
    assert (project.root.parent / "outside.py").read_text() == RAISE
    assert "guardrails: swapped.py: " + CHANGED in _clean_stderr(run)


def test_fixed_text_that_the_declared_encoding_cannot_hold_is_not_written(races) -> None:
    project, run = races
    assert (project.root / "ascii_only.py").read_text() == "# -*- coding: ascii -*-\ngreeting = 1\n"
    assert (
        "guardrails: ascii_only.py: not fixed: the fixed text cannot be encoded as ascii"
        in _clean_stderr(run)
    )


def test_race_run_reports_exactly_what_it_wrote(races) -> None:
    project, run = races
    assert (project.root / "untouched.py").read_text() == "new = 2\n" + RAISE_FIXED
    assert _fixed_lines(run) == ["fixed 1 in second_pass.py", "fixed 3 in untouched.py"]
    assert "Fixed 4 findings in 2 files." in run.out
    # inserted, same_bytes, second_pass, ascii_only, deleted, swapped
    assert len(_clean_stderr(run)) == 6
    assert not _temporaries(project.root)


def test_interrupted_later_pass_still_lists_the_files_written(project) -> None:
    _with_plugin(project)
    path = project.write("app.py", "old = 1\n")
    project.write("app.py.interrupt", "")
    run = project.run("fix", "--jobs", "1", "--select", "TST021,TST022,TST023", "app.py")
    assert run.code != 0
    assert path.read_text() == "mid = 1\n"  # pass 1 was written before the Ctrl-C
    assert _fixed_lines(run) == ["fixed 1 in app.py"]
    assert len(_clean_stderr(run)) == 1
    assert not _temporaries(project.root)


# ------------------------------------------------------------------------------- symlinks
def _symlinks(project: Project) -> tuple[Path, Path]:
    """Links in and out of the project; returns the outside folder and its file."""
    outside = project.root.parent / "outside"
    outside.mkdir()
    victim = outside / "victim.py"
    victim.write_text(RAISE)
    (outside / "beside.py").write_text(RAISE)
    (outside / "named.py").write_text(RAISE)
    project.write("pkg/target.py", RAISE)
    (project.root / "inside_link.py").symlink_to("pkg/target.py")
    (project.root / "chain.py").symlink_to("inside_link.py")  # a link to a link, still inside
    (project.root / "outside_link.py").symlink_to(victim)
    (project.root / "linked_dir").symlink_to(outside, target_is_directory=True)
    project.write("plain.py", RAISE)
    return outside, victim


def test_a_symlinked_file_is_fixed_through_the_link_inside_the_project(project) -> None:
    outside, victim = _symlinks(project)
    run = project.run(
        "fix",
        "--select",
        "OBS007",
        "chain.py",
        "outside_link.py",
        "linked_dir/beside.py",
        "../outside/named.py",  # named by the user, reached without a link: fixed
    )
    link, chain = project.root / "inside_link.py", project.root / "chain.py"
    assert link.is_symlink() and os.readlink(link) == "pkg/target.py"
    assert chain.is_symlink() and os.readlink(chain) == "inside_link.py"
    assert (project.root / "pkg/target.py").read_text() == RAISE_FIXED
    assert (outside / "named.py").read_text() == RAISE_FIXED
    assert _fixed_lines(run) == [f"fixed 1 in {outside}/named.py", "fixed 1 in chain.py"]
    # the link out of the project, and the file in a linked folder, are not even read:
    # each is reported unchecked (GR001), the outside files untouched
    assert victim.read_text() == RAISE and (outside / "beside.py").read_text() == RAISE
    assert _clean_stderr(run) == []
    unchecked = (("linked_dir/beside.py", outside / "beside.py"), ("outside_link.py", victim))
    for shown, target in unchecked:
        assert f"{shown}:1:1: GR001 not checked: it resolves to {target}, outside" in run.out
    assert run.code == 1
    assert not _temporaries(project.root) and not _temporaries(outside)


def test_diff_preview_never_writes_and_never_shows_outside_files(project) -> None:
    outside, victim = _symlinks(project)
    os.chmod(project.write("readonly.py", RAISE), 0o444)
    files = [p for p in [*project.root.rglob("*"), victim] if p.is_file()]
    before = {p: (p.read_bytes(), p.lstat()) for p in files}
    run = project.run(
        "fix", "--diff", "--select", "OBS007", "plain.py", "outside_link.py", "readonly.py"
    )
    assert {p: (p.read_bytes(), p.lstat()) for p in before} == before
    assert not _temporaries(project.root) and not _temporaries(outside)
    assert "+++ b/plain.py" in run.out and "+++ b/readonly.py" in run.out
    assert "outside_link.py" not in run.out  # not even its content as a diff
    assert _clean_stderr(run) == ["Would fix 2 findings in 2 files."]
    assert run.code == 1


# ------------------------------------------------------ files that cannot or must not be written
MAX_FILE_BYTES = 4096


def _run_with_file_size_limit(project: Project, *args: str) -> Run:
    """The real CLI with RLIMIT_FSIZE set: writing a bigger file fails with EFBIG."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))

    proc = subprocess.run(
        [sys.executable, "-m", "guardrails", *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
        check=False,  # the exit code is part of what is asserted
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Run, dict[str, bytes]]:
    """One run over files in sorted order, refused ones between ones that are fixed."""
    project = Project(tmp_path_factory.mktemp("refusals") / "proj")
    project.root.mkdir()
    project.write("a_first.py", RAISE)
    os.chmod(project.write("b_readonly.py", RAISE), 0o444)
    project.write("c_locked/inner.py", RAISE)
    os.chmod(project.root / "c_locked", 0o555)
    project.write("d_big.py", RAISE + "# padding\n" * (MAX_FILE_BYTES // 10))
    project.write("e_hardlinked.py", RAISE)
    os.link(project.root / "e_hardlinked.py", project.root / "e_other_name.txt")
    os.chmod(project.write("f_mode.py", RAISE), 0o751)
    project.write("g_owned.py", RAISE)
    if os.geteuid() == 0:
        os.chown(project.root / "g_owned.py", 1234, 4321)
    bom_crlf = ("\ufeff" + RAISE.replace("\n", "\r\n")).encode("utf-8")
    project.write("h_bom_crlf.py", bom_crlf)
    project.write("i_cr_only.py", RAISE.replace("\n", "\r").encode())
    project.write("j_new\nline.py", RAISE)  # its name must not break the output's lines
    originals = {p.name: p.read_bytes() for p in project.root.rglob("*.py")}
    run = _run_with_file_size_limit(project, "fix", "--select", "OBS007")
    yield project, run, originals
    os.chmod(project.root / "c_locked", 0o755)  # let pytest remove it


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("b_readonly.py", "it is read-only"),
        ("c_locked/inner.py", "its folder is read-only"),
        ("d_big.py", "writing it failed: File too large"),
        ("e_hardlinked.py", "it has other hard links, which would keep the old text"),
    ],
)
def test_a_file_that_cannot_be_written_is_refused_in_one_line(refusals, name, reason) -> None:
    project, run, originals = refusals
    assert f"guardrails: {name}: not fixed: {reason}" in _clean_stderr(run)
    assert (project.root / name).read_bytes() == originals[Path(name).name]
    assert run.code == 2


def test_the_other_files_are_fixed_and_listed_exactly(refusals) -> None:
    project, run, _originals = refusals
    assert len(_clean_stderr(run)) == 4
    assert _fixed_lines(run) == [
        f"fixed 1 in {name}"
        for name in (
            "a_first.py",
            "f_mode.py",
            "g_owned.py",
            "h_bom_crlf.py",
            "i_cr_only.py",
            "j_new\\nline.py",
        )
    ]
    assert "Fixed 6 findings in 6 files." in run.out
    assert (project.root / "a_first.py").read_text() == RAISE_FIXED
    assert not _temporaries(project.root)


def test_mode_owner_encoding_and_line_endings_are_kept(refusals) -> None:
    project, _run, _originals = refusals
    mode = project.root / "f_mode.py"
    assert mode.read_text() == RAISE_FIXED and stat.S_IMODE(mode.stat().st_mode) == 0o751
    if os.geteuid() == 0:
        owned = (project.root / "g_owned.py").stat()
        assert (owned.st_uid, owned.st_gid) == (1234, 4321)
    assert (project.root / "h_bom_crlf.py").read_bytes() == (
        "\ufeff" + RAISE_FIXED.replace("\n", "\r\n")
    ).encode("utf-8")
    assert (project.root / "i_cr_only.py").read_bytes() == RAISE_FIXED.replace("\n", "\r").encode()
    assert (project.root / "e_other_name.txt").read_bytes() == RAISE.encode()


# ------------------------------------------------- the last comparison, right before the rename
def test_replace_refuses_a_file_saved_after_its_fixes_were_computed(tmp_path: Path) -> None:
    from guardrails import safewrite

    path = tmp_path / "app.py"
    path.write_text(RAISE)
    os.utime(path, ns=(10**9, 10**9))  # any later write is then seen in the times too
    snapshot, _ = safewrite.take(path)
    path.write_text(RAISE + "# saved by the user\n")
    with pytest.raises(safewrite.Refused, match=safewrite.CHANGED):
        safewrite.replace(path, snapshot, RAISE_FIXED.encode())
    assert path.read_text() == RAISE + "# saved by the user\n"
    path.write_text(RAISE)  # the same bytes again, but written since: refused too
    with pytest.raises(safewrite.Refused, match=safewrite.CHANGED):
        safewrite.replace(path, snapshot, RAISE_FIXED.encode())
    assert path.read_text() == RAISE
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    link = tmp_path / "link.py"
    link.symlink_to("app.py")
    safewrite.replace(link, safewrite.take(link)[0], RAISE_FIXED.encode())
    assert link.is_symlink() and path.read_text() == RAISE_FIXED
