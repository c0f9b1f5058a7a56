"""The HTML daily report: one self-contained file for people who will not open a terminal.

Inline CSS and SVG charts (``core.export.svg``), no script, no external font, image or link
that loads anything: it opens the same from a mail attachment, a file share or offline. The
numbers are the metrics screen's (``core.metrics``); every piece of outside text is escaped and
only http(s) links that we write are links. A Content-Security-Policy in the page forbids
loading anything even if a future change forgot that.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TextIO

from core.export.report import Report, Summary, iso
from core.export.svg import bucket_label, sentiment_chart, share_chart, volume_chart
from core.metrics import format as fmt
from core.metrics.document import headlines, kaushik_rows, kaushik_unit, team_rows
from core.metrics.panel import Alert, MetricsReport
from core.metrics.queries import Brief
from core.store import SourceRow, StoredMention
from core.wording import author_name

_CSS = """
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --pos: #2e7d4f; --neu: #9aa3b2;
  --neg: #c0392b; --accent: #2a5db0; --bg: #ffffff; --panel: #f5f7fa; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  background: var(--bg); max-width: 760px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { font-size: 1.15em; margin-top: 1.8em;
  border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
.meta, .axis, .muted { color: var(--muted); } table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3em 0.5em; border-bottom: 1px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.alert { background: #fdecea; border-left: 4px solid var(--neg); padding: 0.5em 0.8em;
  margin: 0.6em 0; } .alert ul { margin: 0.3em 0; }
.chart { width: 100%; height: auto; background: var(--panel); border-radius: 4px; }
.chart .axis { font-size: 11px; fill: var(--muted); } .chart .name { font-size: 12px;
  fill: var(--ink); } .chart .base { stroke: var(--line); }
.chart .pos { fill: var(--pos); } .chart .neu { fill: var(--neu); }
.chart .neg { fill: var(--neg); } .chart .dot { fill: var(--accent); }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .now { fill: var(--accent); } .chart .before { fill: var(--neu); }
.key span { display: inline-block; width: 0.8em; height: 0.8em; margin: 0 0.3em 0 0.8em; }
li { margin: 0.25em 0; }
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class HtmlWriter:
    """Writes the whole page at the end; the mentions streamed through ``add`` are not needed
    (the report lists the top ones, which the metrics already hold)."""

    def __init__(self, report: Report, out: TextIO) -> None:
        self._report, self._out = report, out
        self._summary: Summary = {}

    def begin(self, summary: Summary) -> None:
        self._summary = summary

    def add(self, mentions: Sequence[StoredMention]) -> None:
        pass

    def end(self) -> None:
        self._out.write(render_page(self._report))


def render_page(report: Report) -> str:
    """The report as one HTML document."""
    title = f"{report.brand} listening report" if report.brand else "Listening report"
    parts = [f"<h1>{escape(title)}</h1>",
             f'<p class="meta">Generated {iso(report.generated_at)}.</p>']
    if report.metrics is not None:
        parts += _metrics(report.metrics)
    parts.append(_source_health(report.sources))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(p for p in parts if p) + "\n</body></html>\n")


def _metrics(m: MetricsReport) -> list[str]:
    hourly = m.period.kind == "day"
    labels = [bucket_label(b, m.tz, hourly) for b in m.series]
    key = ('<p class="key muted"><span style="background:var(--pos)"></span>positive'
           '<span style="background:var(--neu)"></span>neutral'
           '<span style="background:var(--neg)"></span>negative</p>')
    return [
        f"<h2>{escape(m.period.label)} against {escape(m.before.label)}</h2>", _headline(m),
        _alerts(m.alerts),
        "<h2>Volume</h2>" + volume_chart(m.series, labels) + key,
        "<h2>Sentiment</h2>" + sentiment_chart(m.series, labels),
        _voice(m), _kaushik(m), _terms(m), _team(m),
        _briefs("Top negative mentions", m.negative), _briefs("Top ideas", m.ideas),
    ]


