"""One ``MetricsReport`` for a period: what the metrics screen shows and the reports print.

``compute_metrics`` runs the queries of ``core.metrics.queries`` for a period and the one before
it, finds spikes over the last day against the days before it, and names each spike's cause:
the terms rising in that hour, the sources it came from and its top mentions. Sources that are
failing or silent (``core.inbox`` decides which) become alerts too.

It comes in two steps so a screen can paint before the dear part is done: ``overview`` reads
only the rollups and the owned posts (the headline, the charts, share of voice, Kaushik's rates,
economic value: a few milliseconds at any size), ``details`` adds what reads mentions or text
(top tables, emerging terms, the team, alerts, top mentions).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, tzinfo

import aiosqlite

from core.config import Config
from core.inbox.triage import Inbox, SourceHealth
from core.metrics import queries
from core.metrics.periods import Period, buckets, previous
from core.metrics.queries import Brief, Bucket, Responses
from core.metrics.rates import Rates, rates, rates_per_followers
from core.metrics.spikes import AlertSettings, Spike, find_spikes
from core.metrics.stats import shares
from core.metrics.terms import (
    Term,
    brand_words,
    count_terms,
    count_terms_and_authors,
    emerging,
)
from core.store import Store

HOUR = 3600
NOBODY = Responses(0, 0, None, None)  # the team before ``details`` counted it
ALERT_HOURS = 24  # spikes are looked for in the last day; older ones are history, not alerts


@dataclass(frozen=True, slots=True)
class Alert:
    """Something a person should look at now, with its cause."""

    kind: str  # spike | source
    title: str
    start: int | None = None  # the spike's hour (None for a source alert)
    end: int | None = None
    terms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    mentions: tuple[Brief, ...] = ()
    negative: bool = False  # a negative-share spike: its mentions are the negative ones


@dataclass(frozen=True, slots=True)
class MetricsReport:
    """Every figure for ``period`` and, beside each, the previous period's."""

    period: Period
    before: Period
    series: list[Bucket]
    totals: Bucket
    totals_before: Bucket
    voices: Counter[str]
    voices_before: Counter[str]
    kaushik: dict[str, tuple[Rates, Rates]]  # platform -> (this period, previous)
    # the same per 1,000 followers of the posting account (rates None where not known)
    kaushik_per_followers: dict[str, tuple[Rates, Rates]] = field(default_factory=dict)
    top: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    team: Responses = NOBODY
    team_by_person: dict[str, Responses] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    negative: list[Brief] = field(default_factory=list)
    ideas: list[Brief] = field(default_factory=list)
    tz: tzinfo = UTC  # the reader's zone: the periods' and charts' local days and hours
    value: dict[str, float] = field(default_factory=dict)  # economic value per outcome kind
    value_before: dict[str, float] = field(default_factory=dict)
    complete: bool = True  # False: an overview, before ``details`` added the rest
    per_followers: bool = False  # show Kaushik's rates per 1,000 followers (a reader's choice)

    def kaushik_shown(self) -> dict[str, tuple[Rates, Rates]]:
        """Kaushik's rates per post, or per 1,000 followers when the reader asked for them."""
        return self.kaushik_per_followers if self.per_followers else self.kaushik

    def share_of_voice(self, before: bool = False) -> dict[str, float]:
        """Each brand's and competitor's share of the mentions naming any of them."""
        counts = self.voices_before if before else self.voices
        return shares({key.split(":", 1)[1]: n for key, n in counts.items()})


@dataclass(frozen=True, slots=True)
class MetricsRequest:
    """What to compute: the period, the reader's zone and clock, and what counts as ours."""

    period: Period
    tz: tzinfo
    now: int
    names: tuple[str, ...] = ()  # brand, product and competitor names: never "emerging"
    settings: AlertSettings = field(default_factory=AlertSettings)
    health: tuple[SourceHealth, ...] = ()  # failing or silent sources, as the inbox judges


async def compute_metrics(db: aiosqlite.Connection, request: MetricsRequest) -> MetricsReport:
    """Every figure of the metrics screen and reports for one period."""
    return await details(db, request, await overview(db, request))


async def overview(db: aiosqlite.Connection, request: MetricsRequest) -> MetricsReport:
    """The figures read from the rollups and the owned posts alone; ``complete`` is False."""
    period, before = request.period, previous(request.period, request.tz)
    now = await queries.facets(db, period.start, period.end, which="m")
    then = await queries.facets(db, before.start, before.end, which="m")
    per_post, per_followers = await _kaushik(db, period, before)
    return MetricsReport(
        period=period, before=before, series=await queries.series(db, buckets(period, request.tz)),
        totals=now.totals, totals_before=then.totals, voices=now.voices, voices_before=then.voices,
        kaushik=per_post, kaushik_per_followers=per_followers, tz=request.tz,
        value=await queries.economic_value(db, period.start, period.end),
        value_before=await queries.economic_value(db, before.start, before.end),
        complete=False,
    )


