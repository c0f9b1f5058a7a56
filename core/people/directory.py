"""The people behind the influencers and profile screens: windows, lists, notes, mute, merges.

``People.window`` pages the influencers table by keyset over an indexed order (score, posts,
interactions per post, last seen), never reading more rows than are shown, like the inbox.
Actions on a person (lists, mute, notes, tags, merges) are logged in ``person_actions`` with
what undo needs, and ``undo_last`` reverses the actor's latest one. Muting takes effect at
ingest: a muted person's new mentions arrive as done, so they skip New.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import aiosqlite

from core.people.refresh import ScoreSettings, refresh
from core.people.score import Score, Stats, score
from core.store.migrate import Transaction

STANCES = ("advocate", "neutral", "critic")
# Lists offered before any exists; any other name works too.
SUGGESTED_LISTS = ("advocates", "critics", "journalists", "prospects")
# A profile shows a person's newest mentions (and replies to them); older ones stay in the
# database (and exports).
PROFILE_MENTIONS = 200
# A filtered table counts at most this many people ("1,000+"): counting every reddit author
# among 100,000 people took 0.3 s, while the first thousand are found in a few milliseconds.
COUNT_CAP = 1000


class PeopleOrder(StrEnum):
    """How the influencers table sorts, highest first."""

    SCORE = "score"
    POSTS = "posts"
    PER_POST = "per_post"
    LAST_SEEN = "last_seen"


@dataclass(frozen=True, slots=True)
class PeopleFilter:
    """Narrowing of the table; empty fields do nothing."""

    platform: str | None = None
    list: str | None = None
    stance: str | None = None

    def describe(self) -> str:
        """The filter in words, for a title line."""
        parts = [f"{k}:{v}" for k, v in (("platform", self.platform), ("list", self.list),
                                         ("stance", self.stance)) if v]
        return " ".join(parts)


_ROW_COLUMNS = (
    "p.id, p.name, p.platforms, p.posts, p.per_post, p.stance, p.last_seen, p.score,"
    " p.relevance, p.engagement, p.consistency, p.reach, p.followers, p.muted,"
    " (SELECT group_concat(list, ',') FROM (SELECT list FROM person_lists"
    "  WHERE person_id = p.id ORDER BY list))"
)


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One line of the influencers table (and one row of the people export)."""

    id: int
    name: str
    platforms: str
    posts: int
    per_post: float
    stance: str
    last_seen: int
    score: float
    relevance: float
    engagement: float
    consistency: float
    reach: float
    followers: int | None
    muted: bool
    lists: tuple[str, ...]

    def key(self, order: PeopleOrder) -> tuple[object, object]:
        """This row's position in ``order``: the keyset anchor for the next window."""
        return getattr(self, order.value), self.id


def _person(r: Any) -> PersonRow:
    lists = tuple(str(r[14]).split(",")) if r[14] else ()
    return PersonRow(int(r[0]), str(r[1]), str(r[2]), int(r[3]), float(r[4]), str(r[5]),
                     int(r[6] or 0), float(r[7]), float(r[8]), float(r[9]), float(r[10]),
                     float(r[11]), r[12], bool(r[13]), lists)


@dataclass(frozen=True, slots=True)
class Identity:
    """One platform identity of a person."""

    id: int
    platform: str
    handle: str
    name: str
    url: str | None
    followers: int | None
    first_seen: int
    last_seen: int


@dataclass(frozen=True, slots=True)
class Written:
    """One mention a person wrote, with how we handled it."""

    id: int
    sort_at: int
    source: str
    title: str
    snippet: str
    sentiment_label: str
    status: str
    category: str | None
    assignee: str | None
    replied_at: int | None
    first_response: int | None  # seconds from arrival to our first action or reply


