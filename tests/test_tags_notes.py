"""Tag rules, tag removal and note editing: checked, logged and undone, on a real SQLite file."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from core.inbox.tags import MAX_TAG, TagError, check_tag
from core.inbox.triage import Ids
from tests.tui.inbox_db import T0, M, create_db, insert, open_inbox


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "tags.db"
    await create_db(path)
    return path


def tags_of(db: Path, mention_id: int) -> list[str]:
    with sqlite3.connect(db) as con:
        return [t for (t,) in con.execute("SELECT tag FROM tags WHERE mention_id = ?"
                                          " ORDER BY tag", (mention_id,))]


def logged(db: Path) -> list[tuple[str, str | None, str | None]]:
    with sqlite3.connect(db) as con:
        return list(con.execute("SELECT action, before, after FROM actions ORDER BY id"))


@pytest.mark.parametrize(("text", "problem"), [
    ("", "cannot be empty"),
    ("a" * (MAX_TAG + 1), f"at most {MAX_TAG} characters, not {MAX_TAG + 1}"),
    ("two words", "a space is not allowed"),
    ("vip,urgent", "a comma is not allowed"),
    ("#vip", "'#' is not allowed"),
    ("bad\x1b[31m", "U+001B is not allowed"),
])
def test_tag_rules_say_what_is_wrong(text: str, problem: str) -> None:
    """It should refuse empty, long, spaced, comma'd and control-character tags, saying why."""
    with pytest.raises(TagError, match=re.escape(problem)):
        check_tag(text)


def test_tag_rules_accept_words_of_any_script() -> None:
    """It should accept letters of any script, digits, - _ and ., trimming outer spaces."""
    assert check_tag("  kundeservice-æøå_2.0 ") == "kundeservice-æøå_2.0"
    assert check_tag("a" * MAX_TAG) == "a" * MAX_TAG


async def test_add_tag_refuses_a_bad_tag_and_writes_nothing(db: Path) -> None:
    """It should refuse a tag that breaks the rules before touching the database."""
    [a] = insert(db, [M(title="a")])
    async with open_inbox(db) as inbox:
        with pytest.raises(TagError):
            await inbox.add_tag(Ids((a,)), "x" * 600, actor="ana", now=T0)
    assert tags_of(db, a) == [] and logged(db) == []


async def test_remove_tag_is_logged_and_undone(db: Path) -> None:
    """It should take a tag off the mentions carrying it, log it, and put it back on undo."""
    a, b, c = insert(db, [M(title="a"), M(title="b"), M(title="c")])
    async with open_inbox(db) as inbox:
        await inbox.add_tag(Ids((a, b)), "vip", actor="ana", now=T0)
        await inbox.add_tag(Ids((a,)), "refund", actor="ana", now=T0)
        result = await inbox.remove_tag(Ids((a, b, c)), "vip", actor="ana", now=T0 + 1)
        assert (result.action, result.changed) == ("untag", 2)
        assert tags_of(db, a) == ["refund"] and tags_of(db, b) == []
        assert logged(db)[-1] == ("untag", '{"tag":"vip"}', None)
        undone = await inbox.undo_last("ana", now=T0 + 2)
        assert undone is not None and undone.action == "untag"
    assert tags_of(db, a) == ["refund", "vip"] and tags_of(db, b) == ["vip"]
    assert tags_of(db, c) == []


async def test_edit_note_is_logged_and_undone(db: Path) -> None:
    """It should rewrite a note's text, log old and new, and restore the old text on undo."""
    [a] = insert(db, [M(title="a")])
    async with open_inbox(db) as inbox:
        await inbox.add_note(Ids((a,)), "call back tomorow", actor="ana", now=T0)
        [note] = await inbox.notes(a)
        result = await inbox.edit_note(note.id, "call back tomorrow", actor="bo", now=T0 + 1)
        assert result.changed == 1
        assert [n.body for n in await inbox.notes(a)] == ["call back tomorrow"]
        assert logged(db)[-1][0] == "note_edit"
        unchanged = await inbox.edit_note(note.id, "call back tomorrow", actor="bo", now=T0 + 2)
        assert unchanged.changed == 0
        await inbox.undo_last("bo", now=T0 + 3)
        assert [n.body for n in await inbox.notes(a)] == ["call back tomorow"]
        detail = await inbox.detail(a)
        assert detail is not None and detail.notes == ((T0, "ana", "call back tomorow"),)
