"""What discovery says about one file: readable or why not, how it is shown, its module.

Direct calls, no CLI: each boundary (the size limit, a link leading out of the project,
the working directory itself) on both sides.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from guardrails.discovery import (
    Discovery,
    discover,
    display_path,
    module_name,
    read_source,
    unchecked_reason,
)


def test_read_source_reads_a_file_of_exactly_the_limit_and_refuses_one_byte_more(
    tmp_path: Path,
) -> None:
    exact = tmp_path / "exact.py"
    exact.write_bytes(b"x = 1\n")
    assert read_source(exact, 6) == b"x = 1\n"
    with pytest.raises(OSError) as raised:
        read_source(exact, 5)
    assert raised.value.errno == errno.EFBIG
    assert raised.value.strerror == (
        "the file has 6 bytes, over the limit of 5 "
        "(raise `max-file-size` in [tool.guardrails], or exclude the file)"
    )
    assert unchecked_reason(exact, 6) is None
    assert unchecked_reason(exact, 5) == f"not checked: {raised.value.strerror}"


def test_read_source_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as raised:
        read_source(fifo, 100)  # never opened: opening a FIFO would wait for a writer
    assert raised.value.strerror == "a FIFO (named pipe)"
    link = tmp_path / "gone.py"
    link.symlink_to(tmp_path / "missing.py")
    assert unchecked_reason(link, 100) == (
        f"not checked: a broken symlink (to {str(tmp_path / 'missing.py')!r}, which does not exist)"
    )
    assert unchecked_reason(tmp_path / "absent.py", 100) == "not checked: no such file or directory"


def test_a_link_inside_the_project_leading_out_is_not_read(tmp_path: Path) -> None:
    root, outside = tmp_path / "project", tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (outside / "lib.py").write_text("x = 1\n")
    (root / "own.py").write_text("x = 1\n")
    (root / "lib.py").symlink_to(outside / "lib.py")
    (root / "inside.py").symlink_to(root / "own.py")
    assert unchecked_reason(root / "lib.py", 100, root) == (
        f"not checked: it resolves to {outside / 'lib.py'}, outside the project root, "
        "through a symlink; check that file from its own project, or exclude this path"
    )
    assert unchecked_reason(root / "inside.py", 100, root) is None
    assert unchecked_reason(outside / "lib.py", 100, root) is None  # named by its own path
    assert unchecked_reason(root / "lib.py", 100) is None  # without a root, nothing leads out


def test_a_project_reached_through_a_link_is_still_the_project(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "app.py").write_text("x = 1\n")
    alias = tmp_path / "alias"
    alias.symlink_to(real)
    assert unchecked_reason(alias / "app.py", 100, real) is None
    assert unchecked_reason(real / "app.py", 100, alias) is None
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x = 1\n")
    (real / "lib.py").symlink_to(outside)
    for root in (alias, real):  # the root named by its link or by its real path
        reason = unchecked_reason(root / "lib.py", 100, root)
        assert reason is not None and f"it resolves to {outside}, outside" in reason


def test_display_path_is_relative_below_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "pkg" / "a.py") == "pkg/a.py"
    assert display_path(tmp_path) == "."
    assert display_path(tmp_path.parent / "other.py") == (tmp_path.parent / "other.py").as_posix()
    assert display_path(Path(str(tmp_path) + "x") / "a.py") == f"{tmp_path}x/a.py"


def test_module_name_of_a_package_init_is_the_package(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    assert module_name(root / "shop" / "orders" / "__init__.py", [root]) == ("shop.orders", True)
    assert module_name(root / "shop" / "orders" / "api.py", [root]) == ("shop.orders.api", False)
    assert module_name(root / "__init__.py", [root]) == ("", True)


def test_discover_checks_what_was_named_unless_asked_to_force_excludes(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "env").mkdir()
    (root / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "env" / "site.py").write_text("x = 1\n")
    named = [root / "env" / "site.py"]
    assert discover(named, Discovery(root, ())) == named
    assert discover(named, Discovery(root, ()), force_exclude=True) == []
