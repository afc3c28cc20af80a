"""ARC005 beyond the variable and module lists: whose `environ` it is,
which function's writes excuse a read, and that test code is left alone."""

from __future__ import annotations

from test_guard_rules import lines, marked


def test_arc005_a_wsgi_environ_parameter_is_not_the_process_environment() -> None:
    # only a name bound to `os.environ` is the environment; WSGI passes its own `environ`
    source = (
        "import os\n\n\n"
        "def app(environ: dict, start_response) -> list[bytes]:\n"
        '    start_response("200 OK", [])\n'
        '    return [environ["PATH_INFO"].encode()]\n\n\n'
        "def token() -> str:\n"
        '    return os.environ["API_TOKEN"]  # bad\n'
    )
    assert lines(source, "ARC005", path="app/wsgi.py") == marked(source)


def test_arc005_only_the_innermost_functions_own_writes_excuse_a_read() -> None:
    # `run` sets API_TOKEN for its child; `target` reads it as a setting: still reported
    source = (
        "import os\n"
        "from multiprocessing import Process\n\n\n"
        "def run(token: str) -> Process:\n"
        '    os.environ["API_TOKEN"] = token\n\n'
        "    def target() -> None:\n"
        '        print(os.environ["API_TOKEN"])  # bad\n\n'
        "    return Process(target=target)\n"
    )
    assert lines(source, "ARC005", path="app/worker.py") == marked(source)


def test_arc005_test_code_may_read_the_environment() -> None:
    source = 'import os\n\n\ndef test_database() -> None:\n    assert os.environ["DATABASE_URL"]\n'
    assert lines(source, "ARC005", path="tests/test_db.py") == []
    assert lines(source, "ARC005", path="app/db.py") == [5]
