"""The metrics sections of the Markdown daily report: headline figures against the previous
period, alerts with their causes, Kaushik's table, share of voice and its trend, emerging terms,
the team's response times, and the top negative and idea mentions with links.

The numbers come from ``core.metrics`` (the same ones the screen and ``metrics.json`` show);
outside text goes through the report's ``escape`` and links through its ``link``.
"""

from __future__ import annotations

from core.export.markdown import escape, link
from core.export.zone import UTC_ZONE, ReportZone
from core.metrics import format as fmt
from core.metrics.document import headlines, kaushik_rows, kaushik_unit, team_rows
from core.metrics.panel import Alert, MetricsReport
from core.metrics.queries import Brief
from core.wording import author_name


def metrics_sections(report: MetricsReport, zone: ReportZone = UTC_ZONE) -> list[str]:
    """Every metrics section, in report order, times in ``zone``; empty sections left out."""
    return [s for s in (_headline(report), _alerts(report.alerts, zone), _kaushik(report),
                        _voice(report), _terms(report), _team(report),
                        _briefs("Top negative mentions", report.negative, zone),
                        _briefs("Top ideas", report.ideas, zone)) if s]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(r) + " |" for r in rows)]


def _headline(report: MetricsReport) -> str:
    rows = [[h.name, fmt.figure(h.key, h.value), fmt.figure(h.key, h.previous),
             fmt.signed_change(h.change)] for h in headlines(report)]
    title = f"## {escape(report.period.label)} against {escape(report.before.label)}"
    return "\n".join([title, "", *_table(["figure", "this period", "previous", "change"],
                                           rows)]) + "\n"


def _alerts(alerts: list[Alert], zone: ReportZone) -> str:
    if not alerts:
        return ""
    lines = ["## Alerts", ""]
    for a in alerts:
        when = f" at {zone.stamp(a.start)}" if a.start is not None else ""
        lines.append(f"- **{escape(a.title)}**{when}")
        if a.terms:
            lines.append(f"  - terms: {', '.join(escape(t) for t in a.terms)}")
        if a.kind == "spike" and a.sources:
            lines.append(f"  - sources: {', '.join(escape(s) for s in a.sources)}")
        lines += [f"  - {_brief(b, zone)}" for b in a.mentions]
    return "\n".join(lines) + "\n"


def _kaushik(report: MetricsReport) -> str:
    if not report.kaushik:
        return ""
    rows = [[escape(row[0]), *row[1:]] for row in kaushik_rows(report)]  # names are outside text
    head = ["platform", "posts", "conversation", "amplification", "applause"]
    return "\n".join([f"## Owned posts (Kaushik), {kaushik_unit(report)}; previous period in"
                      " brackets", "",
                      *_table(head, rows)]) + "\n"


def _voice(report: MetricsReport) -> str:
    now, then = report.share_of_voice(), report.share_of_voice(before=True)
    if not now and not then:
        return ""
    names = list(dict.fromkeys([*now, *then]))
    rows = [[escape(n), fmt.share(now.get(n)), fmt.share(then.get(n))] for n in names]
    return "\n".join(["## Share of voice", "", *_table(["name", "this period", "previous"],
                                                      rows)]) + "\n"


def _terms(report: MetricsReport) -> str:
    if not report.terms:
        return ""
    rows = [[escape(t.term), str(t.count), f"{t.baseline:g}", f"{t.score:g}x"]
            for t in report.terms]
    return "\n".join(["## Emerging terms and authors", "", *_table(["term", "mentions", "expected",
                                                         "rise"], rows)]) + "\n"


def _team(report: MetricsReport) -> str:
    rows = [[escape(row[0]), *row[1:]] for row in team_rows(report)]
    head = ["who", "handled", "first response (median)", "first response (90%)"]
    return "\n".join(["## Team", "", *_table(head, rows)]) + "\n"


def _briefs(title: str, briefs: list[Brief], zone: ReportZone) -> str:
    if not briefs:
        return ""
    lines = (f"- {_brief(b, zone)}" for b in briefs)
    return "\n".join([f"## {title}", "", *lines]) + "\n"


def _brief(b: Brief, zone: ReportZone) -> str:
    who = escape(author_name(b.author))
    return f"**{who}** on {escape(b.source)}, {zone.stamp(b.at)}: {escape(b.text)}{link(b.url)}"
