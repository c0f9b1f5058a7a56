"""Shared wording: plurals and the one name of an unknown author, down to the Markdown report."""

from __future__ import annotations

from pathlib import Path

from core.export import Report, render
from core.model import Label, Match, Mention, Sentiment, SourceConfig
from core.store import Store
from core.wording import UNKNOWN_AUTHOR, author_name, plural

NOW = 1_763_800_000


def test_plural_counts_read_as_english() -> None:
    """It should say 1 source, 2 sources, 0 mentions, and take an irregular plural."""
    assert plural(1, "source") == "1 source"
    assert plural(2, "source") == "2 sources"
    assert plural(0, "mention") == "0 mentions"
    assert plural(1200, "reply", "replies") == "1,200 replies"


def test_author_name_falls_back_to_one_word() -> None:
    """It should keep a name and call a blank one UNKNOWN_AUTHOR."""
    assert author_name("  ana ") == "ana"
    assert author_name("") == author_name(None) == author_name("  ") == UNKNOWN_AUTHOR


async def test_markdown_report_names_an_unknown_author(tmp_path: Path) -> None:
    """It should write the same unknown-author words in the Markdown report as in the inbox."""
    source = SourceConfig(name="blog", kind="feed", url="https://blog.example/feed.xml")
    mention = Mention(platform="feed", title="Grinder broke", text="Refund please.",
                      guid="g-1", key="feed:guid:blog/g-1", url="https://blog.example/1",
                      published_at=NOW - 60, matched=[Match("brand", "Northwind")],
                      sentiment=Sentiment(-0.8, Label.NEGATIVE))
    async with await Store.open(tmp_path / "report.db") as store:
        ids = await store.sync_sources([source])
        await store.ingest(ids["blog"], [mention], now=NOW)
        report = Report(generated_at=NOW, mentions=await store.export_mentions(),
                        sources=await store.sources(), brand="Northwind", outcomes=[])
    text = render(report, "md")
    assert f"**{UNKNOWN_AUTHOR}** on blog" in text
    assert "someone" not in text
