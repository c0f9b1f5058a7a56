"""The Markdown daily report: what a community manager reads over coffee, or mails on.

Sections: the numbers (volume, sentiment, share of voice), what needs attention (negative
mentions and questions, by priority), ideas, competitor talk, and source health. Every piece
of outside text is escaped so it renders as the characters it is: no links, images, HTML or
emphasis that the author of a mention put there, and only http(s) links that we make.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import TextIO

from core.analysis.categories import IDEA, QUESTION
from core.analysis.text import bounded
from core.export.report import Report, Summary, iso
from core.store import SourceRow, StoredMention

SNIPPET = 160  # characters of a mention shown in a list line: one or two lines in a mail client
TOP = 10  # mentions per section: a report is a digest, the inbox holds the rest

# Everything CommonMark or GitHub's renderer can treat as markup at some position.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def render_markdown(report: Report) -> str:
    out = io.StringIO()
    writer = MarkdownWriter(report, out)
    writer.begin(report.summary())
    writer.add(report.mentions)
    writer.end()
    return out.getvalue()


class MarkdownWriter:
    """Keeps only the top mentions of each section as they come; writes it all at the end."""

    def __init__(self, report: Report, out: TextIO) -> None:
        self._report, self._out = report, out
        self._summary: Summary = {}
        self._top: dict[str, list[StoredMention]] = {name: [] for name, _ in _SECTIONS}

    def begin(self, summary: Summary) -> None:
        self._summary = summary

    def add(self, mentions: Sequence[StoredMention]) -> None:
        for name, wanted in _SECTIONS:
            chosen = [m for m in mentions if wanted(m)]
            if chosen:
                self._top[name] = _top(self._top[name] + chosen)

    def end(self) -> None:
        sections = [
            _header(self._report),
            _numbers(self._summary),
            *(_list_section(name, self._top[name]) for name, _ in _SECTIONS),
            _source_health(self._report.sources),
        ]
        self._out.write("\n".join(s for s in sections if s))


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


def _numbers(summary: Summary) -> str:
    sentiment, shares, total = summary["sentiment"], summary["share_of_voice"], summary["mentions"]
    assert isinstance(sentiment, dict) and isinstance(shares, dict) and isinstance(total, int)
    lines = ["## The numbers", "", "| figure | value |", "|---|---|", f"| mentions | {total} |"]
    for label in ("positive", "neutral", "negative"):
        lines.append(f"| {label} | {sentiment[label]} ({_percent(sentiment[label], total)}) |")
    for name, share in shares.items():
        lines.append(f"| share of voice: {escape(name)} | {share * 100:.1f}% |")
    return "\n".join(lines) + "\n"


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "0%"


def _needs_attention(m: StoredMention) -> bool:
    return m.status != "done" and (m.sentiment.label.value == "negative"
                                   or m.category == QUESTION)


def _competitor_talk(m: StoredMention) -> bool:
    return any(x.kind == "competitor" for x in m.matched)


# Section title and which mentions it lists, in report order.
_SECTIONS: tuple[tuple[str, Callable[[StoredMention], bool]], ...] = (
    ("Needs attention", _needs_attention),
    ("Questions", lambda m: m.category == QUESTION),
    ("Ideas", lambda m: m.category == IDEA),
    ("Competitor talk", _competitor_talk),
)


def _top(mentions: list[StoredMention]) -> list[StoredMention]:
    return sorted(mentions, key=lambda m: (-m.priority, -m.sort_at, m.id))[:TOP]


def _list_section(title: str, mentions: list[StoredMention]) -> str:
    if not mentions:
        return ""
    return "\n".join([f"## {title}", "", *(line(m) for m in mentions)]) + "\n"


def line(m: StoredMention) -> str:
    """One mention as a Markdown list line: sentiment mark, who, where, when, text, link."""
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
