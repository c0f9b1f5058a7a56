"""The inbox's views and filters as SQL predicates over ``mentions`` (aliased ``m``).

A view is a named slice of the inbox (New, Negative, one source, a search…). Each one is a
predicate plus the sidebar bucket that counts it (see migrations/0002_inbox.sql, whose
triggers must agree with ``BUCKET_PREDICATES`` here). Filters narrow any view further and are
parsed from a one-line, keyboard-friendly syntax such as ``source:hn sentiment:negative
since:2d``. Everything here is pure: SQL text and parameters in, no database touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from core.analysis.categories import IDEA, QUESTION, REPLY_CATEGORIES, sql_list

NOT_SNOOZED = "(m.snoozed_until IS NULL OR m.snoozed_until <= :now)"
COMPETITOR = "(m.matched LIKE 'competitor:%' OR instr(m.matched, char(10) || 'competitor:') > 0)"
NEEDS_REPLY = (
    "m.status = 'new' AND m.replied_at IS NULL AND m.owned = 0"
    f" AND (m.category IN {sql_list(REPLY_CATEGORIES)} OR m.sentiment_label = 'negative')"
)

# Bucket name -> predicate; the triggers of 0002_inbox.sql keep the same membership.
BUCKET_PREDICATES: dict[str, str] = {
    "all": "1",
    "new": "m.status = 'new'",
    "done": "m.status = 'done'",
    "starred": "m.starred = 1",
    "needs_reply": NEEDS_REPLY,
    "negative": "m.status = 'new' AND m.sentiment_label = 'negative'",
    "questions": f"m.status = 'new' AND m.category = '{QUESTION}'",
    "ideas": f"m.status = 'new' AND m.category = '{IDEA}'",
    "competitors": f"m.status = 'new' AND {COMPETITOR}",
}


class Order(StrEnum):
    """The list order: triage puts the worst and most urgent first, newest is plain time;
    stored is newest stored first, the order every search view lists in (see ``order_of``)."""

    TRIAGE = "triage"
    NEWEST = "newest"
    STORED = "stored"


ORDER_COLUMNS: dict[Order, tuple[str, ...]] = {
    Order.TRIAGE: ("priority", "sort_at", "id"),
    Order.NEWEST: ("sort_at", "id"),
    Order.STORED: ("id",),
}


def order_of(view: View, order: Order) -> Order:
    """The order ``view`` really lists in when ``order`` is asked for.

    A search of common words matches hundreds of thousands of mentions at a million stored;
    sorting them all by priority or time took over a second. FTS5 hands matches out in rowid
    order, so a search lists newest stored first and a window costs its page, not its hits.
    """
    return Order.STORED if view.fts is not None else order


@dataclass(frozen=True, slots=True)
class View:
    """One sidebar entry: what it shows and how its count is served."""

    key: str  # stable id: "new", "source:3", "search:refund"
    label: str
    predicate: str  # SQL over alias m; may use :now and the params below
    params: tuple[tuple[str, object], ...] = ()
    hides_snoozed: bool = True  # snoozed mentions leave this view until their time comes
    bucket: str | None = None  # inbox_counts bucket; None for snoozed and search views
    fts: str | None = None  # an FTS5 query when the view is a search

    def where(self) -> str:
        """The full predicate, snooze rule included."""
        if self.hides_snoozed:
            return f"({self.predicate}) AND {NOT_SNOOZED}"
        return f"({self.predicate})"


def _bucket_view(key: str, label: str, hides_snoozed: bool = True) -> View:
    return View(key, label, BUCKET_PREDICATES[key], (), hides_snoozed, key)


# Driven by mentions_snoozed, which holds only the few snoozed mentions: written plainly, the
# planner scanned the priority or status index instead (every mention, 0.3-0.9 s at 1M).
# "+m.status" keeps it off the status indexes.
SNOOZED = View(
    "snoozed", "Snoozed",
    "m.id IN (SELECT id FROM mentions WHERE snoozed_until > :now) AND +m.status = 'new'",
    (), False, None,
)

# The fixed views in sidebar order; keys 1-9 jump to the first nine, 0 to All.
BUILTIN_VIEWS: tuple[View, ...] = (
    _bucket_view("new", "New"),
    _bucket_view("needs_reply", "Needs reply"),
    _bucket_view("negative", "Negative"),
    _bucket_view("questions", "Questions"),
    _bucket_view("ideas", "Ideas"),
    _bucket_view("competitors", "Competitors"),
    _bucket_view("starred", "Starred", hides_snoozed=False),
    SNOOZED,
    _bucket_view("done", "Done", hides_snoozed=False),
    _bucket_view("all", "All", hides_snoozed=False),
)


def builtin_view(key: str) -> View:
    """The built-in view with this key (KeyError if there is none)."""
    for view in BUILTIN_VIEWS:
        if view.key == key:
            return view
    raise KeyError(key)


def source_view(source_id: int, name: str) -> View:
    """New mentions from one source."""
    pred = "m.status = 'new' AND m.source_id = :view_source"
    return View(f"source:{source_id}", name, pred, (("view_source", source_id),), True,
                f"source:{source_id}")


def search_view(query: str, label: str | None = None) -> View:
    """Every mention matching a full-text query (a ``/`` search or a saved search)."""
    fts = fts_query(query)
    pred = "m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH :view_fts)"
    return View(f"search:{query}", label or f"Search: {query}", pred, (("view_fts", fts),),
                False, None, fts)


_TERM = re.compile(r'"[^"]*"|\S+')


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every term quoted, ANDed.

    FTS5 syntax errors (a stray quote, ``AND`` at the end) would otherwise reach the user as
    SQL errors; a trailing ``*`` keeps its prefix meaning.
    """
    parts = []
    for term in _TERM.findall(text):
        prefix = term.endswith("*") and len(term) > 1
        bare = term.strip('"').rstrip("*").replace('"', '""')
        if bare:
            parts.append(f'"{bare}"' + ("*" if prefix else ""))
    return " ".join(parts) if parts else '""'


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrowing applied on top of a view; empty fields do nothing."""

    source: str | None = None  # source name
    sentiment: str | None = None  # positive | neutral | negative
    category: str | None = None
    language: str | None = None
    assignee: str | None = None  # a name, "me", or "none"
    since: int | None = None  # sort_at >= since
    until: int | None = None  # sort_at < until
    tags: tuple[str, ...] = field(default=())

    def is_empty(self) -> bool:
        """True when nothing narrows the view."""
        return self == Filters()


def filter_sql(filters: Filters, me: str) -> tuple[str, dict[str, object]]:
    """The SQL conjunction and parameters for ``filters`` (``"1"`` when empty)."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    simple = (("sentiment_label", filters.sentiment), ("category", filters.category),
              ("language", filters.language))
    for column, value in simple:
        if value:
            clauses.append(f"m.{column} = :f_{column}")
            params[f"f_{column}"] = value
    if filters.source:
        clauses.append("m.source_id = (SELECT id FROM sources WHERE name = :f_source)")
        params["f_source"] = filters.source
    _assignee_sql(filters.assignee, me, clauses, params)
    _range_sql(filters, clauses, params)
    for i, tag in enumerate(filters.tags):
        clauses.append("EXISTS (SELECT 1 FROM tags t WHERE t.mention_id = m.id"
                       f" AND t.tag = :f_tag{i})")
        params[f"f_tag{i}"] = tag
    return (" AND ".join(clauses) or "1"), params


