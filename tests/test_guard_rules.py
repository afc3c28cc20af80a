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
    broken = [f"{v.rule_id} {v.message}" for v in violations if v.rule_id in ("GR001", "GR003")]
    assert not broken, f"the rule failed instead of judging the code: {broken}"
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
    body += "    pickle.loads(json.dumps(obj))  # bad\n"
    body += "    pickle.loads(data=pickle.dumps(obj))  # bad\n"
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


# --- SEC005 weak-hash ---------------------------------------------------------------------

SEC005_SOURCE = """\
import _hashlib
import hashlib
from cryptography.hazmat.primitives import hashes

FAST = True


def go(data: bytes) -> None:
    hashlib.md5(data)  # bad
    hashlib.sha1(data)  # bad
    _hashlib.openssl_md5(data)  # bad
    _hashlib.openssl_sha1(data)  # bad
    hashes.MD5()  # bad
    hashes.SHA1()  # bad
    hashlib.new("md5")  # bad
    hashlib.new("MD5", data)  # bad
    hashlib.new("sha1")  # bad
    hashlib.new("md4")  # bad
    hashlib.new("md5-sha1")  # bad
    hashlib.new("ripemd160")  # bad
    hashlib.new(name="md5")  # bad
    hashlib.new("sha256")
    hashlib.sha256(data)
    hashes.SHA256()
    hashlib.md5(data, usedforsecurity=False)
    hashlib.new("md5", usedforsecurity=False)
    hashlib.md5(data, usedforsecurity=True)  # bad
    hashlib.md5(data).hexdigest()[:16]
    hashlib.md5(data).hexdigest()[:17]  # bad
    hashlib.md5(data).hexdigest()[0:16]
    hashlib.md5(data).hexdigest()[1:16]  # bad
    hashlib.md5(data).hexdigest()[:16:2]  # bad
    hashlib.sha1(data).digest()[:8]
    hashlib.sha1(data).digest()[:9]  # bad
    hashlib.md5(data).hexdigest()[5]  # bad
    hashlib.md5().digest_size
    hashlib.md5().block_size
    hashlib.sha1().name
    hashlib.md5(data).digest_size  # bad
    hashlib.md5().hexdigest()  # bad
    hasher = hashlib.md5
    if FAST:
        hasher = hashlib.sha256
    hasher(data)
    weak = hashlib.md5
    weak(data)  # bad
"""


def test_sec005_flags_every_weak_constructor_and_spares_short_labels_and_properties() -> None:
    assert lines(SEC005_SOURCE, "SEC005") == marked(SEC005_SOURCE)


def test_sec005_messages_name_the_algorithm_and_the_call() -> None:
    source = (
        "import _hashlib\nimport hashlib\nfrom cryptography.hazmat.primitives import hashes\n"
        "hashlib.new('MD5-SHA1')\n_hashlib.openssl_sha1()\nhashes.MD5()\n"
    )
    advice = " is broken for security use; pass `usedforsecurity=False` if this is only a checksum"
    assert found(source, "SEC005") == [
        (4, "MD5-SHA1 via `hashlib.new()`" + advice),
        (5, "SHA1 via `_hashlib.openssl_sha1()`" + advice),
        (6, "`hashes.MD5` is a broken hash for security use"),
    ]


def test_sec005_leaves_test_code_alone() -> None:
    source = "import hashlib\n\n\ndef test_x() -> None:\n    hashlib.md5(b'x')\n"
    assert lines(source, "SEC005", path="tests/test_x.py") == []
    assert lines(source, "SEC005", path="x.py") == [5]


# --- SEC010 unsafe-xml-parser -------------------------------------------------------------

