"""Each built-in rule's boundaries: every listed API, keyword and threshold, both sides.

A rule lists the calls it knows (`subprocess.getoutput`, `Session().send`, ...) and
the numbers it compares against (`max-lines`, the world-writable bit). Each test
names every entry of such a list on its own line and asserts the exact lines
found, so dropping an entry, or moving a boundary by one, fails a test.
"""

from __future__ import annotations

from collections.abc import Mapping

from guardrails.testing import run


def found(
    source: str,
    rule_id: str,
    options: Mapping[str, object] | None = None,
    path: str = "example.py",
) -> list[tuple[int, str]]:
    """(line, message) of each finding of `rule_id` in `source`, sorted."""
    violations = run(
        source,
        path=path,
        select=[rule_id],
        options={rule_id: options} if options else None,
    )
    return sorted((v.line, v.message) for v in violations if v.rule_id == rule_id)


def lines(
    source: str,
    rule_id: str,
    options: Mapping[str, object] | None = None,
    path: str = "example.py",
) -> list[int]:
    """Lines of the findings of `rule_id` in `source` (one entry per finding)."""
    return [line for line, _ in found(source, rule_id, options, path)]


def marked(source: str) -> list[int]:
    """Lines of `source` that end with the marker `# bad`."""
    return [n for n, text in enumerate(source.splitlines(), 1) if text.endswith("# bad")]


# --- SEC001 subprocess-shell -------------------------------------------------------------

SEC001_SOURCE = """\
import asyncio
import asyncio.subprocess
import os
import subprocess


async def go(cmd: str) -> None:
    os.system(cmd)  # bad
    os.popen(cmd)  # bad
    subprocess.getoutput(cmd)  # bad
    subprocess.getstatusoutput(cmd)  # bad
    await asyncio.create_subprocess_shell(cmd)  # bad
    await asyncio.subprocess.create_subprocess_shell(cmd)  # bad
    subprocess.run(cmd, shell=True)  # bad
    subprocess.call(cmd, shell=True)  # bad
    subprocess.check_call(cmd, shell=True)  # bad
    subprocess.check_output(cmd, shell=True)  # bad
    subprocess.Popen(cmd, shell=True)  # bad
    subprocess.run(cmd, shell=False)
    subprocess.call(cmd)
    subprocess.check_call([cmd], shell=False)
    subprocess.check_output(cmd, shell=0)
    subprocess.Popen(cmd)
    subprocess.getoutput_other = None
    await asyncio.create_subprocess_exec(cmd)
"""


def test_sec001_flags_every_always_shell_api_and_every_shell_true_api() -> None:
    assert lines(SEC001_SOURCE, "SEC001") == marked(SEC001_SOURCE)


def test_sec001_message_tells_a_built_command_from_a_constant_one() -> None:
    source = (
        "import subprocess\n\n\ndef go(name: str) -> None:\n"
        '    subprocess.getoutput("uptime")\n'
        '    subprocess.getstatusoutput("ls " + name)\n'
        '    subprocess.run(["ls", name], shell=True)\n'
    )
    assert found(source, "SEC001") == [
        (
            5,
            "`subprocess.getoutput()` runs its command through the system shell; "
            "run the program directly with an argument list",
        ),
        (
            6,
            "`subprocess.getstatusoutput()` runs a command built at run time through the "
            "system shell: any interpolated value can inject commands",
        ),
        (
            7,
            "`subprocess.run(..., shell=True)` runs its command through the system shell; "
            "run the program directly with an argument list",
        ),
    ]


def test_sec001_accepts_a_shell_command_whose_every_value_is_quoted() -> None:
    source = (
        "import shlex\nimport subprocess\n\n\ndef go(path: str, other: str) -> None:\n"
        '    subprocess.getoutput(f"cat {shlex.quote(path)} | wc -l")\n'
        '    command = f"cat {shlex.quote(path)} {other}"\n'
        "    subprocess.run(command, shell=True)  # bad\n"
        '    safe = "ls " + shlex.quote(other)\n'
        "    subprocess.Popen(safe, shell=True)\n"
    )
    assert lines(source, "SEC001") == marked(source)


