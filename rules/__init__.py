"""The built-in rule pack.

It registers through the same pluggy hooks as any organisation's plugin
(`guardrails.hookspecs`), so everything it does an org plugin can do too.
"""

from __future__ import annotations

from pathlib import Path

from guardrails.rules.observability import (
    BroadExceptUnlogged,
    ErrorLogWithoutTraceback,
    NonConstantLogMessage,
    PrintInLibrary,
    RaiseWithoutCause,
    RootOrNamedLogger,
    SwallowedException,
    WallClockDuration,
)
from guardrails.rules.reliability import (
    BareExcept,
    BlockingCallInAsync,
    DanglingTask,
    ExitInLibrary,
    HttpWithoutTimeout,
    MutableDefaultArgument,
    RetryWithoutBackoff,
    UncheckedSubprocess,
    UnmanagedResource,
    WaitWithoutTimeout,
)
from guardrails.rules.ruff_backed import MAPPINGS
from guardrails.rules.security import (
    BindAllInterfaces,
    DynamicCodeExecution,
    HardcodedSecret,
    InsecureRandomness,
    InsecureTempfile,
    PermissiveFileMode,
    SecretInLog,
    SubprocessShell,
    TlsVerificationDisabled,
    UnsafeArchiveExtraction,
    UnsafeDeserialization,
    UnsafeXmlParser,
    WeakHash,
)

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
