"""Semgrep-backed and secret-name security rules' boundaries (see test_guard_rules)."""

from __future__ import annotations

from test_guard_rules import found, lines, marked

from guardrails.testing import run_many

# --- SEC014 debug-enabled (Semgrep: one run for every case) -------------------------------

SEC014_APP = """\
import asyncio

from flask import Flask
from werkzeug.serving import run_simple

app = Flask(__name__)
app.run(debug=True)  # bad
app.run(host="0.0.0.0", port=80, debug=True)  # bad
app.run(debug=False)
asyncio.run(main(), debug=True)
run_simple("localhost", 5000, app, use_debugger=True)  # bad
run_simple("localhost", 5000, app, use_evalex=True)  # bad
run_simple("localhost", 5000, app, use_reloader=True)
app.debug = True  # bad
app.config["DEBUG"] = True  # bad
app.config.update(SECRET="x", DEBUG=True)  # bad
app.config.update(DEBUG=False)
app.config["TESTING"] = True
"""
SEC014_FLAGGED_SETTINGS = (
    "settings.py",
    "mysite/settings.py",
    "conf/settings/prod.py",
    "conf/settings/eu/base.py",
    "prod_settings.py",
)
SEC014_SPARED_SETTINGS = (
    "conf/settings/dev.py",
    "conf/settings/local.py",
    "conf/settings/test_ci.py",
    "settings_dev.py",
    "settings_local.py",
    "settings_test.py",
    "mysite/dev_settings.py",
    "local_settings.py",
    "test_settings.py",
    "config.py",
)


def test_sec014_flags_each_debug_pattern_and_only_production_settings_modules() -> None:
    sources = {p: "DEBUG = True\n" for p in SEC014_FLAGGED_SETTINGS + SEC014_SPARED_SETTINGS}
    sources["app.py"] = SEC014_APP
    sources["nested/settings.py"] = "def f():\n    DEBUG = True\n\n\nclass C:\n    DEBUG = True\n"
    results = run_many(sources, select=["SEC014"])
    got = {path: sorted(v.line for v in found) for path, found in results.items()}
    assert got.pop("app.py") == marked(SEC014_APP)
    assert got == {
        **{p: [1] for p in SEC014_FLAGGED_SETTINGS},
        **{p: [] for p in SEC014_SPARED_SETTINGS},
        "nested/settings.py": [],
    }
    messages = sorted({v.message for v in results["app.py"]})
    assert messages == [
        "`app.run(..., debug=True)` starts the server with its debugger on, which serves an "
        "interactive debugger and tracebacks to anyone who can reach it",
        "`app` is configured with debug mode on in code",
        "`run_simple` is started with the interactive Werkzeug debugger",
    ]
    assert [v.message for v in results["settings.py"]] == [
        "`DEBUG = True` in a settings module ships Django's debug pages to every visitor"
    ]


# --- SEC006 sql-string-building (Semgrep) -------------------------------------------------

SEC006_SOURCE = """\
import pandas
import sqlalchemy
import sqlalchemy.sql
import sqlalchemy.sql.expression
from django.db.models.expressions import RawSQL


def go(cur, conn, Model, name, rows, ids):
    cur.execute(f"SELECT * FROM t WHERE name = '{name}'")  # bad
    cur.execute("SELECT * FROM t WHERE name = '%s'" % name)  # bad
    cur.execute("SELECT * FROM %s WHERE id = %s" % (name, 1))  # bad
    cur.execute("SELECT * FROM %(t)s" % {"t": name})  # bad
    cur.execute("SELECT * FROM {}".format(name))  # bad
    cur.execute("SELECT * FROM {t}".format(t=name))  # bad
    cur.execute("SELECT * FROM " + name)  # bad
    cur.execute(name + " LIMIT 1")  # bad
    cur.executemany(f"INSERT INTO {name} VALUES (?)", rows)  # bad
    cur.executescript(f"DROP TABLE {name}")  # bad
    conn.exec_driver_sql(f"SELECT {name}")  # bad
    Model.objects.raw(f"SELECT {name}")  # bad
    sqlalchemy.text(f"SELECT {name}")  # bad
    sqlalchemy.sql.text(f"SELECT {name}")  # bad
    sqlalchemy.sql.expression.text(f"SELECT {name}")  # bad
    pandas.read_sql(f"SELECT {name}", conn)  # bad
    pandas.read_sql_query(f"SELECT {name}", conn)  # bad
    RawSQL(f"SELECT {name}", ())  # bad
    query = "SELECT * FROM t WHERE id = " + name
    cur.execute(query)  # bad
    cur.execute("SELECT * FROM t WHERE name = ?", (name,))
    cur.execute("SELECT * FROM t" + " LIMIT 1")
    cur.execute(f"SELECT * FROM {quote_ident(name)}")
    placeholders = ", ".join("?" for _ in ids)
    cur.execute(f"SELECT * FROM t WHERE id IN ({placeholders})", ids)
    print(f"SELECT {name}")
"""


