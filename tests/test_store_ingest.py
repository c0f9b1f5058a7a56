"""Ingest: idempotent, exact counts, hostile values repaired or refused per row, atomic batches."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from core.model import Engagement, Label, Sentiment
from core.store import IngestResult, Store
from core.store.rows import INT64_MAX, MAX_FUTURE_SKEW
from tests.test_store import NOW, mention, open_with_source, write


async def fts(store: Store, query: str) -> list[int]:
    sql = "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? ORDER BY rowid"
    async with store.db.execute(sql, (query,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def test_ingesting_twice_adds_nothing(tmp_path: Path) -> None:
    """It should store a batch once and count the second ingest as duplicates."""
    store, source = await open_with_source(tmp_path / "lp.db")
    batch = [mention(i) for i in range(50)]
    first = await store.ingest(source, batch, now=NOW)
    second = await store.ingest(source, batch, now=NOW + 60)
    assert (first.new, first.duplicates, first.updated, first.skipped) == (50, 0, 0, [])
    assert sorted(first.new_ids) == list(range(1, 51))
    assert (second.new, second.duplicates, second.updated, second.new_ids) == (0, 50, 0, [])
    assert await store.count_mentions() == 50
    async with store.db.execute("SELECT sum(mentions) FROM authors") as cursor:
        assert (await cursor.fetchone())[0] == 50  # type: ignore[index]
    await store.close()


async def test_repeats_within_one_batch_are_duplicates(tmp_path: Path) -> None:
    """It should store a key once even when a page lists it twice."""
    store, source = await open_with_source(tmp_path / "lp.db")
    result = await store.ingest(source, [mention(1), mention(2), mention(1)], now=NOW)
    assert (result.new, result.duplicates) == (2, 1)
    await store.close()


async def test_changed_engagement_is_an_update(tmp_path: Path) -> None:
    """It should update changed counts (counted as updated) and never erase one with None."""
    store, source = await open_with_source(tmp_path / "lp.db")
    [mid] = (await store.ingest(source, [mention(1)], now=NOW)).new_ids
    more = mention(1, engagement=Engagement(replies=5, reshares=None, likes=9),
                   author_followers=777)
    result = await store.ingest(source, [more], now=NOW + 60)
    assert (result.new, result.duplicates, result.updated) == (0, 0, 1)
    stored = await store.get_mention(mid)
    assert stored is not None and stored.engagement == Engagement(5, 0, 9)
    assert stored.author_followers == 777
    unreported = mention(1, engagement=Engagement(None, None, None))
    assert (await store.ingest(source, [unreported], now=NOW + 120)).duplicates == 1
    assert await store.count_mentions() == 1
    await store.close()


async def test_text_sqlite_cannot_hold_is_repaired(tmp_path: Path) -> None:
    """It should turn lone surrogates into U+FFFD, join split pairs and drop NUL bytes."""
    store, source = await open_with_source(tmp_path / "lp.db")
    hostile = mention(
        1, title="half \ud800 a pair", text="smile \ud83d\ude00 nul\x00here",
        author="Eve\udfff", key="mastodon:id:\x001",
    )
    [mid] = (await store.ingest(source, [hostile], now=NOW)).new_ids
    stored = await store.get_mention(mid)
    assert stored is not None
    assert (stored.title, stored.text) == ("half \ufffd a pair", "smile \U0001f600 nulhere")
    assert (stored.author, stored.key) == ("Eve\ufffd", "mastodon:id:1")
    assert await fts(store, "nulhere") == [mid]
    await store.close()


async def test_absurd_numbers_are_clamped_not_lost(tmp_path: Path) -> None:
    """It should keep a post whose JSON had 5,000-digit counts, clamping them to 64 bits."""
    store, source = await open_with_source(tmp_path / "lp.db")
    huge = 10**5000
    post = mention(1, engagement=Engagement(huge, -huge, 3), author_followers=huge,
                   published_at=huge, sentiment=Sentiment(float("nan"), Label.NEUTRAL, "vader"))
    result = await store.ingest(source, [post], now=NOW)
    stored = await store.get_mention(result.new_ids[0])
    assert stored is not None
    assert stored.engagement == Engagement(INT64_MAX, -(2**63), 3)
    assert (stored.author_followers, stored.published_at) == (INT64_MAX, None)
    assert (stored.sort_at, stored.sentiment.compound) == (NOW, 0.0)
    await store.close()


async def test_a_date_far_in_the_future_sorts_at_fetch_time(tmp_path: Path) -> None:
    """It should keep a future published date but not let it pin the mention on top."""
    store, source = await open_with_source(tmp_path / "lp.db")
    late = NOW + MAX_FUTURE_SKEW + 1
    result = await store.ingest(source, [mention(1, published_at=late)], now=NOW)
    stored = await store.get_mention(result.new_ids[0])
    assert stored is not None and (stored.published_at, stored.sort_at) == (late, NOW)
    await store.close()


async def test_one_bad_row_is_reported_and_the_rest_commit(tmp_path: Path) -> None:
    """It should skip the rows SQLite refuses, name them, and store the rest of the batch."""
    store, source = await open_with_source(tmp_path / "lp.db")
    batch = [mention(i) for i in range(10)]
    batch[3] = mention(3, title={"not": "text"})  # a field of the wrong type from hostile JSON
    batch[6] = mention(6, priority=10**5000)  # SQLite: "Python int too large to convert"
    batch[8] = mention(8, key="")
    result = await store.ingest(source, batch, now=NOW)
    assert (result.new, len(result.skipped)) == (7, 3)
    said = {message.split(" was not stored: ")[0]: message for message in result.skipped}
    assert "title is dict" in said["mention 'mastodon:id:3'"]
    assert "too large" in said["mention 'mastodon:id:6'"]  # refused by SQLite itself
    assert "no dedupe key" in said["mention 'https://m.example/@a/8'"]
    assert len(result.new_ids) == 7 and await store.count_mentions() == 7
    async with store.db.execute("SELECT sum(mentions) FROM authors") as cursor:
        assert (await cursor.fetchone())[0] == 7  # type: ignore[index]
    assert (await store.ingest(source, batch, now=NOW)).duplicates == 7
    await store.close()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", ["a", "list"]), ("url", 42), ("author_id", {"id": 1}), ("platform_id", 1.5),
        ("published_at", "yesterday"), ("author_followers", [1]), ("priority", "high"),
        ("category", b"bytes"), ("in_reply_to", object()), ("author_url", 5),
    ],
)
async def test_a_field_of_the_wrong_type_skips_only_its_row(
    tmp_path: Path, field: str, value: object
) -> None:
    """It should refuse a row whose field has the wrong type, naming the field, and keep others."""
    store, source = await open_with_source(tmp_path / "lp.db")
    result = await store.ingest(source, [mention(1), mention(2, **{field: value})], now=NOW)
    assert result.new == 1 and len(result.skipped) == 1
    assert "'mastodon:id:2'" in result.skipped[0]
    assert f"was not stored: {field} is {type(value).__name__}, expected" in result.skipped[0]
    await store.close()


async def test_absent_content_is_empty_text(tmp_path: Path) -> None:
    """It should store a JSON null title, text or author as empty text rather than refuse it."""
    store, source = await open_with_source(tmp_path / "lp.db")
    post = mention(1, title=None, text=None, author=None, author_id=None)
    [mid] = (await store.ingest(source, [post], now=NOW)).new_ids
    stored = await store.get_mention(mid)
    assert stored is not None and (stored.title, stored.text, stored.author) == ("", "", "")
    await store.close()


async def test_full_text_search_follows_inserts_and_updates(tmp_path: Path) -> None:
    """It should find inserted words, and find the new words (not the old) after an edit."""
    store, source = await open_with_source(tmp_path / "lp.db")
    posts = [mention(1, text="the battery died"), mention(2, text="lovely café")]
    first, second = (await store.ingest(source, posts, now=NOW)).new_ids
    assert await fts(store, "battery") == [first]
    assert await fts(store, "cafe") == [second]  # diacritics folded
    await write(store, "UPDATE mentions SET text = 'screen cracked' WHERE id = ?", (first,))
    assert (await fts(store, "battery"), await fts(store, "cracked")) == ([], [first])
    await store.close()


@pytest.mark.parametrize("extra_yields", [0, 1, 2, 3, 5])
async def test_a_cancelled_ingest_leaves_nothing(tmp_path: Path, extra_yields: int) -> None:
    """It should roll a cancelled batch back whole, wherever inside it the cancel lands."""
    path = tmp_path / "lp.db"
    store, source = await open_with_source(path)
    task = asyncio.create_task(store.ingest(source, [mention(i) for i in range(3000)], now=NOW))
    while not store.db.in_transaction:
        await asyncio.sleep(0)
    for _ in range(extra_yields):
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await store.count_mentions() == 0
    with sqlite3.connect(path) as db:  # another connection sees the same: nothing committed
        assert db.execute("SELECT count(*) FROM mentions_fts").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM authors").fetchone()[0] == 0
    assert (await store.ingest(source, [mention(1)], now=NOW)).new == 1
    await store.close()


async def test_concurrent_work_on_one_store(tmp_path: Path) -> None:
    """It should serialise concurrent batches on one connection while reads go on."""
    store, source = await open_with_source(tmp_path / "lp.db")
    batches = [[mention(i) for i in range(k * 200, k * 200 + 250)] for k in range(6)]
    results = await asyncio.gather(
        *(store.ingest(source, b, now=NOW) for b in batches),
        *(store.export_mentions() for _ in range(6)),
    )
    ingested = [r for r in results[:6] if isinstance(r, IngestResult)]
    assert sum(r.new for r in ingested) == 1250  # 6 × 250 with 50 overlapping per neighbour
    assert sum(r.duplicates for r in ingested) == 250
    assert await store.count_mentions() == 1250
    await store.close()


async def test_several_stores_on_one_file_see_each_other(tmp_path: Path) -> None:
    """It should let a poller and TUIs (separate connections) share writes through the file."""
    path = tmp_path / "lp.db"
    poller, source = await open_with_source(path)
    tui = await Store.open(path)
    await poller.ingest(source, [mention(i) for i in range(5)], now=NOW)
    assert await tui.count_mentions() == 5
    again = await tui.ingest(source, [mention(i) for i in range(7)], now=NOW)
    assert (again.new, again.duplicates) == (2, 5)
    await write(tui, "UPDATE mentions SET status = 'done', assignee = 'kim' WHERE id = 1")
    seen = await poller.get_mention(1)
    assert seen is not None and (seen.status, seen.assignee) == ("done", "kim")
    await asyncio.gather(*(s.ingest(source, [mention(i) for i in range(100)], now=NOW)
                           for s in (poller, tui)))
    assert await poller.count_mentions() == 100
    await tui.close()
    await poller.close()