# --- REL001 http-without-timeout -----------------------------------------------------------

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

REL001_REQUESTS = (
    "import requests\nimport requests.api\nimport requests.sessions\nimport urllib.request\n\n\n"
    "def go(url: str, prepared: object) -> None:\n"
    + "".join(f"    requests.{verb}(url)  # bad\n" for verb in _VERBS)
    + "".join(f"    requests.api.{verb}(url)  # bad\n" for verb in _VERBS)
    + "".join(f"    requests.{verb}(url, timeout=5)\n" for verb in _VERBS)
    + "".join(
        f"    {ctor}.get(url)  # bad\n    {ctor}.get(url, timeout=5)\n"
        for ctor in (
            "requests.Session()",
            "requests.session()",
            "requests.sessions.Session()",
            "requests.sessions.session()",
        )
    )
    + "".join(f"    requests.Session().{m}(url)  # bad\n" for m in (*_VERBS, "send"))
    + "    session = requests.Session()\n"
    "    session.send(prepared)  # bad\n"
    "    session.send(prepared, timeout=3)\n"
    "    with requests.Session() as pooled:\n"
    "        pooled.send(prepared)  # bad\n"
    "    session.mount(url, None)\n"
    "    urllib.request.urlopen(url)  # bad\n"
    "    urllib.request.urlopen(url, None)  # bad\n"
    "    urllib.request.urlopen(url, None, 5)\n"
    '    session.request("GET", url, None, None, None, None, None, None, 5)\n'
    '    session.request("GET", url, None, None, None, None, None, None)  # bad\n'
    "    requests.get(url, **OPTIONS)\n"
    '    requests.get(url, **{"timeout": 5})\n'
    '    requests.get(url, **{"verify": True})  # bad\n'
    "    requests.get(url, timeout=None)  # bad\n"
)


def test_rel001_flags_every_requests_and_urllib_call_without_timeout() -> None:
    assert lines(REL001_REQUESTS, "REL001") == marked(REL001_REQUESTS)


REL001_HTTPX = (
    "import httpx\n\n\nasync def go(url: str, request: object) -> None:\n"
    + "".join(
        f"    httpx.{verb}(url)\n    httpx.{verb}(url, timeout=None)  # bad\n"
        for verb in (*_VERBS, "stream")
    )
    + "    httpx.Client()\n    httpx.Client(timeout=None)  # bad\n"
    "    httpx.AsyncClient()\n    httpx.AsyncClient(timeout=None)  # bad\n"
    + "".join(
        f"    httpx.Client().{m}(url)\n    httpx.Client().{m}(url, timeout=None)  # bad\n"
        for m in (*_VERBS, "stream", "send")
    )
    + "    await httpx.AsyncClient().get(url, timeout=None)  # bad\n"
    "    with httpx.Client() as client:\n"
    "        client.send(request, timeout=None)  # bad\n"
    "    httpx.get(url, timeout=httpx.Timeout(None))  # bad\n"
    "    httpx.get(url, timeout=httpx.Timeout(None, connect=5.0))\n"
    "    httpx.get(url, timeout=httpx.Timeout(10.0))\n"
    "    httpx.get(url, timeout=10)\n"
)


def test_rel001_flags_httpx_only_where_the_timeout_is_switched_off() -> None:
    assert lines(REL001_HTTPX, "REL001") == marked(REL001_HTTPX)


def test_rel001_messages_name_the_call_and_the_missing_or_disabled_timeout() -> None:
    source = (
        "import httpx\nimport requests\n\n\ndef go(url: str, prepared: object) -> None:\n"
        "    requests.Session().send(prepared)\n"
        "    httpx.get(url, timeout=None)\n"
    )
    assert found(source, "REL001") == [
        (
            6,
            "`requests.Session().send()` has no timeout and waits forever on a server that "
            "stops answering",
        ),
        (7, "`httpx.get()` passes `timeout=None`, which disables the timeout"),
    ]


def test_rel001_leaves_test_code_alone() -> None:
    source = "import requests\n\n\ndef test_fetch() -> None:\n    requests.get('http://x')\n"
    assert lines(source, "REL001", path="tests/test_fetch.py") == []
    assert lines(source, "REL001", path="fetch.py") == [5]