def test_sec006_flags_every_way_of_splicing_into_every_listed_sql_sink() -> None:
    assert lines(SEC006_SOURCE, "SEC006") == marked(SEC006_SOURCE)
    assert found(SEC006_SOURCE, "SEC006")[-1] == (
        28,
        "SQL passed as `query` is built with string formatting or concatenation; a value "
        "spliced into it can change the query (SQL injection)",
    )


def test_sec006_each_sink_alone_still_triggers_the_rule() -> None:
    sources = {
        "frames.py": "import pandas as pd\n\n\ndef go(c, n):\n    pd.read_sql(f'SELECT {n}', c)\n",
        "raw.py": (
            "from django.db.models.expressions import RawSQL\n\n\n"
            "def go(n):\n    return RawSQL('SELECT ' + n, ())\n"
        ),
        "core.py": "from sqlalchemy import text\n\n\ndef go(n):\n    return text(f'SELECT {n}')\n",
        "cursor.py": "def go(cur, n):\n    cur.executescript(f'DROP {n}')\n",
    }
    results = run_many(sources, select=["SEC006"])
    assert {path: [v.line for v in found] for path, found in results.items()} == {
        "frames.py": [5],
        "raw.py": [5],
        "core.py": [5],
        "cursor.py": [2],
    }


# --- SEC009 insecure-randomness -----------------------------------------------------------

_RANDOM_FUNCS = ("random", "randint", "randrange", "choice", "choices", "sample", "shuffle")
_RANDOM_FUNCS += ("getrandbits", "randbytes", "uniform")
_RANDOM_SECRET_WORDS = [
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "secret_key",
    "private_key",
    "signing_key",
    "nonce",
    "salt",
    "otp",
    "pin",
    "session_id",
    "sessionid",
    "csrf",
    "csrf_token",
    "verifier",
    "challenge",
    "reset_code",
    "verification_code",
    "auth_code",
    "one_time_code",
    "invite_code",
    "recovery_code",
]


def test_sec009_flags_every_random_function_feeding_a_secret() -> None:
    body = "".join(f"    token = random.{f}(x)\n" for f in _RANDOM_FUNCS)
    source = "import random\n\n\ndef go(x):\n" + body
    assert lines(source, "SEC009") == list(range(5, 5 + len(_RANDOM_FUNCS)))


def test_sec009_flags_every_secret_name_and_spares_other_names() -> None:
    body = "".join(f"    user_{w} = random.random()  # bad\n" for w in _RANDOM_SECRET_WORDS)
    body += "".join(f"    {w}s = random.random()  # bad\n" for w in _RANDOM_SECRET_WORDS[:3])
    source = (
        "import random\nimport secrets\n\n\ndef go(x, obj):\n"
        + body
        + (
            "    tokenizer = random.random()\n"
            "    pin_count = random.randint(1, 9)\n"
            "    colour = random.choice(x)\n"
            "    token = secrets.token_hex()\n"
            "    obj.csrf_token = random.random()  # bad\n"
            "    obj['nonce'] = random.random()  # bad\n"
            "    salt: float = random.random()  # bad\n"
            "    send(otp=random.randint(0, 9))  # bad\n"
            "    send(delay=random.random())\n"
            "\n\ndef generate_token():\n    return random.random()  # bad\n"
            "\n\ndef random_salt():\n    return str(random.getrandbits(8))  # bad\n"
            "\n\ndef make_colour():\n    return random.random()\n"
        )
    )
    assert lines(source, "SEC009") == marked(source)
    assert found("import random\nnonce = random.getrandbits(64)\n", "SEC009") == [
        (
            2,
            "`nonce` comes from `random.getrandbits()`, which is predictable; use the "
            "`secrets` module",
        )
    ]


