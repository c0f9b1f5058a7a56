"""Words the faces share, defined once so the list, the detail pane and the exports agree.

An author a source did not name is called the same thing everywhere; counts read as English
("1 source", "2 sources") wherever a number meets a noun.
"""

from __future__ import annotations

UNKNOWN_AUTHOR = "unknown author"


def author_name(author: str | None) -> str:
    """The author as shown to people: the name, or ``UNKNOWN_AUTHOR`` when there is none."""
    name = (author or "").strip()
    return name or UNKNOWN_AUTHOR


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 source``, ``2 sources``, ``1,200 mentions``; ``many`` for irregular plurals."""
    word = noun if count == 1 else (many or noun + "s")
    return f"{count:,} {word}"
