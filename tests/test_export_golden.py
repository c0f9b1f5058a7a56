"""Golden files for every export format, rendered from a real store on fixed data.

Set ``UPDATE_GOLDEN=1`` to rewrite the files after an intended change, then read the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from core.export import Report, format_for, render
from core.export.zone import ReportZone
from core.model import (
    Engagement,
    Label,
    Match,
    Mention,
    PollOutcome,
    PollStatus,
    Sentiment,
    SourceConfig,
)
from core.store import Store

GOLDEN = Path(__file__).parent / "golden"
CPH = ReportZone(ZoneInfo("Europe/Copenhagen"), "Europe/Copenhagen")
NOW = 1_763_800_000  # 2025-11-22T08:26:40Z


def mentions() -> list[Mention]:
    return [
        Mention(
            platform="feed",
            title="Grinder broke after a week",
            text="Refund please. Worst purchase.",
            url="https://blog.example/broke?utm_source=x",
            guid="g-1",
            author="Ana",
            published_at=NOW - 3600,
            key="feed:guid:blog/g-1",
            language="en",
            sentiment=Sentiment(-0.8, Label.NEGATIVE, "vader", ("worst",)),
            matched=[Match("brand", "Northwind")],
            category="complaint",
            priority=9.5,
        ),
        Mention(
            platform="mastodon",
            title="",
            text='=HYPERLINK("http://evil") loving the new roast [@click=app.quit]',
            url="https://social.example/@bo/1",
            platform_id="https://social.example/1",
            author="Bo",
            author_id="bo@social.example",
            published_at=NOW - 7200,
            key="mastodon:id:1",
            language="en",
            sentiment=Sentiment(0.6, Label.POSITIVE, "vader", ("loving",)),
            matched=[Match("brand", "Northwind"), Match("competitor", "Copperpot")],
            category="praise",
            priority=3.0,
            engagement=Engagement(2, 1, 7),
        ),
        Mention(
            platform="feed",
            title="Kan man få *den* i <b>sort</b>?",
            text="Hvornår kommer den i sort?",
            url=None,
            guid="g-3",
            author="Kirsten | K",
            published_at=None,
            key="feed:guid:blog/g-3",
            language="da",
            sentiment=Sentiment(0.0, Label.NEUTRAL, "afinn-da"),
            matched=[Match("competitor", "Copperpot")],
            category="question",
            priority=6.0,
        ),
    ]


async def build_report(tmp_path: Path) -> Report:
    sources = [
        SourceConfig(name="blog", kind="feed", url="https://blog.example/feed?token=SECRET"),
        SourceConfig(name="forum", kind="feed", url="https://forum.example/feed.xml"),
    ]
    async with await Store.open(tmp_path / "golden.db") as store:
        ids = await store.sync_sources(sources)
        await store.ingest(ids["blog"], mentions(), now=NOW)
        failure = PollOutcome(
            "forum", PollStatus.ERROR, "HTTP 500 Internal Server Error", started_at=NOW
        )
        await store.record_poll(ids["forum"], failure, None, next_poll_at=NOW + 900)
        return Report(
            generated_at=NOW,
            mentions=await store.export_mentions(),
            sources=await store.sources(),
            brand="Northwind",
            outcomes=[failure],
            zone=CPH,
        )


async def exported(tmp_path: Path, fmt: str) -> str:
    """The fixed store written as ``--export`` writes it: the streaming writer over the store."""
    from core.export.stream import write_export

    report = await build_report(tmp_path)
    async with await Store.open(tmp_path / "golden.db", readonly=True) as store:
        out = io.StringIO()
        await write_export(store, report, fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
async def test_export_matches_golden_file(tmp_path: Path, fmt: str) -> None:
    """It should export the fixed store exactly as the golden file says."""
    text = await exported(tmp_path, fmt)
    golden = GOLDEN / f"export.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")


async def test_two_exports_are_byte_identical(tmp_path: Path) -> None:
    """It should produce the same bytes from two separate stores holding the same data."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await exported(tmp_path / "a", "json")
    second = await exported(tmp_path / "b", "json")
    assert first == second


async def test_csv_neutralises_formulas_and_json_keeps_text(tmp_path: Path) -> None:
    """It should prefix formula-looking cells in CSV and keep the text intact in JSON."""
    report = await build_report(tmp_path)
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    texts = [r["text"] for r in rows]
    assert '\'=HYPERLINK("http://evil") loving the new roast [@click=app.quit]' in texts
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())
    negative = [r["sentiment"] for r in rows if r["sentiment_label"] == "negative"]
    assert negative == ["-0.8"]  # a number stays a number
    document = json.loads(render(report, "json"))
    assert any(m["text"].startswith("=HYPERLINK") for m in document["mentions"])


async def test_export_hides_source_url_secrets(tmp_path: Path) -> None:
    """It should never write a source URL's query string (tokens hide there)."""
    report = await build_report(tmp_path)
    for fmt in ("csv", "json", "md"):
        assert "SECRET" not in render(report, fmt)


async def test_markdown_escapes_outside_markup(tmp_path: Path) -> None:
    """It should show emphasis, HTML and pipes from mentions as literal characters."""
    text = render(await build_report(tmp_path), "md")
    html = MarkdownIt("gfm-like").render(text)
    assert "Kan man få *den* i &lt;b&gt;sort&lt;/b&gt;?" in html  # characters, not markup
    assert "<em>" not in html and "<b>" not in html
    assert "**Kirsten | K**" in text  # a pipe ends nothing outside a table


