"""Reading TOML tables strictly: types, bounds and unknown keys, every problem collected.

``Table`` wraps one TOML table with its key path; each read checks the value's type, reports a
mistake with the file line it came from (found by ``_LineMap``) and returns a safe default so
the rest of the file is still checked. Durations and sizes accept numbers or strings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from core.config.errors import Problem
from core.units import parse_duration

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Kind:
    """A value type as the user reads about it (``expected``) and how to test for it."""

    expected: str
    accepts: Callable[[object], bool]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


STR = _Kind("a string", lambda v: isinstance(v, str))
BOOL = _Kind("true or false", lambda v: isinstance(v, bool))
INT = _Kind("an integer", _is_int)
NUMBER = _Kind("a number", lambda v: _is_int(v) or isinstance(v, float))
STR_LIST = _Kind(
    "a list of strings", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)
)
_KIND_OF_TYPE: dict[type, _Kind] = {str: STR, list: STR_LIST, bool: BOOL, int: INT, float: NUMBER}


def _describe(value: object, secret: bool = False) -> str:
    """What the user wrote, by type; scalars are quoted unless they may be secret."""
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    name = names.get(type(value), f"a {type(value).__name__}")
    if secret or isinstance(value, list | dict):
        return name
    shown = repr(value)
    return f"{name} ({shown})" if len(shown) <= 40 else name  # long values drown the message


class _LineMap:
    """Finds the line of a key path in TOML text (tomllib reports none once parsing succeeds).

    A light scan: table headers, array-of-table counters and ``key =`` lines outside strings
    and multi-line arrays. A path it cannot place falls back to its nearest placed parent.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
    _PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""  # a bare or quoted key
    _KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        self._scan(text)

    def find(self, key_path: str) -> int | None:
        path = key_path
        while path:
            if path in self.lines:
                return self.lines[path]
            parent = _LAST_PART.sub("", path)
            if parent == path:
                return None
            path = parent
        return None

    def _scan(self, text: str) -> None:
        prefix, counters = "", dict[str, int]()
        in_string, depth = False, 0  # inside a multi-line string / a multi-line array
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                in_string = _count_triple_quotes(line) % 2 == 0
                continue
            if depth:
                depth = max(0, depth + _bracket_balance(line))
                continue
            header = self._HEADER.match(line)
            if header:
                prefix = self._enter(header.group(1), _dotted(header.group(2)), counters)
                self.lines.setdefault(prefix, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault(
                    ".".join(p for p in (prefix, _dotted(key.group(1))) if p), number
                )
                rest = line[key.end() :]
                in_string = _count_triple_quotes(rest) % 2 == 1
                depth = 0 if in_string else max(0, _bracket_balance(rest))

    @staticmethod
    def _enter(brackets: str, name: str, counters: dict[str, int]) -> str:
        if brackets != "[[":
            return name
        index = counters.get(name, -1) + 1
        counters[name] = index
        for deeper in [k for k in counters if k.startswith(name + ".")]:
            del counters[deeper]  # a new parent element restarts its child arrays
        return f"{name}[{index}]"


_LAST_PART = re.compile(r"(\[\d+\]|\.[^.\[\]]+)$")
_KEY_PART = re.compile(r"\"[^\"]*\"|'[^']*'|[^.\s]+")


def _dotted(key: str) -> str:
    """A TOML key or header (``a."b.c"``) as our dotted key path, quotes removed."""
    return ".".join(part.strip("\"'") for part in _KEY_PART.findall(key))


def _count_triple_quotes(line: str) -> int:
    return line.count('"""') + line.count("'''")


# A quoted string, its basic form "unrolled" (plain runs between escapes) so that a long string
# costs no backtracking memory per character.
_QUOTED = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|\'[^\']*\'')


def _bracket_balance(text: str) -> int:
    """Open minus close brackets outside quoted strings and comments."""
    cleaned = _QUOTED.sub("", text).split("#", 1)[0]
    return cleaned.count("[") + cleaned.count("{") - cleaned.count("]") - cleaned.count("}")


class _Checker:
    """Collects problems with their lines, for one file."""

    def __init__(self, lines: _LineMap, path: Path | None) -> None:
        self.lines = lines
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, key_path: str, message: str, at: str | None = None) -> None:
        """Record a problem at ``key_path`` (placed on the line of ``at`` when given)."""
        line = self.lines.find(at or key_path)
        self.problems.append(Problem(key_path, message, line))


