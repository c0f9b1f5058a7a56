"""The metrics as plain data: headline figures with their change, and the JSON document.

Every face reads the numbers through here: the metrics screen and the Markdown and HTML reports
take their headline rows from ``headlines``; ``--export metrics.json --report metrics`` writes
``metrics_document``. Its keys are documented in the README and never renamed; times are ISO
8601 UTC, shares are fractions (0.25 is 25%), durations are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.export.report import iso
from core.metrics import format as fmt
from core.metrics.panel import Alert, MetricsReport
from core.metrics.periods import Period
from core.metrics.queries import Brief, Bucket, Responses
from core.metrics.rates import Rates, change
from core.metrics.stats import ratio

SCHEMA = 1  # bumped only if a key changes meaning; new keys may be added without a bump


@dataclass(frozen=True, slots=True)
class Headline:
    """One headline figure of a period beside the previous period's."""

    key: str
    name: str
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        return change(self.value, self.previous)


def headlines(report: MetricsReport) -> list[Headline]:
    """Mentions, negative share, mean sentiment and the team's handled share, then and now."""
    now, then = report.totals, report.totals_before
    return [
        Headline("mentions", "mentions", now.total, then.total),
        Headline("negative_share", "negative share", ratio(now.negative, now.total),
                 ratio(then.negative, then.total)),
        Headline("sentiment_average", "average sentiment", now.sentiment, then.sentiment),
        Headline("handled_share", "handled by the team",
                 ratio(report.team.handled, report.team.mentions), None),
        Headline("economic_value", "economic value", sum(report.value.values()),
                 sum(report.value_before.values())),
    ]


def kaushik_rows(report: MetricsReport) -> list[list[str]]:
    """Per platform: posts, then each rate (per post, or per 1,000 followers when the reader
    asked), each with the previous period's in brackets; "—" where it cannot be known."""
    return [[p, f"{now.posts} ({then.posts})",
             *(f"{fmt.rate(getattr(now, k))} ({fmt.rate(getattr(then, k))})"
               for k in ("conversation", "amplification", "applause"))]
            for p, (now, then) in report.kaushik_shown().items()]


def kaushik_unit(report: MetricsReport) -> str:
    """What the Kaushik rows count: "per post" or "per post per 1,000 followers"."""
    return "per post per 1,000 followers" if report.per_followers else "per post"


def team_rows(report: MetricsReport) -> list[list[str]]:
    """The team, then each person: handled, median and 90th-percentile first response."""
    people = [("everyone", report.team), *report.team_by_person.items()]
    return [[who, fmt.handled(r, who == "everyone"), fmt.duration(r.median),
             fmt.duration(r.p90)] for who, r in people]


def metrics_document(report: MetricsReport, *, brand: str, generated_at: int) -> dict[str, Any]:
    """The metrics of one period for machines, in a fixed key order."""
    return {
        "schema": SCHEMA,
        "generated_at": iso(generated_at),
        "brand": brand,
        "period": _period(report.period),
        "previous": _period(report.before),
        "headline": {h.key: {"value": h.value, "previous": h.previous, "change": _round(h.change)}
                     for h in headlines(report)},
        "series": [_bucket(b) for b in report.series],
        "share_of_voice": {"current": report.share_of_voice(),
                           "previous": report.share_of_voice(before=True)},
        "top": {what: [{"name": name, "mentions": n} for name, n in rows]
                for what, rows in report.top.items()},
        "emerging_terms": [{"term": t.term, "count": t.count, "expected": t.baseline,
                            "score": t.score} for t in report.terms],
        "kaushik": [{"platform": p, **_rates(now), "previous": _rates(then)}
                    for p, (now, then) in report.kaushik.items()],
        "kaushik_per_1000_followers": [
            {"platform": p, **_rates(now), "previous": _rates(then)}
            for p, (now, then) in report.kaushik_per_followers.items()],
        "economic_value": {"current": report.value, "previous": report.value_before},
        "team": {"overall": _responses(report.team),
                 "people": {who: _responses(r) for who, r in report.team_by_person.items()}},
        "alerts": [_alert(a) for a in report.alerts],
        "top_negative": [_brief(b) for b in report.negative],
        "top_ideas": [_brief(b) for b in report.ideas],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _period(p: Period) -> dict[str, Any]:
    return {"kind": p.kind, "label": p.label, "start": iso(p.start), "end": iso(p.end)}


def _bucket(b: Bucket) -> dict[str, Any]:
    return {"start": iso(b.start), "end": iso(b.end), "mentions": b.total,
            "positive": b.positive, "neutral": b.neutral, "negative": b.negative,
            "sentiment": b.sentiment}


def _rates(r: Rates) -> dict[str, Any]:
    return {"posts": r.posts, "conversation": _round(r.conversation),
            "amplification": _round(r.amplification), "applause": _round(r.applause)}


def _responses(r: Responses) -> dict[str, Any]:
    return {"mentions": r.mentions, "handled": r.handled,
            "first_response_median_s": _round(r.median), "first_response_p90_s": _round(r.p90)}


def _brief(b: Brief) -> dict[str, Any]:
    return {"id": b.id, "source": b.source, "author": b.author, "text": b.text, "url": b.url,
            "sentiment": b.label, "at": iso(b.at)}


def _alert(a: Alert) -> dict[str, Any]:
    return {"kind": a.kind, "title": a.title, "start": iso(a.start), "end": iso(a.end),
            "terms": list(a.terms), "sources": list(a.sources),
            "mentions": [_brief(b) for b in a.mentions]}
