"""Exclude globs as gitignore and Ruff write them: classes, negated classes, `./` and `**`."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrails.discovery import Discovery, glob_match


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("gen_[ab].py", "pkg/gen_a.py", True),
        ("gen_[ab].py", "pkg/gen_c.py", False),
        ("gen_[!ab].py", "pkg/gen_c.py", True),  # `!` negates a class, as in gitignore
        ("gen_[!ab].py", "pkg/gen_a.py", False),
        ("x[0-9].py", "x7.py", True),
        ("x[0-9].py", "xa.py", False),
        ("a[\\]b", "a\\b", True),  # a backslash inside a class is literal
        ("gen_[.py", "gen_[.py", True),  # an unclosed `[` is literal
        ("x[]y", "x[]y", True),  # `[]` opens no class: literal, as in gitignore
        ("x[]]y", "x]y", True),  # a `]` first in a class is a member
        ("x[]]y", "xay", False),
        ("x[!]]y", "xay", True),
        ("x[!]]y", "x]y", False),
        ("[!]a", "[!]a", True),
        ("x[[]y", "x[y", True),  # `[` inside a class is a member
        ("build/**", "build/a/b.py", True),
        ("build/**", "other/a.py", False),
        ("gen_[.py", "gen_a.py", False),
        ("./build", "build/x.py", True),  # a leading ./ anchors nothing extra
        ("./build/", "build/x.py", True),
        ("./src/gen", "src/gen/x.py", True),
        ("./src/gen", "other/src/gen/x.py", False),
        ("**/gen", "a/b/gen/x.py", True),
        ("src/**/x.py", "src/a/b/x.py", True),
        ("src/**/x.py", "lib/a/x.py", False),
        ("src/gen.py", "src/gen.py", True),  # a pattern with `/` may name the file itself
        ("gen/**_pb2.py", "gen/a/b_pb2.py", True),  # `**` not before `/` spans folders
        ("gen/**_pb2.py", "gen/a/bpb2.py", False),  # ... and what follows it still counts
        ("?.py", "a.py", True),
        ("?.py", "ab.py", False),
        ("", "a.py", False),
        ("   ", "a.py", False),
    ],
)
def test_glob_match(pattern: str, path: str, expected: bool) -> None:
    assert glob_match(pattern, path) is expected


def test_a_named_directory_is_never_excluded_by_its_own_components() -> None:
    assert glob_match("build", "build/x.py")
    assert not glob_match("build", "build/x.py", skip=1)
    assert glob_match("build", "build/build/x.py", skip=1)
    assert not glob_match("out/build", "out/build/x.py", skip=2)
    assert glob_match("out/build", "out/build/x.py", skip=1)


def test_what_is_not_a_regular_file_is_named_and_never_opened(tmp_path) -> None:
    import os
    import socket

    from guardrails.discovery import unchecked_reason

    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.py"
    loop.symlink_to(loop)
    broken = tmp_path / "broken.py"
    broken.symlink_to(tmp_path / "gone.py")
    sock = tmp_path / "s.py"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 10)  # 60 bytes
    try:
        reasons = {
            p.name: unchecked_reason(p, 59)
            for p in (fifo, loop, broken, sock, tmp_path, tmp_path / "missing.py", big)
        }
    finally:
        server.close()
    assert reasons == {
        "fifo.py": "not checked: a FIFO (named pipe)",
        "loop.py": "not checked: a symlink loop",
        "broken.py": f"not checked: a broken symlink (to {str(tmp_path / 'gone.py')!r}, "
        "which does not exist)",
        "s.py": "not checked: a socket",
        tmp_path.name: "not checked: a directory",
        "missing.py": "not checked: no such file or directory",
        "big.py": reasons["big.py"],
    }
    assert reasons["big.py"] is not None and "60" in reasons["big.py"]
    assert unchecked_reason(big, 60) is None
    assert unchecked_reason(Path("/dev/null"), 60) == "not checked: a character device"
    too_long = tmp_path / ("x" * 300 + ".py")
    assert unchecked_reason(too_long, 60) == "not checked: cannot read file: File name too long"


def test_without_git_on_path_the_tree_is_walked(tmp_path, monkeypatch) -> None:
    from guardrails.discovery import Discovery, discover

    (tmp_path / ".git").mkdir()  # looks like a work tree, but git cannot be run
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("y = 2\n")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    found = discover([tmp_path], Discovery(tmp_path.resolve(), ()))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in found) == ["app.py", "pkg/mod.py"]


def test_an_exclude_with_brackets_in_any_place_never_crashes_the_run(project) -> None:
    project.write("a.py", "import os\nos.system('x' + os.getcwd())\n")
    project.write("x[]y/b.py", "import os\nos.system('x' + os.getcwd())\n")
    project.write("pyproject.toml", '[tool.guardrails]\nexclude = ["x[]y", "[!]", "a[]]"]\n')
    result = project.run("check", "--output-format", "json", "--select", "SEC001")
    assert result.code == 1, result.err
    assert [(path, rule) for path, rule, _ in result.ids()] == [("a.py", "SEC001")]


def test_only_a_named_folder_shields_its_own_components(tmp_path: Path) -> None:
    """Naming the root (`guardrails check .`) or another folder shields nothing else."""
    root = tmp_path.resolve()
    discovery = Discovery(root, ("build",))
    assert discovery.excluded(root / "build" / "x.py", anchor=root)
    assert discovery.excluded(root / "build" / "x.py", anchor=root / "src")
    assert not discovery.excluded(root / "build" / "x.py", anchor=root / "build")
    assert not Discovery(root, ("*",)).excluded(root)  # the root itself never is
