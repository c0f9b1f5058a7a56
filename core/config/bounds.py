"""Bounds on a config file, checked before anything expensive reads it.

A config is written by a person, but it may also come from a script, an OPML import gone wrong
or a hostile pull request. Python's TOML parser recurses once per nested array or inline table,
so 500 nested brackets end in ``RecursionError``; a 10 MB string costs a hundred times its size
by the time it is a compiled query. These checks keep loading linear and bounded: the file's
size, its bracket nesting and each string's length are refused with a line and key path, as
any other config error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from core.config.errors import Problem

# A config of 2,000 sources is about 500 KB; 1 MiB leaves room while a mistake (or an attack)
# of gigabytes is refused before it is read into memory.
MAX_CONFIG_BYTES = 1024 * 1024
# Our schema nests three levels (an array of tables holding an array); 16 leaves room for any
# layout TOML allows us, and keeps tomllib's recursion far from Python's limit (~300 levels).
MAX_NESTING = 16
# The longest value a person writes is a listening query with many OR terms or a long URL;
# neither reaches 8,000 characters.
MAX_STRING = 8192

# The tokens that matter for nesting: strings and comments (skipped whole, so brackets inside
# them do not count) and the brackets themselves.
_TOKENS = re.compile(
    # Basic strings "unrolled" (runs of plain characters between escapes): the form
    # ``(?:\\.|[^"])*`` keeps one backtracking entry per character, 130 MB for a 900 KB string.
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*\''
    r"|#[^\n]*|[\[\]{}]"
)


def size_problem(size: int) -> Problem | None:
    """A problem when a file of ``size`` bytes is too large to be a config."""
    if size <= MAX_CONFIG_BYTES:
        return None
    return Problem("", f"the file is larger than {MAX_CONFIG_BYTES // 1024} KiB, far more than "
                   "any config needs; is this the right file?")


def nesting_problem(text: str) -> Problem | None:
    """A problem at the first place where arrays or inline tables nest too deep."""
    depth = 0
    for token in _TOKENS.finditer(text):
        kind = token.group()
        if kind in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, token.start()) + 1
                return Problem("", f"arrays or tables nest more than {MAX_NESTING} levels deep "
                               "here; flatten the value", line)
        elif kind in "]}":
            depth = max(0, depth - 1)
    return None


def long_strings(data: dict[str, Any]) -> Iterator[Problem]:
    """A problem for each string value (or key) longer than ``MAX_STRING`` characters."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and len(value) > MAX_STRING:
            yield Problem(path, f"this value is {len(value):,} characters long; at most "
                          f"{MAX_STRING:,} are allowed")
        elif isinstance(value, dict):
            for key, inner in value.items():
                if len(key) > MAX_STRING:
                    yield Problem(path, f"a key here is {len(key):,} characters long")
                    continue
                stack.append((f"{path}.{key}" if path else key, inner))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", inner) for i, inner in enumerate(value))
