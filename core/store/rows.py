"""The shapes that cross the store's boundary, and the conversions between them and SQL rows.

Going in, ``mention_row`` turns a ``Mention`` into the tuple the INSERT binds, repairing what
SQLite or UTF-8 cannot hold (lone surrogates become U+FFFD, NUL is removed) and clamping numbers
that hostile JSON can make absurd (a 5,000-digit like count). Coming out, ``stored_mention``
rebuilds the model objects (``Sentiment``, ``Engagement``, ``Match``) from their columns.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.analysis.text import sanitize
from core.model import Engagement, Label, Match, Mention, Sentiment

INT64_MAX = 2**63 - 1  # SQLite's INTEGER is a signed 64-bit number
INT64_MIN = -(2**63)
# A published date further ahead than this is a skewed clock or a hostile feed; it keeps its
# published_at but sorts at fetch time, or it would sit on top of the inbox for years.
MAX_FUTURE_SKEW = 24 * 3600


@dataclass(slots=True)
class IngestResult:
    """What one ``Store.ingest`` batch did; ``skipped`` holds one message per refused row."""

    new: int = 0
    duplicates: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class SourceRow:
    """A source as stored: its config identity and its fetch health."""

    id: int
    name: str
    kind: str
    url: str
    owned: bool
    last_status: str | None
    last_message: str | None
    last_polled_at: int | None
    last_ok_at: int | None
    error_count: int
    next_poll_at: int | None
    throttled_until: int | None
    active: bool = True  # False once the source left the config (its mentions stay)


@dataclass(slots=True)
class StoredMention:
    """A mention as stored: every ``Mention`` field plus its id, source and triage state.

    ``author_url`` and ``author_followers`` are the author's latest known values, not the values
    at the time of this mention."""

    id: int
    source: str
    platform: str
    title: str
    text: str
    url: str | None
    platform_id: str | None
    guid: str | None
    author: str
    author_id: str | None
    author_url: str | None
    author_followers: int | None
    published_at: int | None
    engagement: Engagement
    in_reply_to: str | None
    owned: bool
    key: str
    language: str
    sentiment: Sentiment
    matched: list[Match]
    category: str | None
    priority: float
    fetched_at: int
    sort_at: int
    status: str
    starred: bool
    snoozed_until: int | None
    assignee: str | None
    replied_at: int | None
    tags: list[str]

    def columns(self) -> dict[str, object]:
        """The stored columns that decide inbox membership, by name (core.inbox.buckets)."""
        return {"status": self.status, "starred": int(self.starred), "owned": int(self.owned),
                "replied_at": self.replied_at, "category": self.category,
                "sentiment_label": self.sentiment.label.value, "assignee": self.assignee,
                "source_id": None, "matched": "\n".join(str(m) for m in self.matched)}

    def to_mention(self) -> Mention:
        """The pipeline's view of this mention (triage state dropped)."""
        return Mention(
            platform=self.platform, title=self.title, text=self.text, url=self.url,
            platform_id=self.platform_id, guid=self.guid, author=self.author,
            author_id=self.author_id, author_url=self.author_url,
            author_followers=self.author_followers, published_at=self.published_at,
            engagement=self.engagement, in_reply_to=self.in_reply_to, owned=self.owned,
            key=self.key, language=self.language, sentiment=self.sentiment,
            matched=list(self.matched), category=self.category, priority=self.priority,
        )


# --- going in ---------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """``value`` as text SQLite and UTF-8 can hold: NUL removed, lone surrogates as U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # Through UTF-16, a high+low pair becomes its character; a lone half becomes U+FFFD.
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return value


def clean(value: object) -> object:
    """``clean_text`` for strings; anything else passes through for SQLite to judge."""
    return clean_text(value) if isinstance(value, str) else value


def count(value: object, name: str) -> int | None:
    """An engagement or follower count clamped to SQLite's integer range; None stays None."""
    if value is None:
        return None
    number = _integer(value, name)
    return max(INT64_MIN, min(INT64_MAX, number))


def timestamp(value: object, name: str) -> int | None:
    """A Unix time, or None when it is absent or cannot be a real date (beyond 64 bits)."""
    if value is None:
        return None
    number = _integer(value, name)
    return number if INT64_MIN <= number <= INT64_MAX else None


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} is {type(value).__name__}, expected an integer")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} is {value}, expected an integer")
        return int(value)
    return value


