"""Security rules on crypto, TLS, temp files, XML, archives, sockets and file modes."""

from __future__ import annotations

import re
from typing import Any

import libcst as cst
from guardrails.rules._bind_uses import BindUses, is_host_name
from guardrails.rules._xml_parsers import HardenedParsers

from guardrails.cst.helpers import (
    argument,
    code_of,
    is_false,
    is_literal_string,
    keyword,
    positional,
    string_value,
)
from guardrails.cst.names import terminal_name
from guardrails.cst.rule import CstRule, NodeFix, RuleContext, replace
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

_WEAK_HASHES = {"md5", "sha1", "md4", "md5-sha1", "ripemd160"}


class WeakHash(CstRule):
    META = RuleMeta(
        id="SEC005",
        skip_tests=True,  # a test hashes, parses or binds its own fixtures
        foreign_codes=("S303", "S324", "B303", "B324"),
        name="weak-hash",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects MD5 and SHA-1 were "
            "almost always checksums, ETags or cache keys that protect nothing; say so with "
            "`usedforsecurity=False`."
        ),
        summary="MD5 or SHA-1 is used without `usedforsecurity=False`.",
        why="MD5 and SHA-1 collisions are practical; used for signatures, integrity checks, "
        "tokens or passwords they let an attacker forge or match values (CWE-328).",
        remediation="Use `hashlib.sha256()` (or `hashlib.blake2b()`), and for passwords a "
        "password hash (`hashlib.scrypt`, argon2); when MD5/SHA-1 is only a checksum or cache "
        "key, say so with `hashlib.md5(data, usedforsecurity=False)`.",
        bad=(
            Example(
                "import hashlib\n\n\ndef sign(payload: bytes) -> str:\n"
                "    return hashlib.md5(payload).hexdigest()  # bad\n"
            ),
            Example(
                "from hashlib import new, sha1\n\n\ndef fingerprint(data: bytes) -> str:\n"
                "    first = sha1(data).hexdigest()  # bad\n"
                '    return first + new("md5", data).hexdigest()  # bad\n'
            ),
        ),
        good=(
            Example(
                "import hashlib\n\n\ndef sign(payload: bytes) -> str:\n"
                "    return hashlib.sha256(payload).hexdigest()\n"
            ),
            Example(
                "import hashlib\n\n\ndef cache_key(url: str) -> str:\n"
                "    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()\n\n\n"
                "def etag(body: bytes) -> str:\n"
                '    return hashlib.new("sha1", body, usedforsecurity=False).hexdigest()\n'
            ),
            Example(
                "import hashlib\nimport os\n\n\ndef css_suffix(name: str) -> str:\n"
                "    return hashlib.md5(name.encode()).hexdigest()[:6]\n\n\n"
                "def new_salt() -> bytes:\n    return os.urandom(hashlib.sha1().digest_size)\n"
            ),
        ),
        references=("CWE-328", "https://docs.python.org/3/library/hashlib.html"),
    )
    TRIGGERS = ("md5", "sha1", "md4", "new", "MD5", "SHA1", "ripemd")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._not_hashing: set[cst.Call] = set()  # weak constructors whose output is harmless
        self._module: cst.Module | None = None
        self._alternatives: dict[str, set[bool]] | None = None  # name -> weak hash per binding

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # `sha1().digest_size`: a property of the algorithm, nothing is hashed
        value = node.value
        if isinstance(value, cst.Call) and not value.args and node.attr.value in _HASH_PROPERTIES:
            self._not_hashing.add(value)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        # `md5(x).hexdigest()[:6]`: a digest cut to 64 bits or less is a short label; a
        # birthday search on it takes 2**32 steps whatever the algorithm, so MD5 is no weaker
        call = node.value
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and isinstance(call.func.value, cst.Call)
            and len(node.slice) == 1
        ):
            return
        bits_per_unit = {"hexdigest": 4, "digest": 8}.get(call.func.attr.value)
        kept = _slice_length(node.slice[0].slice)
        if bits_per_unit and kept is not None and kept * bits_per_unit <= 64:
            self._not_hashing.add(call.func.value)

    def _is_fallback(self, func: cst.BaseExpression) -> bool:
        """`h = md5` only where sha256 is missing: the name is also bound to another algorithm."""
        if not isinstance(func, cst.Name) or self._module is None:
            return False
        if self._alternatives is None:  # looked up once, and only for calls through a name
            finder = _BindingFinder()
            walk(self._module, finder)
            self._alternatives = finder.weak_by_name
        return False in self._alternatives.get(func.value, ())

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func) or ""
        algorithm = None
        if name in ("hashlib.md5", "hashlib.sha1", "_hashlib.openssl_md5", "_hashlib.openssl_sha1"):
            algorithm = name.rsplit(".", 1)[-1].removeprefix("openssl_")
        elif name == "hashlib.new":
            first = argument(node, "name", 0)
            value = string_value(first.value) if first is not None else None
            if value and value.lower() in _WEAK_HASHES:
                algorithm = value.lower()
        elif name in (
            "cryptography.hazmat.primitives.hashes.MD5",
            "cryptography.hazmat.primitives.hashes.SHA1",
        ):
            self.report(node, f"`{code_of(node.func)}` is a broken hash for security use")
            return
        if algorithm is None or node in self._not_hashing:
            return
        if name != "hashlib.new" and self._is_fallback(node.func):
            return
        flag = keyword(node, "usedforsecurity")
        if flag is not None and is_false(flag.value):
            return
        self.report(
            node,
            f"{algorithm.upper()} via `{code_of(node.func)}()` is broken for "
            "security use; pass `usedforsecurity=False` if this is only a checksum",
        )


