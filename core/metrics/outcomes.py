"""Economic value: what a person types when recording an outcome, read into a value and a note.

``$`` in the inbox picks an outcome kind from ``[outcomes]`` (``lead = 250``) and then takes one
line: an optional amount first, then an optional note ("1200 signed the annual plan"). No
amount means the kind's configured value; a negative one is refused (undo removes a mistake).
"""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)(?:\s+|$)")


def parse_entry(text: str, default: float) -> tuple[float, str]:
    """(value, note) from "250 signed up", "signed up" or ""; ValueError for a negative."""
    found = _AMOUNT.match(text)
    if not found:
        return default, text.strip()
    value = float(found.group(1).replace(",", "."))
    if value < 0:
        raise ValueError(f"an outcome is worth zero or more, not {found.group(1)}; "
                         "undo (u) removes one recorded by mistake")
    return value, text[found.end():].strip()
