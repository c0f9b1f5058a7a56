"""core.inbox.triage against a real SQLite file: windows, counts, triage actions and undo."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from core.inbox.triage import Ids, Inbox, InView, Row
from core.inbox.views import (
    ASCENDING,
    BUCKET_PREDICATES,
    BUILTIN_VIEWS,
    Filters,
    Order,
    builtin_view,
    mine_view,
    search_view,
    source_view,
)
from tests.tui.inbox_db import T0, M, create_db, insert, open_inbox

NEW = builtin_view("new")


def varied(n: int, seed: int = 7) -> list[M]:
    """Rows covering every bucket, with ties in priority and time to test the keyset."""
    rng = random.Random(seed)
    return [M(title=f"m{i}", source=rng.choice(["blog", "hn", "reddit"]),
              sort_at=T0 - rng.randrange(0, 50) * 60, priority=rng.choice([0.0, 0.5, 1.0]),
              sentiment_label=rng.choice(["negative", "neutral", "positive"]),
              category=rng.choice([None, "question", "idea", "complaint"]),
              matched=rng.choice(["", "brand:Acme", "brand:Acme\ncompetitor:Globex"]),
              status=rng.choice(["new", "new", "done"]), starred=rng.choice([0, 0, 1]))
            for i in range(n)]


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    await create_db(path)
    return path


async def all_rows(inbox: Inbox, order: Order, page: int) -> list[Row]:
    rows: list[Row] = []
    while True:
        more = await inbox.window(NEW, Filters(), now=T0, limit=page, order=order,
                                  after=rows[-1] if rows else None)
        if not more:
            return rows
        rows += more


@pytest.mark.parametrize("order", list(Order))
async def test_window_pages_through_every_row_once_in_order(db: Path, order: Order) -> None:
    """It should page forward and backward by keyset with no row lost or repeated."""
    insert(db, varied(120))
    async with open_inbox(db) as inbox:
        forward = await all_rows(inbox, order, page=7)
        keys = [r.key(order) for r in forward]
        assert keys == sorted(keys, reverse=order not in ASCENDING)
        expected = sqlite3.connect(db).execute(
            "SELECT count(*) FROM mentions WHERE status = 'new' AND owned = 0").fetchone()[0]
        assert len({r.id for r in forward}) == len(forward) == expected
        back = await inbox.window(NEW, Filters(), now=T0, limit=10, order=order,
                                  before=forward[20])
        assert [r.id for r in back] == [r.id for r in forward[10:20]]
        last = await inbox.window(NEW, Filters(), now=T0, limit=5, order=order, last=True)
        assert [r.id for r in last] == [r.id for r in forward[-5:]]


async def test_counts_kept_by_triggers_match_a_group_by(db: Path) -> None:
    """It should keep inbox_counts equal to a fresh count after inserts, updates and deletes."""
    ids = insert(db, varied(200))
    async with open_inbox(db) as inbox:
        await inbox.set_status(Ids(tuple(ids[:30])), "done", actor="ana", now=T0)
        await inbox.set_category(Ids(tuple(ids[30:60])), "question", actor="ana", now=T0)
        await inbox.star(Ids(tuple(ids[60:70])), True, actor="ana", now=T0)
        await inbox.undo_last("ana", now=T0)
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM mentions WHERE id IN (?, ?, ?)", ids[100:103])
        con.execute("UPDATE mentions SET sentiment_label = 'negative' WHERE id % 7 = 0")
        stored = dict(con.execute("SELECT bucket, n FROM inbox_counts"))
        for bucket, predicate in BUCKET_PREDICATES.items():
            fresh = con.execute(f"SELECT count(*) FROM mentions m WHERE {predicate}").fetchone()
            assert stored.get(bucket, 0) == fresh[0], bucket
        for source_id, n in con.execute("SELECT source_id, count(*) FROM mentions"
                                        " WHERE status = 'new' GROUP BY source_id"):
            assert stored[f"source:{source_id}"] == n


async def test_counts_of_views_equal_their_windows(db: Path) -> None:
    """It should report for every view the number of rows its window holds."""
    ids = insert(db, varied(90))
    async with open_inbox(db) as inbox:
        await inbox.snooze(Ids(tuple(ids[:12])), T0 + 3600, actor="ana", now=T0)
        views = [*BUILTIN_VIEWS, *[source_view(i, n) for i, n in await inbox.sources()],
                 search_view("m1*")]
        counts = await inbox.counts(views, now=T0)
        for view in views:
            rows = await inbox.window(view, Filters(), now=T0, limit=1000)
            assert counts[view.key] == len(rows), view.key


async def test_snoozed_mentions_come_back_by_themselves(db: Path) -> None:
    """It should hide a snoozed mention until its time, then show it in New again."""
    [a, b] = insert(db, [M(title="a"), M(title="b")])
    async with open_inbox(db) as inbox:
        await inbox.snooze(Ids((a,)), T0 + 7200, actor="ana", now=T0)
        assert [r.id for r in await inbox.window(NEW, Filters(), now=T0, limit=9)] == [b]
        assert await inbox.count(builtin_view("snoozed"), now=T0) == 1
        later = T0 + 7200
        assert {r.id for r in await inbox.window(NEW, Filters(), now=later, limit=9)} == {a, b}
        assert await inbox.count(builtin_view("snoozed"), now=later) == 0
        assert await inbox.count(NEW, now=later) == 2


async def test_bulk_action_undoes_as_one_batch(db: Path) -> None:
    """It should undo a select-all action on every mention it changed, and only those."""
    insert(db, [M(title=f"n{i}", sentiment_label="negative") for i in range(5)])
    [other] = insert(db, [M(title="calm")])
    async with open_inbox(db) as inbox:
        done = await inbox.set_status(InView(builtin_view("negative")), "done", actor="ana",
                                      now=T0)
        assert done.changed == 5
        assert await inbox.count(NEW, now=T0) == 1
        await inbox.star(Ids((other,)), True, actor="bo", now=T0)
        undone = await inbox.undo_last("ana", now=T0)
        assert undone is not None and undone.changed == 5
        assert await inbox.count(NEW, now=T0) == 6
        assert await inbox.count(builtin_view("starred"), now=T0) == 1  # bo's star stays
        assert await inbox.undo_last("ana", now=T0) is None


async def test_tag_note_and_assign_are_logged_and_undone(db: Path) -> None:
    """It should log tag, note and assign with before/after and reverse each on undo."""
    [a] = insert(db, [M(title="a")])
    async with open_inbox(db) as inbox:
        await inbox.assign(Ids((a,)), "bo", actor="ana", now=T0)
        await inbox.add_tag(Ids((a,)), "vip", actor="ana", now=T0 + 1)
        await inbox.add_note(Ids((a,)), "call back", actor="ana", now=T0 + 2)
        detail = await inbox.detail(a)
        assert detail is not None and detail.tags == ("vip",) and detail.row.assignee == "bo"
        assert [h.action for h in detail.history] == ["note", "tag", "assign"]
        for _ in range(3):
            await inbox.undo_last("ana", now=T0 + 3)
        detail = await inbox.detail(a)
        assert detail is not None
        assert (detail.tags, detail.notes, detail.row.assignee) == ((), (), None)


async def test_filters_narrow_a_view(db: Path) -> None:
    """It should apply source, sentiment, category and assignee filters together."""
    insert(db, [M(source="hn", sentiment_label="negative", category="question"),
                M(source="hn", sentiment_label="positive"),
                M(source="blog", sentiment_label="negative", category="question")])
    async with open_inbox(db) as inbox:
        got = await inbox.window(NEW, Filters(source="hn", sentiment="negative",
                                              category="question"), now=T0, limit=9)
        assert [(r.source, r.sentiment_label) for r in got] == [("hn", "negative")]
        assert await inbox.count_filtered(NEW, Filters(source="hn"), now=T0) == 2
        assert await inbox.window(NEW, Filters(assignee="me"), now=T0, limit=9) == []


async def test_search_view_finds_words_and_survives_fts_syntax(db: Path) -> None:
    """It should find mentions by words and treat FTS operators in the query as words."""
    insert(db, [M(title="Refund please", text="my order"), M(title="Love it")])
    async with open_inbox(db) as inbox:
        rows = await inbox.window(search_view("refund"), Filters(), now=T0, limit=9)
        assert [r.title for r in rows] == ["Refund please"]
        assert await inbox.window(search_view("NEAR(refund)"), Filters(), now=T0, limit=9) == []


async def test_search_pages_every_hit_once_newest_stored_first(db: Path) -> None:
    """It should page a search by FTS rowid, newest stored first, whatever order is asked."""
    rng = random.Random(3)
    words = ["refund", "crash", "love", "slow"]
    texts = [" ".join(rng.choices(words, k=3)) for _ in range(150)]
    ids = insert(db, [M(title=f"t{i}", text=t, snoozed_until=T0 + 60 if i % 9 == 0 else None,
                        source=rng.choice(["blog", "hn"])) for i, t in enumerate(texts)])
    hits = [i for i, t in zip(ids, texts, strict=True) if {"refund", "crash"} <= set(t.split())]
    view = search_view("crash refund")
    async with open_inbox(db) as inbox:
        for order in Order:
            rows: list[Row] = []
            while more := await inbox.window(view, Filters(), now=T0, limit=7, order=order,
                                             after=rows[-1] if rows else None):
                rows += more
            assert [r.id for r in rows] == sorted(hits, reverse=True)
            back = await inbox.window(view, Filters(), now=T0, limit=4, order=order,
                                      before=rows[9])
            assert [r.id for r in back] == [r.id for r in rows[5:9]]
            again = await inbox.window_from(view, Filters(), now=T0, limit=3, order=order,
                                            first=rows[2])
            assert [r.id for r in again] == [r.id for r in rows[2:5]]
        narrowed = await inbox.window(view, Filters(source="hn"), now=T0, limit=500)
        assert {r.source for r in narrowed} == {"hn"} and 0 < len(narrowed) < len(hits)
        assert await inbox.count_filtered(view, Filters(source="hn"), now=T0) == len(narrowed)


class SqlRecorder(Inbox):
    """An inbox that records the SQL of every read instead of running it."""

    def __init__(self) -> None:
        super().__init__(None, None, me="me")  # type: ignore[arg-type]
        self.reads: list[tuple[str, dict[str, object]]] = []

    async def _fetch(self, sql: str, params: dict[str, object]) -> list[sqlite3.Row]:
        if "FROM inbox_counts" in sql:  # every view holds something: plan its window
            return [(b, 1) for b in json.loads(str(params["b"]))]  # type: ignore[misc]
        self.reads.append((sql, params))
        return []


async def test_every_view_reads_through_an_index_and_every_index_is_used(db: Path) -> None:
    """It should page each view and order by an index, and keep no index that none uses."""
    insert(db, varied(60))
    recorder = SqlRecorder()
    for view in [*BUILTIN_VIEWS, mine_view("ana"), source_view(1, "blog"), search_view("m1")]:
        for order in (Order.TRIAGE, Order.NEWEST, Order.OLDEST):
            await recorder.window(view, Filters(), now=T0, limit=9, order=order)
    used: set[str] = set()
    with sqlite3.connect(db) as con:
        for sql, params in recorder.reads:
            steps = [str(r[3]) for r in con.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            assert not any(s in ("SCAN m", "SCAN mentions") for s in steps), (sql, steps)
            used.update(w.split()[0] for s in steps for w in s.split("INDEX ")[1:])
        indexes = {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'mentions'"
            " AND sql IS NOT NULL")}  # sql is NULL for UNIQUE's automatic index (key)
    # Not the inbox's: a person's history (an author's mentions), owned-post snapshots, and the
    # metrics' replied mentions (tests/test_metrics_store.py checks that one).
    assert indexes - used == {"mentions_by_author", "mentions_owned_by_time", "mentions_replied"}


async def test_an_empty_view_answers_from_the_counts_without_a_scan(db: Path) -> None:
    """It should answer an empty bucket's window from inbox_counts, and list it once filled."""
    insert(db, [M(title="calm", category=None)])
    ideas = builtin_view("ideas")
    async with open_inbox(db) as inbox:
        assert await inbox.window(ideas, Filters(), now=T0, limit=9) == []
        insert(db, [M(title="an idea", category="idea")])
        assert [r.title for r in await inbox.window(ideas, Filters(), now=T0, limit=9)] == \
            ["an idea"]


async def test_health_names_failing_and_silent_sources(db: Path) -> None:
    """It should flag a failing source and one without a good poll for a day."""
    insert(db, [M(source="ok"), M(source="broken"), M(source="quiet")])
    with sqlite3.connect(db) as con:
        con.execute("UPDATE sources SET last_polled_at = ?, last_ok_at = ?", (T0, T0))
        con.execute("UPDATE sources SET error_count = 3, last_status = 'error',"
                    " last_message = 'HTTP 500' WHERE name = 'broken'")
        con.execute("UPDATE sources SET last_ok_at = ? WHERE name = 'quiet'", (T0 - 2 * 86400,))
    async with open_inbox(db) as inbox:
        health = await inbox.health(now=T0)
    assert [(h.name, h.state) for h in health] == [("broken", "failing"), ("quiet", "silent")]
