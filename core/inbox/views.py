"""The inbox's views and filters as SQL predicates over ``mentions`` (aliased ``m``).

A view is a named slice of the inbox (New, Negative, one source, a search…). Each one is a
predicate plus the sidebar bucket that counts it; bucket membership is defined once in
``core.inbox.buckets``, from which these predicates and the count triggers are both derived.
Filters narrow any view further and are parsed from a one-line, keyboard-friendly syntax such
as ``source:hn sentiment:negative since:2d``. Everything here is pure: SQL text and parameters
in, no database touched. The brand's own posts (``owned``) never enter a triage view: they are
not for answering but for metrics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from core.analysis.match import Clause, QueryError, parse_query
from core.inbox.buckets import BUCKETS, TRIAGE, bucket
from core.inbox.choices import ChoiceError, FilterChoices, choose

NOT_SNOOZED = "(m.snoozed_until IS NULL OR m.snoozed_until <= :now)"

# Bucket name -> predicate over alias m, derived from the one bucket table.
BUCKET_PREDICATES: dict[str, str] = {b.key: b.condition.sql("m") for b in BUCKETS}
TRIAGE_SQL = TRIAGE.sql("m")  # what every triage view starts from
# Mentions with a draft being worked on, and those waiting for a member's approval: counted by
# triggers on replies (core/store/migrations, the replies migration), not on mentions.
REPLY_BUCKETS: dict[str, tuple[str, str]] = {
    "drafts": ("Drafts", "m.id IN (SELECT mention_id FROM replies"
                         " WHERE state IN ('open', 'pending', 'unknown'))"),
    "approval": ("Awaiting approval",
                 "m.id IN (SELECT mention_id FROM replies WHERE state = 'pending')"),
}
BUCKET_PREDICATES.update({key: sql for key, (_, sql) in REPLY_BUCKETS.items()})


class Order(StrEnum):
    """The list order: triage puts the worst and most urgent first, newest is plain time;
    stored is newest stored first, the order every search view lists in (see ``order_of``)."""

    TRIAGE = "triage"
    NEWEST = "newest"
    OLDEST = "oldest"
    STORED = "stored"


ORDER_COLUMNS: dict[Order, tuple[str, ...]] = {
    Order.TRIAGE: ("priority", "sort_at", "id"),
    Order.NEWEST: ("sort_at", "id"),
    Order.OLDEST: ("sort_at", "id"),
    Order.STORED: ("id",),
}
# Orders that list their smallest key first (the rest list the largest first).
ASCENDING: frozenset[Order] = frozenset({Order.OLDEST})
# What ``O`` steps through, in turn.
ORDER_CYCLE: tuple[Order, ...] = (Order.TRIAGE, Order.NEWEST, Order.OLDEST)


def next_order(order: Order) -> Order:
    """The order after ``order`` in ``ORDER_CYCLE`` (the first for one outside it)."""
    step = ORDER_CYCLE.index(order) + 1 if order in ORDER_CYCLE else 0
    return ORDER_CYCLE[step % len(ORDER_CYCLE)]


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
    counted: bool = False  # no bucket: the sidebar counts it with a capped query (list views)
    group: str = ""  # the sidebar heading it sits under ("Teams"); "" for none
    parts: tuple[str, ...] = ()  # no bucket of its own: its count is these buckets' sum

    def where(self) -> str:
        """The full predicate, snooze rule included."""
        if self.hides_snoozed:
            return f"({self.predicate}) AND {NOT_SNOOZED}"
        return f"({self.predicate})"


def _bucket_view(key: str, hides_snoozed: bool = True) -> View:
    label = REPLY_BUCKETS[key][0] if key in REPLY_BUCKETS else bucket(key).label
    return View(key, label, BUCKET_PREDICATES[key], (), hides_snoozed, key)


# Driven by mentions_snoozed, which holds only the few snoozed mentions: written plainly, the
# planner scanned the priority or status index instead (every mention, 0.3-0.9 s at 1M).
# "+m.status" keeps it off the status indexes.
SNOOZED = View(
    "snoozed", "Snoozed",
    "m.id IN (SELECT id FROM mentions WHERE snoozed_until > :now) AND +m.status = 'new'"
    " AND m.owned = 0",
    (), False, None,
)

# The fixed views in sidebar order; keys 1-9 jump to the first nine, 0 to All.
BUILTIN_VIEWS: tuple[View, ...] = (
    _bucket_view("new"),
    _bucket_view("needs_reply"),
    _bucket_view("negative"),
    _bucket_view("questions"),
    _bucket_view("ideas"),
    _bucket_view("competitors"),
    _bucket_view("starred", hides_snoozed=False),
    SNOOZED,
    _bucket_view("done", hides_snoozed=False),
    _bucket_view("all", hides_snoozed=False),
    _bucket_view("drafts", hides_snoozed=False),
    _bucket_view("approval", hides_snoozed=False),
)


# The sidebar's headings, each over the views of its kind (the built-in ones have none).
TEAMS, SOURCES, SEARCHES, LISTS = "Teams", "Sources", "Searches", "People lists"


def builtin_view(key: str) -> View:
    """The built-in view with this key (KeyError if there is none)."""
    for view in BUILTIN_VIEWS:
        if view.key == key:
            return view
    raise KeyError(key)


def mine_view(me: str) -> View:
    """New mentions assigned to ``me`` (counted by the ``assignee:`` bucket)."""
    pred = f"{TRIAGE_SQL} AND m.assignee = :view_me"
    return View("mine", "Mine", pred, (("view_me", me),), True, f"assignee:{me}")


def source_view(source_id: int, name: str) -> View:
    """New mentions from one source."""
    pred = f"{TRIAGE_SQL} AND m.source_id = :view_source"
    return View(f"source:{source_id}", name, pred, (("view_source", source_id),), True,
                f"source:{source_id}", group=SOURCES)


def search_view(query: str, label: str | None = None) -> View:
    """Every mention matching a full-text query (a ``/`` search or a saved search)."""
    fts = fts_query(query)
    pred = "m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH :view_fts)"
    return View(f"search:{query}", label or f"Search: {query}", pred, (("view_fts", fts),),
                False, None, fts, group=SEARCHES)


def list_view(name: str) -> View:
    """Mentions whose author is on a people list ("mentions by my advocates"), newest state
    first like any view; core.people keeps the lists."""
    pred = ("m.author_id IN (SELECT a.id FROM person_lists l JOIN authors a"
            " ON a.person_id = l.person_id WHERE l.list = :view_list)")
    return View(f"list:{name}", f"List: {name}", pred, (("view_list", name),), True, None,
                counted=True, group=LISTS)




def team_view(team: str, categories: Sequence[str]) -> View:
    """New mentions of the categories routed to ``team``: ``categories`` is what
    ``core.rules.routing.categories_of`` gives, the same list the team's digest reads
    (``listenpost --export digest.md --team``), so the inbox and the digest agree."""
    names = [f"view_team{i}" for i in range(len(categories))]
    chosen = ", ".join(f":{name}" for name in names) or "NULL"  # no categories: nothing
    pred = f"{TRIAGE_SQL} AND m.category IN ({chosen})"
    return View(f"team:{team}", team, pred, tuple(zip(names, categories, strict=True)), True,
                None, group=TEAMS, parts=tuple(f"category:{c}" for c in categories))


class SearchError(ValueError):
    """A search that cannot be run; the message says what is wrong, where, and what works."""


SEARCH_SYNTAX = ('words, "exact phrases", prefix*, AND, OR, NOT, -exclusions and (groups), '
                 "as in: refund OR chargeback -jobs")


def fts_query(text: str) -> str:
    """Translate a search, written in the listening-query syntax (``core.analysis.match``),
    into a safe FTS5 query; SearchError says what is wrong and what search accepts.

    Every word is quoted, so FTS5's own syntax (``NEAR``, column filters, stray quotes) is
    inert; a trailing ``*`` asks for a prefix, the one addition to the listening syntax. As in
    FTS5's tokenizer, ``#tag`` and ``@handle`` find the bare word.
    """
    try:
        return _fts(parse_query(text))
    except QueryError as error:
        where = f" (at character {error.position + 1})" if error.position else ""
        problem = error.message + where
    except _Untranslatable as error:
        problem = str(error)
    raise SearchError(f"{problem}; search takes {SEARCH_SYNTAX}")


class _Untranslatable(ValueError):
    """A valid listening query that FTS5 cannot express."""


def search_problem(text: str) -> str | None:
    """Why ``text`` cannot be searched for, or None when it can (for prompts and config)."""
    try:
        fts_query(text)
    except SearchError as error:
        return str(error)
    return None


def _fts(clause: Clause) -> str:
    if clause.op == "words":
        return _fts_words(clause.words)
    if clause.op == "or":
        return " OR ".join(_fts_operand(child) for child in clause.children)
    if clause.op == "and":
        return _fts_and(clause.children)
    raise _lone_not()


def _fts_and(children: tuple[Clause, ...]) -> str:
    """FTS5's NOT subtracts from what stands before it, so exclusions go after the rest."""
    wanted = [c for c in children if c.op != "not"]
    unwanted = [c.children[0] for c in children if c.op == "not"]
    if not wanted:
        raise _lone_not()
    query = " AND ".join(_fts_operand(child) for child in wanted)
    for child in unwanted:
        query = f"({query}) NOT {_fts_operand(child)}"
    return query


