"""Typed readers for environment variables that fail loudly on bad values."""

from __future__ import annotations

import os
from collections.abc import Mapping


class EnvError(RuntimeError):
    """Raised when an environment variable holds a value we cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    """Return a string variable, or the default; raise when neither exists."""
    source = os.environ if environ is None else environ
    value = source.get(name)
    if value is None:
        if default is None:
            raise EnvError(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """Return a boolean variable written as 1/0, true/false, yes/no or on/off."""
    source = os.environ if environ is None else environ
    raw = source.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no or on/off)")


def env_int(name: str, default: int, *, environ: Mapping[str, str] | None = None) -> int:
    """Return an integer variable."""
    source = os.environ if environ is None else environ
    raw = source.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise EnvError(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    """Return a comma-separated list variable, blanks dropped."""
    source = os.environ if environ is None else environ
    raw = source.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
