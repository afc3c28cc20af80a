"""False-positive classes of the security rules, found on real projects.

Each case pairs the false positive (no finding) with its true-positive twin
(still reported), and asserts the exact (id, line) pairs with the real engine.
"""

from __future__ import annotations

import textwrap

import pytest

from guardrails.testing import assert_findings, run

CASES = {
    "sec004-identifier-shaped-values": (
        """\
        from django.core import signing

        SESSION_KEY = "_auth_user_id"
        INTERNAL_RESET_SESSION_TOKEN = "_password_reset_token"
        API_KEY_HEADER = "X-Api-Key"
        SECRET_KEY_SETTING = "SECRET_KEY"
        token_cache_key = "auth:{user_id}:token"
        session_token = "session-%s"
        signing_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        _TOKEN = rb"[!#$%&'*+\\-.^_`|~0-9A-Za-z]+"


        class Storage:
            session_key = "_messages"

        def sign(value):
            return signing.dumps(value, salt="django.core.signing")

        DB_PASSWORD = "hunter2-prod"
        session_token = "session-a8f7d6e5c4b3"
        signing_salt = "q8Zr!x2Lw"
        """,
        {("SEC004", 19), ("SEC004", 20), ("SEC004", 21)},
    ),
    "sec005-properties-truncations-fallbacks": (
        """\
        import hashlib
        import os
        from hashlib import md5, sha1

        try:
            from hashlib import sha256 as checksum
        except ImportError:
            from hashlib import md5 as checksum

        def salt():
            return os.urandom(sha1().digest_size)

        def css_class(name, engine):
            suffix = md5(name.encode()).hexdigest()[:6]
            algo = getattr(engine, "hash_algo", None)
            if algo is None:
                algo = sha1
            return suffix + algo(name.encode()).hexdigest() + checksum(b"x").hexdigest()

        def sign(payload, engine):
            hasher = hashlib.sha1
            first = hasher(payload).hexdigest()
            second = md5(payload).hexdigest()[:20]
            third = hashlib.md5(payload).hexdigest()
            return first + second + third + str(sha1(payload).digest_size)

        def by_name(payload):
            from hashlib import new
            return new("md5", payload).hexdigest()
        """,
        {("SEC005", 22), ("SEC005", 23), ("SEC005", 24), ("SEC005", 25), ("SEC005", 29)},
    ),
    "sec003-in-process-round-trip": (
        """\
        import pickle
        from pickle import dumps as freeze, loads as thaw

        def copy(value):
            return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

        def ensure_serializable(value):
            return thaw(freeze(value))

        def restore(blob):
            first = pickle.loads(blob)
            return first, thaw(freeze(blob) + blob)
        """,
        {("SEC003", 11), ("SEC003", 12)},
    ),
    "sec006-quoted-identifiers-and-placeholders": (
        """\
        from psycopg2 import sql

        def ok(cur, connection, qn, table, keys, ids, fks):
            cur.execute("DESCRIBE %s" % connection.ops.quote_name(table))
            cur.execute("DELETE FROM %s WHERE k IN (%s)" % (qn(table), ",".join(["%s"] * len(ids))))
            cur.execute(f"SELECT * FROM t WHERE id IN ({','.join('?' for _ in ids)})", ids)
            cur.execute("SELECT {} FROM {}".format(qn("a"), sql.Identifier(table)))
            cur.execute("INSERT INTO t VALUES (%s)" % ",".join(["QUOTE(?)"] * len(keys)), keys)
            cur.execute("SELECT * FROM " + connection.ops.quote_name(table) + " WHERE a = %s", ids)
            cur.execute("SELECT " + ", ".join(["{}".format(qn(fk)) for fk in fks]))
            quote_name = connection.ops.quote_name
            quoted = quote_name(table)
            cur.execute("SELECT %s FROM %s" % (quote_name("k"), quoted))
            cur.execute(cur.sql_rename % {"old": cur.quote_name("idx_%s" % table)})

        def bad(cur, connection, qn, table, email, ids, fks):
            placeholders = ", ".join("?" for _ in ids)
            cur.execute(f"SELECT * FROM {table} WHERE id IN ({placeholders})", ids)
            cur.execute("SELECT %s FROM %s" % (qn("a"), table))
            cur.execute("SELECT {c} FROM t WHERE e = '{e}'".format(c=qn("a"), e=email))
            cur.execute("SELECT * FROM " + connection.ops.quote_name(table) + " WHERE a = " + email)
            cur.execute("SELECT " + ", ".join(["{}".format(fk) for fk in fks]))
            cur.execute("SELECT " + ", ".join(["a", email]))
            query = "SELECT * FROM t WHERE a = '%s'" % email
            cur.execute(query)
        """,
        {
            ("SEC006", 18),
            ("SEC006", 19),
            ("SEC006", 20),
            ("SEC006", 21),
            ("SEC006", 22),
            ("SEC006", 23),
            ("SEC006", 25),
        },
    ),
    "sec010-hardened-parser-given": (
        """\
        import xml.etree.ElementTree as ET
        from xml.dom import minidom, pulldom
        from xml.sax.expatreader import ExpatParser

        import defusedxml.expatreader
        from lxml import etree


        class DefusedExpatParser(ExpatParser):
            pass


        class Deserializer:
            def __init__(self, stream):
                self.events = pulldom.parse(stream, self._make_parser())
                self.tree = ET.parse(stream, parser=SAFE)
                self.doc = minidom.parse(stream, defusedxml.expatreader.create_parser())
                self.raw = pulldom.parse(stream, ExpatParser())
                self.plain = ET.fromstring(stream.read())

            def _make_parser(self):
                return DefusedExpatParser()


        SAFE = etree.XMLParser(resolve_entities=False, no_network=True)
        """,
        {("SEC010", 18), ("SEC010", 19)},
    ),
    "sec012-address-never-bound": (
        """\
        import socket

        import uvicorn

        DOCS_DEFAULT_HOST = "0.0.0.0"
        HELP = f"--host defaults to {DOCS_DEFAULT_HOST}"
        BIND_HOST = "0.0.0.0"


        def banner(raw_addr, port, server):
            server.run(server.addr, port)
            if raw_addr == "0":
                addr = "0.0.0.0"
            else:
                addr = raw_addr
            return f"Starting server at http://{addr}:{port}/"


        def serve(port):
            listen_addr = "0.0.0.0"
            sock = socket.socket()
            sock.bind((listen_addr, port))
            host = "::"
            uvicorn.run("app:api", host=host, port=port)
        """,
        {("SEC012", 7), ("SEC012", 20), ("SEC012", 23)},
    ),
    "sec015-helper-called-by-a-view": (
        """\
        import subprocess

        from django.utils.safestring import mark_safe


        def flatpage(request, url):
            page = load(url)
            return render_flatpage(request, page)


        def render_flatpage(request, page):
            page.title = mark_safe(page.title)
            return page


        def convert(request, name):
            subprocess.run("pandoc " + name, shell=True)
            return render_flatpage(request, name)
        """,
        {("SEC015", 17)},
    ),
    "sec017-constants-and-escaped-values": (
        """\
        import markupsafe
        from django.utils.html import format_html
        from django.utils.safestring import mark_safe
        from markupsafe import Markup, escape


        def ok(i, n, value, name, flag):
            a = mark_safe(' class="end"' if i == n else "")
            b = mark_safe(format_html("<b>{}</b>", value))
            c = Markup('<a href="{u}">{t}</a>'.format(u=escape(value), t=str(escape(name))))
            d = Markup(f"<b>{markupsafe.escape(value)}</b>")
            e = mark_safe("<i>%s</i>" % markupsafe.escape(value))
            text = "<b>on</b>" if flag else "<i>off</i>"
            return Markup(text), a, b, c, d, e


        def bad(value, name, template, label):
            g = Markup(f"<b>{value}</b>")
            h = Markup('<a href="{u}">{t}</a>'.format(u=markupsafe.escape(value), t=name))
            k = mark_safe(value.title)
            m = mark_safe(template.format(id=markupsafe.escape(value)))
            o = mark_safe("<i>%s</i>" % value)
            return Markup(label if label else "-"), g, h, k, m, o
        """,
        {
            ("SEC017", 18),
            ("SEC017", 19),
            ("SEC017", 20),
            ("SEC017", 21),
            ("SEC017", 22),
            ("SEC017", 23),
        },
    ),
    "sec007-honoured-option-and-comparison": (
        """\
        import ssl

        import requests


        def context(verify, broker_ssl):
            if broker_ssl.get("cert_reqs") == ssl.CERT_NONE:
                return None
            reqs = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
            if verify is False:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            return reqs


        def fetch(url):
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return requests.get(url, verify=False, timeout=5)
        """,
        {("SEC007", 19), ("SEC007", 20), ("SEC007", 21)},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_precision(name: str) -> None:
    source, expected = CASES[name]
    probed = {rule_id for rule_id, _ in expected} | {name.split("-")[0].upper()[:6]}
    assert_findings(source, expected, select=sorted(probed))


def test_sec002_exec_of_compile_is_one_finding() -> None:
    source = textwrap.dedent(
        """\
        def load(path, env):
            with open(path) as f:
                exec(compile(f.read(), path, "exec"), env)
            code = compile(f.read(), path, "exec")
            exec(code, env)
            exec(compile("x = 1", "<const>", "exec"), env)
            return eval(compile(path, "<x>", "eval"))
        """
    )
    found = sorted((v.rule_id, v.line, v.column) for v in run(source, select=["SEC002"]))
    assert found == [("SEC002", 3, 9), ("SEC002", 4, 12), ("SEC002", 7, 12)]


@pytest.mark.parametrize(
    ("rule", "source", "line"),
    [
        ("SEC005", "import hashlib\n\ndef etag(b):\n    return hashlib.md5(b).hexdigest()\n", 4),
        (
            "SEC010",
            "import xml.etree.ElementTree as ET\n\ndef feed(t):\n    return ET.fromstring(t)\n",
            4,
        ),
        ("SEC012", "import socket\n\ndef serve(s):\n    s.bind((\"0.0.0.0\", 2525))\n", 4),
    ],
)
def test_test_code_is_exempt_and_the_same_code_elsewhere_is_not(rule, source, line) -> None:
    # a test hashes, parses and binds its own fixtures; the same lines in the app are findings
    assert_findings(source, set(), path="tests/test_feed.py", select=[rule])
    assert_findings(source, {(rule, line)}, path="app/feed.py", select=[rule])


def test_sec007_cert_none_is_reported_where_applied_not_where_named() -> None:
    assert_findings(
        """\
        import ssl

        MODES = {"none": ssl.CERT_NONE, "required": ssl.CERT_REQUIRED}

        class CertReqs:
            default = ssl.CERT_NONE

        def serve(sock, cert, key):
            return ssl.wrap_socket(sock, cert, key, server_side=True, cert_reqs=ssl.CERT_NONE)

        def connect(sock, broker):
            ctx = ssl.create_default_context()
            ctx.verify_mode = ssl.CERT_NONE
            broker.use_ssl = {"ssl_cert_reqs": ssl.CERT_NONE}
            return ssl.wrap_socket(sock, cert_reqs=ssl.CERT_NONE)
        """,
        {("SEC007", 13), ("SEC007", 14), ("SEC007", 15)},
        select=["SEC007"],
    )


def test_sec001_command_quoted_as_its_remediation_says_is_not_reported() -> None:
    assert_findings(
        """\
        import os
        import shlex
        import subprocess

        def hook(template, user, paths, flag):
            command = template % {"user": shlex.quote(user), "n": 3}
            subprocess.Popen(command, shell=True)
            subprocess.run(f"tar -czf {shlex.quote(user)}.tgz", shell=True)
            os.system("rm " + " ".join(shlex.quote(p) for p in paths))
            subprocess.run(f"tar -czf {user}.tgz", shell=True)
            loose = template % {"user": user}
            subprocess.Popen(loose, shell=True)
            os.system("rm " + " ".join(paths))
            mixed = template % (shlex.quote(user),)
            if flag:
                mixed = template % (user,)
            subprocess.Popen(mixed, shell=True)
            subprocess.run("ls -l", shell=True)
        """,
        {("SEC001", 10), ("SEC001", 12), ("SEC001", 13), ("SEC001", 17), ("SEC001", 18)},
        select=["SEC001"],
    )
