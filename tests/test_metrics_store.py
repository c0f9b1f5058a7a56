"""core.metrics' SQL against a real SQLite file with hand-built rows: series, share of voice,
top tables, the Kaushik rates from snapshots, team response times, and a spike's cause."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, date
from pathlib import Path

import pytest

from core.inbox.triage import SourceHealth
from core.metrics import queries
from core.metrics.panel import MetricsRequest, compute_metrics
from core.metrics.periods import custom_period, period_of
from core.metrics.spikes import AlertSettings
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

H = 3600


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    await create_db(path)
    return path


async def test_series_counts_each_bucket_and_leaves_empty_ones_at_zero(db: Path) -> None:
    """It should count volume and sentiment per hour, with None sentiment in an empty hour."""
    insert(db, [M(sort_at=T0 + 10, sentiment_label="negative"), M(sort_at=T0 + 20),
                M(sort_at=T0 + H - 1, sentiment_label="positive"),  # last second of hour 0
                M(sort_at=T0 + 2 * H)])  # first second of hour 2, not hour 1
    async with await Store.open(db) as store:
        got = await queries.series(store.db, [(T0, T0 + H), (T0 + H, T0 + 2 * H)])
    assert [(b.total, b.positive, b.neutral, b.negative) for b in got] == [(3, 1, 1, 1),
                                                                           (0, 0, 0, 0)]
    assert got[0].sentiment == -0.2 and got[1].sentiment is None  # (-0.6 + 0 + 0) / 3


async def test_voices_and_tops_of_a_period(db: Path) -> None:
    """It should count each brand and competitor once per mention, and rank the tops."""
    insert(db, [M(matched="brand:Acme\nbrand:Acme", author="ana", source="hn"),
                M(matched="brand:Acme\ncompetitor:Globex", author="ana"),
                M(matched="competitor:Globex\nproduct:Widget", author="bo", language="da"),
                M(matched="", author="", category="idea")])
    async with await Store.open(db) as store:
        facets = await queries.facets(store.db, T0, T0 + H)
        top = {w: await queries.top(store.db, w, T0, T0 + 1)
               for w in ("sources", "authors", "languages", "categories")}
        empty = await queries.top(store.db, "authors", T0 + 1, T0 + 2)
        nothing = await queries.facets(store.db, T0 + H, T0 + 2 * H)
    assert facets.voices == {"brand:Acme": 2, "competitor:Globex": 2}
    assert {w: facets.top(w) for w in ("sources", "languages", "categories")} == {
        w: top[w] for w in ("sources", "languages", "categories")}  # the same counts both ways
    assert (facets.totals.total, nothing.totals.total, nothing.totals.sentiment) == (4, 0, None)
    assert top["sources"] == [("blog", 3), ("hn", 1)]
    assert top["authors"] == [("ana", 2), ("bo", 1)]  # no name is not an author
    assert top["languages"] == [("en", 3), ("da", 1)]
    assert top["categories"] == [("none", 3), ("idea", 1)]
    assert empty == []


def owned_post(path: Path, published: int, live: tuple[int | None, ...],
               snaps: list[tuple[int, int | None, int | None, int | None]],
               platform: str = "mastodon") -> None:
    with sqlite3.connect(path) as db:
        db.execute("INSERT OR IGNORE INTO sources(id, name, kind, url, owned)"
                   " VALUES (99, 'ours', 'mastodon', 'https://x.example', 1)")
        cur = db.execute(
            "INSERT INTO mentions(key, source_id, platform, published_at, fetched_at, sort_at,"
            " owned, replies, reshares, likes) VALUES (?, 99, ?, ?, ?, ?, 1, ?, ?, ?)",
            (f"own{published}{platform}", platform, published, published, published, *live))
        db.executemany("INSERT INTO engagement_snapshots VALUES (?, ?, ?, ?, ?)",
                       [(cur.lastrowid, *s) for s in snaps])


async def test_kaushik_counts_what_a_periods_posts_earned_by_its_end(db: Path) -> None:
    """It should take each post's last snapshot before the period ends, per platform, and
    report None (not a division by zero) where no post reports a count."""
    day = custom_period(date(2024, 6, 1), date(2024, 6, 1), UTC)  # T0's day
    owned_post(db, T0 + H, (50, 50, 50), [(T0 + 2 * H, 4, 2, 10), (T0 + 30 * H, 9, 9, 99)])
    owned_post(db, T0 + 2 * H, (0, 0, 0), [(T0 + 3 * H, 0, 0, 0)])  # zero engagement
    owned_post(db, T0 + 3 * H, (1, None, 7), [], platform="hackernews")  # live, no reshares
    owned_post(db, T0 - H, (5, 5, 5), [])  # the day before: the previous period's
    async with await Store.open(db) as store:
        report = await compute_metrics(store.db, MetricsRequest(day, UTC, T0 + 40 * H))
    masto, masto_before = report.kaushik["mastodon"]
    assert (masto.posts, masto.conversation, masto.amplification, masto.applause) == (
        2, 2.0, 1.0, 5.0)  # (4 + 0) / 2, (2 + 0) / 2, (10 + 0) / 2: the 30-hour snapshot is later
    assert (masto_before.posts, masto_before.conversation) == (1, 5.0)
    hn, hn_before = report.kaushik["hackernews"]
    assert (hn.posts, hn.conversation, hn.amplification, hn.applause) == (1, 1.0, None, 7.0)
    assert hn_before.posts == 0 and hn_before.applause is None


def log_done(path: Path, mention_id: int, at: int, actor: str, undone: int = 0) -> None:
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO actions(at, actor, action, mention_id, batch, undone)"
                   " VALUES (?, ?, 'done', ?, ?, ?)", (at, actor, mention_id, at, undone))


async def test_team_first_response_median_and_p90(db: Path) -> None:
    """It should time each mention's first lasting "done", per person and overall."""
    ids = insert(db, [M(sort_at=T0) for _ in range(5)])
    log_done(db, ids[0], T0 + 600, "ana")
    log_done(db, ids[0], T0 + 60, "bo", undone=1)  # undone: not a response
    log_done(db, ids[1], T0 + 1200, "ana")
    log_done(db, ids[1], T0 + 9000, "bo")  # later than ana's: ana answered first
    log_done(db, ids[2], T0 + 3600, "bo")
    async with await Store.open(db) as store:
        overall, people = await queries.responses(store.db, T0, T0 + 1, 5)
        nothing, nobody = await queries.responses(store.db, T0 + 1, T0 + 2, 0)
    assert (overall.mentions, overall.handled, overall.median) == (5, 3, 1200)
    assert overall.p90 == pytest.approx(3120)  # 1200 + 0.8 * (3600 - 1200)
    assert people["ana"].handled == 2 and people["ana"].median == 900
    assert people["bo"].handled == 1 and people["bo"].p90 == 3600
    assert (nothing.mentions, nothing.handled, nothing.median, nobody) == (0, 0, None, {})


