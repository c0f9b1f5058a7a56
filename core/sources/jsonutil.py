"""Safe reading of JSON that strangers' servers wrote, shared by the platform adapters.

Every platform parser reads deeply nested objects whose fields may hold the wrong type, be
missing, nest ten thousand levels deep, carry integers with thousands of digits, or hold lone
surrogates and NUL bytes. These helpers turn all of that into ``None``/empty values or a
``JsonError`` with a message fit for the user, so a parser never raises on hostile input and
never hands SQLite a number it cannot store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from core.analysis import text as _text

# Counts above this are bogus (no post has a trillion likes); the cap keeps them far inside
# SQLite's signed 64-bit INTEGER so a hostile number can never make a row unstorable.
MAX_COUNT = 10**12
# Timestamps outside [1970, 9999] cannot be a real publication time.
MAX_EPOCH = 253_402_300_799
# An integer literal longer than this is clamped instead of parsed: Python refuses more than
# 4300 digits (CVE-2020-10735) and anything past 18 digits is outside int64 anyway.
_MAX_INT_DIGITS = 18
# Server error messages are shown to the user; a page of text there helps nobody.
_MAX_SERVER_MESSAGE = 200

_SURROGATES = re.compile("[\ud800-\udfff]")


class JsonError(ValueError):
    """The body is not usable JSON; ``message`` says why in words fit for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _parse_int(literal: str) -> int:
    """Parse an integer literal, clamping absurdly long ones instead of failing the page."""
    digits = literal.lstrip("-")
    if len(digits) > _MAX_INT_DIGITS:
        return -MAX_COUNT if literal.startswith("-") else MAX_COUNT
    return int(literal)


def loads(body: bytes) -> object:
    """Decode ``body`` as JSON or raise ``JsonError``; never RecursionError or MemoryError."""
    try:
        return json.loads(body, parse_int=_parse_int)
    except RecursionError:
        raise JsonError("the JSON is nested too deeply to read") from None
    except UnicodeDecodeError:
        raise JsonError("the body is not valid UTF-8/16/32 JSON") from None
    except ValueError as exc:
        raise JsonError(f"the body is not JSON ({_first_line(str(exc))})") from None


def _first_line(message: str) -> str:
    return message.splitlines()[0][:_MAX_SERVER_MESSAGE] if message else "no detail"


def obj(value: object) -> dict[str, object]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def field(container: object, key: str) -> dict[str, object]:
    """The object at ``container[key]``, or an empty one when absent or of another type."""
    return obj(obj(container).get(key))


def items(container: object, key: str | None = None) -> list[object]:
    """The list at ``container[key]`` (or ``container`` itself), or an empty list."""
    value = obj(container).get(key) if key is not None else container
    return value if isinstance(value, list) else []


def string(container: object, key: str) -> str | None:
    """The string at ``container[key]`` with lone surrogates replaced, or None."""
    value = obj(container).get(key)
    if not isinstance(value, str):
        return None
    return _SURROGATES.sub("\ufffd", value)


def ident(container: object, key: str) -> str | None:
    """An identifier that may come as a string or an integer (ids, object ids), or None."""
    value = obj(container).get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = string(container, key)
    return text.strip() or None if text is not None else None


def count(container: object, key: str) -> int | None:
    """A non-negative engagement count clamped to ``MAX_COUNT``, or None when not a number."""
    value = obj(container).get(key)
    number = _as_int(value)
    if number is None:
        return None
    return max(0, min(number, MAX_COUNT))


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return int(max(-MAX_COUNT, min(value, MAX_COUNT)))
    return None


def epoch(container: object, key: str) -> int | None:
    """A Unix time stored as a number, or None when absent, of another type or absurd."""
    number = _as_int(obj(container).get(key))
    if number is None or not 0 <= number <= MAX_EPOCH:
        return None
    return number


def iso_epoch(container: object, key: str) -> int | None:
    """An ISO 8601 time string as Unix seconds (UTC assumed when no offset), or None."""
    value = string(container, key)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int(moment.timestamp())
    return seconds if 0 <= seconds <= MAX_EPOCH else None


def plain(value: str | None) -> str:
    """Sanitised plain text from a plain-text field (no markup is interpreted)."""
    return _text.sanitize(value) if value else ""


def from_html(value: str | None) -> str:
    """Sanitised plain text from an HTML field (Mastodon content, HN comment_text)."""
    return _text.html_to_text(value) if value else ""


def server_message(document: object) -> str | None:
    """The error a JSON API put in its body instead of data (``error``/``message``), if any."""
    body = obj(document)
    keys = ("error", "message", "error_description")
    for key in keys:
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return plain(value)[:_MAX_SERVER_MESSAGE]
    for key in keys:  # some APIs put only a status number there (Reddit: {"error": 400})
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return f"error {max(0, min(value, 999_999))}"
    return None


def unexpected(document: object, platform: str, wanted: str) -> str:
    """The ParsedPage.error text for a body that is JSON but not the listing expected."""
    said = server_message(document)
    if said:
        return f"{platform} answered with an error instead of {wanted}: {said}"
    kind = type(document).__name__ if not isinstance(document, Mapping) else "object"
    return f"{platform} answered with an unexpected JSON {kind} instead of {wanted}"