_XML_PARSERS = (
    "xml.etree.ElementTree.parse",
    "xml.etree.ElementTree.fromstring",
    "xml.etree.ElementTree.XML",
    "xml.etree.ElementTree.iterparse",
    "xml.etree.ElementTree.fromstringlist",
    "xml.etree.ElementTree.XMLParser",
    "xml.etree.cElementTree.parse",
    "xml.etree.cElementTree.fromstring",
    "xml.etree.cElementTree.XML",
    "xml.etree.cElementTree.iterparse",
    "xml.dom.minidom.parse",
    "xml.dom.minidom.parseString",
    "xml.dom.pulldom.parse",
    "xml.dom.pulldom.parseString",
    "xml.sax.parse",
    "xml.sax.parseString",
    "xml.sax.make_parser",
    "xml.dom.expatbuilder.parse",
    "xml.dom.expatbuilder.parseString",
    "lxml.etree.parse",
    "lxml.etree.fromstring",
    "lxml.etree.XML",
    "lxml.etree.iterparse",
)
SEC010_SOURCE = (
    "".join(f"import {m}\n" for m in sorted({p.rsplit(".", 1)[0] for p in _XML_PARSERS}))
    + "\n\ndef go(data, parser, handler):\n"
    + "".join(f"    {p}(data)  # bad\n" for p in _XML_PARSERS)
    + """\
    xml.etree.ElementTree.fromstring("<a/>")
    xml.dom.minidom.parseString(data)  # bad
    lxml.etree.parse(data, parser)
    lxml.etree.fromstring(data, parser=parser)
    lxml.etree.iterparse(data, ("end",), parser)
    lxml.etree.iterparse(data, parser)  # bad
    xml.etree.ElementTree.parse(data, parser)  # bad
    xml.sax.parse(data, handler)  # bad
    hardened = lxml.etree.XMLParser(resolve_entities=False)
    careless = lxml.etree.XMLParser(resolve_entities=True)
    xml.etree.ElementTree.parse(data, careless)  # bad
    xml.etree.ElementTree.parse(data, hardened)
"""
)


def test_sec010_flags_every_listed_parser_unless_given_a_safe_parser_or_a_literal() -> None:
    assert lines(SEC010_SOURCE, "SEC010") == marked(SEC010_SOURCE)
    assert found("import xml.sax\nxml.sax.parseString(data)\n", "SEC010") == [
        (
            2,
            "`xml.sax.parseString()` parses XML with entity expansion; use defusedxml for "
            "data from outside",
        )
    ]


# --- SEC011 unsafe-archive-extraction -----------------------------------------------------

SEC011_SOURCE = """\
import shutil
import tarfile
import zipfile


def go(path: str, dest: str, member: str) -> None:
    tarfile.open(path).extractall(dest)  # bad
    tarfile.open(path).extract(member, dest)  # bad
    tarfile.TarFile(path).extractall(dest)  # bad
    tarfile.TarFile.open(path).extractall(dest)  # bad
    with tarfile.open(path) as tar:
        tar.extractall(dest)  # bad
        tar.extractall(dest, filter="data")
        tar.extract(member, dest, filter="tar")
        tar.getmembers()
    shutil.unpack_archive(path, dest)  # bad
    shutil.unpack_archive(path, dest, filter="data")
    zipfile.ZipFile(path).extractall(dest)
    shutil.make_archive(path, "gztar")
"""


def test_sec011_flags_each_tar_extraction_without_a_filter() -> None:
    assert lines(SEC011_SOURCE, "SEC011") == marked(SEC011_SOURCE)


# --- SEC012 bind-all-interfaces -----------------------------------------------------------

