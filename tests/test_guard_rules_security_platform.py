"""Boundaries of SEC005 SEC007 SEC010 SEC011 SEC012 that the
family-wide tests in test_guard_rules.py leave open: each case here tells the rule apart from
a plausible slip in its code (a condition inverted, `and` for `or`), on code a project writes.
"""

from __future__ import annotations

from test_guard_rules import found, lines, marked

# --- SEC005 weak-hash ---------------------------------------------------------------------

SEC005_STORED_UNDER_A_KEY = """\
import hashlib


def add_etag(response) -> None:
    response.headers["ETag"] = hashlib.md5(response.body).hexdigest()  # bad
    response.headers["X-Body-Id"] = hashlib.sha1(response.body).hexdigest()[:12]
"""


def test_sec005_a_digest_stored_under_a_key_is_judged_like_any_other() -> None:
    # `headers["ETag"]` subscripts an attribute, not a digest call: the short-label check
    # must step over it, not fail on it
    assert lines(SEC005_STORED_UNDER_A_KEY, "SEC005") == marked(SEC005_STORED_UNDER_A_KEY)


SEC005_ANNOTATED_BINDINGS = """\
import hashlib
from collections.abc import Callable
from typing import Any

FIPS_MODE = False

checksum: Callable[..., Any] = hashlib.sha256
if not FIPS_MODE:
    checksum = hashlib.md5

legacy: Callable[..., Any]
legacy = hashlib.sha1


def fingerprint(data: bytes) -> str:
    return checksum(data).hexdigest()


def legacy_fingerprint(data: bytes) -> str:
    return legacy(data).hexdigest()  # bad
"""


def test_sec005_annotated_bindings_count_as_alternatives_but_a_bare_declaration_does_not() -> None:
    # `checksum: ... = sha256` is the algorithm md5 falls back from; `legacy: ...` with no
    # value binds nothing, so `legacy` is only ever SHA-1
    assert lines(SEC005_ANNOTATED_BINDINGS, "SEC005") == marked(SEC005_ANNOTATED_BINDINGS)


# --- SEC007 tls-verification-disabled -----------------------------------------------------

SEC007_IMPORTED_NAMES = """\
from dataclasses import dataclass
from ssl import CERT_NONE, CERT_REQUIRED, SSLContext, create_default_context


@dataclass
class ClientOptions:
    verify: bool = True
    verify_mode: int = CERT_REQUIRED


def client_context(options: ClientOptions) -> SSLContext:
    context = create_default_context()
    mode = CERT_REQUIRED
    if not options.verify:
        mode = CERT_NONE
    context.verify_mode = mode
    return context


def insecure_context() -> SSLContext:
    context = create_default_context()
    context.check_hostname = False  # bad
    context.verify_mode = CERT_NONE  # bad
    return context


def legacy_context() -> SSLContext:
    context = create_default_context()
    verify = context.check_hostname = False  # bad
    return context
"""


def test_sec007_cert_none_imported_by_name_is_reported_where_it_is_applied() -> None:
    # `from ssl import CERT_NONE` is the same constant as `ssl.CERT_NONE`; `mode`, chosen by
    # the caller's option, is not CERT_NONE itself, and an annotated `verify` field that
    # defaults to True switches nothing off; in `a = b.check_hostname = False` every target counts
    assert lines(SEC007_IMPORTED_NAMES, "SEC007") == marked(SEC007_IMPORTED_NAMES)
    messages = dict(found(SEC007_IMPORTED_NAMES, "SEC007"))
    assert messages[23] == "`ssl.CERT_NONE` accepts any certificate, including forged ones"
    assert messages[29] == "`context.check_hostname = False` turns off TLS verification"


# --- SEC010 unsafe-xml-parser -------------------------------------------------------------

SEC010_ARGUMENTS = """\
import xml.etree.ElementTree as ET
import xml.sax

EMPTY_FEED = ET.fromstring(text="<feed><title/></feed>")


class DefusedFeedHandler(xml.sax.ContentHandler):
    \"\"\"Collects feed items; a content handler cannot switch off entity expansion.\"\"\"


def default_settings(parser: ET.XMLParser) -> ET.Element:
    return ET.XML("<settings><debug>0</debug></settings>", parser)


def read_feed(stream: object) -> None:
    xml.sax.parse(stream, DefusedFeedHandler())  # bad
"""


def test_sec010_judges_the_document_and_not_the_parser_or_handler_passed_with_it() -> None:
    # a constant document, by position or as `text=`, stays constant whatever parser reads
    # it; `xml.sax.parse`'s second argument is a handler, so its name says nothing of the parser
    assert lines(SEC010_ARGUMENTS, "SEC010") == marked(SEC010_ARGUMENTS)


# --- SEC011 unsafe-archive-extraction -----------------------------------------------------

SEC011_CONSTRUCTORS = """\
import tarfile


def restore(path: str, dest: str, member: str) -> None:
    tarfile.TarFile.gzopen(path).extractall(dest)  # bad
    tarfile.TarFile.taropen(path).extract(member, dest)  # bad
    tarfile.TarFile.xzopen(path).extractall(dest, filter="data")
"""


def test_sec011_every_tarfile_constructor_is_a_tar_archive() -> None:
    # `gzopen`/`taropen`/`xzopen` are the classmethods `tarfile.open()` dispatches to
    assert lines(SEC011_CONSTRUCTORS, "SEC011") == marked(SEC011_CONSTRUCTORS)


# --- SEC012 bind-all-interfaces -----------------------------------------------------------

SEC012_SERVER_CLASS = """\
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


def serve_docs() -> None:
    server = ThreadingHTTPServer(("0.0.0.0", 8000), SimpleHTTPRequestHandler)  # bad
    server.serve_forever()
"""


def test_sec012_a_server_class_called_by_its_bare_name_is_checked() -> None:
    assert found(SEC012_SERVER_CLASS, "SEC012") == [
        (5, "`ThreadingHTTPServer()` binds to every network interface")
    ]


SEC012_STORED_ADDRESSES = """\
from flask import Flask

app = Flask(__name__)
app.config["HOST"] = "0.0.0.0"  # bad


class Server:
    def __init__(self) -> None:
        self.bind_address = "0.0.0.0"  # bad
        self.port = 8080
"""


def test_sec012_an_address_stored_on_an_object_or_in_a_config_is_reported() -> None:
    # only a plain local name can be followed to its uses; an attribute or a config key is
    # read elsewhere, so it counts as bound
    assert found(SEC012_STORED_ADDRESSES, "SEC012") == [
        (4, "`HOST` binds to every network interface"),
        (9, "`bind_address` binds to every network interface"),
    ]
