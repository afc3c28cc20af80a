"""Boundaries of SEC001 SEC002 SEC003 that the family-wide tests in
test_guard_rules.py leave open: each case here tells the rule apart from a plausible slip in
its code (an argument read at the wrong position, a condition inverted), on code a project
writes.
"""

from __future__ import annotations

from test_guard_rules import found, lines, marked

# --- SEC001 subprocess-shell ---------------------------------------------------------------


def test_sec001_the_command_is_the_first_argument_not_the_mode_after_it() -> None:
    # `os.popen(cmd, "r")`: judging the constant mode would call a built command constant
    source = (
        "import os\n\n\ndef disk_usage(mount: str) -> str:\n"
        '    with os.popen("df -h " + mount, "r") as pipe:\n'
        "        return pipe.read()\n"
    )
    assert found(source, "SEC001") == [
        (
            5,
            "`os.popen()` runs a command built at run time through the system shell: any "
            "interpolated value can inject commands",
        )
    ]


SEC001_SCRIPT = """\
import shlex
import subprocess
import sys

target = sys.argv[1]
command = f"make -C docs {shlex.quote(target)}"
subprocess.run(command, shell=True, check=True)
subprocess.run(args=command, shell=True, check=True)
unquoted = f"make -C docs {target}"
subprocess.run(unquoted, shell=True, check=True)  # bad
"""


def test_sec001_a_script_s_module_level_commands_are_followed_to_their_assignment() -> None:
    # no function around them: the names are looked up among the module's own assignments
    assert lines(SEC001_SCRIPT, "SEC001") == marked(SEC001_SCRIPT)


# --- SEC002 dynamic-code-execution --------------------------------------------------------


def test_sec002_code_forwarded_through_star_args_is_still_judged() -> None:
    # with `*args` no argument sits at a known position: the first one is the code
    source = (
        "from typing import Any\n\n\ndef evaluate(*args: Any, **kwargs: Any) -> Any:\n"
        '    """`eval` for the plugin API, same signature."""\n'
        "    return eval(*args, **kwargs)\n"
    )
    assert found(source, "SEC002") == [
        (6, "`eval()` executes code built at run time from `args`"),
    ]


# --- SEC003 unsafe-deserialization --------------------------------------------------------


def test_sec003_an_in_process_copy_with_keyword_options_is_not_flagged() -> None:
    # pickle protocol 5's out-of-band buffers: `loads(data, buffers=...)` reads back what
    # `dumps` just wrote; the data is the first argument, not the last
    source = (
        "import pickle\n\n\ndef clone(frame: object) -> object:\n"
        "    buffers: list[pickle.PickleBuffer] = []\n"
        "    data = pickle.dumps(frame, protocol=5, buffer_callback=buffers.append)\n"
        "    return pickle.loads(data, buffers=buffers)\n\n\n"
        "def restore(blob: bytes, buffers: list[bytes]) -> object:\n"
        "    return pickle.loads(blob, buffers=buffers)\n"
    )
    assert found(source, "SEC003") == [
        (
            11,
            "`pickle.loads()` deserializes with pickle, which can run code chosen by whoever "
            "produced the data",
        )
    ]
