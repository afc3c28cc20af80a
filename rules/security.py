"""Security rules on the LibCST backend (SEC ids)."""

from __future__ import annotations

import re

import libcst as cst
from guardrails.rules._names import (
    KNOWN_KEY_FORMATS,
    is_random_secret_name,
    is_secret_name,
    looks_like_real_secret,
    snake,
    terminal_name,
)
from guardrails.rules.observability import logging_call

from guardrails.cst.helpers import (
    argument,
    code_of,
    is_false,
    is_literal_string,
    is_true,
    keyword,
    positional,
    string_value,
)
from guardrails.cst.rule import CstRule, NodeFix, replace
from guardrails.model import Example, RuleMeta

_SHELL_CAPABLE = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)
_ALWAYS_SHELL = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
        "asyncio.subprocess.create_subprocess_shell",
    }
)


class SubprocessShell(CstRule):
    META = RuleMeta(
        id="SEC001",
        name="subprocess-shell",
        category="security",
        severity="error",
        summary="A command runs through the system shell (`shell=True`, `os.system`, `os.popen`).",
        why="The shell re-parses the command string, so any value interpolated into it can add "
        "commands of its own (command injection, CWE-78); quoting by hand is easy to get wrong.",
        remediation="Pass the command as a list of arguments without `shell=True` "
        '(`subprocess.run(["tar", "-xf", path], check=True)`); if a shell feature is truly '
        "needed, build the string with `shlex.quote()` for every interpolated value.",
        bad=(
            Example(
                "import subprocess\n\n\ndef archive(path: str) -> None:\n"
                '    subprocess.run(f"tar -czf backup.tgz {path}", shell=True, check=True)  # bad\n'
            ),
            Example(
                "import os\n\n\ndef restart(service: str) -> None:\n"
                '    os.system("systemctl restart " + service)  # bad\n'
            ),
            Example(
                "from subprocess import check_output as run\n\n\ndef grep(term: str) -> bytes:\n"
                '    return run("grep -r %s ." % term, shell=True)  # bad\n'
            ),
        ),
        good=(
            Example(
                "import subprocess\n\n\ndef archive(path: str) -> None:\n"
                '    subprocess.run(["tar", "-czf", "backup.tgz", path], check=True)\n'
            ),
            Example(
                "import subprocess\n\n\ndef restart(service: str) -> None:\n"
                '    subprocess.run(["systemctl", "restart", service], shell=False, check=True)\n'
            ),
        ),
        references=(
            "CWE-78",
            "https://docs.python.org/3/library/subprocess.html#security-considerations",
        ),
    )
    TRIGGERS = ("subprocess", "os", "asyncio", "system", "popen")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name is None:
            return
        shown = code_of(node.func)
        command = argument(node, "args", 0) or argument(node, "cmd", 0)
        built = (
            command is not None
            and not is_literal_string(command.value)
            and not isinstance(command.value, (cst.List, cst.Tuple))
        )
        what = "a command built at run time" if built else "its command"
        risk = (
            ": any interpolated value can inject commands"
            if built
            else "; run the program directly with an argument list"
        )
        if name in _ALWAYS_SHELL:
            self.report(node, f"`{shown}()` runs {what} through the system shell{risk}")
        elif name in _SHELL_CAPABLE:
            shell = keyword(node, "shell")
            if shell is not None and is_true(shell.value):
                self.report(
                    node, f"`{shown}(..., shell=True)` runs {what} through the system shell{risk}"
                )


_CODE_BUILTINS = {"builtins.eval": "eval", "builtins.exec": "exec", "builtins.compile": "compile"}


