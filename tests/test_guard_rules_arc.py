"""Architecture rules' numeric thresholds, both sides, and what each counts."""

from __future__ import annotations

from test_guard_rules import found, lines, marked

# --- ARC003 module-too-long ---------------------------------------------------------------


def test_arc003_counts_every_physical_line_and_flags_only_past_the_limit() -> None:
    at_limit = '"""Doc."""\n\n# a comment\n\nX = 1\n'  # 5 lines, blank and comment ones included
    assert found(at_limit, "ARC003", {"max-lines": 5}) == []
    assert found(at_limit + "\n", "ARC003", {"max-lines": 5}) == [
        (1, "module has 6 lines, more than the limit of 5")
    ]
    assert found(at_limit + "Y = 2", "ARC003", {"max-lines": 5}) == [
        (1, "module has 6 lines, more than the limit of 5")
    ]
    assert found(at_limit, "ARC003", {"max-lines": 4}) == [
        (1, "module has 5 lines, more than the limit of 4")
    ]
    assert found("X = 1\r" * 5, "ARC003", {"max-lines": 5}) == []
    assert lines("X = 1\r\n" * 6, "ARC003", {"max-lines": 5}) == [1]


def test_arc003_default_limit_is_800_lines() -> None:
    assert found("X = 1\n" * 800, "ARC003") == []
    assert found("X = 1\n" * 801, "ARC003") == [
        (1, "module has 801 lines, more than the limit of 800")
    ]


# --- ARC004 function-too-complex ----------------------------------------------------------


def _branches(count: int) -> str:
    """A function of complexity `count + 1`: one `if` per branch."""
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(count))
    return f"def route(x: int) -> int:\n{body}    return x\n"


def _statements(count: int) -> str:
    """A function of exactly `count` statements and complexity 1."""
    body = "".join(f"    x += {i}\n" for i in range(count - 1))
    return f"def tally(x: int) -> int:\n{body}    return x\n"


def test_arc004_default_complexity_limit_is_15() -> None:
    assert found(_branches(14), "ARC004") == []
    assert found(_branches(15), "ARC004") == [(1, "`route` is too complex: complexity 16 > 15")]


def test_arc004_default_statement_limit_is_60() -> None:
    assert found(_statements(60), "ARC004") == []
    assert found(_statements(61), "ARC004") == [(1, "`tally` is too complex: 61 statements > 60")]


def test_arc004_options_move_both_limits() -> None:
    options = {"max-complexity": 3, "max-statements": 7}
    assert found(_branches(2) + "\n\n" + _statements(7), "ARC004", options) == []
    assert found(_branches(3) + "\n\n" + _statements(7), "ARC004", options) == [
        (1, "`route` is too complex: complexity 4 > 3"),
    ]
    assert found(_branches(4) + "\n\n" + _statements(8), "ARC004", options) == [
        (1, "`route` is too complex: complexity 5 > 3, 9 statements > 7"),
        (13, "`tally` is too complex: 8 statements > 7"),
    ]


ARC004_SOURCE = """\
def f_if(x):
    if x:
        pass


def f_elif(x, y):
    if x:
        pass
    elif y:
        pass
    else:
        pass


def f_for(x):
    for _ in x:
        pass


async def f_while(x):
    while x:
        pass


def f_try():
    try:
        pass
    except ValueError:
        pass
    except KeyError:
        pass
    finally:
        pass


def f_trystar():
    try:
        pass
    except* ValueError:
        pass


def f_with(x):
    with x:
        pass


def f_match(x):
    match x:
        case 1:
            pass
        case _:
            pass


def f_flat(x, a, b):
    return [i for i in x if i and a or b]


def f_semicolons():
    a = 1; b = 2


def f_suite(x):
    if x: a = 1; b = 2


def outer(x):
    def inner(y):
        if y:
            pass

    return inner


def f_class():
    class Local:
        a = 1
        b = 2

        def method(self, x):
            while x:
                pass

    return Local
"""


def test_arc004_counts_each_statement_and_branch_kind_as_c901_does() -> None:
    source = ARC004_SOURCE
    complexity = {
        "f_if": (2, 2),
        "f_elif": (3, 5),
        "f_for": (2, 2),
        "f_while": (2, 2),
        "f_try": (3, 5),
        "f_trystar": (2, 3),
        "f_with": (1, 2),
        "f_match": (3, 3),
        "f_semicolons": (1, 2),
        "f_suite": (2, 3),
        "outer": (1, 2),
        "inner": (2, 2),
        "f_class": (1, 2),
        "method": (2, 2),
    }
    expected = []
    for name, (branches, statements) in complexity.items():
        parts = [f"complexity {branches} > 1"] if branches > 1 else []
        parts.append(f"{statements} statements > 1")
        line = next(n for n, t in enumerate(source.splitlines(), 1) if f"def {name}(" in t)
        expected.append((line, f"`{name}` is too complex: {', '.join(parts)}"))
    options = {"max-complexity": 1, "max-statements": 1}
    assert found(source, "ARC004", options) == sorted(expected)


# --- ARC008 todo-without-ticket -----------------------------------------------------------

ARC008_SOURCE = """\
# TODO: add backoff  # bad
# FIXME handle unicode  # bad
# XXX remove  # bad
# TODO(PAY-412): add backoff
# FIXME #231 handle unicode
# XXX see https://example.com/issues/9
# TODOS are fine, so is todo and TODO_LIST
# TODO(P-1): one letter is not a project key  # bad
# TODO(PAY-): no number  # bad
# FIXME # 231 is not a reference  # bad
X = "TODO: in a string, not a comment"
"""