async def test_a_negative_burst_about_one_term_is_one_alert_naming_it(db: Path) -> None:
    """It should raise one alert for a burst of negative mentions about "recall", naming the
    term, the source and the top mention; a failing source is an alert of its own."""
    now = T0 + 100 * H + 1800
    steady = [M(sort_at=T0 + h * H + 60, title=f"lovely espresso morning {h % 5}",
                matched="brand:Acme") for h in range(100)]
    burst = [M(sort_at=T0 + 99 * H + 120 + i, title=f"Acme grinder recall fire {i}",
               sentiment_label="negative", source="forum", priority=float(i),
               url=f"https://forum.example/{i}") for i in range(12)]
    insert(db, steady + burst)
    request = MetricsRequest(period_of("day", now, UTC), UTC, now, names=("Acme",),
                             settings=AlertSettings(baseline=48 * 3600),
                             health=(SourceHealth("blog", "failing", "HTTP 500"),))
    async with await Store.open(db) as store:
        report = await compute_metrics(store.db, request)
    spike, source = report.alerts
    assert spike.kind == "spike" and spike.start == T0 + 99 * H
    assert set(spike.terms) >= {"grinder", "recall", "fire"} and "acme" not in spike.terms
    assert spike.sources == ("forum", "blog")  # twelve from the forum, the hour's usual one
    assert spike.mentions[0].url == "https://forum.example/11"
    assert "13 mentions (12 negative)" in spike.title
    assert source.kind == "source" and "blog: failing" in source.title


