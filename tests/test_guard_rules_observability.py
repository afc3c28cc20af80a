"""Observability rules (`rules/observability/`): who counts as a logger, where the rules apply.

Guards the boundaries the rules' mutation run found unguarded: a logger known by its
origin versus one known only by its name, objects whose methods are merely named like
log levels, annotated logger assignments, and the test-code exemption.
"""

from __future__ import annotations

from test_guard_rules import found, lines, marked

# --- OBS002 non-constant-log-message ------------------------------------------------------

OBS002_RECEIVERS = """\
import argparse
import logging
import warnings

from myapp.logs import base_logger

jobs = base_logger.getChild("jobs")
db = logging.getLogger(__name__).getChild("db")


def run(job_id: str, parser: argparse.ArgumentParser) -> None:
    jobs.info(f"job {job_id} started")  # bad
    db.info(f"job {job_id} queried")  # bad
    warnings.warn(f"job {job_id} is deprecated", DeprecationWarning)
    parser.error(f"unknown job {job_id}")
"""


def test_obs002_a_child_logger_is_a_logger_and_a_warn_or_error_method_alone_is_not() -> None:
    # `getChild()` of any logger is a logger, whatever the variable is called; `warnings.warn`
    # and `ArgumentParser.error` only share a log level's name.
    assert lines(OBS002_RECEIVERS, "OBS002") == marked(OBS002_RECEIVERS)


OBS002_INJECTED = """\
class Importer:
    def __init__(self, logger) -> None:
        self._logger = logger

    def load(self, path: str, audit_log) -> None:
        self._logger.info(f"loading {path}")  # bad
        audit_log.info(f"loaded {path}")  # bad
"""


def test_obs002_a_logger_handed_in_is_known_by_its_name() -> None:
    # No import says what `self._logger` or `audit_log` is: the conventional name does.
    assert lines(OBS002_INJECTED, "OBS002") == marked(OBS002_INJECTED)
    assert found(OBS002_INJECTED, "OBS002")[0] == (
        6,
        "log message passed to `self._logger.info()` is built with an f-string; pass a "
        "constant message and the values as arguments",
    )


# --- OBS004 root-or-named-logger ----------------------------------------------------------

OBS004_ANNOTATED = """\
import logging

logger: logging.Logger = logging.getLogger("payments")  # bad
audit: logging.Logger
LEVEL = logging.INFO
HANDLER = logging.FileHandler("payments.log")


def configure() -> None:
    root: logging.Logger = logging.getLogger()
    root.addHandler(logging.NullHandler())
    noisy: logging.Logger = logging.getLogger("urllib3")
    noisy.setLevel(logging.WARNING)
"""


def test_obs004_annotated_module_logger_is_checked_and_a_local_one_is_not() -> None:
    # Only the module's own logger must be `getLogger(__name__)`; configuring the root or a
    # library's logger in a function is what logging setup does, and a module-level handler
    # or level is not a logger.
    assert lines(OBS004_ANNOTATED, "OBS004") == marked(OBS004_ANNOTATED)


def test_obs004_leaves_test_code_alone() -> None:
    source = 'import logging\n\nlogger = logging.getLogger("payments")\n'
    assert lines(source, "OBS004", path="tests/test_payments.py") == []
    assert lines(source, "OBS004", path="shop/checkout.py") == [3]


# --- OBS001 print-in-library --------------------------------------------------------------


def test_obs001_leaves_test_code_alone() -> None:
    source = "def test_dump(stats: dict) -> None:\n    print(stats)\n"
    assert lines(source, "OBS001", path="tests/test_dump.py") == []
    assert found(source, "OBS001", path="dump.py") == [
        (2, "`print()` in library code: log through the module logger instead")
    ]