async def details(db: aiosqlite.Connection, request: MetricsRequest,
                  first: MetricsReport) -> MetricsReport:
    """``first`` (an overview of the same request) with every other figure added."""
    period, before = first.period, first.before
    now = await queries.facets(db, period.start, period.end, which="slc")
    exclude = brand_words(request.names)
    team, people = await queries.responses(db, period.start, period.end, now.totals.total)
    return replace(
        first,
        top={"sources": now.top("sources"),
             "authors": await queries.top(db, "authors", period.start, period.end),
             "languages": now.top("languages"), "categories": now.top("categories")},
        terms=await _emerging(db, period, before, exclude),
        team=team, team_by_person=people,
        alerts=await _alerts(db, request, exclude),
        negative=await _top(db, "negative", now.totals.negative, now),
        ideas=await _top(db, "idea", now.categories["idea"], now),
        complete=True,
    )


async def _top(db: aiosqlite.Connection, kind: str, of_kind: int,
               facets: queries.Facets) -> list[Brief]:
    if not of_kind:
        return []
    walk = queries.walk_priority_index(queries.TOP, of_kind, facets.totals.total,
                                       await queries.stored_mentions(db))
    return await queries.top_mentions(db, kind, facets.totals.start, facets.totals.end,
                                      by_priority=walk)


async def _emerging(db: aiosqlite.Connection, period: Period, before: Period,
                    exclude: frozenset[str]) -> list[Term]:
    now = count_terms_and_authors(await queries.texts(db, period.start, period.end))
    then = count_terms_and_authors(await queries.texts(db, before.start, before.end))
    return emerging(now, then, exclude)


async def _kaushik(db: aiosqlite.Connection, period: Period, before: Period
                   ) -> tuple[dict[str, tuple[Rates, Rates]], dict[str, tuple[Rates, Rates]]]:
    """Per platform, (this period, previous) per post and per 1,000 followers."""
    now = await queries.owned_posts(db, period.start, period.end)
    then = await queries.owned_posts(db, before.start, before.end)
    platforms = sorted({p for p, _, _ in now} | {p for p, _, _ in then})
    per_post = {p: (rates(e for q, e, _ in now if q == p), rates(e for q, e, _ in then if q == p))
                for p in platforms}
    per_followers = {p: (rates_per_followers((e, f) for q, e, f in now if q == p),
                         rates_per_followers((e, f) for q, e, f in then if q == p))
                     for p in platforms}
    return per_post, per_followers


async def _alerts(db: aiosqlite.Connection, request: MetricsRequest,
                  exclude: frozenset[str]) -> list[Alert]:
    settings = request.settings
    first = (request.now // HOUR + 1 - ALERT_HOURS - settings.baseline // HOUR) * HOUR
    hours = await queries.hours(db, first, ALERT_HOURS + settings.baseline // HOUR)
    spikes = find_spikes(hours, settings)
    found = [await _explain(db, spike, settings, exclude) for spike in spikes]
    found += [Alert("source", f"{s.name}: {s.state} — {s.message}", sources=(s.name,))
              for s in request.health]
    return found


async def _explain(db: aiosqlite.Connection, spike: Spike, settings: AlertSettings,
                   exclude: frozenset[str]) -> Alert:
    """An alert for a spike, naming the terms, sources and mentions behind it."""
    baseline_start = spike.start - settings.baseline
    terms = emerging(count_terms(t for t, _ in await queries.texts(db, spike.start, spike.end)),
                     count_terms(t for t, _ in await queries.texts(db, baseline_start,
                                                                   spike.start)),
                     exclude, limit=5)
    sources = await queries.top(db, "sources", spike.start, spike.end, limit=3)
    kind = "negative" if "negative share" in spike.reasons else "any"
    mentions = await queries.top_mentions(db, kind, spike.start, spike.end, limit=3)
    title = (f"{' and '.join(spike.reasons)} spike: {spike.total} mentions"
             f" ({spike.negative} negative) against {spike.expected:g} expected")
    return Alert("spike", title, spike.start, spike.end, tuple(t.term for t in terms),
                 tuple(name for name, _ in sources), tuple(mentions), kind == "negative")


def config_names(config: Config) -> tuple[str, ...]:
    """The brand's, its products' and competitors' names: never "emerging" in their own post."""
    return (config.brand.name, *(p.name for p in config.brand.products),
            *(c.name for c in config.competitors))


async def request_for_config(store: Store, config: Config, period: Period, now: int,
                             tz: tzinfo, *, health: bool = True) -> MetricsRequest:
    """What to compute for ``period`` with the config's names and alert settings and, with
    ``health``, the health of the configured sources as the inbox judges it."""
    configured = {s.name for s in config.sources}
    judged = await Inbox(store.db, store.transaction, me="").health(now=now) \
        if health and configured else []
    return MetricsRequest(period, tz, now, names=config_names(config), settings=config.alerts,
                          health=tuple(h for h in judged if h.name in configured))


async def metrics_for_config(store: Store, config: Config, period: Period, now: int,
                             tz: tzinfo) -> MetricsReport:
    """The metrics of ``period`` as ``request_for_config`` asks for them."""
    return await compute_metrics(store.db, await request_for_config(store, config, period,
                                                                    now, tz))
