"""The store's file handling, schema versions, sources, poll outcomes and exports, on real files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.model import Engagement, Label, Match, Mention, PollOutcome, PollStatus, Sentiment
from core.model import SourceConfig as Src
from core.sources.base import SourceState
from core.store import Store, StoreError
from core.store import store as store_module
from core.store.migrate import APPLICATION_ID, Migration, load_migrations, split_statements, upgrade
from core.store.store import PollRecord

LATEST = len(load_migrations())
NOW = 1_700_000_000


def mention(i: int, **fields: object) -> Mention:
    """A short social post numbered ``i``; ``fields`` override any attribute."""
    m = Mention(
        platform="mastodon", text=f"post {i} about Acme", url=f"https://m.example/@a/{i}",
        platform_id=str(i), author=f"Author {i % 3}", author_id=f"a{i % 3}@m.example",
        published_at=NOW - i, key=f"mastodon:id:{i}", engagement=Engagement(1, 0, i),
        sentiment=Sentiment(0.5, Label.POSITIVE, "vader", ("good",)),
        matched=[Match("brand", "Acme")], language="en",
    )
    for name, value in fields.items():
        setattr(m, name, value)
    return m


async def open_with_source(path: Path, **kwargs: object) -> tuple[Store, int]:
    store = await Store.open(path, **kwargs)  # type: ignore[arg-type]
    ids = await store.sync_sources([Src("masto", "mastodon", "https://m.example")])
    return store, ids["masto"]


async def write(store: Store, sql: str, params: tuple[object, ...] = ()) -> None:
    """Run one statement in a write transaction, as a triage action would."""
    async with store.transaction() as db, db.execute(sql, params):
        pass


def pragma(path: Path, name: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"PRAGMA {name}").fetchone()[0])


# --- opening, versions, refusals -----------------------------------------------------------------


async def test_new_database_is_created_with_every_migration(tmp_path: Path) -> None:
    """It should create the directory and file, apply every migration and stamp the file."""
    path = tmp_path / "deep" / "er" / "listenpost.db"
    async with await Store.open(path) as store:
        async with store.db.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"  # type: ignore[index]
        async with store.db.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1  # type: ignore[index]
    assert pragma(path, "user_version") == LATEST
    assert pragma(path, "application_id") == APPLICATION_ID
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sources", "polls", "authors", "mentions", "tags", "mentions_fts"} <= tables


async def test_reopening_keeps_data_and_version(tmp_path: Path) -> None:
    """It should open an existing database again without re-running migrations."""
    path = tmp_path / "lp.db"
    store, source = await open_with_source(path)
    await store.ingest(source, [mention(1)], now=NOW)
    await store.close()
    async with await Store.open(path) as again:
        assert await again.count_mentions() == 1
    assert pragma(path, "user_version") == LATEST


async def test_an_older_schema_is_upgraded_step_by_step(tmp_path: Path) -> None:
    """It should bring a schema-1 database forward and keep its rows."""
    path = tmp_path / "old.db"
    first = load_migrations()[0]
    with sqlite3.connect(path) as db:
        for statement in first.statements:
            db.execute(statement)
        db.execute("INSERT INTO sources (name, kind, url) VALUES ('s', 'feed', 'https://x')")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("PRAGMA user_version = 1")
    async with await Store.open(path) as store:
        assert [s.name for s in await store.sources()] == ["s"]
    assert pragma(path, "user_version") == LATEST


async def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    """It should roll a failed step back whole: no half-made tables, version unchanged."""
    path = tmp_path / "lp.db"
    store = await Store.open(path)
    bad = Migration(LATEST + 1, "bad.sql", ("CREATE TABLE half (x)", "CREATE TABLE broken ("))
    with pytest.raises(StoreError, match=f"unchanged at schema {LATEST}"):
        await upgrade(path, store.transaction, [*load_migrations(), bad])
    async with store.db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'") as c:
        assert (await c.fetchone())[0] == 0  # type: ignore[index]
    await store.close()
    assert pragma(path, "user_version") == LATEST


def test_statements_are_split_with_trigger_bodies_whole() -> None:
    """It should cut a script at statement ends, never inside a trigger or a comment."""
    script = (
        "-- a comment; with a semicolon\nCREATE TABLE a (x);\n"
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO a VALUES (1); "
        "INSERT INTO a VALUES ('2;'); END;\n-- trailing comment\n"
    )
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


async def test_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    """It should refuse a database from a newer listenpost and leave its bytes as they were."""
    path = tmp_path / "lp.db"
    await (await Store.open(path)).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {LATEST + 7}")
    before = path.read_bytes()
    expected = f"newer listenpost \\(schema {LATEST + 7}, this one knows {LATEST}\\)"
    with pytest.raises(StoreError, match=expected) as caught:
        await Store.open(path)
    assert str(path) in str(caught.value) and "--db" in str(caught.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"just some notes\n" * 200, "not an SQLite file"),
        (bytes(range(256)) * 64, "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\x10\x00", "not an SQLite file"),  # header cut short
    ],
    ids=["text", "random-bytes", "short-header"],
)
async def test_a_file_that_is_not_sqlite_is_refused_untouched(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    """It should refuse a file that is not SQLite with a clear message and not change it."""
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=expected):
        await Store.open(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal, no -shm


async def test_a_truncated_database_is_refused_untouched(tmp_path: Path) -> None:
    """It should refuse a database cut short and leave the remaining bytes alone."""
    path = tmp_path / "lp.db"
    store, source = await open_with_source(path)
    await store.ingest(source, [mention(i, text="x" * 500) for i in range(300)], now=NOW)
    await store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="truncated or damaged"):
        await Store.open(path)
    assert path.read_bytes() == data[: len(data) // 2]


@pytest.mark.parametrize("application_id", [0, 0x12345678])
async def test_another_applications_database_is_refused(
    tmp_path: Path, application_id: int
) -> None:
    """It should refuse an SQLite file that some other program made, and not migrate it."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE mine (x)")
        db.execute(f"PRAGMA application_id = {application_id}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="belongs to another application"):
        await Store.open(path)
    assert path.read_bytes() == before


async def test_an_empty_sqlite_file_becomes_a_listenpost_database(tmp_path: Path) -> None:
    """It should accept an empty file (as SQLite does) and build the schema in it."""
    path = tmp_path / "empty.db"
    path.touch()
    await (await Store.open(path)).close()
    assert pragma(path, "user_version") == LATEST


async def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    """It should say so when --db points at a directory."""
    with pytest.raises(StoreError, match="is a directory"):
        await Store.open(tmp_path)


async def test_read_only_open(tmp_path: Path) -> None:
    """It should read a database opened read-only and refuse to change it."""
    path = tmp_path / "lp.db"
    store, source = await open_with_source(path)
    await store.ingest(source, [mention(1)], now=NOW)
    await store.close()
    before = path.read_bytes()
    async with await Store.open(path, readonly=True) as reader:
        assert await reader.count_mentions() == 1
        with pytest.raises(StoreError, match="read-only"):
            await reader.ingest(source, [mention(2)], now=NOW)
    assert path.read_bytes() == before


async def test_read_only_open_of_a_missing_file(tmp_path: Path) -> None:
    """It should not create a database when asked to open it read-only."""
    path = tmp_path / "missing" / "lp.db"
    with pytest.raises(StoreError, match="no database here"):
        await Store.open(path, readonly=True)
    assert not path.parent.exists()


# --- sources and polls ---------------------------------------------------------------------------


async def test_sync_sources_upserts_and_keeps_removed_ones(tmp_path: Path) -> None:
    """It should update sources by name, and keep removed ones (and their mentions) inactive."""
    async with await Store.open(tmp_path / "lp.db") as store:
        ids = await store.sync_sources([Src("a", "feed", "https://a/1"), Src("b", "feed", "https://b")])
        await store.ingest(ids["b"], [mention(1)], now=NOW)
        again = await store.sync_sources([Src("a", "feed", "https://a/2", owned=True)])
        assert again == {"a": ids["a"]}
        [row] = await store.sources()
        assert (row.name, row.url, row.owned) == ("a", "https://a/2", True)
        removed = [s for s in await store.sources(include_removed=True) if not s.active]
        assert [s.name for s in removed] == ["b"]
        assert await store.count_mentions() == 1
        back = await store.sync_sources([Src("b", "feed", "https://b")])
        assert back == {"b": ids["b"]}


async def test_a_changed_url_forgets_the_fetch_validators(tmp_path: Path) -> None:
    """It should drop the ETag and cursor of a source whose URL changed, and keep them otherwise."""
    async with await Store.open(tmp_path / "lp.db") as store:
        [sid] = (await store.sync_sources([Src("a", "feed", "https://a/1")])).values()
        state = SourceState(etag='"v1"', last_modified="Mon", body_hash="abc", cursor="{}")
        await store.record_poll(sid, PollOutcome("a", PollStatus.OK), state, next_poll_at=NOW)
        await store.sync_sources([Src("a", "feed", "https://a/1")])
        assert await store.source_state(sid) == state
        await store.sync_sources([Src("a", "feed", "https://a/2")])
        assert await store.source_state(sid) == SourceState()


async def test_record_poll_keeps_health_and_history(tmp_path: Path) -> None:
    """It should count consecutive failures, reset them on success and store every outcome."""
    store, sid = await open_with_source(tmp_path / "lp.db")
    for status in (PollStatus.ERROR, PollStatus.ERROR):
        await store.record_poll(sid, PollOutcome("masto", status, "boom", started_at=NOW),
                                None, next_poll_at=NOW + 60)
    [row] = await store.sources()
    assert (row.error_count, row.last_status, row.last_message) == (2, "error", "boom")
    assert (row.last_ok_at, row.next_poll_at, row.last_polled_at) == (None, NOW + 60, NOW)
    ok = PollOutcome("masto", PollStatus.OK, new=3, started_at=NOW + 100, duration_ms=1500)
    await store.record_poll(sid, ok, SourceState(etag="e"), next_poll_at=NOW + 900)
    [row] = await store.sources()
    assert (row.error_count, row.last_ok_at, row.throttled_until) == (0, NOW + 100, None)
    assert (await store.source_state(sid)).etag == "e"
    async with store.db.execute("SELECT status, new FROM polls ORDER BY id") as cursor:
        assert await cursor.fetchall() == [("error", 0), ("error", 0), ("ok", 3)]
    await store.close()


async def test_record_poll_throttling_and_bounded_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It should store when a throttle ends, cap messages and keep only the newest polls."""
    monkeypatch.setattr(store_module, "POLL_HISTORY", 3)
    store, sid = await open_with_source(tmp_path / "lp.db")
    for i in range(5):
        throttled = PollOutcome("masto", PollStatus.THROTTLED, "x" * 5000, started_at=NOW + i,
                                duration_ms=1200, retry_after=120)
        await store.record_poll(sid, throttled, None, next_poll_at=None)
    [row] = await store.sources()
    assert row.throttled_until == NOW + 4 + 2 + 120
    assert len(row.last_message or "") == store_module.MAX_MESSAGE
    async with store.db.execute("SELECT started_at FROM polls ORDER BY id") as cursor:
        assert [r[0] for r in await cursor.fetchall()] == [NOW + 2, NOW + 3, NOW + 4]
    await store.close()


async def test_unknown_source_ids_are_errors(tmp_path: Path) -> None:
    """It should say which source id is unknown instead of failing obscurely."""
    async with await Store.open(tmp_path / "lp.db") as store:
        with pytest.raises(StoreError, match="no source with id 42"):
            await store.source_state(42)
        with pytest.raises(StoreError, match="no source with id 42"):
            await store.record_poll(42, PollOutcome("x", PollStatus.OK), None, next_poll_at=None)


async def test_a_batch_of_outcomes_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    """It should store many sources' outcomes and states at once, and none if one is unknown."""
    async with await Store.open(tmp_path / "lp.db") as store:
        ids = await store.sync_sources([Src(f"f{i}", "feed", f"https://f.example/{i}")
                                        for i in range(3)])
        records = [PollRecord(sid, PollOutcome(name, PollStatus.NOT_MODIFIED, started_at=NOW),
                              SourceState(etag=f'"{name}"'), NOW + 60)
                   for name, sid in ids.items()]
        unknown = PollRecord(999, PollOutcome("x", PollStatus.OK), None, None)
        with pytest.raises(StoreError, match="no source with id 999"):
            await store.record_polls([*records, unknown])
        assert [row.last_status for row in await store.sources()] == [None, None, None]
        await store.record_polls(records)
        rows, states = await store.sources(), await store.source_states()
        async with store.db.execute("SELECT count(*) FROM polls") as cursor:
            assert await cursor.fetchone() == (3,)
    assert [(row.last_status, row.next_poll_at) for row in rows] == [("not_modified", NOW + 60)] * 3
    assert {states[sid].etag for sid in ids.values()} == {f'"{name}"' for name in ids}


# --- reading mentions back ---------------------------------------------------------------------


async def test_a_mention_comes_back_as_it_went_in(tmp_path: Path) -> None:
    """It should rebuild every Mention field, including sentiment, matches and engagement."""
    original = mention(
        7, title="Acme v2", guid="tag:m.example,2024:7", author_url="https://m.example/@a",
        author_followers=1234, in_reply_to="6", owned=True, category="question", priority=0.75,
        matched=[Match("brand", "Acme"), Match("competitor", "Globex")],
    )
    store, source = await open_with_source(tmp_path / "lp.db")
    result = await store.ingest(source, [original], now=NOW)
    stored = await store.get_mention(result.new_ids[0])
    assert stored is not None
    assert stored.to_mention() == original
    assert (stored.source, stored.fetched_at, stored.sort_at) == ("masto", NOW, NOW - 7)
    assert (stored.status, stored.starred, stored.tags) == ("new", False, [])
    assert await store.get_mention(999) is None
    await store.close()


async def test_an_author_without_id_has_no_author_id(tmp_path: Path) -> None:
    """It should key a nameless-id author by display name but not report the name as an id."""
    store, source = await open_with_source(tmp_path / "lp.db")
    result = await store.ingest(source, [mention(1, author_id=None, author="Jo")], now=NOW)
    stored = await store.get_mention(result.new_ids[0])
    assert stored is not None and (stored.author, stored.author_id) == ("Jo", None)
    await store.close()


async def test_export_order_is_stable_and_filtered(tmp_path: Path) -> None:
    """It should export newest first with ties broken by id, the same way every time."""
    async with await Store.open(tmp_path / "lp.db") as store:
        ids = await store.sync_sources([Src("a", "feed", "https://a"), Src("b", "feed", "https://b")])
        same_time = [mention(i, published_at=NOW) for i in range(3)]
        await store.ingest(ids["a"], [*same_time, mention(10, published_at=NOW - 500)], now=NOW)
        await store.ingest(ids["b"], [mention(20, published_at=NOW - 100)], now=NOW)
        await write(store, "INSERT INTO tags VALUES (1, 'zeta'), (1, 'alpha')")
        everything = await store.export_mentions()
        assert [m.id for m in everything] == [3, 2, 1, 5, 4]
        assert everything == await store.export_mentions()
        assert [m.id for m in await store.export_mentions(since=NOW - 100)] == [3, 2, 1, 5]
        assert [m.source for m in await store.export_mentions(source_names=["b"])] == ["b"]
        assert (await store.get_mention(1)).tags == ["alpha", "zeta"]  # type: ignore[union-attr]


async def test_export_pages_stream_one_snapshot(tmp_path: Path) -> None:
    """It should page the export in order and see one point in time inside snapshot()."""
    reader, source = await open_with_source(tmp_path / "lp.db")
    writer, _ = await open_with_source(tmp_path / "lp.db")
    await reader.ingest(source, [mention(i) for i in range(7)], now=NOW)
    async with reader.snapshot():
        groups = await reader.export_groups()
        await writer.ingest(source, [mention(i) for i in range(7, 12)], now=NOW)  # commits
        pages = [page async for page in reader.export_pages(page=3)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [m for p in pages for m in p] == (await writer.export_mentions())[:7]  # 7-11 sort last
    assert sum(g[-1] for g in groups) == 7
    assert len(await reader.export_mentions()) == 12  # after the snapshot: the new rows too
    await reader.close()
    await writer.close()
