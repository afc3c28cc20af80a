"""Checks of option values that several rules share."""

from __future__ import annotations

from typing import Any


def positive(value: Any) -> str | None:
    """An option check: the value must be above zero."""
    return None if value > 0 else "must be a positive number"
