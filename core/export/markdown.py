"""The Markdown daily report: what a community manager reads over coffee, or mails on.

Sections: the numbers (volume, sentiment, share of voice), what needs attention (negative
mentions and questions, by priority), ideas, competitor talk, and source health. Every piece
of outside text is escaped so it renders as the characters it is: no links, images, HTML or
emphasis that the author of a mention put there, and only http(s) links that we make.
"""

from __future__ import annotations

import re

from core.export.report import Report, iso
from core.store import SourceRow, StoredMention
from core.text import bounded

SNIPPET = 160  # characters of a mention shown in a list line: one or two lines in a mail client
TOP = 10  # mentions per section: a report is a digest, the inbox holds the rest

# Everything CommonMark or GitHub's renderer can treat as markup at some position.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def render_markdown(report: Report) -> str:
    sections = [
        _header(report),
        _numbers(report),
        _list_section("Needs attention", _needs_attention(report.mentions)),
        _list_section("Questions", _by_category(report.mentions, "question")),
        _list_section("Ideas", _by_category(report.mentions, "idea")),
        _list_section("Competitor talk", _competitor_talk(report.mentions)),
        _source_health(report.sources),
    ]
    return "\n".join(s for s in sections if s)


def escape(text: str) -> str:
    """Outside text as inert Markdown on one line: markup escaped, HTML entities neutral."""
    flat = " ".join(text.split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


def link(url: str | None) -> str:
    """A Markdown link we make ourselves, only for http(s), with its target made safe."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    target = re.sub(r"[\s<>()\[\]\"'`]", lambda m: f"%{ord(m.group()):02X}", url)
    return f" ([link]({target}))"


def _header(report: Report) -> str:
    title = f"# {escape(report.brand)} listening report" if report.brand else "# Listening report"
    period = f"since {iso(report.since)}" if report.since else "all stored mentions"
    return f"{title}\n\nGenerated {iso(report.generated_at)}, covering {period}.\n"


def _numbers(report: Report) -> str:
    summary = report.summary()
    sentiment = summary["sentiment"]
    assert isinstance(sentiment, dict)
    total = len(report.mentions)
    lines = ["## The numbers", "", "| figure | value |", "|---|---|", f"| mentions | {total} |"]
    for label in ("positive", "neutral", "negative"):
        lines.append(f"| {label} | {sentiment[label]} ({_percent(sentiment[label], total)}) |")
    for name, share in report.share_of_voice().items():
        lines.append(f"| share of voice: {escape(name)} | {share * 100:.1f}% |")
    return "\n".join(lines) + "\n"


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "0%"


def _needs_attention(mentions: list[StoredMention]) -> list[StoredMention]:
    chosen = [
        m
        for m in mentions
        if m.status != "done"
        and (m.sentiment.label.value == "negative" or m.category == "question")
    ]
    return _top(chosen)


def _by_category(mentions: list[StoredMention], category: str) -> list[StoredMention]:
    return _top([m for m in mentions if m.category == category])


def _competitor_talk(mentions: list[StoredMention]) -> list[StoredMention]:
    return _top([m for m in mentions if any(x.kind == "competitor" for x in m.matched)])


def _top(mentions: list[StoredMention]) -> list[StoredMention]:
    return sorted(mentions, key=lambda m: (-m.priority, -m.sort_at, m.id))[:TOP]


def _list_section(title: str, mentions: list[StoredMention]) -> str:
    if not mentions:
        return ""
    return "\n".join([f"## {title}", "", *(_line(m) for m in mentions)]) + "\n"


def _line(m: StoredMention) -> str:
    mark = {"positive": "+", "negative": "-", "neutral": "~"}[m.sentiment.label.value]
    text = escape(bounded(m.title or m.text, SNIPPET))
    who = escape(m.author) or "someone"
    when = iso(m.published_at or m.fetched_at)
    return f"- \\[{mark}\\] **{who}** on {escape(m.source)}, {when}: {text}{link(m.url)}"


def _source_health(sources: list[SourceRow]) -> str:
    if not sources:
        return ""
    lines = ["## Source health", "", "| source | status | last ok | message |", "|---|---|---|---|"]
    for s in sources:
        message = escape(bounded(s.last_message or "", SNIPPET))
        lines.append(
            f"| {escape(s.name)} | {s.last_status or 'never polled'} | "
            f"{iso(s.last_ok_at) or 'never'} | {message} |"
        )
    return "\n".join(lines) + "\n"
