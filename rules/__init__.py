"""The built-in rule pack.

It registers through the same pluggy hooks as any organisation's plugin
(`guardrails.hookspecs`), so everything it does an org plugin can do too.
"""

from __future__ import annotations

from pathlib import Path

from guardrails.rules.architecture import (
    ForbiddenImport,
    FunctionTooComplex,
    LayerViolation,
    ModuleTooLong,
    TodoWithoutTicket,
    UntypedPublicApi,
    WildcardImport,
)
from guardrails.rules.concurrency import (
    BlockingCallInAsync,
    DanglingTask,
    WaitWithoutTimeout,
)
from guardrails.rules.defaults import MutableDefaultArgument
from guardrails.rules.environment import EnvOutsideConfig
from guardrails.rules.exception_handling import (
    BroadExceptUnlogged,
    ErrorLogWithoutTraceback,
    RaiseWithoutCause,
    SwallowedException,
)
from guardrails.rules.observability import (
    NonConstantLogMessage,
    PrintInLibrary,
    RootOrNamedLogger,
    WallClockDuration,
)
from guardrails.rules.reliability import (
    BareExcept,
    ExitInLibrary,
    HttpWithoutTimeout,
    UncheckedSubprocess,
    UnmanagedResource,
)
from guardrails.rules.retries import RetryWithoutBackoff
from guardrails.rules.ruff_backed import MAPPINGS
from guardrails.rules.security import DynamicCodeExecution, SubprocessShell, UnsafeDeserialization
from guardrails.rules.security_platform import (
    BindAllInterfaces,
    InsecureTempfile,
    PermissiveFileMode,
    TlsVerificationDisabled,
    UnsafeArchiveExtraction,
    UnsafeXmlParser,
    WeakHash,
)
from guardrails.rules.security_secrets import HardcodedSecret, InsecureRandomness, SecretInLog
from guardrails.rules.validation import AssertForValidation

from guardrails.backends.ruff import RuffMapping
from guardrails.cst.rule import CstRule
from guardrails.hookspecs import hookimpl

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
    NonConstantLogMessage,
    SwallowedException,
    ErrorLogWithoutTraceback,
    RaiseWithoutCause,
    PrintInLibrary,
    RootOrNamedLogger,
    BroadExceptUnlogged,
    WallClockDuration,
    LayerViolation,
    ForbiddenImport,
    ModuleTooLong,
    FunctionTooComplex,
    EnvOutsideConfig,
    UntypedPublicApi,
    WildcardImport,
    TodoWithoutTicket,
)


@hookimpl
def guardrails_rules() -> tuple[type[CstRule], ...]:
    return CST_RULES


@hookimpl
def guardrails_semgrep_rule_dirs() -> list[Path]:
    return [Path(__file__).resolve().parent / "semgrep"]


@hookimpl
def guardrails_ruff_mappings() -> tuple[RuffMapping, ...]:
    return MAPPINGS