SEC012_SOURCE = """\
import socket
import socketserver

import uvicorn


def go(sock: socket.socket, app: object, handler: object) -> None:
    sock.bind(("0.0.0.0", 8080))  # bad
    sock.bind(("::", 8080))  # bad
    sock.bind(("[::]", 8080))  # bad
    sock.bind(("", 8080))  # bad
    sock.bind(("127.0.0.1", 8080))
    sock.bind(("::1", 8080))
    sock.connect_ex(("0.0.0.0", 80))  # bad
    socket.create_server(("0.0.0.0", 80))  # bad
    socketserver.TCPServer(("0.0.0.0", 80), handler)  # bad
    socket.create_connection(("0.0.0.0", 80))
    socket.create_server(("", 80))
    uvicorn.run(app, host="0.0.0.0")  # bad
    uvicorn.run(app, host="::")  # bad
    uvicorn.run(app, bind_address="0.0.0.0")  # bad
    uvicorn.run(app, listen="0.0.0.0")  # bad
    uvicorn.run(app, host="127.0.0.1")
    uvicorn.run(app, hostname_pattern="0.0.0.0")
    host = "0.0.0.0"  # bad
    uvicorn.run(app, host=host)
    default = "0.0.0.0"
    if default == "x":
        pass
    server_addr = "0.0.0.0"
    print(server_addr)


LISTEN_HOST = "0.0.0.0"  # bad
"""


def test_sec012_flags_each_any_address_form_where_it_is_bound() -> None:
    assert lines(SEC012_SOURCE, "SEC012") == marked(SEC012_SOURCE)
    assert found(SEC012_SOURCE, "SEC012")[-2:] == [
        (25, "`host` binds to every network interface"),
        (34, "`LISTEN_HOST` binds to every network interface"),
    ]
    assert found(SEC012_SOURCE, "SEC012")[7] == (
        19,
        '`host="0.0.0.0"` listens on every network interface',
    )


# --- SEC008 insecure-tempfile -------------------------------------------------------------


def test_sec008_flags_mktemp_however_it_is_imported_and_nothing_else() -> None:
    source = (
        "import tempfile\nfrom tempfile import mktemp as pick\n\n\ndef go() -> None:\n"
        "    tempfile.mktemp()\n    pick()\n    tempfile.mkstemp()\n"
        "    tempfile.NamedTemporaryFile()\n"
    )
    assert found(source, "SEC008") == [
        (6, "`tempfile.mktemp()` only picks a name; another process can create that file first"),
        (7, "`pick()` only picks a name; another process can create that file first"),
    ]


_BIND_CALLS = ("bind", "listen", "create_server", "start_server", "make_server", "run_simple")
_BIND_CALLS += ("run", "run_app", "serve", "serve_forever", "connect_ex", "HTTPServer")
_HOST_WORDS = ("host", "hostname", "bind", "bind_host", "bind_address", "listen", "listen_host")
_HOST_WORDS += ("listen_address", "address", "addr", "server_host", "server_name")
_HOST_WORDS += ("my_host", "x_bind", "x_address", "x_addr", "x_listen", "serverHost")


def test_sec012_a_host_variable_is_flagged_only_when_it_reaches_a_bind_call() -> None:
    source = "".join(
        f'def f{i}(srv):\n    h{i}_host = "0.0.0.0"  # bad\n    srv.{call}(h{i}_host)\n\n\n'
        for i, call in enumerate(_BIND_CALLS)
    )
    source += (
        'def text(srv):\n    text_host = "0.0.0.0"\n    srv.log(text_host)\n'
        '    srv.config(port=text_host)\n    srv.run(f"http://{text_host}/")\n'
        '    srv.run("http://%s/" % text_host)\n    srv.run("http://{}/".format(text_host))\n\n\n'
        'def kept(srv):\n    kept_host = "0.0.0.0"  # bad\n    srv.host = kept_host\n\n\n'
        'def handed(srv):\n    handed_host = "0.0.0.0"  # bad\n    return handed_host\n'
    )
    assert lines(source, "SEC012") == marked(source)


def test_sec012_every_host_keyword_spelling_is_recognised() -> None:
    body = "".join(f'    serve(app, {word}="0.0.0.0")  # bad\n' for word in _HOST_WORDS)
    body += '    serve(app, hostname_pattern="0.0.0.0")\n    serve(app, name="0.0.0.0")\n'
    source = "def go(app):\n" + body
    assert lines(source, "SEC012") == marked(source)