class _Table:
    """One TOML table being read, with its key path for messages."""

    def __init__(self, ck: _Checker, data: Mapping[str, Any], path: str) -> None:
        self.ck = ck
        self.data = data
        self.path = path

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, message: str) -> None:
        self.ck.fail(self.key(name), message)

    def refuse_unknown(
        self, allowed: Collection[str], hint: Callable[[str], str | None] | None = None
    ) -> None:
        for name in self.data:
            if name not in allowed:
                self.fail(name, _unknown_key_message(name, allowed, hint))

    def value(self, name: str, kind: _Kind, default: T, secret: bool = False) -> T:
        """The value of ``name`` if it has the right type, else ``default`` (and a problem)."""
        if name not in self.data:
            return default
        value = self.data[name]
        if not kind.accepts(value):
            self.fail(name, f"expected {kind.expected}, got {_describe(value, secret)}")
            return default
        return value

    def required_str(self, name: str, what: str) -> str:
        if name not in self.data:
            self.ck.fail(self.path, f"missing '{name}': expected {what}")
            return ""
        text = self.value(name, STR, "").strip()
        if name in self.data and isinstance(self.data[name], str) and not text:
            self.fail(name, f"expected {what}, got an empty string")
        return text

    def bounded(self, name: str, kind: _Kind, default: T, low: float, high: float, why: str) -> T:
        value = self.value(name, kind, default)
        if value is not default and not low <= value <= high:  # type: ignore[operator]
            self.fail(
                name, f"expected {kind.expected} from {low:g} to {high:g}, got {value}; {why}"
            )
            return default
        return value

    def table(self, name: str) -> _Table:
        """A sub-table (an empty one when absent or mistyped)."""
        raw = self.data.get(name, {})
        if not isinstance(raw, dict):
            self.fail(name, f"expected a table ([{self.key(name)}]), got {_describe(raw, True)}")
            raw = {}
        return _Table(self.ck, raw, self.key(name))

    def tables(self, name: str) -> Iterator[_Table]:
        """The elements of an array of tables (``[[name]]``)."""
        raw = self.data.get(name, [])
        if isinstance(raw, dict):
            self.fail(
                name, f"expected an array of tables: write [[{self.key(name)}]] with two brackets"
            )
            return
        if not isinstance(raw, list):
            self.fail(
                name,
                f"expected an array of tables ([[{self.key(name)}]]), got {_describe(raw, True)}",
            )
            return
        for index, item in enumerate(raw):
            path = f"{self.key(name)}[{index}]"
            if isinstance(item, dict):
                yield _Table(self.ck, item, path)
            else:
                self.ck.fail(path, f"expected a table, got {_describe(item, True)}")


def _unknown_key_message(
    name: str, allowed: Collection[str], hint: Callable[[str], str | None] | None
) -> str:
    message = f"unknown key '{name}'"
    extra = hint(name) if hint else None
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    if extra:
        message += f"; {extra}"
    elif close:
        message += f"; did you mean '{close[0]}'?"
    return message + f" (expected one of: {', '.join(sorted(allowed))})"


# ---------------------------------------------------------------------------------------------
# Durations and sizes
# ---------------------------------------------------------------------------------------------

DURATION = _Kind(
    'seconds as an integer, or a duration string such as "15m"',
    lambda v: _is_int(v) or isinstance(v, str),
)
SECONDS = _Kind(
    'seconds as a number, or a duration string such as "30s"',
    lambda v: _is_int(v) or isinstance(v, float | str),
)
SIZE = _Kind(
    'bytes as an integer, or a size string such as "15MiB"',
    lambda v: _is_int(v) or isinstance(v, str),
)


def _converted(t: _Table, name: str, kind: _Kind, default: T, convert: Callable[[str], T]) -> T:
    value = t.value(name, kind, default)
    if not isinstance(value, str):
        return value
    try:
        return convert(value)
    except ValueError as exc:
        t.fail(name, str(exc))
        return default


def _duration(t: _Table, name: str, default: int, low: int, high: int, why: str) -> int:
    seconds = _converted(t, name, DURATION, default, parse_duration)
    if seconds is not default and not low <= seconds <= high:
        t.fail(name, f"expected from {_human(low)} to {_human(high)}, got {_human(seconds)}; {why}")
        return default
    return seconds


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


