"""Traps a careful user hits: aliases, sessions, shadowing and near misses.

Each case runs the real engine on a snippet and asserts the exact (id, line)
pairs, so a false positive fails as loudly as a miss.
"""

from __future__ import annotations

import pytest

from guardrails.testing import assert_findings

CASES = {
    "sec001-aliases": (
        """\
        import os
        import subprocess as sp
        from subprocess import Popen
        from os import system as run_shell

        def go(cmd, flag):
            sp.call(cmd, shell=True)
            Popen(cmd, shell=True)
            run_shell(cmd)
            sp.run(["ls", cmd], shell=False)
            sp.run(cmd, shell=flag)
            os.popen("uptime")
        """,
        {("SEC001", 7), ("SEC001", 8), ("SEC001", 9), ("SEC001", 12)},
    ),
    "sec001-lookalikes": (
        """\
        import asyncio
        import platform

        def system(cmd):
            return cmd

        async def go(cmd):
            system(cmd)
            platform.system()
            await asyncio.create_subprocess_shell(cmd)
        """,
        {("SEC001", 10)},
    ),
    "sec002-literals-and-shadowing": (
        """\
        import builtins
        import re

        def eval(expr):
            return expr

        def go(source, model):
            eval(source)
            re.compile(source)
            model.eval()
            builtins.exec(source)
            compile("x = 1", "<string>", "exec")
        """,
        {("SEC002", 11)},
    ),
    "sec002-builtin": (
        """\
        def go(source: str) -> object:
            exec(compile(source, "<cfg>", "exec"))
            return eval("1 + 1")
        """,
        {("SEC002", 2)},
    ),
    "sec003-yaml-loaders": (
        """\
        import pickle as pk
        import yaml
        from yaml import CLoader as Loader, CSafeLoader

        def go(f, blob):
            yaml.load(f, Loader=yaml.SafeLoader)
            yaml.load(f, yaml.CSafeLoader)
            yaml.load(f, Loader=CSafeLoader)
            yaml.load(f)
            yaml.load(f, Loader=Loader)
            yaml.safe_load(f)
            pk.dumps(blob)
            pk.load(f)
        """,
        {("SEC003", 9), ("SEC003", 10), ("SEC003", 13)},
    ),
    "rel001-requests": (
        """\
        import os
        import requests
        from requests import get as fetch

        def go(url, cache, kwargs):
            requests.get(url, timeout=5)
            requests.get(url)
            requests.post(url, timeout=None)
            fetch(url)
            requests.get(url, **kwargs)
            cache.get(url)
            os.environ.get("HOME")
            requests.request("GET", url, timeout=(3, 10))
        """,
        {("REL001", 7), ("REL001", 8), ("REL001", 9)},
    ),
    "rel001-sessions": (
        """\
        import requests

        SESSION = requests.Session()

        class Client:
            def __init__(self) -> None:
                self.session = requests.Session()

            def ping(self, url: str) -> int:
                return self.session.get(url).status_code

            def ping_ok(self, url: str) -> int:
                return self.session.head(url, timeout=2).status_code

        def poll(url: str, session: requests.Session | None = None) -> None:
            SESSION.get(url)
            if session is not None:
                session.put(url, data=b"")
            with requests.Session() as s:
                s.get(url, timeout=3)
                s.delete(url)
        """,
        {("REL001", 10), ("REL001", 16), ("REL001", 18), ("REL001", 21)},
    ),
    "rel001-httpx-and-urllib": (
        """\
        import httpx
        from urllib.request import urlopen

        def go(url):
            httpx.get(url)
            httpx.get(url, timeout=None)
            client = httpx.Client(timeout=None)
            with httpx.Client() as c:
                c.get(url)
                c.post(url, timeout=None)
            urlopen(url)
            urlopen(url, timeout=5)
            urlopen(url, None, 10)
        """,
        {("REL001", 6), ("REL001", 7), ("REL001", 10), ("REL001", 11)},
    ),
    "rel002-and-obs005": (
        """\
        import contextlib

        def go(fn):
            try:
                fn()
            except:
                pass
            try:
                fn()
            except KeyError:
                # the key is optional
                pass
            try:
                fn()
            except ValueError:
                raise
            with contextlib.suppress(OSError):
                fn()
            try:
                fn()
            except OSError: ...
        """,
        # one construct, one finding: REL002 stands for OBS005 on `except: pass`
        {("REL002", 6), ("OBS005", 10), ("OBS005", 21)},
    ),
    "rel003-defaults": (
        """\
        from collections import defaultdict

        def a(x=[], y=None, z=(), w=frozenset()):
            return x

        def b(*, opts=dict(), factory=list, seen=defaultdict(set)):
            return opts

        handler = lambda acc=[]: acc

        def c(db=Depends(get_db)):
            return db
        """,
        {("REL003", 3), ("REL003", 6), ("REL003", 9)},
    ),
    "obs002-messages": (
        """\
        import logging

        logger = logging.getLogger(__name__)

        class Worker:
            def __init__(self) -> None:
                self.log = logging.getLogger(__name__)

            def run(self, item, cache):
                logger.info(f"item {item}")
                logger.info("item %s", item)
                logging.warning("bad item: " + item)
                logger.info("static " "message")
                self.log.error("item {}".format(item))
                logger.debug(f"no placeholders")
                cache.get(f"key-{item}")
                print(f"item {item}")
                logger.log(logging.INFO, f"item {item}")
                logger.info(msg=f"item {item}")
        """,
        {("OBS002", 10), ("OBS002", 12), ("OBS002", 14), ("OBS002", 18), ("OBS002", 19)},
    ),
    # Semgrep-backed: the file must also pass the rule's triggers to be scanned at all.
    "sec014-run-shapes": (
        """\
        import asyncio
        import os

        from flask import Flask

        app = Flask(__name__)


        def main(port):
            asyncio.run(main(1), debug=True)
            app.run(host=str(port), port=int(str(port)), debug=True)
        """,
        {("SEC014", 11)},
    ),
    # the file is sent to Semgrep only if its triggers see the deeply nested call
    "sec014-deep-call": (
        """\
        import os

        from flask import Flask

        app = Flask(__name__)
        app.run(
            port=int(os.environ.get("PORT", str(5000))),
            debug=True,
        )
        """,
        {("SEC014", 6)},
    ),
    "sec015-routes-and-mocks": (
        """\
        import os
        from unittest import mock

        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/run")
        def run(cmd: str):
            os.system(cmd)


        @mock.patch("os.system")
        def check_patched(system):
            os.system(system)
        """,
        {("SEC015", 11)},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_trap(name: str) -> None:
    source, expected = CASES[name]
    probed = {rule_id for rule_id, _ in expected} | {name.split("-")[0].upper()[:6]}
    assert_findings(source, expected, select=sorted(probed))


def test_function_defined_above_the_import_still_resolves() -> None:
    assert_findings(
        """\
        def restart(name):
            sp.run(f"systemctl restart {name}", shell=True)

        import subprocess as sp
        """,
        {("SEC001", 2)},
        select=["SEC001"],
    )


def test_parameter_shadows_module_name() -> None:
    assert_findings(
        """\
        import requests

        def go(requests, url):
            return requests.get(url)
        """,
        set(),
        select=["REL001"],
    )


def test_relative_import_resolves_against_package(tmp_path) -> None:
    # `from . import x` inside pkg/mod.py names pkg.x, not a top-level module.
    assert_findings(
        """\
        from .requests import get

        def go(url):
            return get(url)
        """,
        set(),
        path="pkg/mod.py",
        select=["REL001"],
    )
