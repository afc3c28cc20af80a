"""SEC003 unsafe-deserialization: data loaded with a format that can construct arbitrary objects."""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import argument, code_of
from guardrails.cst.rule import CstRule
from guardrails.model import Example, RuleMeta

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
# Serializer calls whose output, read straight back, is an object of this process (a copy).
_IN_PROCESS_DUMPS = frozenset(
    f"{name}()"
    for name in (
        "pickle.dumps",
        "_pickle.dumps",
        "cPickle.dumps",
        "dill.dumps",
        "cloudpickle.dumps",
        "marshal.dumps",
        "jsonpickle.encode",
        "jsonpickle.dumps",
    )
)
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
        foreign_codes=("S301", "S302", "S506", "B301", "B302", "B506"),
        name="unsafe-deserialization",
        category="security",
        severity="warning",
        severity_note=(
            "Warning, not an error: on the precision ledger's real projects most unpickling read "
            "back bytes the same service had written (cache back-ends, its own state files), "
            "which a reviewer accepts. Untrusted bytes reaching it are SEC015's finding."
        ),
        summary="Data is deserialized with a format that can construct arbitrary objects "
        "(pickle, marshal, shelve, unsafe YAML loaders, jsonpickle).",
        why="Loading pickle-like data or YAML with a non-safe loader runs code chosen by whoever "
        "wrote the bytes; if they can come from outside the process, that is remote code "
        "execution (CWE-502).",
        instead="Use `json.loads` or `yaml.safe_load`, not pickle or unsafe YAML.",
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
            data = node.args[0].value if node.args and not node.args[0].keyword else None
            if data is not None and self.context.qualified_name(data) in _IN_PROCESS_DUMPS:
                return  # `loads(dumps(x))` copies an object of this process: nothing untrusted
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
