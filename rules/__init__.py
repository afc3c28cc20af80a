"""The built-in rule pack: one module per rule, `rules/<category>/<id>_<name>.py`.

A rule's module is named after its id and name (SEC001 subprocess-shell is
`security/sec001_subprocess_shell.py`); a Semgrep-backed rule is a YAML file
named the same way (`security/sec006_sql_string_building.yaml`), a Ruff-backed
one a module holding its `RuleMeta` and `RuffMapping`. What several rules
share lives in `_shared/`; general LibCST helpers are public in `guardrails.cst`.

The pack registers through the same pluggy hooks as any organisation's plugin
(`guardrails.hookspecs`), so everything it does an org plugin can do too. The
lists below name every rule; `tests/test_rule_layout.py` checks that they and
the folders agree.
"""

from __future__ import annotations

from pathlib import Path

from guardrails.rules.architecture.arc001_layer_violation import LayerViolation
from guardrails.rules.architecture.arc002_forbidden_import import ForbiddenImport
from guardrails.rules.architecture.arc003_module_too_long import ModuleTooLong
from guardrails.rules.architecture.arc004_function_too_complex import FunctionTooComplex
from guardrails.rules.architecture.arc005_env_outside_config import EnvOutsideConfig
from guardrails.rules.architecture.arc006_untyped_public_api import UntypedPublicApi
from guardrails.rules.architecture.arc007_wildcard_import import WildcardImport
from guardrails.rules.architecture.arc008_todo_without_ticket import TodoWithoutTicket
from guardrails.rules.observability.obs001_print_in_library import PrintInLibrary
from guardrails.rules.observability.obs002_non_constant_log_message import NonConstantLogMessage
from guardrails.rules.observability.obs003_error_log_without_traceback import (
    ErrorLogWithoutTraceback,
)
from guardrails.rules.observability.obs004_root_or_named_logger import RootOrNamedLogger
from guardrails.rules.observability.obs005_swallowed_exception import SwallowedException
from guardrails.rules.observability.obs006_broad_except_unlogged import BroadExceptUnlogged
from guardrails.rules.observability.obs007_raise_without_cause import RaiseWithoutCause
from guardrails.rules.observability.obs008_wall_clock_duration import WallClockDuration
from guardrails.rules.reliability import rel005_naive_datetime, rel008_finally_swallows
from guardrails.rules.reliability.rel001_http_without_timeout import HttpWithoutTimeout
from guardrails.rules.reliability.rel002_bare_except import BareExcept
from guardrails.rules.reliability.rel003_mutable_default_argument import MutableDefaultArgument
from guardrails.rules.reliability.rel004_unmanaged_resource import UnmanagedResource
from guardrails.rules.reliability.rel006_blocking_call_in_async import BlockingCallInAsync
from guardrails.rules.reliability.rel007_retry_without_backoff import RetryWithoutBackoff
from guardrails.rules.reliability.rel009_assert_for_validation import AssertForValidation
from guardrails.rules.reliability.rel010_unchecked_subprocess import UncheckedSubprocess
from guardrails.rules.reliability.rel011_exit_in_library import ExitInLibrary
from guardrails.rules.reliability.rel012_dangling_task import DanglingTask
from guardrails.rules.reliability.rel013_wait_without_timeout import WaitWithoutTimeout
from guardrails.rules.security.sec001_subprocess_shell import SubprocessShell
from guardrails.rules.security.sec002_dynamic_code_execution import DynamicCodeExecution
from guardrails.rules.security.sec003_unsafe_deserialization import UnsafeDeserialization
from guardrails.rules.security.sec004_hardcoded_secret import HardcodedSecret
from guardrails.rules.security.sec005_weak_hash import WeakHash
from guardrails.rules.security.sec007_tls_verification_disabled import TlsVerificationDisabled
from guardrails.rules.security.sec008_insecure_tempfile import InsecureTempfile
from guardrails.rules.security.sec009_insecure_randomness import InsecureRandomness
from guardrails.rules.security.sec010_unsafe_xml_parser import UnsafeXmlParser
from guardrails.rules.security.sec011_unsafe_archive_extraction import UnsafeArchiveExtraction
from guardrails.rules.security.sec012_bind_all_interfaces import BindAllInterfaces
from guardrails.rules.security.sec013_permissive_file_mode import PermissiveFileMode
from guardrails.rules.security.sec016_secret_in_log import SecretInLog

from guardrails.cst.rule import CstRule
from guardrails.hookspecs import hookimpl
from guardrails.model import RuffMapping

CATEGORIES = ("security", "observability", "reliability", "architecture")
"""The folders rules live in, one per built-in category."""

CST_RULES: tuple[type[CstRule], ...] = (
    SubprocessShell,
    DynamicCodeExecution,
    UnsafeDeserialization,
    HardcodedSecret,
    WeakHash,
    TlsVerificationDisabled,
    InsecureTempfile,
    InsecureRandomness,
    UnsafeXmlParser,
    UnsafeArchiveExtraction,
    BindAllInterfaces,
    PermissiveFileMode,
    SecretInLog,
    PrintInLibrary,
    NonConstantLogMessage,
    ErrorLogWithoutTraceback,
    RootOrNamedLogger,
    SwallowedException,
    BroadExceptUnlogged,
    RaiseWithoutCause,
    WallClockDuration,
    HttpWithoutTimeout,
    BareExcept,
    MutableDefaultArgument,
    UnmanagedResource,
    BlockingCallInAsync,
    RetryWithoutBackoff,
    AssertForValidation,
    UncheckedSubprocess,
    ExitInLibrary,
    DanglingTask,
    WaitWithoutTimeout,
    LayerViolation,
    ForbiddenImport,
    ModuleTooLong,
    FunctionTooComplex,
    EnvOutsideConfig,
    UntypedPublicApi,
    WildcardImport,
    TodoWithoutTicket,
)

MAPPINGS: tuple[RuffMapping, ...] = (rel005_naive_datetime.MAPPING, rel008_finally_swallows.MAPPING)


@hookimpl
def guardrails_rules() -> tuple[type[CstRule], ...]:
    return CST_RULES


@hookimpl
def guardrails_semgrep_rule_dirs() -> list[Path]:
    """The category folders: a Semgrep-backed rule's YAML sits beside the Python rules."""
    here = Path(__file__).resolve().parent
    return [here / category for category in CATEGORIES]


@hookimpl
def guardrails_ruff_mappings() -> tuple[RuffMapping, ...]:
    return MAPPINGS
