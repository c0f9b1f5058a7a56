"""Economic value: [outcomes] typed, an outcome recorded on a mention and undone through the
inbox's log, the amount-and-note entry, and the value summed per period."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.config import parse_config
from core.inbox.triage import Ids
from core.metrics import queries
from core.metrics.outcomes import parse_entry
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert, open_inbox


def test_outcomes_config_is_typed() -> None:
    """It should read [outcomes] as kind -> value, numbers only."""
    config = parse_config("[outcomes]\nlead = 250\nsupport_deflection = 12.5\n")
    assert config.outcomes == {"lead": 250.0, "support_deflection": 12.5}
    assert parse_config("").outcomes == {}


@pytest.mark.parametrize(("text", "expected"), [
    ("", (250, "")), ("1200 signed the annual plan", (1200, "signed the annual plan")),
    ("great call", (250, "great call")), ("12,5", (12.5, "")), ("0", (0, "")),
    ("2024 plans", (2024, "plans")),
])
def test_amount_and_note_entry(text: str, expected: tuple[float, str]) -> None:
    """It should take an optional leading amount and the rest as the note."""
    assert parse_entry(text, 250) == expected


def test_negative_amounts_are_refused_with_the_way_out() -> None:
    """It should refuse a negative amount and say how to remove a mistake."""
    with pytest.raises(ValueError, match=r"zero or more.*undo"):
        parse_entry("-40 refund", 250)


async def test_outcome_is_logged_summed_and_undone(tmp_path: Path) -> None:
    """It should record an outcome per target mention, sum it in its period, and undo it."""
    db = tmp_path / "o.db"
    await create_db(db)
    a, b = insert(db, [M(title="a"), M(title="b")])
    async with open_inbox(db) as inbox:
        await inbox.record_outcome(Ids((a,)), "lead", 250, "", actor="ana", now=T0 + 10)
        done = await inbox.record_outcome(Ids((a, b)), "support", 12, "two tickets",
                                          actor="ana", now=T0 + 20)
        assert done.changed == 2
        async with await Store.open(db) as store:
            assert await queries.economic_value(store.db, T0, T0 + 3600) == {
                "lead": 250, "support": 24}
            assert await queries.economic_value(store.db, T0 + 3600, T0 + 7200) == {}
        undone = await inbox.undo_last("ana", now=T0 + 30)
        assert undone is not None and undone.action == "outcome"
    with sqlite3.connect(db) as con:
        kept = con.execute("SELECT mention_id, kind, value, actor FROM outcomes").fetchall()
        logged = con.execute("SELECT action, count(*) FROM actions GROUP BY action"
                             " ORDER BY action").fetchall()
    assert kept == [(a, "lead", 250.0, "ana")]
    assert logged == [("outcome", 3), ("undo", 2)]