def score(value: object) -> object:
    """A sentiment compound; NaN or infinity (a scorer's division by zero) counts as neutral."""
    if isinstance(value, float) and not math.isfinite(value):
        return 0.0
    return value


def handle_of(mention: Mention) -> tuple[object, bool]:
    """The author's identity in ``authors`` and whether it is only a display name: their id when
    known, else their name; (None, False) for an anonymous mention."""
    for name in ("author_id", "author_url"):
        value = getattr(mention, name)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} is {type(value).__name__}, expected text")
    if mention.author_id:
        return clean(mention.author_id), False
    if mention.author:
        return clean(mention.author), True
    return None, False


def sort_time(published_at: int | None, now: int) -> int:
    """Where a mention sorts: its publication time, unless absent or implausibly in the future."""
    if published_at is None or published_at > now + MAX_FUTURE_SKEW:
        return now
    return published_at


_TEXT, _NUMBER, _NONE = (str,), (int, float), (type(None),)
_MAYBE_TEXT, _MAYBE_INT = (str, *_NONE), (int, *_NONE)
# Column name and the Python types its value may have, in INSERT order. Checked before SQLite
# sees a row, so a batch of wrong-typed rows from hostile JSON is refused here cheaply instead
# of one SAVEPOINT at a time while other processes wait for the write lock.
INSERT_SPEC: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("key", _TEXT), ("source_id", (int,)), ("platform", _TEXT), ("platform_id", _MAYBE_TEXT),
    ("guid", _MAYBE_TEXT), ("url", _MAYBE_TEXT), ("title", _TEXT), ("text", _TEXT),
    ("author", _TEXT), ("published_at", _MAYBE_INT), ("fetched_at", (int,)),
    ("sort_at", (int,)), ("language", _TEXT), ("sentiment", _NUMBER),
    ("sentiment_label", _TEXT), ("sentiment_method", _TEXT), ("sentiment_drivers", _TEXT),
    ("matched", _TEXT), ("category", _MAYBE_TEXT), ("priority", _NUMBER),
    ("replies", _MAYBE_INT), ("reshares", _MAYBE_INT), ("likes", _MAYBE_INT),
    ("in_reply_to", _MAYBE_TEXT), ("owned", (bool,)),
)
INSERT_COLUMNS = tuple(name for name, _ in INSERT_SPEC)
_INSERT_TYPES = tuple(types for _, types in INSERT_SPEC)


def mention_row(mention: Mention, source_id: int, now: int) -> tuple[object, ...]:
    """The INSERT parameters for ``mention``, in ``INSERT_COLUMNS`` order; a value of the
    wrong type raises ``TypeError`` naming the field."""
    published = timestamp(mention.published_at, "published_at")
    e, s = mention.engagement, mention.sentiment
    label = s.label.value if isinstance(s.label, Label) else s.label
    values = (
        mention.key, source_id, mention.platform, mention.platform_id, mention.guid, mention.url,
        _text(mention.title), _text(mention.text), _text(mention.author), published, now,
        sort_time(published, now), mention.language, score(s.compound), label, s.method,
        " ".join(s.drivers), "\n".join(str(m) for m in mention.matched), mention.category,
        mention.priority, count(e.replies, "replies"), count(e.reshares, "reshares"),
        count(e.likes, "likes"), mention.in_reply_to, bool(mention.owned),
    )
    if not all(map(isinstance, values, _INSERT_TYPES)):
        _refuse_types(values)
    return tuple([clean_text(v) if isinstance(v, str) else v for v in values])


def _refuse_types(values: tuple[object, ...]) -> None:
    for (name, types), value in zip(INSERT_SPEC, values, strict=True):
        if not isinstance(value, types):
            raise TypeError(f"{name} is {type(value).__name__}, expected {_expected(types)}")


def _expected(types: tuple[type, ...]) -> str:
    if str in types:
        return "text"
    return "a number" if float in types else "an integer" if int in types else "true or false"


def _text(value: object) -> object:
    """Absent content (JSON null) is empty text, the model's default for title, text, author."""
    return "" if value is None else value


def describe(mention: Mention) -> str:
    """A short, inert name for a mention in a skip message: its key, else its URL."""
    name = mention.key or mention.url or mention.title
    return repr(name if isinstance(name, str) else str(name))[:200]  # repr escapes controls


# --- coming out -------------------------------------------------------------------------------

