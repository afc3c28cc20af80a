"""SEC005 weak-hash: MD5 or SHA-1 used without `usedforsecurity=False`."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import argument, code_of, is_false, keyword, string_value
from guardrails.cst.rule import CstRule, RuleContext
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
        instead="Use `hashlib.sha256()`; mark checksums `usedforsecurity=False`.",
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