# --- SEC016 secret-in-log -----------------------------------------------------------------

_SECRET_WORDS = [
    "password",
    "passwd",
    "passphrase",
    "pass_phrase",
    "secret",
    "secret_key",
    "api_key",
    "apikey",
    "access_key",
    "access_key_id",
    "secret_access_key",
    "private_key",
    "signing_key",
    "encryption_key",
    "client_secret",
    "token",
    "auth_token",
    "access_token",
    "refresh_token",
    "bearer_token",
    "id_token",
    "session_token",
    "credential",
    "credentials",
    "session_key",
    "otp",
    "nonce",
    "salt",
    "pin",
]
_LOG_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal")


def test_sec016_flags_every_secret_name_written_to_a_log() -> None:
    body = "".join(f'    log.info("x %s", user_{w})  # bad\n' for w in _SECRET_WORDS)
    source = "import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef go():\n" + body
    source += '    log.info("x %s", tokens)\n    log.info("x %s", pinned)\n'
    assert lines(source, "SEC016") == marked(source)


SEC016_SOURCE = """\
import logging

import loguru
import mylib
import structlog
import structlog.stdlib
from loguru import logger as lg

log = logging.getLogger(__name__)
slog = structlog.get_logger()


def go(user, password, cfg, printer, self):
    logging.info("%s", password)  # bad
    logging.root.info("%s", password)  # bad
    logging.getLogger("x").info("%s", password)  # bad
    logging.LoggerAdapter(log, {}).info("%s", password)  # bad
    log.getChild("c").info("%s", password)  # bad
    slog.info("login", password=password)
    slog.info("login", msg=password)  # bad
    structlog.get_logger().info("%s", password)  # bad
    loguru.logger.info("{}", password)  # bad
    lg.info("{}", password)  # bad
    audit = logging.Logger("audit")
    audit.info("%s", password)  # bad
    made = logging.getLoggerClass()("made")
    made.info("%s", password)  # bad
    named = structlog.getLogger()
    named.info("%s", password)  # bad
    std = structlog.stdlib.get_logger()
    std.info("%s", password)  # bad
    mylib.base().getChild("c").info("%s", password)  # bad
    self.logger.info("%s", cfg.api_key)  # bad
    printer.info("%s", password)
    log.log(logging.INFO, "%s", password)  # bad
    log.info(f"user {user} token {cfg.token}")  # bad
    log.info("login", extra={"who": user, "secret": cfg.secret})  # bad
    log.info("login", extra={"password_set": True})
    log.info("%s %s", (user, password))  # bad
    log.info("login " + cfg["access_token"])  # bad
    log.info("login %d", len(password))
    log.info("login", exc_info=password)
"""


def test_sec016_flags_secrets_through_every_logger_form_and_argument_shape() -> None:
    methods = "".join(f'    log.{m}("%s", password)  # bad\n' for m in _LOG_METHODS)
    source = SEC016_SOURCE + methods
    assert lines(source, "SEC016") == marked(source)
    assert found(SEC016_SOURCE, "SEC016")[0] == (
        marked(SEC016_SOURCE)[0],
        "`password` is written to the log",
    )


# --- SEC004 hardcoded-secret --------------------------------------------------------------
# Key-shaped values are assembled at run time so this file holds none itself.

