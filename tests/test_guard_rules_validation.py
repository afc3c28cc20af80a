"""REL009 beyond the parameter kinds: which asserts narrow types,
what counts as reading a parameter, whose parameters count, and the message."""

from __future__ import annotations

from test_guard_rules import found, lines, marked

REL009_NARROWING = """\
def pay(amount, limit, path, items, default, step):
    assert isinstance(amount, int) and amount > 0  # bad
    assert isinstance(amount, int) and isinstance(limit, int)
    assert not isinstance(path, bytes)
    assert not items  # bad
    assert limit is not None
    assert limit is None  # bad
    assert limit is not default  # bad
    assert path is not None and path.endswith(".csv")  # bad
    assert limit == None  # bad
    assert not amount % step  # bad
"""


def test_rel009_only_asserts_that_narrow_a_type_throughout_are_left_alone() -> None:
    # `isinstance`, `not isinstance` and `is not None` narrow; anything joined to a check doesn't
    assert lines(REL009_NARROWING, "REL009") == marked(REL009_NARROWING)


REL009_READS = """\
class Buffer:
    def resize(self, size: int) -> None:
        self.size = max(size, 1)
        assert self.size > 0


def render(template: str, strict: bool = False) -> str:
    html = template.strip()
    assert validate(html, strict=True)
    return html
"""


def test_rel009_attribute_names_and_keyword_labels_are_not_parameter_reads() -> None:
    # `self.size` is the object's state and `strict=` names the callee's parameter
    assert lines(REL009_READS, "REL009") == []


def test_rel009_an_inner_function_is_judged_by_its_own_parameters() -> None:
    source = (
        "def make_handler():\n"
        "    def handle(request):\n"
        "        assert request.user  # bad\n"
        "        return request.user\n\n"
        "    return handle\n"
    )
    assert lines(source, "REL009") == marked(source)


def test_rel009_message_names_the_parameter_before_outside_data() -> None:
    source = "import os\n\n\ndef require(name: str) -> None:\n    assert name in os.environ\n"
    assert found(source, "REL009") == [
        (
            5,
            "`assert name in os.environ` validates the parameter `name`, and `python -O` "
            "removes it; raise a specific exception instead",
        )
    ]


def test_rel009_message_shows_a_test_of_up_to_40_characters_whole() -> None:
    forty = "0 < amount < limit and currency in known"
    forty_one = '0 < amount <= limit and currency == "EUR"'
    assert (len(forty), len(forty_one)) == (40, 41)
    source = (
        "def pay(amount: int, limit: int, currency: str, known: set[str]) -> None:\n"
        f"    assert {forty}\n"
        f"    assert {forty_one}\n"
    )
    tail = "validates the parameter `amount`, and `python -O` removes it; raise a specific "
    tail += "exception instead"
    assert found(source, "REL009") == [
        (2, f"`assert {forty}` {tail}"),
        (3, f"`assert {forty_one[:39]}…` {tail}"),
    ]


def test_rel009_sys_argv_is_outside_data_even_beside_an_argv_parameter() -> None:
    # the `argv` of `sys.argv` is the module's attribute, not `main`'s parameter
    source = (
        "import sys\n\n\n"
        "def main(argv: list[str] | None = None) -> int:\n"
        "    assert len(sys.argv) > 1\n"
        "    return 0\n"
    )
    assert found(source, "REL009") == [
        (
            5,
            "`assert len(sys.argv) > 1` validates `sys.argv`, and `python -O` removes it; "
            "raise a specific exception instead",
        )
    ]


def test_rel009_test_code_may_assert_on_its_parameters() -> None:
    # pytest's asserts on fixtures are the test, not input validation
    source = "def test_withdraw(account) -> None:\n    assert account.balance == 0\n"
    assert lines(source, "REL009", path="tests/test_bank.py") == []
    assert lines(source, "REL009", path="app/bank.py") == [2]