SELECT_MENTIONS = """
SELECT m.id, s.name, m.platform, m.title, m.text, m.url, m.platform_id, m.guid, m.author,
       CASE WHEN a.by_name THEN NULL ELSE a.handle END, a.url, a.followers, m.published_at,
       m.replies, m.reshares, m.likes, m.in_reply_to, m.owned, m.key, m.language,
       m.sentiment, m.sentiment_label, m.sentiment_method, m.sentiment_drivers, m.matched,
       m.category, m.priority, m.fetched_at, m.sort_at, m.status, m.starred, m.snoozed_until,
       m.assignee, m.replied_at,
       (SELECT json_group_array(tag) FROM (SELECT tag FROM tags WHERE mention_id = m.id
                                           ORDER BY tag))
FROM mentions m
JOIN sources s ON s.id = m.source_id
LEFT JOIN authors a ON a.id = m.author_id
"""


def stored_mention(row: Sequence[Any]) -> StoredMention:
    """Rebuild a ``StoredMention`` from one ``SELECT_MENTIONS`` row.

    The text people read is cleaned again on the way out: listenpost cleans it at ingest, but a
    database can also come from an older version or another tool (it is half trusted), and the
    exports hand these values to spreadsheets, scripts and terminals.
    """
    return StoredMention(
        id=row[0], source=row[1], platform=row[2], title=_clean(row[3]), text=_clean(row[4]),
        url=_clean_or_none(row[5]), platform_id=row[6], guid=row[7], author=_clean(row[8]),
        author_id=row[9], author_url=row[10],
        author_followers=row[11], published_at=row[12],
        engagement=Engagement(row[13], row[14], row[15]),
        in_reply_to=row[16], owned=bool(row[17]), key=row[18], language=row[19],
        sentiment=_sentiment(row[20], row[21], row[22], row[23]),
        matched=parse_matched(str(row[24] or "")), category=row[25],
        priority=float(row[26] or 0.0), fetched_at=row[27], sort_at=row[28],
        status=row[29], starred=bool(row[30]), snoozed_until=row[31],
        assignee=row[32], replied_at=row[33], tags=_tags(row[34]),
    )


def _clean(value: Any) -> str:
    return sanitize(str(value)) if value else ""


def _clean_or_none(value: Any) -> str | None:
    return sanitize(str(value)) if value else None


def _tags(value: Any) -> list[str]:
    if not value or value == "[]":  # most mentions carry no tag: skip the JSON parser
        return []
    return list(json.loads(str(value)))


def _sentiment(compound: Any, label: Any, method: Any, drivers: Any) -> Sentiment:
    return Sentiment(float(compound or 0.0), label_of(label), str(method),
                     tuple(str(drivers).split()))


_LABELS = {label.value: label for label in Label}


def label_of(label: Any) -> Label:
    """The stored ``sentiment_label`` as a ``Label``; one written by hand or by a future
    version reads as neutral."""
    return _LABELS.get(label, Label.NEUTRAL) if isinstance(label, str) else Label.NEUTRAL


# What an export's summary counts mentions by, with how many share each combination: one pass
# over the table, a few hundred result rows, however many mentions there are.
SELECT_EXPORT_GROUPS = """
SELECT s.name, m.language, m.category, m.sentiment_label, m.matched, count(*)
FROM mentions m
JOIN sources s ON s.id = m.source_id
"""
GROUP_EXPORT = " GROUP BY s.name, m.language, m.category, m.sentiment_label, m.matched"


def parse_matched(text: str) -> list[Match]:
    """The ``matched`` column ("kind:name" lines) as ``Match`` objects."""
    matches = []
    for line in text.split("\n"):
        kind, sep, name = line.partition(":")
        if sep:
            matches.append(Match(kind, name))
    return matches


SELECT_SOURCES = """
SELECT id, name, kind, url, owned, last_status, last_message, last_polled_at, last_ok_at,
       error_count, next_poll_at, throttled_until, active
FROM sources
"""


def source_row(row: Sequence[Any]) -> SourceRow:
    """Rebuild a ``SourceRow`` from one ``SELECT_SOURCES`` row."""
    return SourceRow(
        id=row[0], name=row[1], kind=row[2], url=row[3], owned=bool(row[4]),
        last_status=row[5], last_message=row[6], last_polled_at=row[7],
        last_ok_at=row[8], error_count=int(row[9] or 0), next_poll_at=row[10],
        throttled_until=row[11], active=bool(row[12]),
    )
