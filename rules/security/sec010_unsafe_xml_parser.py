"""SEC010 unsafe-xml-parser: XML from outside parsed without defusedxml or a hardened parser.

A parser handed to the parse call is judged against the module's own
definitions (`HardenedParsers`): a name or a same-module function that yields
a hardened parser is one.
"""

from __future__ import annotations

import libcst as cst

from guardrails.cst.helpers import argument, code_of, is_false, is_literal_string, is_true, keyword
from guardrails.cst.rule import CstRule, RuleContext
from guardrails.cst.traverse import walk
from guardrails.model import Example, RuleMeta

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
        instead="Parse untrusted XML with `defusedxml`.",
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


# Options that switch off what XXE and entity expansion need.
_HARDENING = (("forbid_dtd", is_true), ("forbid_entities", is_true), ("resolve_entities", is_false))


class _Definitions(cst.CSTVisitor):
    """Values assigned to plain names and values returned by functions, by name."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[cst.BaseExpression]] = {}
        self.returns: dict[str, list[cst.BaseExpression | None]] = {}
        self._functions: list[str] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.values.setdefault(target.target.value, []).append(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node.name.value)
        self.returns.setdefault(node.name.value, [])

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Return(self, node: cst.Return) -> None:
        if self._functions:
            self.returns[self._functions[-1]].append(node.value)


class HardenedParsers:
    """Judges parser expressions against one module's own definitions."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._definitions: _Definitions | None = None

    def _defs(self) -> _Definitions:
        if self._definitions is None:  # collected once, only for calls that pass a parser
            self._definitions = _Definitions()
            walk(self._module, self._definitions)
        return self._definitions

    def is_hardened(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """`DefusedExpatParser()`, `defusedxml...`, `XMLParser(resolve_entities=False)`,
        or a name or a (same-module) function call that yields one."""
        if depth > 3:
            return False
        if "defused" in code_of(node).lower():
            return True
        if isinstance(node, cst.Call):
            if any(
                (arg := keyword(node, name)) is not None and check(arg.value)
                for name, check in _HARDENING
            ):
                return True
            func = node.func
            called = func.attr.value if isinstance(func, cst.Attribute) else None
            called = func.value if isinstance(func, cst.Name) else called
            returns = self._defs().returns.get(called or "")
            return bool(returns) and all(
                value is not None and self.is_hardened(value, depth + 1) for value in returns
            )
        if isinstance(node, cst.Name):
            values = self._defs().values.get(node.value)
            return bool(values) and all(self.is_hardened(v, depth + 1) for v in values)
        return False