# --- SEC007 tls-verification-disabled -----------------------------------------------------

SEC007_SOURCE = """\
import ssl
from typing import Any

import aiohttp
import boto3
import httpx
import requests
import urllib3

import mylib
from mylib import describe


async def go(url: str, sock: Any, verify: bool) -> None:
    requests.get(url, verify=False, timeout=5)  # bad
    requests.get(url, verify=None, timeout=5)
    requests.get(url, verify=True, timeout=5)
    requests.get(url, verify=0, timeout=5)  # bad
    httpx.Client(verify=False)  # bad
    urllib3.PoolManager(cert_reqs=ssl.CERT_NONE)  # bad
    boto3.client("s3", verify=False)  # bad
    mylib.get(url, verify=False)
    aiohttp.TCPConnector(ssl=False)  # bad
    aiohttp.TCPConnector(verify_ssl=False)  # bad
    aiohttp.TCPConnector(ssl=True)
    async with aiohttp.ClientSession() as session:
        await session.get(url, ssl=False)  # bad
        await session.get(url)
    session = requests.Session()
    session.verify = False  # bad
    session.verify = True
    client = httpx.Client()
    client.verify = False  # bad
    other = mylib.Session()
    other.verify = False
    ssl._create_unverified_context()  # bad
    ssl._create_stdlib_context()  # bad
    ssl.create_default_context()
    context = ssl.create_default_context()
    context.check_hostname = False  # bad
    context.check_hostname = True
    context.verify_mode = ssl.CERT_NONE  # bad
    context.verify_mode = ssl.CERT_REQUIRED
    cert_reqs: int = ssl.CERT_NONE  # bad
    options = {"cert_reqs": ssl.CERT_NONE}  # bad
    modes = {"none": ssl.CERT_NONE, "required": ssl.CERT_REQUIRED}
    ssl.wrap_socket(sock, server_side=True, cert_reqs=ssl.CERT_NONE)
    ssl.wrap_socket(sock, cert_reqs=ssl.CERT_NONE)  # bad
    if not verify:
        context.verify_mode = ssl.CERT_NONE
    if options.get("insecure"):
        context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
    context.verify_mode = ssl.CERT_NONE if url else ssl.CERT_REQUIRED
    strict = {"cert_reqs": ssl.CERT_NONE} if url else {"cert_reqs": ssl.CERT_REQUIRED}
    loose = {"cert_reqs": ssl.CERT_NONE} if url else {}  # bad
    if describe(ssl.CERT_NONE) == url:
        return
    describe(ssl.CERT_NONE)  # bad
    urllib3.PoolManager(verify=False)  # bad
"""


def test_sec007_flags_every_listed_way_to_switch_verification_off() -> None:
    assert lines(SEC007_SOURCE, "SEC007") == marked(SEC007_SOURCE)


def test_sec007_messages_name_the_flag_and_the_call() -> None:
    source = (
        "import aiohttp\nimport requests\nimport ssl\n\n\n"
        "async def go(url: str) -> None:\n"
        "    aiohttp.TCPConnector(verify_ssl=False)\n"
        "    session = requests.Session()\n"
        "    session.verify = False\n"
        "    ssl._create_unverified_context()\n"
        "    ssl.wrap_socket(None, cert_reqs=ssl.CERT_NONE)\n"
    )
    assert found(source, "SEC007") == [
        (
            7,
            "`verify_ssl=False` turns off TLS certificate verification for "
            "`aiohttp.TCPConnector()`",
        ),
        (9, "`session.verify = False` turns off TLS verification"),
        (10, "`ssl._create_unverified_context()` creates a context that verifies nothing"),
        (11, "`ssl.CERT_NONE` accepts any certificate, including forged ones"),
    ]


# --- SEC013 permissive-file-mode ----------------------------------------------------------