class DynamicCodeExecution(CstRule):
    META = RuleMeta(
        id="SEC002",
        name="dynamic-code-execution",
        category="security",
        severity="error",
        summary="`eval`, `exec` or `compile` runs a string that is not a literal.",
        why="Code built at run time executes with the program's full privileges; if any part of "
        "it comes from input, an attacker runs arbitrary code (CWE-95).",
        remediation="Parse data with `ast.literal_eval()` or `json.loads()`, and map names to "
        "functions with a dict (`HANDLERS[name](...)`) instead of evaluating code.",
        bad=(
            Example("def parse_setting(raw: str) -> object:\n    return eval(raw)  # bad\n"),
            Example(
                "def run_hook(source: str, env: dict[str, object]) -> None:\n"
                "    exec(source, env)  # bad\n"
            ),
            Example(
                "import builtins\n\n\ndef compute(expr: str) -> object:\n"
                '    return builtins.eval(f"({expr})")  # bad\n'
            ),
        ),
        good=(
            Example(
                "import ast\n\n\ndef parse_setting(raw: str) -> object:\n"
                "    return ast.literal_eval(raw)\n"
            ),
            Example(
                'import re\n\nHANDLERS = {"upper": str.upper, "lower": str.lower}\n'
                'PATTERN = re.compile(r"\\d+")\n\n\n'
                "def apply(name: str, value: str) -> str:\n    return HANDLERS[name](value)\n"
            ),
            Example("def evaluate(model) -> None:\n    model.eval()\n"),
        ),
        references=("CWE-95", "https://docs.python.org/3/library/ast.html#ast.literal_eval"),
    )
    TRIGGERS = ("eval", "exec", "compile")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        short = _CODE_BUILTINS.get(name or "")
        if short is None or not node.args:
            return
        source = argument(node, "source", 0)
        if source is None or source.star:
            source = node.args[0]
        if is_literal_string(source.value):
            return
        self.report(
            node,
            f"`{short}()` executes code built at run time from `{_clip(code_of(source.value))}`",
        )


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
_YAML_LOAD = ("yaml.load", "yaml.load_all")
_SAFE_LOADERS = frozenset(
    {
        "yaml.SafeLoader",
        "yaml.CSafeLoader",
        "yaml.BaseLoader",
        "yaml.CBaseLoader",
        "yaml.loader.SafeLoader",
        "yaml.loader.BaseLoader",
        "yaml.cyaml.CSafeLoader",
        "yaml.cyaml.CBaseLoader",
    }
)
_UNSAFE_LOADERS = frozenset(
    {
        "yaml.Loader",
        "yaml.UnsafeLoader",
        "yaml.FullLoader",
        "yaml.CLoader",
        "yaml.CUnsafeLoader",
        "yaml.CFullLoader",
        "yaml.loader.Loader",
        "yaml.loader.UnsafeLoader",
        "yaml.loader.FullLoader",
    }
)


class UnsafeDeserialization(CstRule):
    META = RuleMeta(
        id="SEC003",
        name="unsafe-deserialization",
        category="security",
        severity="error",
        summary="Data is deserialized with a format that can construct arbitrary objects "
        "(pickle, marshal, shelve, unsafe YAML loaders, jsonpickle).",
        why="Loading pickle-like data or YAML with a non-safe loader runs code chosen by whoever "
        "wrote the bytes; if they can come from outside the process, that is remote code "
        "execution (CWE-502).",
        remediation="Exchange data as JSON (`json.loads`) or load YAML with `yaml.safe_load()` "
        "(or `Loader=yaml.SafeLoader`); keep pickle for data this process wrote itself.",
        bad=(
            Example(
                "import pickle\n\n\ndef restore(blob: bytes) -> object:\n"
                "    return pickle.loads(blob)  # bad\n"
            ),
            Example(
                "import yaml\n\n\ndef read_config(text: str) -> dict:\n"
                "    return yaml.load(text, Loader=yaml.FullLoader)  # bad\n"
            ),
            Example(
                "from yaml import unsafe_load\n\n\ndef read_config(text: str) -> dict:\n"
                "    return unsafe_load(text)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import json\n\n\ndef restore(blob: bytes) -> object:\n"
                "    return json.loads(blob)\n"
            ),
            Example(
                "import yaml\n\n\ndef read_config(text: str) -> dict:\n"
                "    return yaml.load(text, Loader=yaml.SafeLoader)\n\n\n"
                "def read_all(text: str) -> list:\n"
                "    return list(yaml.safe_load_all(text))\n"
            ),
        ),
        references=(
            "CWE-502",
            "https://docs.python.org/3/library/pickle.html",
            "https://pyyaml.org/wiki/PyYAMLDocumentation",
        ),
    )
    TRIGGERS = ("pickle", "marshal", "shelve", "yaml", "dill", "joblib", "read_pickle")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name is None:
            return
        shown = code_of(node.func)
        if name in _PICKLE_LIKE:
            self.report(
                node,
                f"`{shown}()` deserializes with {_PICKLE_LIKE[name]}, which can "
                "run code chosen by whoever produced the data",
            )
            return
        if name not in _YAML_LOAD:
            return
        loader = argument(node, "Loader", 1)
        if loader is None:
            self.report(
                node, f"`{shown}()` without a safe `Loader` can construct arbitrary Python objects"
            )
            return
        loader_name = self.context.qualified_name(loader.value)
        if loader_name in _UNSAFE_LOADERS:
            self.report(
                node,
                f"`{shown}()` with `{code_of(loader.value)}` can construct "
                "arbitrary Python objects",
            )