def _fts_operand(clause: Clause) -> str:
    if clause.op == "not":
        raise _lone_not()
    return _fts(clause) if clause.op == "words" else f"({_fts(clause)})"


def _fts_words(words: tuple[str, ...]) -> str:
    for word in words:
        if not any(char.isalnum() for char in word):
            raise _Untranslatable(f"{word!r} has no letters or digits to search for")
    prefix = len(words) == 1 and words[0].endswith("*") and len(words[0]) > 1
    bare = " ".join(words).removesuffix("*") if prefix else " ".join(words)
    return '"' + bare.replace('"', '""') + '"' + ("*" if prefix else "")


def _lone_not() -> _Untranslatable:
    return _Untranslatable("NOT or '-' needs a word to subtract from in its own group, "
                           "as in: (refund -jobs) OR chargeback")


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
# key:value or key:"a value with spaces"; anything else is reported as the part it is.
_PART = re.compile(r'(?P<key>[^\s:"]+):(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))(?=\s|$)')
_AGO = re.compile(r"^(\d{1,4})([hdw])$")  # up to 9999 units back: years of history at most
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400}


def parse_filters(text: str, now: int, choices: FilterChoices) -> Filters:
    """Parse ``key:value`` pairs (``source:hn sentiment:neg since:2d until:2024-05-01``).

    A value with spaces goes in quotes (``source:"Hacker News"``). Source, sentiment,
    category, language, assignee and tag values name one of ``choices``, by the rules of
    ``core.inbox.choices``. ``since``/``until`` take an age (``3h``, ``2d``, ``1w``) or an ISO
    date or time (UTC when no offset is given). FilterError names the offending part.
    """
    result, position = Filters(), 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        part = _PART.match(text, position)
        if part is None or part["key"].lower() not in _FILTER_KEYS:
            raise FilterError(_unreadable(text[position:]))
        value = part["quoted"] if part["quoted"] is not None else part["bare"]
        result = _apply_filter(result, part["key"].lower(), value, now, choices)
        position = part.end()
    return result


