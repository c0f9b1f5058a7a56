"""The CSV export: one row per mention, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets; such cells get a leading apostrophe, which all three show
as text and hide from the cell's value (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from core.export.report import Report, Summary, iso
from core.store import StoredMention

COLUMNS = (
    "id",
    "source",
    "platform",
    "published_at",
    "author",
    "title",
    "text",
    "url",
    "language",
    "sentiment",
    "sentiment_label",
    "sentiment_method",
    "matched",
    "category",
    "priority",
    "replies",
    "reshares",
    "likes",
    "status",
    "assignee",
    "tags",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvWriter:
    """The header, then one line per mention as they come."""

    def __init__(self, report: Report, out: TextIO) -> None:
        self._csv = csv.writer(out, lineterminator="\r\n")

    def begin(self, summary: Summary) -> None:
        self._csv.writerow(COLUMNS)

    def add(self, mentions: Sequence[StoredMention]) -> None:
        self._csv.writerows([neutralise(cell) for cell in row(m)] for m in mentions)

    def end(self) -> None:
        pass


def row(m: StoredMention) -> list[object]:
    return [
        m.id,
        m.source,
        m.platform,
        iso(m.published_at),
        m.author,
        m.title,
        m.text,
        m.url,
        m.language,
        round(m.sentiment.compound, 4),
        m.sentiment.label.value,
        m.sentiment.method,
        " ".join(str(x) for x in m.matched),
        m.category,
        round(m.priority, 4),
        m.engagement.replies,
        m.engagement.reshares,
        m.engagement.likes,
        m.status,
        m.assignee,
        " ".join(sorted(m.tags)),
    ]


def neutralise(cell: object) -> str:
    """The cell as text that no spreadsheet will evaluate."""
    if cell is None:
        return ""
    if not isinstance(cell, str):
        return str(cell)  # numbers: "-0.5" is a value, not a formula
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