def _table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    def cells(tag: str, row: list[str]) -> str:
        return "".join(f'<{tag}{" class=num" if i >= numeric_from else ""}>{c}</{tag}>'
                       for i, c in enumerate(row))
    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in rows)
    return f"<table><thead><tr>{cells('th', head)}</tr></thead><tbody>{body}</tbody></table>"


def _headline(m: MetricsReport) -> str:
    rows = [[escape(h.name), fmt.figure(h.key, h.value), fmt.figure(h.key, h.previous),
             fmt.signed_change(h.change)] for h in headlines(m)]
    return _table(["figure", "this period", "previous", "change"], rows)


def _alerts(alerts: list[Alert]) -> str:
    if not alerts:
        return ""
    blocks = ["<h2>Alerts</h2>"]
    for a in alerts:
        items = []
        if a.terms:
            items.append("terms: " + ", ".join(f"<b>{escape(t)}</b>" for t in a.terms))
        if a.kind == "spike" and a.sources:
            items.append("sources: " + escape(", ".join(a.sources)))
        items += [_brief(b) for b in a.mentions]
        when = f' <span class="muted">{iso(a.start)}</span>' if a.start is not None else ""
        lis = "".join(f"<li>{i}</li>" for i in items)
        blocks.append(f'<div class="alert"><b>{escape(a.title)}</b>{when}'
                      f'{f"<ul>{lis}</ul>" if lis else ""}</div>')
    return "\n".join(blocks)


def _voice(m: MetricsReport) -> str:
    now, before = m.share_of_voice(), m.share_of_voice(before=True)
    if not now and not before:
        return ""
    return ("<h2>Share of voice</h2>" + share_chart(now, before)
            + '<p class="key muted"><span style="background:var(--accent)"></span>this period'
            '<span style="background:var(--neu)"></span>previous</p>')


def _kaushik(m: MetricsReport) -> str:
    if not m.kaushik:
        return ""
    rows = [[escape(c) for c in row] for row in kaushik_rows(m)]
    return (f"<h2>Owned posts</h2><p class=muted>Kaushik's rates {kaushik_unit(m)}; the "
            "previous period in brackets.</p>" + _table(
                ["platform", "posts", "conversation", "amplification", "applause"], rows))


def _terms(m: MetricsReport) -> str:
    if not m.terms:
        return ""
    rows = [[escape(t.term), str(t.count), f"{t.baseline:g}", f"{t.score:g}×"] for t in m.terms]
    return "<h2>Emerging terms and authors</h2>" + _table(["term", "mentions", "expected",
                                                          "rise"], rows)


def _team(m: MetricsReport) -> str:
    rows = [[escape(c) for c in row] for row in team_rows(m)]
    return "<h2>Team</h2>" + _table(["who", "handled", "first response (median)",
                                     "first response (90%)"], rows)


def _briefs(title: str, briefs: list[Brief]) -> str:
    if not briefs:
        return ""
    return f"<h2>{escape(title)}</h2><ul>" + "".join(f"<li>{_brief(b)}</li>"
                                                     for b in briefs) + "</ul>"


def _brief(b: Brief) -> str:
    text = escape(b.text)
    if b.url and b.url.lower().startswith(("http://", "https://")):
        text = f'<a href="{escape(b.url, quote=True)}" rel="noreferrer">{text}</a>'
    who = escape(author_name(b.author))
    return f"<b>{who}</b> on {escape(b.source)}, {iso(b.at)}: {text}"


def _source_health(sources: list[SourceRow]) -> str:
    if not sources:
        return ""
    rows = [[escape(s.name), escape(s.last_status or "never polled"),
             iso(s.last_ok_at) or "never", escape((s.last_message or "")[:160])]
            for s in sources]
    return "<h2>Source health</h2>" + _table(["source", "status", "last ok", "message"], rows,
                                             numeric_from=9)