def _unreadable(rest: str) -> str:
    part = rest.split()[0]
    key, _, value = part.partition(":")
    if value.startswith('"') and key.lower() in _FILTER_KEYS:
        return f"the quote after {key}: is never closed: add the closing '\"'"
    known = ", ".join(sorted(_FILTER_KEYS))
    return f"cannot read filter {part!r}: write key:value or key:\"a value\", keys are {known}"


# Filter key -> (what a value is called in messages, the Filters field, its choices).
_CHOSEN: dict[str, tuple[str, str, Callable[[FilterChoices], tuple[str, ...]]]] = {
    "source": ("source", "source", lambda c: c.sources),
    "sentiment": ("sentiment", "sentiment", lambda c: c.sentiments),
    "category": ("category", "category", lambda c: c.categories),
    "lang": ("language", "language", lambda c: c.languages),
    "language": ("language", "language", lambda c: c.languages),
    "assignee": ("assignee", "assignee", lambda c: c.assignees),
}


def _apply_filter(filters: Filters, key: str, value: str, now: int,
                  choices: FilterChoices) -> Filters:
    try:
        if key == "since":
            return replace(filters, since=_when(value, now))
        if key == "until":
            return replace(filters, until=_when(value, now))
        if key == "tag":
            return replace(filters, tags=(*filters.tags, choose("tag", value, choices.tags)))
        what, field_name, options = _CHOSEN[key]
        chosen = {field_name: choose(what, value, options(choices))}
        return replace(filters, **chosen)  # type: ignore[arg-type]
    except ChoiceError as error:
        raise FilterError(str(error)) from None


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
    parts = [f"{k}:{_quoted(v)}" for k, v in (
             ("source", filters.source), ("sentiment", filters.sentiment),
             ("category", filters.category), ("lang", filters.language),
             ("assignee", filters.assignee)) if v]
    parts += [f"tag:{_quoted(t)}" for t in filters.tags]
    return " ".join(parts + _range_words(filters))


def _quoted(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) else value


def _range_words(filters: Filters) -> list[str]:
    words = []
    for key, value in (("since", filters.since), ("until", filters.until)):
        if value is not None:
            words.append(f"{key}:{datetime.fromtimestamp(value, UTC).strftime('%Y-%m-%dT%H:%M')}")
    return words