@dataclass(frozen=True, slots=True)
class SentReply:
    """A reply we sent to one of the person's mentions (from the replies store)."""

    mention_id: int
    sent_at: int
    sent_by: str
    via: str  # mastodon | bluesky | elsewhere (posted by hand and confirmed)
    url: str | None  # where our post can be read
    text: str
    mention_title: str  # what it answered: the mention's title or the start of its text
    response: int  # seconds from the mention's arrival to this reply


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything the profile screen shows about one person."""

    person: PersonRow
    identities: tuple[Identity, ...]
    notes: tuple[tuple[int, str, str], ...]  # (created_at, author, body)
    tags: tuple[str, ...]
    mentions: tuple[Written, ...]
    history: tuple[tuple[int, str, str, bool], ...] = field(default=())  # at, actor, what, undone
    replies: tuple[SentReply, ...] = field(default=())  # newest first

    def first_responses(self) -> list[int]:
        """Seconds to our first response, for each of their mentions we responded to."""
        return [m.first_response for m in self.mentions if m.first_response is not None]


_WRITTEN = (
    "SELECT m.id, m.sort_at, (SELECT name FROM sources WHERE id = m.source_id), m.title,"
    " substr(m.text, 1, 200), m.sentiment_label, m.status, m.category, m.assignee, m.replied_at,"
    " coalesce(m.replied_at, (SELECT min(at) FROM actions WHERE mention_id = m.id"
    "  AND action != 'undo')) - m.fetched_at"
    " FROM mentions m WHERE m.author_id IN (SELECT id FROM authors WHERE person_id = :p)"
    " ORDER BY m.sort_at DESC, m.id DESC LIMIT :n"
)


# Every reply we sent to the person's mentions, newest first; replies are few beside mentions,
# so the sent ones are read by state and joined to their mentions by key.
_REPLIES = (
    "SELECT r.mention_id, r.sent_at, coalesce(r.sent_by, r.drafted_by), coalesce(r.sent_via, ''),"
    " r.post_url, r.text, substr(CASE WHEN m.title != '' THEN m.title ELSE m.text END, 1, 80),"
    " r.sent_at - m.fetched_at"
    " FROM replies r JOIN mentions m ON m.id = r.mention_id"
    " WHERE r.state = 'sent' AND m.author_id IN (SELECT id FROM authors WHERE person_id = :p)"
    " ORDER BY r.sent_at DESC, r.id DESC LIMIT :n"
)


class PersonError(ValueError):
    """An action on a person that cannot be done; the message says why."""


class People:
    """Reads and actions on people over one store connection."""

    def __init__(self, db: aiosqlite.Connection, transaction: Transaction,
                 settings: ScoreSettings | None = None) -> None:
        self._db, self._transaction = db, transaction
        self.settings = settings or ScoreSettings()

    async def refresh(self, now: int) -> int:
        """Bring stored counts and scores up to date (see ``core.people.refresh``)."""
        return await refresh(self._db, self._transaction, self.settings, now)

    # -- reading ---------------------------------------------------------------------------

    async def window(self, filters: PeopleFilter, order: PeopleOrder, *, limit: int,
                     after: PersonRow | None = None, before: PersonRow | None = None,
                     at: PersonRow | None = None, last: bool = False) -> list[PersonRow]:
        """Up to ``limit`` people in ``order`` after (or before, or from) an anchor, in table
        order; with no anchor from the top, with ``last`` the final rows."""
        where, params = _filter_sql(filters)
        column = f"p.{order.value}"
        backwards = (before is not None or last) and after is None and at is None
        anchor = before if backwards else after or at
        if anchor is not None:
            compare = ">" if backwards else "<=" if at is not None else "<"
            where += f" AND ({column}, p.id) {compare} (:k_value, :k_id)"
            params["k_value"], params["k_id"] = anchor.key(order)
        direction = "ASC" if backwards else "DESC"
        sql = (f"SELECT {_ROW_COLUMNS} FROM people p WHERE {where}"
               f" ORDER BY {column} {direction}, p.id {direction} LIMIT :limit")
        rows = [_person(r) for r in await self._fetch(sql, {**params, "limit": limit})]
        return rows[::-1] if backwards else rows

    async def count(self, filters: PeopleFilter, *, cap: int = COUNT_CAP) -> int:
        """How many people the table holds under ``filters``; a filtered count stops at
        ``cap``."""
        where, params = _filter_sql(filters, counting=True)
        if filters == PeopleFilter():
            rows = await self._fetch(f"SELECT count(*) FROM people p WHERE {where}", params)
            return int(rows[0][0])
        if filters.platform and not filters.list:
            return await self._count_platform(filters, cap)
        # A list filter counts its members by key; a stance alone seeks people_filters.
        index = "" if filters.list else " INDEXED BY people_filters"
        rows = await self._fetch(f"SELECT count(*) FROM (SELECT 1 FROM people p{index}"
                                 f" WHERE {where} LIMIT :cap)", {**params, "cap": cap})
        return int(rows[0][0])

    async def _count_platform(self, filters: PeopleFilter, cap: int) -> int:
        """People heard on a platform (and of a stance), up to ``cap``: those heard there alone
        by seeking people_filters on (stance, platforms) once per stance, then, only while
        under the cap, the merged people heard there among others (few, found by a scan).
        Testing every index entry's platforms read up to 24,000 entries at 100k people."""
        stances = [filters.stance] if filters.stance else list(STANCES)
        params: dict[str, object] = {f"s{i}": s for i, s in enumerate(stances)}
        named = ", ".join(f":s{i}" for i in range(len(stances)))
        params.update(platform=filters.platform, cap=cap)
        rows = await self._fetch("SELECT count(*) FROM (SELECT 1 FROM people p INDEXED BY"
                                 f" people_filters WHERE p.posts > 0 AND p.stance IN ({named})"
                                 " AND p.platforms = :platform LIMIT :cap)", params)
        found = int(rows[0][0])
        if found >= cap:
            return cap
        where, more = _filter_sql(filters, counting=True)
        rows = await self._fetch("SELECT count(*) FROM (SELECT 1 FROM people p INDEXED BY"
                                 f" people_filters WHERE {where} AND instr(p.platforms, ',') > 0"
                                 " LIMIT :cap)", {**more, "cap": cap - found})
        return found + int(rows[0][0])

    async def ranked(self, filters: PeopleFilter) -> list[PersonRow]:
        """Every person under ``filters`` by score, highest first (ties by id): the export."""
        where, params = _filter_sql(filters)
        sql = f"SELECT {_ROW_COLUMNS} FROM people p WHERE {where} ORDER BY p.score DESC, p.id"
        return [_person(r) for r in await self._fetch(sql, params)]

    async def person(self, person_id: int) -> PersonRow | None:
        """One person's table row, or None."""
        rows = await self._fetch(f"SELECT {_ROW_COLUMNS} FROM people p WHERE p.id = :id",
                                 {"id": person_id})
        return _person(rows[0]) if rows else None

    async def explain(self, person_id: int, now: int) -> Score | None:
        """The person's score with each part's value, weight, points and reason."""
        rows = await self._fetch(
            "SELECT posts, relevant, specific, interactions, active_days, last_seen, followers,"
            " about_us, sentiment_sum FROM people WHERE id = :id", {"id": person_id})
        if not rows:
            return None
        r = rows[0]
        stats = Stats(int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), r[5], r[6],
                      int(r[7]), float(r[8]))
        return score(stats, self.settings.weights, now)

    async def person_of_mention(self, mention_id: int) -> int | None:
        """The person who wrote a mention (None for an anonymous one)."""
        rows = await self._fetch(
            "SELECT a.person_id FROM mentions m JOIN authors a ON a.id = m.author_id"
            " WHERE m.id = :id", {"id": mention_id})
        return int(rows[0][0]) if rows else None

    async def list_names(self) -> list[str]:
        """Every list in use, by name."""
        rows = await self._fetch("SELECT DISTINCT list FROM person_lists ORDER BY list", {})
        return [str(r[0]) for r in rows]

    async def platforms(self) -> list[str]:
        """Every platform people were heard on."""
        rows = await self._fetch("SELECT DISTINCT platform FROM authors ORDER BY platform", {})
        return [str(r[0]) for r in rows]

    async def profile(self, person_id: int) -> Profile | None:
        """Who they are, what we noted, every mention they wrote and how it went."""
        person = await self.person(person_id)
        if person is None:
            return None
        identities = tuple(Identity(*r) for r in await self._fetch(
            "SELECT id, platform, handle, name, url, followers, first_seen, last_seen"
            " FROM authors WHERE person_id = :p ORDER BY platform, handle", {"p": person_id}))
        notes = tuple((int(a), str(b), str(c)) for a, b, c in await self._fetch(
            "SELECT created_at, author, body FROM person_notes WHERE person_id = :p ORDER BY id",
            {"p": person_id}))
        tags = tuple(str(r[0]) for r in await self._fetch(
            "SELECT tag FROM person_tags WHERE person_id = :p ORDER BY tag", {"p": person_id}))
        written = tuple(Written(*r) for r in await self._fetch(
            _WRITTEN, {"p": person_id, "n": PROFILE_MENTIONS}))
        history = tuple((int(a), str(b), str(c), bool(d)) for a, b, c, d in await self._fetch(
            "SELECT at, actor, action, undone FROM person_actions WHERE person_id = :p"
            " ORDER BY id DESC LIMIT 20", {"p": person_id}))
        replies = tuple(SentReply(int(m), int(at), str(by), str(via), url, str(text), str(t),
                                  int(took))
                        for m, at, by, via, url, text, t, took in await self._fetch(
                            _REPLIES, {"p": person_id, "n": PROFILE_MENTIONS}))
        return Profile(person, identities, notes, tags, written, history, replies)

    # -- actions ---------------------------------------------------------------------------

    async def toggle_list(self, person_id: int, name: str, *, actor: str, now: int) -> bool:
        """Put the person on list ``name``, or take them off if there; True when added."""
        name = name.strip()
        if not name or "," in name:  # the table reads a person's lists joined by commas
            raise PersonError(f"a list needs a name without commas, not {name!r}")
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM person_lists WHERE list = ? AND person_id = ?",
                                      (name, person_id))
            added = cursor.rowcount == 0
            if added:
                await db.execute("INSERT INTO person_lists(list, person_id, added_at, added_by)"
                                 " VALUES (?, ?, ?, ?)", (name, person_id, now, actor))
            await _log(db, now, actor, "list-add" if added else "list-remove", person_id,
                       {"list": name})
            return added

    async def set_muted(self, person_id: int, muted: bool, *, actor: str, now: int) -> None:
        """Mute (their new mentions skip New) or unmute."""
        async with self._transaction() as db:
            await db.execute("UPDATE people SET muted = ? WHERE id = ?", (int(muted), person_id))
            await _log(db, now, actor, "mute" if muted else "unmute", person_id, {})

    async def add_note(self, person_id: int, body: str, *, actor: str, now: int) -> None:
        """A note about the person, signed and dated."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO person_notes(person_id, author, body, created_at) VALUES (?, ?, ?, ?)",
                (person_id, actor, body, now))
            await _log(db, now, actor, "note", person_id, {"note_id": cursor.lastrowid})

    async def add_tag(self, person_id: int, tag: str, *, actor: str, now: int) -> None:
        """Tag the person (a tag already there stays once)."""
        async with self._transaction() as db:
            await db.execute("INSERT OR IGNORE INTO person_tags(person_id, tag) VALUES (?, ?)",
                             (person_id, tag))
            await _log(db, now, actor, "tag", person_id, {"tag": tag})

    async def merge(self, into: int, other: int, *, actor: str, now: int) -> None:
        """Make ``other``'s identities, lists, notes and tags ``into``'s: one person."""
        if into == other:
            raise PersonError("a person cannot be merged with themselves")
        async with self._transaction() as db:
            moved = [r[0] for r in await _all(db, "SELECT id FROM authors WHERE person_id = ?",
                                              (other,))]
            if not moved:
                raise PersonError(f"person {other} has no identities to merge")
            await db.execute("UPDATE authors SET person_id = ? WHERE person_id = ?", (into, other))
            await db.execute(
                "INSERT OR IGNORE INTO person_lists(list, person_id, added_at, added_by)"
                " SELECT list, ?, added_at, added_by FROM person_lists WHERE person_id = ?",
                (into, other))
            await db.execute("INSERT OR IGNORE INTO person_tags(person_id, tag)"
                             " SELECT ?, tag FROM person_tags WHERE person_id = ?", (into, other))
            for table in ("person_lists", "person_tags"):
                await db.execute(f"DELETE FROM {table} WHERE person_id = ?", (other,))
            await db.execute("UPDATE person_notes SET person_id = ? WHERE person_id = ?",
                             (into, other))
            await db.execute("UPDATE people SET dirty = 1 WHERE id IN (?, ?)", (into, other))
            await _log(db, now, actor, "merge", into, {"from": other, "identities": moved})

    async def split(self, person_id: int, *, actor: str, now: int) -> int:
        """Give each identity of a merged person its own person again; how many left.
        Lists, notes and tags stay with ``person_id``."""
        async with self._transaction() as db:
            moved = [r[0] for r in await _all(
                db, "SELECT id FROM authors WHERE person_id = ? AND id != ?",
                (person_id, person_id))]
            await db.execute("UPDATE authors SET person_id = id WHERE person_id = ? AND id != ?",
                             (person_id, person_id))
            ids = json.dumps([person_id, *moved])
            await db.execute("UPDATE people SET dirty = 1 WHERE id IN"
                             " (SELECT value FROM json_each(?))", (ids,))
            await _log(db, now, actor, "split", person_id, {"identities": moved})
            return len(moved)

    async def undo_last(self, actor: str, *, now: int) -> str | None:
        """Reverse ``actor``'s latest list change, mute, note or tag; what was undone."""
        async with self._transaction() as db:
            rows = await _all(db, "SELECT id, action, person_id, detail FROM person_actions"
                              " WHERE actor = ? AND undone = 0 AND action IN ('list-add',"
                              " 'list-remove', 'mute', 'unmute', 'note', 'tag')"
                              " ORDER BY id DESC LIMIT 1", (actor,))
            if not rows:
                return None
            action_id, action, person_id, detail = rows[0]
            await _reverse(db, str(action), int(person_id), json.loads(str(detail)), actor, now)
            await db.execute("UPDATE person_actions SET undone = 1 WHERE id = ?", (action_id,))
            return str(action)

    async def _fetch(self, sql: str, params: dict[str, object]) -> list[Any]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())


