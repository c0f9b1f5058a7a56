"""The JSON export: a document for other tools, with a fixed key order and ordering.

Shape: ``{"generated_at", "since", "summary", "sources": [...], "mentions": [...]}``; the
``sources`` entries carry each source's last outcome (and this run's, when it polled) so a
cron job's consumer can see which source failed and why.

The document is written as the mentions come (``JsonWriter``): the head through ``json.dumps``,
then each mention from a fixed template whose scalars go through json's own encoders, so the
bytes are exactly those of ``json.dumps(document, ensure_ascii=False, indent=2)`` — a test
checks that — without a million-entry document in memory.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from json.encoder import encode_basestring  # json's own string encoder (ensure_ascii=False)
from typing import TextIO

from core.export.report import Report, Summary, iso
from core.model import FAILED_STATUSES
from core.net.urls import display_url
from core.store import SourceRow, StoredMention

_EMPTY_TAIL = '  "mentions": []\n}'  # how json.dumps ends the head with no mentions


class JsonWriter:
    """The JSON document, written head first and then one mention entry at a time."""

    def __init__(self, report: Report, out: TextIO) -> None:
        self._report, self._out, self._empty = report, out, True

    def begin(self, summary: Summary) -> None:
        report = self._report
        head = {
            "generated_at": iso(report.generated_at),
            "since": iso(report.since),
            "brand": report.brand,
            "summary": summary,
            "sources": [source_entry(s, report) for s in report.sources],
            "mentions": [],
        }
        text = json.dumps(head, ensure_ascii=False, indent=2)
        assert text.endswith(_EMPTY_TAIL)
        self._out.write(text[: -len(_EMPTY_TAIL)] + '  "mentions": [')

    def add(self, mentions: Sequence[StoredMention]) -> None:
        if not mentions:
            return
        self._out.write(("\n" if self._empty else ",\n") + ",\n".join(map(_entry, mentions)))
        self._empty = False

    def end(self) -> None:
        self._out.write("]\n}\n" if self._empty else "\n  ]\n}\n")


def source_entry(source: SourceRow, report: Report) -> dict[str, object]:
    polled = {o.source: o for o in report.outcomes}.get(source.name)
    status = polled.status.value if polled else source.last_status
    message = polled.message if polled else source.last_message
    failing = status in FAILED_STATUSES
    return {
        "name": source.name,
        "kind": source.kind,
        "url": display_url(source.url),
        "status": status,
        "error": (message or None) if failing else None,
        "warning": (message or None) if status == "warning" else None,
        "throttled_until": iso(source.throttled_until),
        "last_ok_at": iso(source.last_ok_at),
        "error_count": source.error_count,
        "new": polled.new if polled else None,
        "duplicates": polled.duplicates if polled else None,
    }


def mention_entry(m: StoredMention) -> dict[str, object]:
    """One mention as a JSON object (what ``_entry`` writes, as data)."""
    return json.loads(_entry(m))


def _entry(m: StoredMention) -> str:
    """One mention entry, indented as the fourth level of the document."""
    s, e = m.sentiment, m.engagement
    return (
        f'    {{\n      "id": {_v(m.id)},\n      "source": {_v(m.source)},\n'
        f'      "platform": {_v(m.platform)},\n      "url": {_v(m.url)},\n'
        f'      "author": {_v(m.author)},\n      "author_id": {_v(m.author_id)},\n'
        f'      "title": {_v(m.title)},\n      "text": {_v(m.text)},\n'
        f'      "published_at": {_v(iso(m.published_at))},\n'
        f'      "fetched_at": {_v(iso(m.fetched_at))},\n      "language": {_v(m.language)},\n'
        f'      "sentiment": {{\n        "compound": {_v(round(s.compound, 4))},\n'
        f'        "label": {_v(s.label.value)},\n        "method": {_v(s.method)}\n      }},\n'
        f'      "matched": {_list([str(x) for x in m.matched])},\n'
        f'      "category": {_v(m.category)},\n      "priority": {_v(round(m.priority, 4))},\n'
        f'      "engagement": {{\n        "replies": {_v(e.replies)},\n'
        f'        "reshares": {_v(e.reshares)},\n        "likes": {_v(e.likes)}\n      }},\n'
        f'      "owned": {_v(m.owned)},\n      "status": {_v(m.status)},\n'
        f'      "assignee": {_v(m.assignee)},\n      "tags": {_list(sorted(m.tags))}\n    }}'
    )


def _list(items: Sequence[object]) -> str:
    if not items:
        return "[]"
    return "[\n" + ",\n".join(f"        {_v(x)}" for x in items) + "\n      ]"


def _v(value: object) -> str:
    """A scalar as ``json.dumps`` writes it (the C string encoder, float repr, null…)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)  # NaN, Infinity and anything unusual