SEC013_SOURCE = """\
import os
import stat
from pathlib import Path


def go(p: str, fd: int) -> None:
    os.chmod(p, 0o002)  # bad
    os.chmod(p, 0o001)
    os.chmod(p, 0o004)
    os.chmod(p, 0o020)
    os.chmod(p, 0o776)  # bad
    os.chmod(p, 0o775)
    os.chmod(p, 0o773)  # bad
    os.chmod(p, 2)  # bad
    os.chmod(p, 4)
    os.chmod(p, 1)
    os.chmod(p, 510)  # bad
    os.chmod(p, 509)
    os.chmod(p, 0x2)  # bad
    os.chmod(p, 0b10)  # bad
    os.chmod(p, 0o7_7_7)  # bad
    os.chmod(p, stat.S_IWOTH)  # bad
    os.chmod(p, stat.S_IRWXO)  # bad
    os.chmod(p, stat.S_IROTH)
    os.chmod(p, stat.S_IXOTH)
    os.chmod(p, stat.S_IWGRP)
    os.chmod(p, stat.S_IRWXU | stat.S_IRWXG)
    os.chmod(p, stat.S_IRUSR | stat.S_IWOTH)  # bad
    os.chmod(p, stat.S_IWOTH | stat.S_IRUSR)  # bad
    os.chmod(p, 0o600 + 0o002)  # bad
    os.chmod(p, 0o777 & 0o755)
    os.chmod(p, mode=0o777)  # bad
    os.fchmod(fd, 0o777)  # bad
    os.lchmod(p, 0o777)  # bad
    os.open(p, os.O_CREAT, 0o666)  # bad
    os.open(p, os.O_CREAT, 0o644)
    os.open(p, 0o777)
    os.mkdir(p, 0o777)  # bad
    os.makedirs(p, 0o777)  # bad
    os.mkfifo(p, 0o666)  # bad
    Path(p).chmod(0o777)  # bad
    Path(p).lchmod(0o777)  # bad
    Path(p).mkdir(0o777)  # bad
    Path(p).touch(0o666)  # bad
    Path(p).touch(0o644)
    Path(p).write_text(0o777)
    p.mkdir(mode=0o777)  # bad
    p.chmod(0o777)
"""


def test_sec013_flags_exactly_the_world_writable_bit_in_every_form_and_call() -> None:
    assert lines(SEC013_SOURCE, "SEC013") == marked(SEC013_SOURCE)


def test_sec013_message_quotes_the_mode() -> None:
    source = "import os\n\n\ndef go(p: str) -> None:\n    os.mkdir(p, 0o777)\n"
    assert found(source, "SEC013") == [(5, "mode `0o777` makes this world-writable")]


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


# --- SEC002 dynamic-code-execution --------------------------------------------------------

SEC002_SOURCE = """\
import builtins


def go(source: str, env: dict) -> None:
    eval(source)  # bad
    exec(source, env)  # bad
    compile(source, "<hook>", "exec")  # bad
    builtins.eval(source)  # bad
    eval("1 + 1")
    exec("x = 1")
    compile("x = 1", "<string>", "exec")
    exec(compile(source, "<hook>", "exec"))  # bad
    exec(compile("x = 1", "<string>", "exec"))
    code = compile(source, "<hook>", "exec")  # bad
    exec(code)
    eval(source=source)  # bad
    eval()
"""


def test_sec002_flags_each_builtin_once_and_skips_literal_code() -> None:
    assert lines(SEC002_SOURCE, "SEC002") == marked(SEC002_SOURCE)


def test_sec002_message_names_the_builtin_and_the_code() -> None:
    source = (
        "def go(a: str) -> None:\n    exec(compile(a, 'f', 'exec'))\n    compile(a, 'f', 'eval')\n"
    )
    assert found(source, "SEC002") == [
        (2, "`exec()` executes code built at run time from `a`"),
        (3, "`compile()` executes code built at run time from `a`"),
    ]


# --- SEC003 unsafe-deserialization --------------------------------------------------------

