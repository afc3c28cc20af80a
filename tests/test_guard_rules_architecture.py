"""Architecture rules (rules/architecture/): what the mutation run found unguarded.

Which layer a module belongs to when a subpackage sits below its parent, what counts as
`__all__`, how a long list of missing annotations reads, that bad option values stop the
run naming the key, and that the documented examples show each limit exactly.
"""

from __future__ import annotations

import re

import pytest
from guardrails.rules.architecture.arc001_layer_violation import LayerViolation
from guardrails.rules.architecture.arc002_forbidden_import import ForbiddenImport
from guardrails.rules.architecture.arc003_module_too_long import ModuleTooLong
from guardrails.rules.architecture.arc004_function_too_complex import FunctionTooComplex
from guardrails.rules.architecture.arc006_untyped_public_api import UntypedPublicApi
from guardrails.rules.architecture.arc007_wildcard_import import WildcardImport
from guardrails.rules.architecture.arc008_todo_without_ticket import TodoWithoutTicket
from test_guard_rules import found, lines, marked

from guardrails.cst.rule import CstRule
from guardrails.errors import ConfigError

ARCHITECTURE = [
    LayerViolation,
    ForbiddenImport,
    ModuleTooLong,
    FunctionTooComplex,
    UntypedPublicApi,
    WildcardImport,
    TodoWithoutTicket,
]

# --- ARC001 layer-violation ----------------------------------------------------------------


def test_arc001_a_subpackage_listed_below_its_parent_keeps_its_own_lower_layer() -> None:
    # The most specific layer wins whatever the order: `app.core` is the lowest layer and
    # the rest of `app` sits above it, so core code must not import the web views.
    layers = {"layers": ["app.core", "app"]}
    upward = "from app.web.views import render  # bad\nfrom app.core.units import cents\n"
    assert found(upward, "ARC001", layers, path="app/core/money.py") == [
        (
            1,
            "`app.core.money` (layer app.core) imports `app.web.views.render` "
            "from the higher layer app",
        )
    ]
    assert lines("from app.core.money import Money\n", "ARC001", layers, "app/web/views.py") == []


def test_arc001_a_module_may_import_its_own_layer() -> None:
    layers = {"layers": ["app.repo", "app.service"]}
    source = "from app.service.billing import charge\nfrom app.repo import orders\n"
    assert lines(source, "ARC001", layers, path="app/service/checkout.py") == []


def test_arc001_a_layer_listed_twice_is_a_config_error() -> None:
    # which of the two positions would rank it? the order is the whole configuration
    options = {"layers": ["app.types", "app.repo", "app.service", "app.repo"]}
    message = "rules.ARC001.layers: layer 'app.repo' is listed twice"
    with pytest.raises(ConfigError, match=re.escape(message)):
        found("import json\n", "ARC001", options, path="app/repo/orders.py")


# --- ARC002 forbidden-import ---------------------------------------------------------------


def test_arc002_a_ban_list_holding_anything_but_module_names_is_a_config_error() -> None:
    # a nested list is a likely slip when grouping bans; it would ban nothing, silently
    options = {"forbidden": {"app.domain.*": ["requests", ["httpx", "aiohttp"]]}}
    message = "rules.ARC002.forbidden: 'app.domain.*' must map to a list of module prefixes"
    with pytest.raises(ConfigError, match=re.escape(message)):
        found("import requests\n", "ARC002", options, path="app/domain/pricing.py")


# --- ARC003 module-too-long / ARC004 function-too-complex -----------------------------------


@pytest.mark.parametrize(
    ("rule_id", "option"),
    [("ARC003", "max-lines"), ("ARC004", "max-statements"), ("ARC004", "max-complexity")],
)
def test_arc003_arc004_a_limit_of_zero_is_a_config_error(rule_id: str, option: str) -> None:
    # zero would flag every module (or function); 1 is the smallest meaningful limit
    with pytest.raises(
        ConfigError, match=re.escape(f"rules.{rule_id}.{option}: must be a positive number")
    ):
        found("X = 1\n", rule_id, {option: 0})
    assert found("X = 1\n", rule_id, {option: 1}) == []