class HardcodedSecret(CstRule):
    META = RuleMeta(
        id="SEC004",
        name="hardcoded-secret",
        category="security",
        severity="error",
        summary="A credential is written in the source: a string literal assigned or passed to "
        "a secret-like name, or a value in a known key format (AWS, GitHub, Slack, private key).",
        why="Source code is copied to laptops, CI logs, forks and backups; a secret in it is "
        "readable by everyone who can read the code and cannot be rotated without a deploy "
        "(CWE-798).",
        remediation="Read the secret at the configuration boundary from the environment or a "
        'secret store (`os.environ["DB_PASSWORD"]`, a settings object) and keep only its '
        "*name* in code.",
        bad=(
            Example('DB_PASSWORD = "hunter2-prod"  # bad\n'),
            Example(
                "import psycopg\n\n\ndef connect() -> psycopg.Connection:\n"
                '    return psycopg.connect(host="db", user="app", password="s3cr3t!x")  # bad\n'
            ),
            Example('SETTINGS = {\n    "api_key": "9f8e7d6c5b4a3f2e1d0c",  # bad\n}\n'),
            # guardrails: ignore[SEC004] the rule's own example of a leaked key
            Example('AWS_ID = "AKIA2E0A8F3B244C9986"  # bad\n'),
        ),
        good=(
            Example(
                'import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n'
                'TOKEN_HEADER = "Authorization"\nSECRET_KEY_ENV = "DJANGO_SECRET_KEY"\n'
                'PASSWORD_FIELD = "password"\ntoken_url = "https://auth.example.com/token"\n'
            ),
            Example(
                'def login(client, password: str = "") -> None:\n'
                '    client.post("/login", json={"password": password, "token_type": "bearer"})\n'
            ),
            Example(
                "def test_login(client) -> None:\n"
                '    assert client.login(password="fake-password-for-tests")\n',
                path="tests/test_login.py",
            ),
        ),
        references=("CWE-798", "https://12factor.net/config"),
    )

    def _literal(self, node: cst.BaseExpression | None) -> str | None:
        return string_value(node) if node is not None else None

    def _check_named(self, name: str, value: cst.BaseExpression | None, where: cst.CSTNode) -> None:
        text = self._literal(value)
        if text is None or self.context.is_test:
            return
        if is_secret_name(name) and looks_like_real_secret(text, name):
            self.report(
                where,
                f"`{name}` is set to a hardcoded secret; read it from the "
                "environment or a secret store",
            )

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if not isinstance(value, str):
            return
        for label, pattern in KNOWN_KEY_FORMATS:
            match = pattern.search(value)
            if match and "EXAMPLE" not in match.group(0):  # AWS's documented sample keys
                self.report(node, f"this string contains {label}; keep it out of source code")
                return

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = terminal_name(target.target)
            if name:
                self._check_named(name, node.value, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = terminal_name(node.target)
        if name:
            self._check_named(name, node.value, node.value or node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._check_named(node.keyword.value, node.value, node.value)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._check_named(node.name.value, node.default, node.default)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = string_value(node.key)
        if key:
            self._check_named(key, node.value, node.value)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) != 1 or not isinstance(
            node.comparisons[0].operator, (cst.Equal, cst.NotEqual)
        ):
            return
        left, right = node.left, node.comparisons[0].comparator
        for named, literal in ((left, right), (right, left)):
            name = terminal_name(named)
            if name:
                self._check_named(name, literal, literal)


_WEAK_HASHES = {"md5", "sha1", "md4", "md5-sha1", "ripemd160"}


class WeakHash(CstRule):
    META = RuleMeta(
        id="SEC005",
        name="weak-hash",
        category="security",
        severity="error",
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
        ),
        references=("CWE-328", "https://docs.python.org/3/library/hashlib.html"),
    )
    TRIGGERS = ("md5", "sha1", "md4", "new", "MD5", "SHA1", "ripemd")

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
        if algorithm is None:
            return
        flag = keyword(node, "usedforsecurity")
        if flag is not None and is_false(flag.value):
            return
        self.report(
            node,
            f"{algorithm.upper()} via `{code_of(node.func)}()` is broken for "
            "security use; pass `usedforsecurity=False` if this is only a checksum",
        )