_PICKLE_LIKE = {
    "pickle.load": "pickle",
    "pickle.loads": "pickle",
    "pickle.Unpickler": "pickle",
    "_pickle.load": "pickle",
    "_pickle.loads": "pickle",
    "cPickle.load": "pickle",
    "cPickle.loads": "pickle",
    "dill.load": "dill",
    "dill.loads": "dill",
    "cloudpickle.load": "cloudpickle",
    "cloudpickle.loads": "cloudpickle",
    "marshal.load": "marshal",
    "marshal.loads": "marshal",
    "shelve.open": "shelve (pickle)",
    "shelve.DbfilenameShelf": "shelve (pickle)",
    "jsonpickle.decode": "jsonpickle",
    "jsonpickle.loads": "jsonpickle",
    "pandas.read_pickle": "pandas.read_pickle (pickle)",
    "joblib.load": "joblib (pickle)",
    "yaml.unsafe_load": "yaml.unsafe_load",
    "yaml.unsafe_load_all": "yaml.unsafe_load_all",
    "yaml.full_load": "yaml.full_load",
    "yaml.full_load_all": "yaml.full_load_all",
}
_DUMPS = (
    "pickle.dumps",
    "_pickle.dumps",
    "cPickle.dumps",
    "dill.dumps",
    "cloudpickle.dumps",
    "marshal.dumps",
    "jsonpickle.encode",
    "jsonpickle.dumps",
)
_MODULES = ("pickle", "_pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve")
_MODULES += ("jsonpickle", "pandas", "joblib", "yaml", "yaml.loader", "yaml.cyaml")


def test_sec003_names_every_pickle_like_api_and_its_format() -> None:
    head = "".join(f"import {m}\n" for m in _MODULES) + "\n\ndef go(blob: bytes) -> None:\n"
    calls = [f"    {api}(blob)\n" for api in _PICKLE_LIKE]
    first = head.count("\n") + 1
    assert found(head + "".join(calls), "SEC003") == [
        (
            first + i,
            f"`{api}()` deserializes with {kind}, which can run code chosen by whoever "
            "produced the data",
        )
        for i, (api, kind) in enumerate(_PICKLE_LIKE.items())
    ]


def test_sec003_reading_back_a_copy_made_in_process_is_not_flagged() -> None:
    head = "".join(f"import {m}\n" for m in _MODULES) + "\n\ndef go(obj: object) -> None:\n"
    body = "".join(f"    pickle.loads({dump}(obj))\n" for dump in _DUMPS)
    body += "    pickle.loads(json.dumps(obj))  # bad\n    pickle.loads(data=pickle.dumps(obj))  # bad\n"
    source = head + body
    assert lines(source, "SEC003") == marked(source)


SEC003_YAML = """\
import yaml
import yaml.cyaml
import yaml.loader


def go(text: str) -> None:
    yaml.load(text)  # bad
    yaml.load_all(text)  # bad
    yaml.load(text, yaml.Loader)  # bad
    yaml.load(text, Loader=yaml.Loader)  # bad
    yaml.load(text, Loader=yaml.UnsafeLoader)  # bad
    yaml.load(text, Loader=yaml.FullLoader)  # bad
    yaml.load(text, Loader=yaml.CLoader)  # bad
    yaml.load(text, Loader=yaml.CUnsafeLoader)  # bad
    yaml.load(text, Loader=yaml.CFullLoader)  # bad
    yaml.load(text, Loader=yaml.loader.Loader)  # bad
    yaml.load(text, Loader=yaml.loader.UnsafeLoader)  # bad
    yaml.load_all(text, Loader=yaml.loader.FullLoader)  # bad
    yaml.load(text, yaml.SafeLoader)
    yaml.load(text, Loader=yaml.CSafeLoader)
    yaml.load(text, Loader=yaml.BaseLoader)
    yaml.load(text, Loader=yaml.cyaml.CBaseLoader)
    yaml.load_all(text, Loader=yaml.loader.SafeLoader)
    yaml.safe_load(text)
    yaml.safe_load_all(text)
"""


def test_sec003_yaml_load_is_flagged_without_a_loader_or_with_an_unsafe_one() -> None:
    assert lines(SEC003_YAML, "SEC003") == marked(SEC003_YAML)
    assert found("import yaml\nyaml.load_all('a')\nyaml.load('a', yaml.Loader)\n", "SEC003") == [
        (2, "`yaml.load_all()` without a safe `Loader` can construct arbitrary Python objects"),
        (3, "`yaml.load()` with `yaml.Loader` can construct arbitrary Python objects"),
    ]
