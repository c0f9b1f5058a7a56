"""Test databases for the inbox: the real migrations, real files, fixed rows.

The database is created by the real store (every migration, so the inbox's triggers and
indexes too); fixed rows are then written with plain SQL so a test can set any triage state
(status, snooze, priority) directly, which ingest rightly never does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from core.inbox.triage import Inbox
from core.store import Store

T0 = 1_717_200_000  # 2024-06-01 00:00 UTC: every fixed row and fixed clock counts from here


async def create_db(path: Path) -> None:
    """A database at ``path`` with every migration applied, as the store creates it."""
    async with await Store.open(path):
        pass


@dataclass
class M:
    """A mention row to insert; only what a test cares about needs setting."""

    title: str = ""
    text: str = ""
    author: str = "someone"
    source: str = "blog"
    sort_at: int = T0
    priority: float = 0.0
    sentiment_label: str = "neutral"
    category: str | None = None
    matched: str = ""
    status: str = "new"
    starred: int = 0
    snoozed_until: int | None = None
    url: str | None = None
    language: str = "en"
    sentiment_drivers: str = ""


def insert(path: Path, mentions: Iterable[M]) -> list[int]:
    """Insert rows (creating sources by name) and return their ids in order."""
    ids = []
    with sqlite3.connect(path) as db:
        for i, m in enumerate(mentions):
            source_id = _source(db, m.source)
            cur = db.execute(
                "INSERT INTO mentions(key, source_id, platform, url, title, text, author,"
                " published_at, fetched_at, sort_at, language, sentiment_label,"
                " sentiment_drivers, matched, category, priority, status, starred,"
                " snoozed_until, sentiment) VALUES (?, ?, 'feed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?, ?, ?, ?)",
                (f"k{_next_key(db)}-{i}", source_id, m.url, m.title, m.text, m.author, m.sort_at,
                 m.sort_at, m.sort_at, m.language, m.sentiment_label, m.sentiment_drivers,
                 m.matched, m.category, m.priority, m.status, m.starred, m.snoozed_until,
                 -0.6 if m.sentiment_label == "negative" else 0.0))
            ids.append(int(cur.lastrowid or 0))
    return ids


def _next_key(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM mentions").fetchone()[0])


def _source(db: sqlite3.Connection, name: str) -> int:
    row = db.execute("SELECT id FROM sources WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    cur = db.execute("INSERT INTO sources(name, kind, url) VALUES (?, 'feed', ?)",
                     (name, f"http://127.0.0.1/{name}.xml"))
    return int(cur.lastrowid or 0)


@asynccontextmanager
async def open_inbox(path: Path, me: str = "ana") -> AsyncIterator[Inbox]:
    """An Inbox over ``path`` with a BEGIN IMMEDIATE transaction, as the store provides."""
    async with await Store.open(path) as store:
        yield Inbox(store.db, store.transaction, me=me)
