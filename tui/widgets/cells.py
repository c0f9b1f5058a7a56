"""How mention fields read on screen: safe one-line text, short times, sentiment glyphs.

Everything a stranger wrote passes through ``one_line`` or ``block`` before it reaches a Rich
``Text``: those strip escape sequences and control characters a second time (ingest already
did; a database written by an older version or another tool may not have), and the ``Text``
itself never parses markup, so ``[@click=app.quit]`` stays characters.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from core.analysis.text import sanitize

# Sentiment never depends on colour alone: each label has a glyph too.
GLYPHS = {"negative": "▼", "positive": "▲", "neutral": "·"}
_SPACE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Inert text flattened to one line (newlines and tabs become single spaces)."""
    return _SPACE.sub(" ", sanitize(text)).strip()


def block(text: str) -> str:
    """Inert text that keeps its line breaks."""
    return sanitize(text)


def glyph(label: str) -> str:
    """The sentiment mark of a label."""
    return GLYPHS.get(label, "?")


def short_time(moment: int, now: int, tz: tzinfo) -> str:
    """Five cells: ``14:02`` today, ``Jun 01`` this year, ``2023`` before."""
    when, today = datetime.fromtimestamp(moment, tz), datetime.fromtimestamp(now, tz)
    if when.date() == today.date():
        return when.strftime("%H:%M")
    if when.year == today.year:
        return when.strftime("%b%d")
    return when.strftime("%Y ")


def long_time(moment: int | None, tz: tzinfo) -> str:
    """A full local time for the detail pane."""
    if moment is None:
        return "unknown"
    return datetime.fromtimestamp(moment, tz).strftime("%Y-%m-%d %H:%M %Z").strip()


def matched_names(matched: str) -> str:
    """``brand:Acme\\ncompetitor:Globex`` as ``Acme, Globex!`` (competitors marked)."""
    names = []
    for entry in matched.split("\n"):
        kind, _, name = entry.partition(":")
        if name:
            names.append(f"{name}!" if kind == "competitor" else name)
    return one_line(", ".join(names))