@pytest.mark.parametrize("hostile", [
    "*bold* _em_ ~~gone~~ `code` <b>tag</b> <!-- c --> &copy; &#65;",
    "[click](https://evil.example) ![img](https://evil.example/x.png) [ref]: https://e.example",
    "see https://evil.example and www.evil.example or mail bo@evil.example",
    "back\\slash \\*not bold\\* a_b_c __init__",
])
def test_escaped_text_renders_as_the_characters_it_is(hostile: str) -> None:
    """It should make outside text render as itself in a GFM renderer: no links, tags, emphasis."""
    from core.export.markdown import escape

    html = MarkdownIt("gfm-like").render(f"- **x** on y: {escape(hostile)}")
    inner = html.removeprefix("<ul>\n<li><strong>x</strong> on y: ").removesuffix("</li>\n</ul>\n")
    assert inner == hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize("plain", ["post-mortem", "#northwindcoffee", "snake_case", "1. + > !",
                                   "a < b & c", "price (EUR) {x} 3.5 | @ana"])
def test_markdown_leaves_text_plain_where_it_is_safe(plain: str) -> None:
    """It should not escape characters that mean nothing in the middle of a line."""
    from core.export.markdown import escape

    assert escape(plain) == plain


async def test_markdown_report_says_its_time_zone(tmp_path: Path) -> None:
    """It should show times in the report's zone and say which zone that is."""
    text = render(await build_report(tmp_path), "md")
    assert "Generated 2025-11-22 09:26, covering all stored mentions." in text
    assert "Times are Europe/Copenhagen, UTC+01:00." in text
    assert "**Ana** on blog, 2025-11-22 08:26:" in text  # published 07:26:40 UTC


def test_format_from_extension_or_flag() -> None:
    """It should pick the format by extension, let --format win, and explain a bad name."""
    assert format_for("out.JSON", None) == "json"
    assert format_for("report.markdown", None) == "md"
    assert format_for("out.txt", "csv") == "csv"
    with pytest.raises(ValueError, match="--format"):
        format_for("out.txt", None)


def many_mentions(count: int) -> list[Mention]:
    """``count`` varied mentions: every label, some categories and matches, hostile text."""
    labels = (Label.POSITIVE, Label.NEUTRAL, Label.NEGATIVE)
    made = []
    for i in range(count):
        made.append(Mention(
            platform="feed", title=f"t{i} \"quoted\" \u00e6\u00f8\u00e5 \u2028",
            text=f"line\nbreak \x1b[31m {i} \\ [bold]x[/] \ud83d\ude00", url=f"https://e.example/{i}",
            guid=f"g{i}", author=f"a{i % 7}", published_at=NOW - (i % 50) * 60,
            key=f"feed:guid:blog/many-{i}", language=("en", "da", "und")[i % 3],
            sentiment=Sentiment(((i * 37) % 200 - 100) / 101, labels[i % 3], "vader"),
            matched=[Match("brand", "Northwind")] * (i % 2)
            + [Match("competitor", "Copperpot")] * (i % 3 == 0),
            category=(None, "question", "idea", "complaint")[i % 4], priority=(i * 13) % 17 / 3,
            engagement=Engagement(i % 5 or None, None, i),
        ))
    return made


async def stream_and_render(tmp_path: Path, count: int, fmt: str) -> tuple[str, str]:
    """The streamed export of a store and the in-memory render of the same store."""
    from core.export.stream import write_export

    sources = [SourceConfig(name="blog", kind="feed", url="https://blog.example/feed")]
    async with await Store.open(tmp_path / f"many-{fmt}.db") as store:
        ids = await store.sync_sources(sources)
        await store.ingest(ids["blog"], many_mentions(count), now=NOW)
        report = Report(generated_at=NOW, mentions=[], sources=await store.sources(),
                        since=NOW - 1800, brand="Northwind")
        out = io.StringIO()
        await write_export(store, report, fmt, out)
        report.mentions = await store.export_mentions(since=NOW - 1800)
        return out.getvalue(), render(report, fmt)


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
async def test_streamed_export_equals_in_memory_render(tmp_path: Path, fmt: str) -> None:
    """It should write the same bytes from the store's cursor as from a list of mentions."""
    streamed, rendered = await stream_and_render(tmp_path, 2500, fmt)  # > 2 pages of 1000
    assert streamed == rendered
    assert len(streamed) > 1000


async def test_streamed_json_is_what_json_dumps_writes(tmp_path: Path) -> None:
    """It should write exactly json.dumps(document, ensure_ascii=False, indent=2)."""
    streamed, _ = await stream_and_render(tmp_path, 1200, "json")
    document = json.loads(streamed)
    assert streamed == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    assert document["summary"]["mentions"] == len(document["mentions"]) > 500


async def test_streamed_export_of_an_empty_store(tmp_path: Path) -> None:
    """It should write a valid, json.dumps-identical document when nothing is stored."""
    streamed, rendered = await stream_and_render(tmp_path, 0, "json")
    assert streamed == rendered == json.dumps(json.loads(streamed), ensure_ascii=False,
                                              indent=2) + "\n"
