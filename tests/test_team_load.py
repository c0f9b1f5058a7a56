"""Issue 16, item 6: one daemon and three people triaging one database at once.

Real processes: a ``listenpost --daemon`` (renewing its lease every second and polling a
loopback feed) and three drivers, each a person acting through core's ``Inbox`` on random
mentions (done, reopen, star, assign, category) a fixed number of times and printing every
action the store acknowledged. Afterwards every acknowledged action is in the action log with
its actor and size, the log holds nothing else, the mentions' final state is what the log says
last, and no process met "database is locked".
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.test_signals import ROOT, wait_for_line
from tests.test_team_daemon import HOLDING, daemon, lease_row, stop, team  # noqa: F401
from tests.tui.inbox_db import M, create_db, insert

ACTIONS = 150  # per person
PEOPLE = ("ana", "jonas", "mia")
DRIVER = """
import asyncio, json, random, sys
from core.inbox.triage import Ids, Inbox
from core.store import LockPatience, Store

async def drive(path, me, count, ids):
    rng = random.Random(me)
    store = await Store.open(path, patience=LockPatience())
    inbox = Inbox(store.db, store.transaction, me=me)
    for n in range(count):
        target, now = Ids((rng.choice(ids),)), 1_763_800_000 + n
        kind = rng.choice(["done", "new", "star", "unstar", "assign", "category"])
        if kind in ("done", "new"):
            result = await inbox.set_status(target, kind, actor=me, now=now)
        elif kind in ("star", "unstar"):
            result = await inbox.star(target, kind == "star", actor=me, now=now)
        elif kind == "assign":
            who = rng.choice(["ana", "jonas", "mia", None])
            result = await inbox.assign(target, who, actor=me, now=now)
        else:
            category = rng.choice(["question", "complaint", None])
            result = await inbox.set_category(target, category, actor=me, now=now)
        print(json.dumps([result.batch, result.action, result.changed]), flush=True)
    await store.close()

asyncio.run(drive(sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])))
"""


def fold(con: sqlite3.Connection) -> dict[tuple[int, str], object]:
    """What the action log says each (mention, column) is now: its last action's value."""
    state: dict[tuple[int, str], object] = {}
    for mention, after in con.execute("SELECT mention_id, after FROM actions ORDER BY id"):
        for column, value in json.loads(after).items():
            state[(mention, column)] = value
    return state


def test_a_daemon_and_three_people_lose_nothing(team: tuple[Path, Path]) -> None:  # noqa: F811
    """It should log every acknowledged action, match the final state, and never lock out."""
    config, db = team
    asyncio.run(create_db(db))
    ids = insert(db, [M(title=f"Mention {i}", source="blog") for i in range(12)])
    holder = daemon(config, db)
    try:
        wait_for_line(holder, HOLDING)
        people = [subprocess.Popen([sys.executable, "-c", DRIVER, str(db), who, str(ACTIONS),
                                    json.dumps(ids)], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True) for who in PEOPLE]
        said = {who: p.communicate(timeout=240) for who, p in zip(PEOPLE, people, strict=True)}
        assert lease_row(db) is not None and lease_row(db)[0] == holder.pid  # type: ignore[index]
        last = stop(holder)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    for who, person in zip(PEOPLE, people, strict=True):
        assert person.returncode == 0, said[who][1]
        assert "locked" not in said[who][1]
    assert "locked" not in last
    acknowledged = {who: [json.loads(line) for line in said[who][0].splitlines()]
                    for who in PEOPLE}
    assert all(len(acts) == ACTIONS for acts in acknowledged.values())
    with sqlite3.connect(db) as con:
        for who, acts in acknowledged.items():
            # An action that changed nothing logs nothing (and its batch number is reused).
            for batch, action, changed in (act for act in acts if act[2]):
                logged = con.execute("SELECT actor, action, count(*) FROM actions WHERE batch = ?"
                                     " GROUP BY actor, action", (batch,)).fetchall()
                assert logged == [(who, action, changed)], (who, batch)
        total = con.execute("SELECT count(*) FROM actions").fetchone()[0]
        assert total == sum(c for acts in acknowledged.values() for _, _, c in acts)
        con.row_factory = sqlite3.Row
        rows = {r["id"]: r for r in con.execute("SELECT * FROM mentions")}
        for (mention, column), value in fold(con).items():
            assert rows[mention][column] == value, (mention, column)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