def _filter_sql(filters: PeopleFilter, *, counting: bool = False
                ) -> tuple[str, dict[str, object]]:
    """The WHERE of the table under ``filters``. A window reads in its order's index, so its
    stance test is written ``+p.stance`` (no index); a count may use people_filters."""
    clauses: list[str] = ["p.posts > 0"]
    params: dict[str, object] = {}
    if filters.platform:  # the person's platforms as kept by core.people.refresh
        clauses.append("instr(',' || p.platforms || ',', :f_platform) > 0")
        params["f_platform"] = f",{filters.platform},"
    if filters.stance:
        clauses.append(f"{'' if counting else '+'}p.stance = :f_stance")
        params["f_stance"] = filters.stance
    if filters.list:
        clauses.append("p.id IN (SELECT person_id FROM person_lists WHERE list = :f_list)")
        params["f_list"] = filters.list
    return " AND ".join(clauses), params


async def _reverse(db: aiosqlite.Connection, action: str, person_id: int,
                   detail: dict[str, Any], actor: str, now: int) -> None:
    if action == "list-add":
        await db.execute("DELETE FROM person_lists WHERE list = ? AND person_id = ?",
                         (detail["list"], person_id))
    elif action == "list-remove":
        await db.execute("INSERT OR IGNORE INTO person_lists(list, person_id, added_at, added_by)"
                         " VALUES (?, ?, ?, ?)", (detail["list"], person_id, now, actor))
    elif action in ("mute", "unmute"):
        await db.execute("UPDATE people SET muted = ? WHERE id = ?",
                         (int(action == "unmute"), person_id))
    elif action == "note":
        await db.execute("DELETE FROM person_notes WHERE id = ?", (detail["note_id"],))
    elif action == "tag":
        await db.execute("DELETE FROM person_tags WHERE person_id = ? AND tag = ?",
                         (person_id, detail["tag"]))
    await _log(db, now, actor, "undo", person_id, {"undid": action})


async def _log(db: aiosqlite.Connection, now: int, actor: str, action: str, person_id: int,
               detail: dict[str, object]) -> None:
    await db.execute("INSERT INTO person_actions(at, actor, action, person_id, detail)"
                     " VALUES (?, ?, ?, ?, ?)", (now, actor, action, person_id,
                                                 json.dumps(detail, sort_keys=True)))


async def _all(db: aiosqlite.Connection, sql: str, params: tuple[object, ...]) -> list[Any]:
    async with db.execute(sql, params) as cursor:
        return list(await cursor.fetchall())