_HASH_PROPERTIES = frozenset({"digest_size", "block_size", "name"})


def _slice_length(index: cst.BaseSlice) -> int | None:
    """How many items `[:n]` / `[0:n]` keeps, when both ends are literal."""
    if not isinstance(index, cst.Slice) or index.step is not None:
        return None
    lower = index.lower
    if lower is not None and not (isinstance(lower, cst.Integer) and lower.evaluated_value == 0):
        return None
    upper = index.upper
    return upper.evaluated_value if isinstance(upper, cst.Integer) else None


class _BindingFinder(cst.CSTVisitor):
    """Every binding of a plain name in a module, and whether it names a weak hash."""

    def __init__(self) -> None:
        super().__init__()
        self.weak_by_name: dict[str, set[bool]] = {}

    def _bind(self, name: str, value: cst.CSTNode | None) -> None:
        if value is None or (isinstance(value, cst.Name) and value.value == "None"):
            return  # "not available" is no alternative algorithm
        last = value.value if isinstance(value, cst.Name) else None
        if isinstance(value, cst.Attribute):
            last = value.attr.value
        self.weak_by_name.setdefault(name, set()).add((last or "").lower() in _WEAK_HASHES)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._bind(target.target.value, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._bind(node.target.value, node.value)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        bound = node.asname.name if node.asname is not None else node.name
        if isinstance(bound, cst.Name):
            self._bind(bound.value, node.name)


_HTTP_CLIENT_PREFIXES = ("requests.", "httpx.", "aiohttp.", "urllib3.", "boto3.")


class TlsVerificationDisabled(CstRule):
    META = RuleMeta(
        id="SEC007",
        foreign_codes=("S323", "S501", "B323", "B501"),
        name="tls-verification-disabled",
        category="security",
        severity="error",
        summary="TLS certificate or hostname verification is switched off (`verify=False`, "
        "`CERT_NONE`, `check_hostname = False`, an unverified context).",
        why="Without verification anyone on the network path can impersonate the server and "
        "read or change the traffic, credentials included (CWE-295).",
        remediation="Keep the default verification; for a private CA pass its bundle: "
        '`requests.get(url, verify="/etc/ssl/internal-ca.pem", timeout=10)` or '
        "`ssl.create_default_context(cafile=...)`.",
        bad=(
            Example(
                "import requests\n\n\ndef fetch(url: str) -> bytes:\n"
                "    return requests.get(url, verify=False, timeout=10).content  # bad\n"
            ),
            Example(
                "import ssl\n\ncontext = ssl.create_default_context()\n"
                "context.check_hostname = False  # bad\n"
                "context.verify_mode = ssl.CERT_NONE  # bad\n"
            ),
            Example("import ssl\n\nCONTEXT = ssl._create_unverified_context()  # bad\n"),
        ),
        good=(
            Example(
                "import requests\n\n\ndef fetch(url: str) -> bytes:\n"
                '    ca = "/etc/ssl/internal-ca.pem"\n'
                "    return requests.get(url, verify=ca, timeout=10).content\n"
            ),
            Example(
                'import ssl\n\ncontext = ssl.create_default_context(cafile="/etc/ssl/ca.pem")\n'
                "context.check_hostname = True\ncontext.verify_mode = ssl.CERT_REQUIRED\n"
            ),
        ),
        references=(
            "CWE-295",
            "https://docs.python.org/3/library/ssl.html#security-considerations",
        ),
    )
    TRIGGERS = ("verify", "CERT_NONE", "check_hostname", "_create_unverified_context", "ssl")

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # Inside `if not verify:` / `CERT_REQUIRED if verify else CERT_NONE` the code honours
        # the caller's choice; inside `x == CERT_NONE` it only reads a setting.
        self._exempt = 0
        self._server_side = 0  # inside `wrap_socket(..., server_side=True)`: client certs

    def visit_If(self, node: cst.If) -> None:
        self._exempt += _tests_verify_option(node.test)

    def leave_If(self, original_node: cst.If) -> None:
        self._exempt -= _tests_verify_option(original_node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._exempt += _is_verify_choice(node)

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        self._exempt -= _is_verify_choice(original_node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._exempt += 1

    def leave_Comparison(self, original_node: cst.Comparison) -> None:
        self._exempt -= 1

    def report(self, node: cst.CSTNode, message: str, **kwargs: Any) -> None:
        if not self._exempt:
            super().report(node, message, **kwargs)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._server_side -= _serves(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        self._server_side += _serves(node)
        name = self.context.qualified_name(node.func) or ""
        if name in ("ssl._create_unverified_context", "ssl._create_stdlib_context"):
            self.report(node, f"`{code_of(node.func)}()` creates a context that verifies nothing")
            return
        base = name.split("()")[0] + "."
        if not base.startswith(_HTTP_CLIENT_PREFIXES):
            return
        for flag in ("verify", "verify_ssl", "ssl"):
            arg = keyword(node, flag)
            if arg is not None and is_false(arg.value) and not is_none_literal(arg.value):
                self.report(
                    arg,
                    f"`{flag}=False` turns off TLS certificate verification for "
                    f"`{code_of(node.func)}()`",
                )

    # `ssl.CERT_NONE` is reported where it is applied — set as a verify mode, passed to a
    # call, or stored under a cert_reqs/verify key — not where a config table or an option's
    # default merely names it (`{"none": CERT_NONE, "required": CERT_REQUIRED}`).

    def _cert_none(self, node: cst.BaseExpression | None) -> bool:
        # `ssl.CERT_NONE` or `from ssl import CERT_NONE`; not a variable it was copied to
        return (
            isinstance(node, (cst.Attribute, cst.Name))
            and terminal_name(node) == "CERT_NONE"
            and self.context.qualified_name(node) == "ssl.CERT_NONE"
        )

    def _report_cert_none(self, node: cst.BaseExpression) -> None:
        self.report(node, "`ssl.CERT_NONE` accepts any certificate, including forged ones")

    def visit_Arg(self, node: cst.Arg) -> None:
        if self._cert_none(node.value) and not self._server_side:
            self._report_cert_none(node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = string_value(node.key) or ""
        if self._cert_none(node.value) and _VERIFY_KEY.search(key):
            self._report_cert_none(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._cert_none(node.value) and _VERIFY_KEY.search(code_of(node.target)):
            self._report_cert_none(node.value)  # type: ignore[arg-type]

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._cert_none(node.value) and any(
            _VERIFY_KEY.search(code_of(t.target)) for t in node.targets
        ):
            self._report_cert_none(node.value)
        for target in node.targets:
            attr = target.target
            if not isinstance(attr, cst.Attribute) or not is_false(node.value):
                continue
            if attr.attr.value == "check_hostname" or (
                attr.attr.value == "verify"
                and (self.context.qualified_name(attr.value) or "").startswith(
                    ("requests.", "httpx.")
                )
            ):
                self.report(node.value, f"`{code_of(attr)} = False` turns off TLS verification")


_VERIFY_KEY = re.compile(r"verify_mode|cert_reqs|verify", re.IGNORECASE)
"""Where a certificate mode is applied: `ctx.verify_mode`, `cert_reqs=`, `ssl_cert_reqs`."""


def _serves(node: cst.Call) -> bool:
    """`wrap_socket(..., server_side=True)`: CERT_NONE there means no client certificate."""
    arg = keyword(node, "server_side")
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"


def _tests_verify_option(test: cst.BaseExpression) -> bool:
    """`if not verify:`, `elif self.verify_ssl is False:`, `if args.insecure:`."""
    text = code_of(test).lower()
    return "verify" in text or "insecure" in text


def _is_verify_choice(node: cst.IfExp) -> bool:
    """`CERT_REQUIRED if verify else CERT_NONE`: both settings offered, the option decides."""
    branches = code_of(node.body) + code_of(node.orelse)
    return _tests_verify_option(node.test) or "CERT_REQUIRED" in branches


def is_none_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class InsecureTempfile(CstRule):
    META = RuleMeta(
        id="SEC008",
        foreign_codes=("S306", "B306"),
        name="insecure-tempfile",
        category="security",
        severity="error",
        summary="`tempfile.mktemp()` returns a name for a file it does not create.",
        why="Between choosing the name and opening it, another process can create the file or a "
        "symlink there and make this program write where the attacker wants (CWE-377).",
        remediation="Let tempfile create the file: `with tempfile.NamedTemporaryFile() as f:`, "
        "`fd, path = tempfile.mkstemp()`, or `tempfile.TemporaryDirectory()` for a folder.",
        bad=(
            Example(
                "import tempfile\n\n\ndef scratch() -> str:\n"
                '    return tempfile.mktemp(suffix=".csv")  # bad\n'
            ),
            Example(
                "from tempfile import mktemp\n\n\ndef dump(data: bytes) -> str:\n"
                '    path = mktemp()  # bad\n    with open(path, "wb") as handle:\n'
                "        handle.write(data)\n    return path\n"
            ),
        ),
        good=(
            Example(
                "import tempfile\n\n\ndef scratch() -> str:\n"
                '    fd, path = tempfile.mkstemp(suffix=".csv")\n    return path\n'
            ),
            Example(
                "import tempfile\n\n\ndef dump(data: bytes) -> None:\n"
                "    with tempfile.NamedTemporaryFile(delete=False) as handle:\n"
                "        handle.write(data)\n"
            ),
        ),
        references=("CWE-377", "https://docs.python.org/3/library/tempfile.html#tempfile.mktemp"),
        fix="unsafe",
    )
    TRIGGERS = ("mktemp",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.qualified_name(node.func) != "tempfile.mktemp":
            return
        func = node.func
        new_func = (
            func.with_changes(attr=cst.Name("mkstemp")) if isinstance(func, cst.Attribute) else None
        )
        fix = None
        if new_func is not None:
            fix = NodeFix(
                (replace(node, f"{code_of(node.with_changes(func=new_func))}[1]"),),
                "unsafe",
                "create the file with mkstemp() (its descriptor is left open)",
            )
        self.report(
            node,
            f"`{code_of(func)}()` only picks a name; another process can create that file first",
            fix=fix,
        )


_XML_PARSERS = frozenset(
    {
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
    }
)


class UnsafeXmlParser(CstRule):
    META = RuleMeta(
        id="SEC010",
        skip_tests=True,  # a test hashes, parses or binds its own fixtures
        foreign_codes=(
            *("S313", "S314", "S315", "S316", "S317", "S318", "S319", "S320"),
            *("B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320"),
        ),
        name="unsafe-xml-parser",
        category="security",
        severity="error",
        summary="XML from outside is parsed with the standard library's or lxml's parsers "
        "instead of defusedxml.",
        why='Crafted XML can expand entities exponentially ("billion laughs"), read local '
        "files or make network requests through external entities (XXE, CWE-611).",
        remediation="Parse untrusted XML with `defusedxml` (`from defusedxml.ElementTree import "
        "fromstring`), or for lxml with a parser built with `resolve_entities=False, "
        "no_network=True`.",
        bad=(
            Example(
                "import xml.etree.ElementTree as ET\n\n\ndef feed(payload: bytes) -> ET.Element:\n"
                "    return ET.fromstring(payload)  # bad\n"
            ),
            Example(
                "from xml.dom import minidom\n\n\ndef load(path: str):\n"
                "    return minidom.parse(path)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import xml.etree.ElementTree as ET\n\n"
                "from defusedxml.ElementTree import fromstring\n\n\n"
                "def feed(payload: bytes) -> ET.Element:\n    return fromstring(payload)\n"
            ),
            Example(
                "import xml.etree.ElementTree as ET\nfrom lxml import etree\n\n"
                "SAFE = etree.XMLParser(resolve_entities=False, no_network=True)\n"
                'TEMPLATE = ET.fromstring("<config><debug>0</debug></config>")\n\n\n'
                "def load(payload: bytes) -> etree._Element:\n"
                "    return etree.fromstring(payload, parser=SAFE)\n"
            ),
        ),
        references=(
            "CWE-611",
            "https://docs.python.org/3/library/xml.html#xml-vulnerabilities",
            "https://pypi.org/project/defusedxml/",
        ),
    )
    TRIGGERS = ("xml",)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._parsers: HardenedParsers | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._parsers = HardenedParsers(node)

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name not in _XML_PARSERS:
            return
        first = argument(node, "source", 0) or argument(node, "text", 0)
        if first is not None and is_literal_string(first.value):
            return  # a constant document in the source is not external data
        parser = _parser_argument(node, name)
        if parser is not None and (
            name.startswith("lxml.")
            or (self._parsers is not None and self._parsers.is_hardened(parser))
        ):
            return  # the caller chose the parser; lxml's and hardened ones are safe
        self.report(
            node,
            f"`{code_of(node.func)}()` parses XML with entity expansion; use "
            "defusedxml for data from outside",
        )


def _parser_argument(call: cst.Call, name: str) -> cst.BaseExpression | None:
    """The parser a parse call is given, if any (`sax.parse`'s second argument is a handler)."""
    if name.startswith("xml.sax.") or name.endswith(".XMLParser"):
        return None
    found = argument(call, "parser", 2 if name.endswith(".iterparse") else 1)
    return found.value if found is not None else None


class UnsafeArchiveExtraction(CstRule):
    META = RuleMeta(
        id="SEC011",
        foreign_codes=("S202", "B202"),
        name="unsafe-archive-extraction",
        category="security",
        severity="error",
        summary="A tar archive is extracted without `filter=`, so member names and links are "
        "trusted.",
        why="Tar members named `../../etc/cron.d/x`, absolute paths or links escape the target "
        "folder and overwrite files anywhere the process can write (path traversal, CWE-22).",
        remediation='Pass `filter="data"` (Python 3.12+, backported to security releases) to '
        "`extractall()`/`extract()` and `shutil.unpack_archive()`, which rejects absolute paths, "
        "`..` and links outside the target.",
        bad=(
            Example(
                "import tarfile\n\n\ndef restore(archive: str, dest: str) -> None:\n"
                "    with tarfile.open(archive) as tar:\n        tar.extractall(dest)  # bad\n"
            ),
            Example(
                "import shutil\n\n\ndef unpack(archive: str, dest: str) -> None:\n"
                "    shutil.unpack_archive(archive, dest)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import tarfile\n\n\ndef restore(archive: str, dest: str) -> None:\n"
                "    with tarfile.open(archive) as tar:\n"
                '        tar.extractall(dest, filter="data")\n'
            ),
            Example(
                "import zipfile\n\n\ndef unzip(archive: str, dest: str) -> None:\n"
                "    # ZipFile.extractall already drops absolute paths and '..' components\n"
                "    with zipfile.ZipFile(archive) as bundle:\n        bundle.extractall(dest)\n"
            ),
        ),
        references=(
            "CWE-22",
            "https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter",
        ),
    )
    TRIGGERS = ("tarfile", "unpack_archive", "TarFile")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func) or ""
        base, _, method = name.rpartition(".")
        # `tarfile.open()`, `TarFile(...)` and each of its constructors (`TarFile.gzopen()`, ...)
        is_tar = base.startswith("tarfile.")
        extracts = (is_tar and method in ("extractall", "extract")) or (
            name == "shutil.unpack_archive"
        )
        if extracts and keyword(node, "filter") is None:
            self.report(
                node,
                f"`{code_of(node.func)}()` without `filter=` trusts member "
                "paths and links in the archive",
            )


_ALL_INTERFACES = ("0.0.0.0", "::", "[::]")


class BindAllInterfaces(CstRule):
    META = RuleMeta(
        id="SEC012",
        skip_tests=True,  # a test hashes, parses or binds its own fixtures
        foreign_codes=("S104", "B104"),
        name="bind-all-interfaces",
        category="security",
        severity="warning",
        summary="A server or socket is bound to every network interface (`0.0.0.0`, `::`) by a "
        "hard-coded address.",
        why="Binding everywhere exposes the service on every network the machine is attached "
        "to, including ones it was never meant to be reachable from (CWE-1327).",
        remediation="Bind to an address from configuration that defaults to loopback: "
        '`host = settings.bind_host  # "127.0.0.1" unless deployed behind a proxy`.',
        bad=(
            Example(
                "import socket\n\n\ndef serve() -> socket.socket:\n    sock = socket.socket()\n"
                '    sock.bind(("0.0.0.0", 8080))  # bad\n    return sock\n'
            ),
            Example(
                'import uvicorn\n\nif __name__ == "__main__":\n'
                '    uvicorn.run("app:api", host="0.0.0.0", port=8000)  # bad\n'
            ),
        ),
        good=(
            Example(
                "import socket\n\nfrom app.config import settings\n\n\n"
                "def serve() -> socket.socket:\n    sock = socket.socket()\n"
                "    sock.bind((settings.bind_host, 8080))  # 127.0.0.1 unless configured\n"
                "    return sock\n"
            ),
            Example(
                'ALLOWED_ORIGINS = ["0.0.0.0/0"]\nDEFAULT_ROUTE = "0.0.0.0" "/0"\n\n\n'
                'def is_unspecified(address: str) -> bool:\n    return address == "0.0.0.0"\n'
            ),
        ),
        references=("CWE-1327",),
    )
    TRIGGERS = ("0.0.0.0", "::")

    def _any(self, node: cst.BaseExpression | None) -> bool:
        return string_value(node) in _ALL_INTERFACES if node is not None else False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        method = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else (func.value if isinstance(func, cst.Name) else "")
        )
        first = positional(node, 0)
        if (
            first is not None
            and isinstance(first.value, cst.Tuple)
            and first.value.elements
            and (method in ("bind", "create_server", "connect_ex") or method.endswith("Server"))
        ):
            host = first.value.elements[0].value
            if self._any(host) or (method == "bind" and string_value(host) == ""):
                self.report(host, f"`{code_of(func)}()` binds to every network interface")
                return
        for arg in node.args:
            if arg.keyword is not None and is_host_name(arg.keyword.value) and self._any(arg.value):
                self.report(
                    arg.value,
                    f"`{arg.keyword.value}={code_of(arg.value)}` listens on "
                    "every network interface",
                )

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._reaching: set[str] | None = None

    def _never_bound(self, target: cst.BaseExpression) -> bool:
        """A plain name whose uses here are text or comparisons, never a bind/`host=`/return;
        a module constant nobody here uses may be imported, so it counts as bound."""
        if not isinstance(target, cst.Name):
            return False
        if self._reaching is None:
            uses = BindUses()
            walk(self._module, uses)
            self._reaching = uses.reaching
        if target.value in self._reaching:
            return False
        return self.context.names.scope.kind != "module" or _is_read(self._module, target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = terminal_name(target.target)
            if (
                name
                and is_host_name(name)
                and self._any(node.value)
                and not self._never_bound(target.target)
            ):
                self.report(node.value, f"`{name}` binds to every network interface")


def _is_read(module: cst.Module, name: str) -> bool:
    """Whether `name` occurs in `module` other than as an assignment target."""
    finder = _NameReads(name)
    walk(module, finder)
    return finder.found


class _NameReads(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        return not isinstance(node.target, cst.Name)

    def visit_Name(self, node: cst.Name) -> None:
        self.found = self.found or node.value == self.name


_MODE_CALLS = {
    "os.chmod": 1,
    "os.fchmod": 1,
    "os.lchmod": 1,
    "os.open": 2,
    "os.mkdir": 1,
    "os.makedirs": 1,
    "os.mkfifo": 1,
}
_PATH_METHODS = {"chmod": 0, "mkdir": 0, "touch": 0, "lchmod": 0}


class PermissiveFileMode(CstRule):
    META = RuleMeta(
        id="SEC013",
        foreign_codes=("S103", "B103"),
        name="permissive-file-mode",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects the permissive modes "
            "found were create modes that the umask narrows, the way `open()` itself behaves."
        ),
        summary="A file or directory is created or chmod-ed world-writable (`0o777`, `0o666`, "
        "`stat.S_IWOTH`).",
        why="Any local user or compromised service can then replace the file's content or plant "
        "files in the directory — code, config or data this program trusts (CWE-732).",
        remediation="Grant the least access that works: `0o600` for secrets, `0o640`/`0o644` "
        "for files, `0o750`/`0o755` for directories.",
        bad=(
            Example(
                "import os\n\n\ndef publish(path: str) -> None:\n    os.chmod(path, 0o777)  # bad\n"
            ),
            Example(
                "import os\nimport stat\nfrom pathlib import Path\n\n\n"
                "def prepare(root: Path) -> None:\n"
                "    root.mkdir(mode=0o777, exist_ok=True)  # bad\n"
                '    os.chmod(root / "x", stat.S_IRUSR | stat.S_IWOTH)  # bad\n'
            ),
        ),
        good=(
            Example("import os\n\n\ndef publish(path: str) -> None:\n    os.chmod(path, 0o644)\n"),
            Example(
                "import os\nfrom pathlib import Path\n\n\ndef prepare(root: Path) -> None:\n"
                "    root.mkdir(mode=0o750, exist_ok=True)\n"
                '    fd = os.open(root / "key", os.O_WRONLY | os.O_CREAT, 0o600)\n'
                "    os.close(fd)\n"
            ),
        ),
        references=("CWE-732",),
    )
    TRIGGERS = ("chmod", "mkdir", "makedirs", "os.open", "touch", "mkfifo", "open(")

    def _world_writable(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Integer):
            # LibCST parses only valid Python 3 literals (it rejects `0777`): int() reads each
            return bool(int(node.value.replace("_", ""), 0) & 0o002)
        if isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, (cst.BitOr, cst.Add)
        ):
            return self._world_writable(node.left) or self._world_writable(node.right)
        name = (
            self.context.qualified_name(node)
            if isinstance(node, (cst.Attribute, cst.Name))
            else None
        )
        return name in ("stat.S_IWOTH", "stat.S_IRWXO")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func) or ""
        mode = None
        if name in _MODE_CALLS:
            mode = argument(node, "mode", _MODE_CALLS[name])
        elif (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value in _PATH_METHODS
            and ("pathlib" in name or keyword(node, "mode") is not None)
        ):
            mode = argument(node, "mode", _PATH_METHODS[node.func.attr.value])
        if mode is not None and self._world_writable(mode.value):
            self.report(mode.value, f"mode `{code_of(mode.value)}` makes this world-writable")