def _assignee_sql(who: str | None, me: str, clauses: list[str], params: dict[str, object]) -> None:
    if not who:
        return
    if who == "none":
        clauses.append("m.assignee IS NULL")
        return
    clauses.append("m.assignee = :f_assignee")
    params["f_assignee"] = me if who == "me" else who


def _range_sql(filters: Filters, clauses: list[str], params: dict[str, object]) -> None:
    if filters.since is not None:
        clauses.append("m.sort_at >= :f_since")
        params["f_since"] = filters.since
    if filters.until is not None:
        clauses.append("m.sort_at < :f_until")
        params["f_until"] = filters.until


class FilterError(ValueError):
    """A filter line that could not be understood; the message says which part and why."""


_FILTER_KEYS = {"source", "sentiment", "category", "lang", "language", "assignee", "since",
                "until", "tag"}
_SENTIMENTS = {"positive": "positive", "neutral": "neutral", "negative": "negative",
               "pos": "positive", "neg": "negative"}
_AGO = re.compile(r"^(\d{1,4})([hdw])$")  # up to 9999 units back: years of history at most
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400}


def parse_filters(text: str, now: int) -> Filters:
    """Parse ``key:value`` pairs (``source:hn sentiment:neg since:2d until:2024-05-01``).

    ``since``/``until`` take an age (``3h``, ``2d``, ``1w``) or an ISO date or time (UTC when
    no offset is given). Unknown keys and values raise FilterError naming the offending part.
    """
    result = Filters()
    for part in text.split():
        key, sep, value = part.partition(":")
        if not sep or not value or key not in _FILTER_KEYS:
            known = ", ".join(sorted(_FILTER_KEYS))
            raise FilterError(f"cannot read filter {part!r}: write key:value, keys are {known}")
        result = _apply_filter(result, key, value, now)
    return result


def _apply_filter(filters: Filters, key: str, value: str, now: int) -> Filters:
    if key == "sentiment":
        return replace(filters, sentiment=_sentiment(value))
    if key == "since":
        return replace(filters, since=_when(value, now))
    if key == "until":
        return replace(filters, until=_when(value, now))
    if key == "tag":
        return replace(filters, tags=(*filters.tags, value))
    field_name = "language" if key == "lang" else key
    return replace(filters, **{field_name: value})  # type: ignore[arg-type]


def _sentiment(value: str) -> str:
    if value in _SENTIMENTS:
        return _SENTIMENTS[value]
    raise FilterError(f"sentiment must be positive, neutral or negative, not {value!r}")


def _when(value: str, now: int) -> int:
    ago = _AGO.match(value)
    if ago:
        return now - int(ago.group(1)) * _UNIT_SECONDS[ago.group(2)]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FilterError(f"cannot read time {value!r}: use 3h, 2d, 1w or 2024-05-01") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def describe_filters(filters: Filters) -> str:
    """The filter line that ``parse_filters`` reads back to the same narrowing (ages absolute)."""
    parts = [f"{k}:{v}" for k, v in (("source", filters.source), ("sentiment", filters.sentiment),
             ("category", filters.category), ("lang", filters.language),
             ("assignee", filters.assignee)) if v]
    parts += [f"tag:{t}" for t in filters.tags]
    return " ".join(parts + _range_words(filters))


def _range_words(filters: Filters) -> list[str]:
    words = []
    for key, value in (("since", filters.since), ("until", filters.until)):
        if value is not None:
            words.append(f"{key}:{datetime.fromtimestamp(value, UTC).strftime('%Y-%m-%dT%H:%M')}")
    return words
