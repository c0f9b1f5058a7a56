"""What every export format is rendered from: mentions, source health and a summary.

The summary is computed here once (counts by sentiment, source, language, category and match,
share of voice) so CSV, JSON and Markdown can never disagree about the numbers. It is folded
from ``Group`` counts, which a store computes with one GROUP BY (so an export of a million
mentions never holds them all) and an in-memory ``Report`` computes from its list.

Every format is a ``Writer``: ``begin`` with the summary, ``add`` pages of mentions in export
order, ``end``. ``render`` drives one over an in-memory ``Report``; ``core.export.stream``
drives the same writer from a store cursor, so both give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from core.export.zone import UTC_ZONE, ReportZone
from core.metrics.stats import shares
from core.model import FAILED_STATUSES, PollOutcome
from core.store import SourceRow, StoredMention

if TYPE_CHECKING:
    from core.metrics.panel import MetricsReport

Summary = dict[str, object]


@dataclass(frozen=True, slots=True)
class Group:
    """How many exported mentions share everything the summary counts them by."""

    source: str
    language: str
    category: str | None
    label: str  # a Label value
    matched: tuple[tuple[str, str], ...]  # (kind, name) of each match, as stored
    n: int


@dataclass(slots=True)
class Report:
    generated_at: int
    mentions: list[StoredMention]
    sources: list[SourceRow]
    since: int | None = None
    outcomes: list[PollOutcome] = field(default_factory=list)  # this run's polls, if any
    brand: str = ""
    zone: ReportZone = UTC_ZONE  # where the Markdown report's readers are (CSV, JSON: UTC)
    metrics: MetricsReport | None = None  # the period's metrics, for the md and html reports

    def summary(self) -> Summary:
        """Counts over the exported mentions, in a stable key order."""
        return summarise(self.groups(), self.sources)

    def share_of_voice(self) -> dict[str, float]:
        """Each brand's and competitor's share of the mentions that name any of them."""
        return share_of_voice(self.groups())

    def groups(self) -> list[Group]:
        """This report's mentions counted by what the summary needs."""
        counts = Counter(
            (m.source, m.language, m.category, m.sentiment.label.value,
             tuple((x.kind, x.name) for x in m.matched))
            for m in self.mentions
        )
        return [Group(*key, n) for key, n in counts.items()]


class Writer(Protocol):
    """One export format, written as the mentions come (see ``core.export.stream``)."""

    def begin(self, summary: Summary) -> None: ...

    def add(self, mentions: Sequence[StoredMention]) -> None: ...

    def end(self) -> None: ...


def summarise(groups: Iterable[Group], sources: list[SourceRow]) -> Summary:
    """The summary of the mentions ``groups`` count, in a stable key order."""
    groups = list(groups)
    labels: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    by_language: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for g in groups:
        labels[g.label] += g.n
        by_source[g.source] += g.n
        by_language[g.language] += g.n
        by_category[g.category or "none"] += g.n
    return {
        "mentions": sum(g.n for g in groups),
        "sentiment": {k: labels.get(k, 0) for k in ("positive", "neutral", "negative")},
        "by_source": dict(_by_count(by_source)),
        "by_language": dict(_by_count(by_language)),
        "by_category": dict(_by_count(by_category)),
        "share_of_voice": share_of_voice(groups),
        "sources_failing": sorted(s.name for s in sources if _is_failing(s.last_status)),
    }


def share_of_voice(groups: Iterable[Group]) -> dict[str, float]:
    """Each brand's and competitor's share of the mentions that name any of them (a mention
    naming one twice counts once)."""
    counts: Counter[str] = Counter()
    for g in groups:
        for kind, name in dict.fromkeys(g.matched):
            if kind in ("brand", "competitor"):
                counts[name] += g.n
    return shares(counts)


@lru_cache(maxsize=4096)  # a batch's mentions share fetched_at; exports repeat times a lot
def iso(ts: int | None) -> str | None:
    """A Unix time as ISO 8601 UTC with a Z, or None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_failing(status: str | None) -> bool:
    return status in FAILED_STATUSES


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