async def test_rollups_equal_a_fresh_count_after_random_writes(db: Path) -> None:
    """It should keep the half-hour rollups exact through inserts, triage, recategorising,
    rescoring and deletes, and leave owned posts out."""
    rng = random.Random(5)
    insert(db, [M(sort_at=T0 + rng.randrange(0, 6 * H), source=rng.choice(["a", "b"]),
                  sentiment_label=rng.choice(["positive", "neutral", "negative"]),
                  category=rng.choice([None, "idea"]), language=rng.choice(["en", "da"]),
                  matched=rng.choice(["", "brand:Acme", "brand:Acme\ncompetitor:Globex"]))
                for _ in range(200)])
    owned_post(db, T0 + H, (1, 1, 1), [])
    with sqlite3.connect(db) as con:
        con.execute("UPDATE mentions SET status = 'done', category = 'question' WHERE id % 3 = 0")
        con.execute("UPDATE mentions SET sentiment = 0.5, sentiment_label = 'positive',"
                    " sort_at = sort_at + 5000 WHERE id % 7 = 0")
        con.execute("DELETE FROM mentions WHERE id % 11 = 0")
        fresh = con.execute(
            "SELECT sort_at - sort_at % 1800, sentiment_label, count(*), round(total(sentiment), 6)"
            " FROM mentions WHERE owned = 0 GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
        kept = con.execute("SELECT slot, label, n, round(score, 6) FROM metrics_slots"
                           " WHERE n > 0 ORDER BY 1, 2").fetchall()
        facets = con.execute("SELECT slot, value, n FROM metrics_facets WHERE facet = 'c'"
                             " AND n > 0 ORDER BY 1, 2").fetchall()
        categories = con.execute(
            "SELECT sort_at - sort_at % 1800, coalesce(category, 'none'), count(*) FROM mentions"
            " WHERE owned = 0 GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    assert kept == fresh and facets == categories


async def test_replied_mentions_are_found_through_their_index(db: Path) -> None:
    """It should time replies from replied_at, reading them through mentions_replied."""
    ids = insert(db, [M(sort_at=T0), M(sort_at=T0)])
    with sqlite3.connect(db) as con:
        con.execute("UPDATE mentions SET replied_at = ?, assignee = 'ana' WHERE id = ?",
                    (T0 + 900, ids[0]))
        plan = " ".join(str(r[3]) for r in con.execute(
            f"EXPLAIN QUERY PLAN {queries._REPLIED}", {"start": T0, "end": T0 + H}))
    assert "mentions_replied" in plan
    async with await Store.open(db) as store:
        overall, people = await queries.responses(store.db, T0, T0 + H, 2)
    assert (overall.handled, overall.median, list(people)) == (1, 900, ["ana"])


async def test_top_mentions_walk_the_priority_index_to_the_same_answer(db: Path) -> None:
    """It should find the same top mentions by either plan, and choose the walk only when the
    period holds enough of the kind."""
    insert(db, [M(sort_at=T0 + i * 60, sentiment_label=("negative", "neutral")[i % 2],
                  priority=float(i % 7), title=f"m{i}") for i in range(60)])
    async with await Store.open(db) as store:
        sorted_plan = await queries.top_mentions(store.db, "negative", T0, T0 + H)
        walked = await queries.top_mentions(store.db, "negative", T0, T0 + H, by_priority=True)
        stored = await queries.stored_mentions(store.db)
    assert walked == sorted_plan and len(walked) == 5 and stored == 60
    assert queries.walk_priority_index(5, of_kind=30, in_period=60, stored=60)
    assert not queries.walk_priority_index(5, of_kind=2, in_period=10, stored=1_000_000)
    assert not queries.walk_priority_index(5, of_kind=0, in_period=10, stored=10)
