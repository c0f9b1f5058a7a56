"""The reply editor as a real process in a pseudo-terminal: kill -9 mid-draft, and OSC 52.

``listenpost --db DB --config CFG`` runs under ``pty.fork()`` (the session helpers of
tests/adversarial/test_screen_pty.py). A draft typed into the editor is in the database within
about a second, so ``kill -9`` without Escape loses nothing, and the next run reopens it on
``r``. Sending where no API posts copies the draft with OSC 52: the sequence the app writes
carries exactly the draft, base64-encoded, and a draft holding escape sequences (a row written
by another tool) cannot end the sequence or write one of its own.
"""

from __future__ import annotations

import asyncio
import base64
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.model import Mention, SourceConfig
from core.replies.drafts import clean_draft
from core.store import Store
from tests.adversarial.harness import T0
from tests.adversarial.test_screen_pty import Session, _kill, spawn

pytestmark = pytest.mark.slow

TITLE = "Grinder squeaks after a week"
TYPED = "Sorry to hear that, we will send a new burr set"
HOSTILE = "ok \x1b]52;c;ZXZpbA==\x07\x1b]2;pwned\x07 \x1b[2J done"
OSC52 = re.compile(rb"\x1b\]52;c;([^\x07\x1b]*)(\x07|\x1b\\)")
BOUND = 20.0  # seconds for the app to start or a condition to hold on a loaded 2-core machine


async def seed(db: Path) -> None:
    async with await Store.open(db) as store:
        ids = await store.sync_sources([SourceConfig(name="blog", kind="feed",
                                                     url="https://blog.example/feed")])
        mention = Mention("feed", title=TITLE, text="It squeaks.", author="Maja",
                          url="https://blog.example/squeak", key="squeak", published_at=T0)
        await store.ingest(ids["blog"], [mention], now=T0)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "lp.db"
    asyncio.run(seed(db))
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\n', encoding="utf-8")
    return config, db


def saved_draft(db: Path) -> str | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT text FROM replies WHERE state = 'open'").fetchone()
    return None if row is None else str(row[0])


def until(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def open_editor(config: Path, db: Path) -> Session:
    session = spawn(config, db)
    assert session.wait_for(lambda shown: TITLE in shown, BOUND), session.text()[-2000:]
    session.press(b"r", 0.0)
    assert session.wait_for(lambda shown: "characters" in shown, BOUND), session.text()[-2000:]
    return session


def close(session: Session) -> None:
    _kill(session.pid)


def test_kill_9_mid_draft_loses_nothing_saved(files: tuple[Path, Path]) -> None:
    """It should have the typed draft in the database within about a second, keep it through
    kill -9, and show it again when the mention is reopened in a new run."""
    config, db = files
    session = open_editor(config, db)
    try:
        for char in TYPED:
            session.press(char.encode(), 0.0)
        assert until(lambda: saved_draft(db) == TYPED), saved_draft(db)
    finally:
        close(session)  # SIGKILL: no Escape, no clean exit
    again = open_editor(config, db)
    try:
        assert again.wait_for(lambda shown: TYPED in shown, BOUND)
    finally:
        close(again)


def test_osc52_carries_exactly_the_draft_and_nothing_breaks_out(
        files: tuple[Path, Path]) -> None:
    """It should copy with one OSC 52 whose base64 decodes to the (cleaned) draft, with no
    sequence of the draft's own reaching the terminal."""
    config, db = files
    with sqlite3.connect(db) as conn:  # as another tool might have written it
        conn.execute("INSERT INTO replies(mention_id, text, drafted_by, created_at, updated_at,"
                     " idempotency_key) VALUES (1, ?, 'x', 0, 0, 'k')", (HOSTILE,))
    session = open_editor(config, db)
    try:
        start = len(session.output)
        session.press(b"\x13", 0.0)  # ctrl+s
        assert session.wait_for(lambda shown: "Copied the reply" in shown, BOUND)
        written = bytes(session.output[start:])
    finally:
        close(session)
    copies = OSC52.findall(written)
    assert len(copies) == 1
    payload = copies[0][0]
    assert base64.b64decode(payload, validate=True).decode() == clean_draft(HOSTILE)
    assert "\x1b" not in clean_draft(HOSTILE) and "ok" in clean_draft(HOSTILE)
    assert b"ZXZpbA==" not in written and b"pwned" not in written  # not even as text
    assert b"\x1b]2;" not in written and b"\x1b[2J" not in written
