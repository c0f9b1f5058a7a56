"""parse_filters and the value rules of core.inbox.choices: pure, with fixed choices."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.inbox.choices import ChoiceError, FilterChoices, choose
from core.inbox.triage import Ids
from core.inbox.views import FilterError, Filters, describe_filters, parse_filters
from tests.tui.inbox_db import T0, M, create_db, insert, open_inbox

NOW = int(datetime(2024, 6, 5, 12, 30, tzinfo=UTC).timestamp())
DEMO = FilterChoices(
    sources=("Google Alert - Northwind Coffee", "Hacker News: Northwind", "Northwind journal",
             "Reddit: northwind", "Reddit: espresso", "Mastodon #northwindcoffee"),
    languages=("da", "de", "en", "und"),
    assignees=("me", "none", "ana", "bo"),
    tags=("vip", "press", "refund-2024"),
)


def parsed(text: str) -> Filters:
    return parse_filters(text, NOW, DEMO)


def refusal(text: str) -> str:
    with pytest.raises(FilterError) as error:
        parsed(text)
    return str(error.value)


def test_parse_filters_reads_every_key() -> None:
    """It should turn a filter line into Filters, ages relative to now."""
    got = parsed("source:hn sentiment:neg category:question lang:da assignee:me "
                 "since:2d until:2024-06-06 tag:vip")
    assert got == Filters(source="Hacker News: Northwind", sentiment="negative",
                          category="question", language="da", assignee="me",
                          since=NOW - 2 * 86400,
                          until=int(datetime(2024, 6, 6, tzinfo=UTC).timestamp()),
                          tags=("vip",))


@pytest.mark.parametrize("value,source", [
    ("hn", "Hacker News: Northwind"),  # initials, the README's example
    ("hacker", "Hacker News: Northwind"),  # the start of the name, any case
    ("HACK", "Hacker News: Northwind"),
    ("news", "Hacker News: Northwind"),  # the start of a word
    ('"Reddit: espresso"', "Reddit: espresso"),  # a quoted whole name
    ('"reddit: north"', "Reddit: northwind"),  # a quoted prefix
    ("journal", "Northwind journal"),
    ("mastodon", "Mastodon #northwindcoffee"),
])
def test_source_takes_quoted_names_and_unambiguous_prefixes(value: str, source: str) -> None:
    """It should pick a source by its whole name, a prefix, a word or its initials."""
    assert parsed(f"source:{value}").source == source


def test_an_ambiguous_source_names_the_candidates() -> None:
    """It should refuse a value two sources start with, naming both."""
    message = refusal("source:reddit")
    assert "'Reddit: espresso' or 'Reddit: northwind'" in message and "quote a name" in message


def test_an_unknown_source_lists_the_sources() -> None:
    """It should refuse a source that does not exist, listing the ones that do."""
    message = refusal("source:twitter")
    assert message.startswith("no source matches 'twitter'; sources: ")
    assert "'Hacker News: Northwind'" in message and "'Northwind journal'" in message


@pytest.mark.parametrize("text,what", [
    ("sentiment:angry", "sentiment"), ("lang:klingon", "language"),
    ("category:rant", "category"), ("assignee:zed", "assignee"), ("tag:nope", "tag"),
])
def test_every_key_refuses_an_unknown_value_the_same_way(text: str, what: str) -> None:
    """It should refuse unknown values of every enumerated key alike, listing the known ones."""
    value = text.partition(":")[2]
    assert refusal(text).startswith(f"no {what} matches {value!r}; {what}s: ")


def test_languages_and_categories_are_read_like_sources() -> None:
    """It should read lang and category values by the same rules (case, prefixes)."""
    assert parsed("lang:DA category:quest").language == "da"
    assert parsed("category:quest").category == "question"
    assert "language 'd' could be da or de" in refusal("lang:d")


@pytest.mark.parametrize("text", ["colour:red", "since:yesterdayish", "hn", 'source:"hack'])
def test_parse_filters_names_the_bad_part(text: str) -> None:
    """It should refuse unknown keys, unreadable values and an unclosed quote, quoting them."""
    message = refusal(text)
    assert text.split(":")[-1].strip('"') in message or "never closed" in message


def test_describe_filters_reads_back_to_the_same_filters() -> None:
    """It should write a line, quoting names with spaces, that parses to the same filters."""
    filters = parsed('source:hn lang:en tag:vip since:2024-06-01 assignee:bo')
    line = describe_filters(filters)
    assert 'source:"Hacker News: Northwind"' in line
    assert parsed(line) == filters


def test_choose_with_no_options_says_there_are_none() -> None:
    """It should say there is nothing to choose from yet rather than list nothing."""
    with pytest.raises(ChoiceError, match="tags: none yet"):
        choose("tag", "vip", ())


async def test_the_inbox_offers_what_the_store_holds(tmp_path: Path) -> None:
    """It should offer every source, every detectable language, and the assignees and tags
    that triage has used."""
    db = tmp_path / "inbox.db"
    await create_db(db)
    a, _ = insert(db, [M(source="Hacker News: Northwind", language="da"),
                       M(source="Northwind journal", language="en")])
    async with open_inbox(db) as inbox:
        before = await inbox.filter_choices()
        await inbox.assign(Ids((a,)), "bo", actor="ana", now=T0)
        await inbox.add_tag(Ids((a,)), "vip", actor="ana", now=T0)
        after = await inbox.filter_choices()
    assert before.sources == ("Hacker News: Northwind", "Northwind journal")
    assert {"da", "en", "und"} <= set(before.languages)
    assert before.assignees == ("me", "none") and before.tags == ()
    assert after.assignees == ("me", "none", "bo") and after.tags == ("vip",)
    got = parse_filters("source:hn lang:da assignee:bo tag:vip", NOW, after)
    assert (got.source, got.assignee, got.tags) == ("Hacker News: Northwind", "bo", ("vip",))