_KEYS = (  # (label, shortest matching value, one character shorter)
    ("an AWS access key id", "AKIA" + "Z" * 16, "AKIA" + "Z" * 15),
    ("an AWS access key id", "ASIA" + "7" * 16, "ASIA" + "7" * 15),
    ("a GitHub token", "ghp_" + "a" * 36, "ghp_" + "a" * 35),
    ("a GitHub token", "ghs_" + "b" * 36, "ghs_" + "b" * 35),
    ("a GitHub token", "github_pat_" + "c" * 22, "github_pat_" + "c" * 21),
    ("a Slack token", "xoxb-" + "1" * 10, "xoxb-" + "1" * 9),
    ("a Stripe live key", "sk_live_" + "d" * 20, "sk_live_" + "d" * 19),
    ("a Stripe live key", "rk_live_" + "e" * 20, "rk_live_" + "e" * 19),
    ("a Google API key", "AIza" + "f" * 35, "AIza" + "f" * 34),
)
_PEM = ("", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ")


def test_sec004_recognises_each_key_format_from_its_shortest_length() -> None:
    source = "".join(
        f'V{i} = "{key}"\nW{i} = "{short}"\n' for i, (_, key, short) in enumerate(_KEYS)
    )
    source += "".join(
        f'P{i} = "-----BEGIN {kind}PRIVATE KEY-----"\n' for i, kind in enumerate(_PEM)
    )
    source += 'SAMPLE = "AKIA' + "EXAMPLE" + "Z" * 9 + '"\n'
    source += 'ESCAPED = "AK\\x49A' + "Z" * 16 + '"\n'
    expected = [
        (2 * i + 1, f"this string contains {label}; keep it out of source code")
        for i, (label, _, _) in enumerate(_KEYS)
    ]
    first_pem = 2 * len(_KEYS) + 1
    expected += [
        (first_pem + i, "this string contains a private key; keep it out of source code")
        for i in range(len(_PEM))
    ]
    expected.append(
        (
            first_pem + len(_PEM) + 1,
            "this string contains an AWS access key id; keep it out of source code",
        )
    )
    assert found(source, "SEC004") == expected


def test_sec004_secret_names_get_a_secret_from_six_characters_or_sixteen_of_one_kind() -> None:
    symbols = "!@#^&=+~" * 2
    source = (
        f'password = "ab3d5"\n'  # 5 characters: too short
        f'password = "ab3d5f"  # bad\n'
        f'password = "{symbols[:15]}"\n'  # one character class, 15 long
        f'password = "{symbols}"  # bad\n'
        'password = "abcdefghijklmnopqrstuvwxyz"\n'  # a word, however long
        'token = "changeme"\n'
        'colour = "ab3d5f"\n'
    )
    assert lines(source, "SEC004") == marked(source)


SEC004_FORMS = """\
import requests


class Settings:
    api_key: str = "k3y-9f8e7d"  # bad


def connect(user, password="s3cr3t-pw"):  # bad
    requests.post("/login", json={"client_secret": "c5-9f8e7d"})  # bad
    login(user, token="t0k-9f8e7d")  # bad
    if password == "hunter2-prod":  # bad
        pass
    if "hunter2-prod" != user.password:  # bad
        pass
    if password < "hunter2-prod":
        pass
    user.secret = "x7-9f8e7d"  # bad
    conf["access_token"] = "a9-9f8e7d"  # bad
    password = ""
    password = None
    password = "{password}"
    password = "%(password)s"
    password = "${DB_PASSWORD}"
    password = "DB_PASSWORD"
    password = "https://example.com/x9"
    password = "/run/secrets/db9"
"""


def test_sec004_checks_every_place_a_name_meets_a_literal_and_skips_test_code() -> None:
    assert lines(SEC004_FORMS, "SEC004") == marked(SEC004_FORMS)
    assert lines(SEC004_FORMS, "SEC004", path="tests/test_login.py") == []


# --- SEC015 request-data-to-sink (Semgrep taint: one run for every case) ------------------

_REQUEST_PARTS = ("GET", "POST", "body", "COOKIES", "FILES", "META", "headers", "data")
_REQUEST_PARTS += ("query_params", "path_params", "cookies", "args", "form", "values", "json")
_REQUEST_PARTS += ("get_json()", "form()", "body()")
SEC015_SOURCES = (
    "import os\n\n\n"
    + "".join(
        f"def v{i}(request):\n    os.system(request.{part})  # bad\n\n\n"
        for i, part in enumerate(_REQUEST_PARTS)
    )
    + "def w(req):\n    os.system(req.args)  # bad\n\n\n"
    "class V:\n    def get(self):\n        os.system(self.request.args)  # bad\n\n\n"
    "def x(response):\n    os.system(response.args)\n"
)
SEC015_SINKS = """\
import asyncio
import codecs
import html
import io
import os
import shutil
import subprocess
import uuid

import flask
import jinja2
import markupsafe
import pandas
import sqlalchemy
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe
from flask import request
from werkzeug.utils import secure_filename
from werkzeug.utils import secure_filename as sf

import bleach
from django.utils.html import escape as django_escape
from flask import request as rq

app = flask.Flask(__name__)


@app.route("/x")
async def handler(cur, conn, Model):
    name = request.args["name"]
    subprocess.run(name, shell=True)  # bad
    subprocess.Popen(name)  # bad
    subprocess.run([name, "-x"])  # bad
    subprocess.run(["ls", name])
    os.system(name)  # bad
    os.popen(name)  # bad
    await asyncio.create_subprocess_shell(name)  # bad
    await asyncio.create_subprocess_exec(name)  # bad
    os.system(str(int(name)))
    os.system(str(float(name)))
    os.system(str(uuid.UUID(name)))
    os.system(str(bool(name)))
    os.system(str(len(name)))
    open(name)  # bad
    io.open(name)  # bad
    codecs.open(name)  # bad
    flask.send_file(name)  # bad
    os.remove(name)  # bad
    os.unlink(name)  # bad
    shutil.rmtree(name)  # bad
    open(os.path.basename(name))
    open(secure_filename(name))
    open(str(uuid.UUID(name)))
    eval(name)  # bad
    exec(name)  # bad
    compile(name, "f", "exec")  # bad
    eval(str(int(name)))
    cur.execute(name)  # bad
    cur.executemany(name, [])  # bad
    cur.executescript(name)  # bad
    conn.exec_driver_sql(name)  # bad
    Model.objects.raw(name)  # bad
    sqlalchemy.text(name)  # bad
    pandas.read_sql(name, conn)  # bad
    RawSQL(name, ())  # bad
    cur.execute("SELECT %s", (name,))
    markupsafe.Markup(name)  # bad
    flask.Markup(name)  # bad
    mark_safe(name)  # bad
    flask.render_template_string(name)  # bad
    jinja2.Template(name)  # bad
    markupsafe.Markup(markupsafe.escape(name))
    markupsafe.Markup(html.escape(name))
    markupsafe.Markup(str(int(name)))
    markupsafe.Markup(django_escape(name))
    markupsafe.Markup(bleach.clean(name))
    open(sf(name))
    os.system(flask.request.args["cmd"])  # bad
    os.system(rq.args["cmd"])  # bad
"""
SEC015_ROUTES = """\
import os

import fastapi

api = fastapi.FastAPI()
router = fastapi.APIRouter()


@api.get("/a/{cmd}")
def a(cmd: str):
    os.system(cmd)  # bad


@router.post("/b")
async def b(cmd: str):
    os.system(cmd)  # bad


@api.websocket("/c")
def c(cmd):
    os.system(cmd)  # bad


@api.middleware("http")
def d(cmd):
    os.system(cmd)


@mock.patch("x.y")
def test_e(cmd):
    os.system(cmd)


def view(request, cmd):
    os.system(cmd)  # bad
"""


def test_sec015_every_request_source_reaches_every_listed_sink_unless_sanitized() -> None:
    files = {"sources.py": SEC015_SOURCES, "sinks.py": SEC015_SINKS, "routes.py": SEC015_ROUTES}
    files["upload.py"] = (
        "from flask import request\nfrom helpers import secure_filename\n\n\n"
        "def up():\n    open(secure_filename(request.args['f']))\n"
    )
    results = run_many(files, select=["SEC015"])
    got = {path: sorted({v.line for v in found}) for path, found in results.items()}
    assert got == {path: marked(source) for path, source in files.items()}
    messages = {v.line: v.message for v in results["sinks.py"]}
    line_of = {text.strip(): n for n, text in enumerate(SEC015_SINKS.splitlines(), 1)}
    assert (
        messages[line_of["eval(name)  # bad"]]
        == "Request data reaches `name` executed as Python code (code injection)"
    )
    assert (
        messages[line_of["cur.execute(name)  # bad"]]
        == "Request data is spliced into the SQL text `name` (SQL injection)"
    )