@pytest.mark.parametrize("rule", [ModuleTooLong, FunctionTooComplex], ids=lambda r: r.META.id)
def test_arc003_arc004_bad_examples_sit_one_past_their_limit(rule: type[CstRule]) -> None:
    # the docs teach where the limit lies: raise it by one and the example passes
    for example in rule.META.bad:
        assert example.options, "a limit example states the limit it is shown with"
        for name, limit in example.options.items():
            raised = {**example.options, name: limit + 1}
            assert lines(example.code, rule.META.id, raised) == [], (name, example.code)


def test_arc004_measures_a_method_of_a_module_level_class() -> None:
    # the class body is no function, but each method in it is one
    source = (
        "class Router:\n    LIMIT = 3\n\n"
        "    def route(self, kind: str) -> int:\n"
        '        if kind == "a":\n            return 1\n'
        '        if kind == "b":\n            return 2\n'
        "        return 0\n"
    )
    assert found(source, "ARC004", {"max-complexity": 2}) == [
        (4, "`route` is too complex: complexity 3 > 2")
    ]


# --- ARC006 untyped-public-api -------------------------------------------------------------


def test_arc006_only_an_assignment_to_all_lists_the_exported_names() -> None:
    # a module-level list after `__all__` is data, not a second export list
    source = (
        '__all__ = ["fetch"]\n\nRETRY_STATUSES = [502, 503]\n\n\n'
        "def fetch(url):  # bad\n    return url\n"
    )
    options = {"typed-only": False, "visibility": "dunder-all"}
    assert found(source, "ARC006", options) == [
        (6, "public `fetch` is missing annotations for `url` and the return type")
    ]


def test_arc006_with_dunder_all_a_class_left_out_of_it_is_not_api() -> None:
    source = (
        '__all__ = ["Client"]\n\n\n'
        "class Client:\n    def get(self, key):  # bad\n        return key\n\n\n"
        "class Helper:\n    def get(self, key):\n        return key\n"
    )
    options = {"typed-only": False, "visibility": "dunder-all"}
    assert lines(source, "ARC006", options) == marked(source)


def test_arc006_leaves_test_code_alone() -> None:
    # test functions and fixtures are called by pytest, not by code a type checker sees
    source = "def test_fetch(client):\n    assert client.get('/')\n"
    options = {"typed-only": False}
    assert lines(source, "ARC006", options, path="tests/test_api.py") == []
    assert lines(source, "ARC006", options, path="app/api.py") == [1]


def test_arc006_message_lists_every_missing_annotation_in_order() -> None:
    source = (
        "def fetch(url, timeout, retries=3):\n    return url\n\n\n"
        "class Repo:\n    def get(self, key):\n        return key\n\n"
        "    def close(self):\n        pass\n"
    )
    assert found(source, "ARC006", {"typed-only": False}) == [
        (
            1,
            "public `fetch` is missing annotations for `url`, `timeout`, `retries` "
            "and the return type",
        ),
        (6, "public `get` is missing annotations for `key` and the return type"),
        (9, "public `close` is missing annotations for the return type"),
    ]


# --- ARC008 todo-without-ticket ------------------------------------------------------------


def test_arc008_an_invalid_pattern_is_a_config_error_naming_the_key() -> None:
    options = {"pattern": r"[A-Z]+-\d+|(#\d+"}  # unbalanced parenthesis
    with pytest.raises(
        ConfigError, match=re.escape("rules.ARC008.pattern: not a valid regular expression")
    ):
        found("# TODO: x\n", "ARC008", options)


# --- every rule's documented examples -------------------------------------------------------


@pytest.mark.parametrize("rule", ARCHITECTURE, ids=lambda r: r.META.id)
def test_arc_examples_set_options_only_away_from_their_defaults(rule: type[CstRule]) -> None:
    # the docs print an example's options ("with `typed-only = false`"); one set to its
    # default would claim a setting matters when the example shows nothing about it
    defaults = {option.name: option.default for option in rule.META.options}
    for example in (*rule.META.bad, *rule.META.good):
        for name, value in (example.options or {}).items():
            assert value != defaults[name], (name, example.code)
