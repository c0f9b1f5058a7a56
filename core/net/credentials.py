"""Where tokens come from, and how they are kept out of logs, errors and the database.

A source names the environment variable holding its token (``token_env``); the value is read
only when a poll needs it. Errors name the variable, never a value. A token kept in a file must
be readable by its owner alone: a group- or world-readable file is refused with the ``chmod``
that fixes it. ``Secret`` wraps a value so an accidental ``repr``, f-string or log call shows a
placeholder instead of the token.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from core.model import SourceConfig


class CredentialError(Exception):
    """A token could not be had; the message names the variable or file, never the value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Secret:
    """A token whose ``repr``/``str`` hide it; ``reveal()`` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __format__(self, spec: str) -> str:
        return str(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling would carry the token into worker processes and caches; refuse it loudly.
        raise TypeError("a Secret is not picklable")


def resolve_token(source: SourceConfig, env: Mapping[str, str] | None = None) -> str | None:
    """The token of ``source`` from the variable its ``token_env`` names, or None if it has none.

    Raises ``CredentialError`` when the variable is named but missing or empty.
    """
    name = source.token_env
    if not name:
        return None
    value = (os.environ if env is None else env).get(name, "")
    if not value.strip():
        raise CredentialError(
            f"source {source.name!r}: environment variable {name} is not set or empty; "
            f"export {name} with the token, or remove token_env from the source"
        )
    return value.strip()


def resolve_secret(source: SourceConfig, env: Mapping[str, str] | None = None) -> Secret | None:
    """``resolve_token`` wrapped in a ``Secret``."""
    value = resolve_token(source, env)
    return None if value is None else Secret(value)


def check_owner_only(path: Path) -> None:
    """Refuse a secrets file that anyone but its owner can read or write."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise CredentialError(f"cannot read {path}: {exc.strerror or exc}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialError(
            f"{path} holds a token but others can read it (mode {stat.filemode(mode)}); "
            f"run: chmod 600 {path}"
        )


def read_token_file(path: Path) -> Secret:
    """The token in ``path`` (first line), after ``check_owner_only``."""
    check_owner_only(path)
    try:
        first = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialError(f"cannot read the token in {path}: {type(exc).__name__}") from None
    if not first or not first[0].strip():
        raise CredentialError(f"{path} is empty; put the token on its first line")
    return Secret(first[0].strip())
