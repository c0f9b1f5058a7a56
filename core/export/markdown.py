"""The Markdown daily report: what a community manager reads over coffee, or mails on.

Sections: the numbers (volume, sentiment, share of voice), what needs attention (negative
mentions and questions, by priority), ideas, competitor talk, and source health. Times are in
the report's zone (``core.export.zone``), named in the opening line.

Every piece of outside text is escaped so it renders as the characters it is: no links,
images, HTML or emphasis that the author of a mention put there, and only http(s) links that
we make. It is escaped only where Markdown would read it: outside text never starts a line, so
the characters that matter only there (``#``, ``-``, ``+``, ``>``, ``1.``) stay plain, and
"post-mortem" or "#northwindcoffee" read as written in the raw file too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TextIO

from core.analysis.text import bounded
from core.export.report import Report, Summary
from core.export.zone import UTC_ZONE, ReportZone
from core.inbox.buckets import bucket
from core.store import SourceRow, StoredMention
from core.wording import author_name

SNIPPET = 160  # characters of a mention shown in a list line: one or two lines in a mail client
TOP = 10  # mentions per section: a report is a digest, the inbox holds the rest

# What CommonMark or GitHub's renderer reads as markup in the middle of a line: backslashes,
# code, emphasis and strikethrough marks, link brackets; "_" only at a word's edge (snake_case
# is plain); "<" only where a tag or autolink could start; "&" only where an entity could; the
# ":" of "http://", the "." of "www." and the "@" of an address, which GFM would turn into links.
_INLINE_MARKUP = re.compile(
    r"[\\`*~\[\]]"
    r"|(?<![^\W_])_|_(?![^\W_])"
    r"|<(?=[A-Za-z/!?])"
    r"|&(?=#?\w+;)"
    r"|(?<=[Hh][Tt][Tt][Pp]):|(?<=[Hh][Tt][Tt][Pp][Ss]):|(?<=[Ww][Ww][Ww])\.|(?<=\w)@"
)


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
            *_metrics(self._report),
            *(_list_section(name, self._top[name], self._report.zone) for name, _ in _SECTIONS),
            _source_health(self._report.sources, self._report.zone),
        ]
        self._out.write("\n".join(s for s in sections if s))


def _metrics(report: Report) -> list[str]:
    if report.metrics is None:
        return []
    from core.export.markdown_metrics import metrics_sections  # it imports this module

    return metrics_sections(report.metrics, report.zone)


def escape(text: str) -> str:
    """Outside text as inert Markdown on one line, for the middle of a line."""
    return _INLINE_MARKUP.sub(lambda m: "\\" + m.group(), " ".join(text.split()))


def escape_cell(text: str) -> str:
    """``escape`` for a table cell, where "|" would end the cell."""
    return escape(text).replace("|", "\\|")


def link(url: str | None) -> str:
    """A Markdown link we make ourselves, only for http(s), with its target made safe."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    target = re.sub(r"[\s<>()\[\]\"'`]", lambda m: f"%{ord(m.group()):02X}", url)
    return f" ([link]({target}))"


def _header(report: Report) -> str:
    title = f"# {escape(report.brand)} listening report" if report.brand else "# Listening report"
    zone = report.zone
    period = f"since {zone.stamp(report.since)}" if report.since else "all stored mentions"
    return (f"{title}\n\nGenerated {zone.stamp(report.generated_at)}, covering {period}. "
            f"Times are {zone.describe(report.generated_at)}.\n")


def _numbers(summary: Summary) -> str:
    sentiment, shares, total = summary["sentiment"], summary["share_of_voice"], summary["mentions"]
    assert isinstance(sentiment, dict) and isinstance(shares, dict) and isinstance(total, int)
    lines = ["## The numbers", "", "| figure | value |", "|---|---|", f"| mentions | {total} |"]
    for label in ("positive", "neutral", "negative"):
        lines.append(f"| {label} | {sentiment[label]} ({_percent(sentiment[label], total)}) |")
    for name, share in shares.items():
        lines.append(f"| share of voice: {escape_cell(name)} | {share * 100:.1f}% |")
    return "\n".join(lines) + "\n"


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "0%"


def _in_bucket(key: str) -> tuple[str, Callable[[StoredMention], bool]]:
    """A report section listing the members of an inbox bucket, under the inbox's own label:
    the report and the sidebar read membership from the one table (core.inbox.buckets)."""
    found = bucket(key)
    return found.label, lambda m: found.condition.holds(m.columns())


# The sections that list mentions, in report order: the inbox's triage buckets.
_SECTIONS: tuple[tuple[str, Callable[[StoredMention], bool]], ...] = tuple(
    _in_bucket(key) for key in ("needs_reply", "questions", "ideas", "competitors"))


def _top(mentions: list[StoredMention]) -> list[StoredMention]:
    return sorted(mentions, key=lambda m: (-m.priority, -m.sort_at, m.id))[:TOP]


def _list_section(title: str, mentions: list[StoredMention], zone: ReportZone) -> str:
    if not mentions:
        return ""
    return "\n".join([f"## {title}", "", *(line(m, zone) for m in mentions)]) + "\n"


def line(m: StoredMention, zone: ReportZone = UTC_ZONE) -> str:
    """One mention as a Markdown list line: sentiment mark, who, where, when, text, link."""
    mark = {"positive": "+", "negative": "-", "neutral": "~"}[m.sentiment.label.value]
    text = escape(bounded(m.title or m.text, SNIPPET))
    who = escape(author_name(m.author))
    when = zone.stamp(m.published_at or m.fetched_at)
    return f"- \\[{mark}\\] **{who}** on {escape(m.source)}, {when}: {text}{link(m.url)}"


def _source_health(sources: list[SourceRow], zone: ReportZone) -> str:
    if not sources:
        return ""
    lines = ["## Source health", "", "| source | status | last ok | message |", "|---|---|---|---|"]
    for s in sources:
        message = escape_cell(bounded(s.last_message or "", SNIPPET))
        lines.append(
            f"| {escape_cell(s.name)} | {s.last_status or 'never polled'} | "
            f"{zone.stamp(s.last_ok_at) or 'never'} | {message} |"
        )
    return "\n".join(lines) + "\n"