_HTTP_CLIENT_PREFIXES = ("requests.", "httpx.", "aiohttp.", "urllib3.", "boto3.")


class TlsVerificationDisabled(CstRule):
    META = RuleMeta(
        id="SEC007",
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

    def visit_Call(self, node: cst.Call) -> None:
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

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "CERT_NONE" and self.context.qualified_name(node) == "ssl.CERT_NONE":
            self.report(node, "`ssl.CERT_NONE` accepts any certificate, including forged ones")

    def visit_Assign(self, node: cst.Assign) -> None:
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


def is_none_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class InsecureTempfile(CstRule):
    META = RuleMeta(
        id="SEC008",
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


_RANDOM_FUNCS = frozenset(
    f"random.{name}"
    for name in (
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "sample",
        "shuffle",
        "getrandbits",
        "randbytes",
        "uniform",
    )
)


def _random_call(rule: CstRule, node: cst.CSTNode) -> cst.Call | None:
    """The first call to the `random` module's functions inside `node`."""
    found: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            if not found and rule.context.qualified_name(call.func) in _RANDOM_FUNCS:
                found.append(call)

    node.visit(Finder())
    return found[0] if found else None


class InsecureRandomness(CstRule):
    META = RuleMeta(
        id="SEC009",
        name="insecure-randomness",
        category="security",
        severity="error",
        summary="The `random` module produces a value used as a token, password, key, nonce or "
        "code.",
        why="`random` is a Mersenne Twister: after seeing some outputs an attacker can predict "
        "the rest, so tokens and codes made with it can be guessed (CWE-338).",
        remediation="Use `secrets`: `secrets.token_urlsafe(32)`, `secrets.token_hex()`, "
        "`secrets.choice(alphabet)`; keep `random` for simulations and retry jitter.",
        bad=(
            Example(
                "import random\nimport string\n\n\ndef reset_token() -> str:\n"
                '    token = "".join(random.choices(string.ascii_letters, k=32))  # bad\n'
                "    return token\n"
            ),
            Example(
                "from random import randint\n\n\ndef send_code(user) -> None:\n"
                "    user.otp = randint(100000, 999999)  # bad\n"
            ),
        ),
        good=(
            Example(
                "import secrets\n\n\ndef reset_token() -> str:\n"
                "    token = secrets.token_urlsafe(32)\n    return token\n"
            ),
            Example(
                "import random\nimport time\n\n\ndef backoff(attempt: int) -> None:\n"
                "    delay = min(30, 2**attempt) + random.uniform(0, 1)\n    time.sleep(delay)\n"
                "    key = random.SystemRandom().random()\n"
            ),
        ),
        references=("CWE-338", "https://docs.python.org/3/library/secrets.html"),
    )
    TRIGGERS = ("random",)

    def _check(self, name: str, value: cst.BaseExpression, where: cst.CSTNode) -> None:
        if not is_random_secret_name(name):
            return
        call = _random_call(self, value)
        if call is not None:
            self.report(
                where,
                f"`{name}` comes from `{code_of(call.func)}()`, which is "
                "predictable; use the `secrets` module",
            )

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = terminal_name(target.target)
            if name:
                self._check(name, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = terminal_name(node.target)
        if name and node.value is not None:
            self._check(name, node.value, node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._check(node.keyword.value, node.value, node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        stem = node.name.value.removeprefix("generate_").removeprefix("make_")
        stem = stem.removeprefix("new_").removeprefix("create_").removeprefix("random_")
        if not is_random_secret_name(stem):
            return
        for statement in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Return) and small.value is not None:
                        self._check(stem, small.value, small)


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
                "from defusedxml.ElementTree import fromstring\n\n\ndef feed(payload: bytes):\n"
                "    return fromstring(payload)\n"
            ),
            Example(
                "import xml.etree.ElementTree as ET\nfrom lxml import etree\n\n"
                "SAFE = etree.XMLParser(resolve_entities=False, no_network=True)\n"
                'TEMPLATE = ET.fromstring("<config><debug>0</debug></config>")\n\n\n'
                "def load(payload: bytes):\n    return etree.fromstring(payload, parser=SAFE)\n"
            ),
        ),
        references=(
            "CWE-611",
            "https://docs.python.org/3/library/xml.html#xml-vulnerabilities",
            "https://pypi.org/project/defusedxml/",
        ),
    )
    TRIGGERS = ("xml",)

    def visit_Call(self, node: cst.Call) -> None:
        name = self.context.qualified_name(node.func)
        if name not in _XML_PARSERS:
            return
        first = argument(node, "source", 0) or argument(node, "text", 0)
        if first is not None and is_literal_string(first.value):
            return  # a constant document in the source is not external data
        if name.startswith("lxml.") and argument(node, "parser", 1) is not None:
            return
        self.report(
            node,
            f"`{code_of(node.func)}()` parses XML with entity expansion; use "
            "defusedxml for data from outside",
        )


class UnsafeArchiveExtraction(CstRule):
    META = RuleMeta(
        id="SEC011",
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
        is_tar = base in ("tarfile.open()", "tarfile.TarFile()", "tarfile.TarFile.open()") or (
            base.startswith("tarfile.") and base.endswith(".open()")
        )
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
_HOST_NAME = re.compile(
    r"(?i)^(host|hostname|bind|bind_host|bind_address|listen|listen_host|"
    r"listen_address|address|addr|server_host|server_name)$"
)


class BindAllInterfaces(CstRule):
    META = RuleMeta(
        id="SEC012",
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
                "import os\nimport socket\n\n\ndef serve() -> socket.socket:\n"
                "    sock = socket.socket()\n"
                '    sock.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 8080))\n'
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
            if (
                arg.keyword is not None
                and _is_host_name(arg.keyword.value)
                and self._any(arg.value)
            ):
                self.report(
                    arg.value,
                    f"`{arg.keyword.value}={code_of(arg.value)}` listens on "
                    "every network interface",
                )

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = terminal_name(target.target)
            if name and _is_host_name(name) and self._any(node.value):
                self.report(node.value, f"`{name}` binds to every network interface")


def _is_host_name(name: str) -> bool:
    """`host`, `BIND_ADDRESS`, `server_host`, ... but not `hostname_pattern`."""
    words = snake(name)
    return bool(_HOST_NAME.match(words)) or words.endswith(
        ("_host", "_bind", "_address", "_addr", "_listen")
    )


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
        name="permissive-file-mode",
        category="security",
        severity="error",
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
            try:
                return bool(int(node.value.replace("_", ""), 0) & 0o002)
            except ValueError:
                return False
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


class SecretInLog(CstRule):
    META = RuleMeta(
        id="SEC016",
        name="secret-in-log",
        category="security",
        severity="error",
        summary="A secret-like value (password, token, API key, ...) is passed into a logging "
        "call.",
        why="Logs are shipped, indexed and kept far longer and more widely than the secrets "
        "themselves; a secret logged once is readable by everyone with log access (CWE-532).",
        remediation="Log an identifier or a redacted form instead: "
        '`logger.info("token issued for user %s", user.id)` or `token[:4] + "…"`.',
        bad=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def login(user: str, password: str) -> None:\n"
                '    logger.info("login %s with %s", user, password)  # bad\n'
            ),
            Example(
                "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def refresh(session) -> None:\n"
                '    log.debug(f"new token {session.access_token}")  # bad\n'
            ),
        ),
        good=(
            Example(
                "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
                "def login(user: str, password: str) -> None:\n"
                '    logger.info("login %s (password length %d)", user, len(password))\n'
            ),
            Example(
                "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                "def refresh(session) -> None:\n"
                '    log.debug("token refreshed for %s, %d tokens left", session.user_id, '
                "session.token_count)\n"
            ),
        ),
        references=("CWE-532",),
    )
    TRIGGERS = ("log", "LOG")

    def visit_Call(self, node: cst.Call) -> None:
        if logging_call(self, node) is None:
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in ("msg", "extra"):
                continue
            for value in _logged_values(arg.value):
                name = terminal_name(value)
                if name and is_secret_name(name):
                    self.report(value, f"`{code_of(value)}` is written to the log")
                    return


def _logged_values(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The expressions whose value ends up in the log record."""
    if isinstance(node, cst.FormattedString):
        return [p.expression for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
    if isinstance(node, cst.Dict):
        return [e.value for e in node.elements if isinstance(e, cst.DictElement)]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [e.value for e in node.elements]
    if isinstance(node, cst.BinaryOperation):
        return _logged_values(node.left) + _logged_values(node.right)
    return [node]
