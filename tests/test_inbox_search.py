"""Search speaks the listening-query language: the same queries find the same mentions in the
store (FTS5, real SQLite file) as the matcher finds in text, or are refused saying what works."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.analysis.match import compile_query
from core.config import ConfigError, parse_config
from core.inbox.views import Filters, SearchError, fts_query, search_view
from tests.tui.inbox_db import T0, M, create_db, insert, open_inbox

TEXTS = (
    "Northwind coffee is back in stock",
    "northwind espresso machine review",
    "Northwind espresso jobs: barista wanted",
    "Refund please, the grinder broke",
    "chargeback filed after no refund",
    "Refund jobs at the call centre",
    "I love the new espresso blend",
    "Nothing to see here",
    "coffee, espresso and northwind",
)

QUERIES = (
    "refund",
    "refund OR chargeback",
    "refund -jobs",
    "refund AND NOT jobs",
    "NOT jobs refund",
    '"northwind coffee"',
    '"northwind coffee" OR (northwind AND espresso) -jobs',
    "(refund OR chargeback) -jobs",
    "espresso -(jobs OR review)",
    "Northwind espresso",
    "NEAR OR love",
)


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    await create_db(path)
    insert(path, [M(title=f"t{i}", text=text) for i, text in enumerate(TEXTS)])
    return path


async def found(db: Path, query: str) -> set[str]:
    async with open_inbox(db) as inbox:
        rows = await inbox.window(search_view(query), Filters(), now=T0, limit=100)
    return {TEXTS[int(r.title[1:])] for r in rows}


@pytest.mark.parametrize("query", QUERIES)
async def test_search_finds_what_the_listening_matcher_matches(db: Path, query: str) -> None:
    """It should find exactly the mentions the same query matches as a listening query."""
    matcher = compile_query(query)
    assert await found(db, query) == {t for t in TEXTS if matcher.matches(t)}


async def test_search_takes_a_prefix(db: Path) -> None:
    """It should read a trailing * as a prefix, search's one addition to the syntax."""
    assert await found(db, "charge*") == {TEXTS[4]}


@pytest.mark.parametrize("query,problem", [
    ("refund OR", "OR needs a term after it"),
    ("-jobs", "this query only excludes"),
    ("NOT refund", "this query only excludes"),
    ('NEAR( "', "this quote is never closed"),
    ("(refund", "this '(' is never closed"),
    ("!!! refund", "'!!!' has no letters or digits"),
    ("(refund OR NOT jobs) coffee", "NOT or '-' needs a word to subtract from"),
])
def test_search_refuses_what_it_cannot_run_saying_what_it_takes(query: str, problem: str) -> None:
    """It should refuse a broken search naming the problem and the syntax search takes."""
    with pytest.raises(SearchError) as error:
        fts_query(query)
    assert problem in str(error.value)
    assert 'search takes words, "exact phrases", prefix*, AND, OR, NOT' in str(error.value)


def test_fts_syntax_in_a_search_is_inert() -> None:
    """It should quote every word, so FTS5 operators and column filters are plain words."""
    assert fts_query("NEAR title:refund") == '"NEAR" AND "title:refund"'
    assert fts_query('say "it"') == '"say" AND "it"'


def test_a_saved_search_is_checked_when_the_config_loads(tmp_path: Path) -> None:
    """It should refuse a saved search that search cannot run, naming the key."""
    text = '[[searches]]\nname = "Refunds"\nquery = "refund OR"\n'
    with pytest.raises(ConfigError) as error:
        parse_config(text, tmp_path / "config.toml")
    assert "searches" in str(error.value) and "OR needs a term after it" in str(error.value)
