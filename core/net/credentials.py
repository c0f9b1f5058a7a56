"""Where tokens come from, and how they are kept out of logs, errors and the database.

A source names the environment variable holding its token (``token_env``); the value is read
only when a poll needs it. Errors name the variable, never a value. A token kept in a file must
be readable by its owner alone: a group- or world-readable file is refused with the ``chmod``
that fixes it. ``Secret`` wraps a value so an accidental ``repr``, f-string or log call shows a
placeholder instead of the token.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from core.model import SourceConfig

# A secret shorter than this is too likely to be an ordinary word to blank out wherever it occurs.
MIN_SECRET = 4
# A message cut to a length can end in the first characters of a token. Eight characters of a
# random token are as good as a password to guess the rest from a short list, and eight
# characters of a token almost never occur by chance, so any run of its first 8+ characters goes.
MIN_SECRET_PREFIX = 8
REDACTED = "[redacted]"

# What an environment variable's name looks like: letters, digits and _, not starting with a
# digit, short (POSIX allows more, but no one types a 65-character name for a token).
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# Prefixes of well-known tokens (GitHub, GitLab, Slack, OpenAI-style keys): a value starting so
# was pasted in place of a variable's name.
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat", "xox", "sk_")


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


def plausible_env_name(name: str) -> bool:
    """True when ``name`` reads as an environment variable's name rather than a pasted token.

    A token is refused when it has a known token prefix, or mixes lower case, upper case and
    digits over 20 or more characters (names are words like ``MASTODON_TOKEN``; random tokens
    are not)."""
    if not _ENV_NAME.fullmatch(name):
        return False
    if name.lower().startswith(_TOKEN_PREFIXES):
        return False
    mixed = any(c.islower() for c in name) and any(c.isupper() for c in name)
    return not (mixed and any(c.isdigit() for c in name) and len(name) >= 20)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret blanked out, and any run of a secret's first
    ``MIN_SECRET_PREFIX`` or more characters too (what a cut to length leaves of it).

    The places are found in the original text and merged, so two secrets that share a
    beginning (JWTs all start alike) cannot hide each other's remainder."""
    spans = sorted(span for secret in set(secrets) for span in _places(text, secret))
    pieces: list[str] = []
    start = 0
    for at, end in spans:
        if end <= start:
            continue
        if at > start or not pieces:
            pieces += [text[start:at], REDACTED]
        start = end
    return "".join(pieces) + text[start:]


def _places(text: str, secret: str) -> Iterator[tuple[int, int]]:
    """Where ``secret`` (or a long enough run of its beginning) occurs in ``text``."""
    if len(secret) < MIN_SECRET:
        return
    head = secret[:MIN_SECRET_PREFIX]
    at = text.find(head)
    while at >= 0:
        end = at + len(head)
        while end - at < len(secret) and end < len(text) and text[end] == secret[end - at]:
            end += 1
        if end - at == len(secret) or end - at >= MIN_SECRET_PREFIX:
            yield at, end
        at = text.find(head, at + 1)


def resolve_token(source: SourceConfig, env: Mapping[str, str] | None = None) -> str | None:
    """The token of ``source`` from the variable its ``token_env`` names, or None if it has none.

    Raises ``CredentialError`` when the variable is named but missing or empty.
    """
    name = source.token_env
    if not name:
        return None
    if not plausible_env_name(name):
        raise CredentialError(
            f"source {source.name!r}: token_env does not hold a variable's name (it looks like a "
            "token; it is not shown): put the token in a variable and name that variable here"
        )
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