def test_arc008_default_pattern_accepts_only_ticket_keys_issue_numbers_and_urls() -> None:
    assert lines(ARC008_SOURCE, "ARC008") == marked(ARC008_SOURCE)
    assert found("# XXX remove\n", "ARC008") == [(1, "`XXX` without an issue reference")]


def test_arc008_pattern_option_replaces_the_accepted_reference_forms() -> None:
    source = "# TODO(PAY-412): x\n# TODO [ops/12]: y\n"
    assert lines(source, "ARC008", {"pattern": r"\[ops/\d+\]"}) == [1]


# --- ARC007 wildcard-import ---------------------------------------------------------------


def test_arc007_flags_wildcards_except_a_package_init_re_exporting_its_submodules() -> None:
    source = "from os.path import *\nfrom ._models import *\n"
    assert found(source, "ARC007", path="app/views.py") == [
        (1, "`from os.path import *` hides which names this module uses"),
        (2, "`from ._models import *` hides which names this module uses"),
    ]
    assert lines(source, "ARC007", path="app/__init__.py") == [1]
    assert lines("from app.models import *\n", "ARC007", path="app/__init__.py") == []
    assert lines("from apps.models import *\n", "ARC007", path="app/__init__.py") == [1]


# --- ARC005 env-outside-config ------------------------------------------------------------

_PLATFORM = [
    "PATH",
    "PATHEXT",
    "PWD",
    "HOME",
    "USER",
    "USERNAME",
    "LOGNAME",
    "SHELL",
    "COMSPEC",
    "SYSTEMROOT",
    "APPDATA",
    "LOCALAPPDATA",
    "TMPDIR",
    "TEMP",
    "TMP",
    "TERM",
    "TERM_PROGRAM",
    "COLORTERM",
    "COLUMNS",
    "LINES",
    "NO_COLOR",
    "FORCE_COLOR",
    "ANSICON",
    "ITERM_PROFILE",
    "WT_SESSION",
    "DISPLAY",
    "SSH_AUTH_SOCK",
    "NOTIFY_SOCKET",
    "LISTEN_PID",
    "LISTEN_FDS",
    "LISTEN_FDNAMES",
    "VIRTUAL_ENV",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "XDG_RUNTIME_DIR",
]


def test_arc005_platform_variables_and_environment_writes_are_not_settings() -> None:
    source = "import os\n\n\ndef go(extra):\n" + "".join(
        f'    os.environ["{name}"]\n    "{name}" in os.environ\n' for name in _PLATFORM
    )
    source += "".join(
        f"    os.environ.{method}(extra)\n"
        for method in ("setdefault", "update", "pop", "popitem", "clear", "copy")
    )
    source += (
        '    os.environ["APP_MODE"] = "x"\n'
        '    del os.environ["APP_OLD"]\n'
        '    os.environ["APP_DEBUG"]  # bad\n'
        '    "APP_DEBUG" in os.environ  # bad\n'
        "    os.environ.get(extra)  # bad\n"
    )
    assert lines(source, "ARC005", path="app/service.py") == marked(source)
    assert lines(source, "ARC005", path="app/config.py") == []


_CONFIG_PATHS = (  # one module per default `config-modules` glob
    "config.py",
    "app/configuration.py",
    "app/db_config.py",
    "settings.py",
    "app/settings_prod.py",
    "app/django_settings.py",
    "conf.py",
    "app/conf.py",
    "app/conf/base.py",
    "app/conftest.py",
    "conftest.py",
)


def test_arc005_every_default_config_module_glob_may_read_the_environment() -> None:
    source = 'import os\n\nDEBUG = os.environ["APP_DEBUG"]\n'
    for path in _CONFIG_PATHS:
        assert lines(source, "ARC005", path=path) == [], path
    for path in ("app/service.py", "app/reconfigure.py", "app/conference.py", "app/myconf.py"):
        assert lines(source, "ARC005", path=path) == [3], path


# --- ARC006 untyped-public-api ------------------------------------------------------------

ARC006_SOURCE = """\
__all__ = ["exported", "Service", "Box"]


def exported(a, b: int):  # bad
    def nested(x):
        return x

    return nested


def other(a: int) -> int:
    return a


def loose(*args, **kwargs) -> None:  # bad
    pass


def _private(a):
    return a


class Service:
    def method(self, a: int) -> int:
        return a

    @staticmethod
    def make(a) -> int:  # bad
        return a

    @classmethod
    def build(cls) -> None:
        pass

    def _hidden(self, a):
        return a


class _Internal:
    def method(self, a):
        return a


class Box:
    class Inner:
        def deep(self, a):  # bad
            return a
"""


def test_arc006_reports_missing_annotations_on_public_api_in_each_visibility_mode() -> None:
    loose = {"typed-only": False}
    assert lines(ARC006_SOURCE, "ARC006", loose) == marked(ARC006_SOURCE)
    assert found(ARC006_SOURCE, "ARC006", loose)[0] == (
        4,
        "public `exported` is missing annotations for `a` and the return type",
    )
    assert found(ARC006_SOURCE, "ARC006", loose)[1] == (
        15,
        "public `loose` is missing annotations for `args` and `kwargs`",
    )
    every = lines(ARC006_SOURCE, "ARC006", {**loose, "visibility": "all"})
    assert every == [4, 15, 19, 28, 35, 40, 46]
    exported = lines(ARC006_SOURCE, "ARC006", {**loose, "visibility": "dunder-all"})
    assert exported == [4, 28, 46]
    assert lines(ARC006_SOURCE, "ARC006") == []  # typed-only: no py.typed marker here
    assert lines(ARC006_SOURCE, "ARC006", loose, path="app/_impl/api.py") == []
