"""What every export format is rendered from: mentions, source health and a summary.

The summary is computed here once (counts by sentiment, source, language, category and match,
share of voice) so CSV, JSON and Markdown can never disagree about the numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.model import PollOutcome
from core.store import SourceRow, StoredMention


@dataclass(slots=True)
class Report:
    generated_at: int
    mentions: list[StoredMention]
    sources: list[SourceRow]
    since: int | None = None
    outcomes: list[PollOutcome] = field(default_factory=list)  # this run's polls, if any
    brand: str = ""

    def summary(self) -> dict[str, object]:
        """Counts over the exported mentions, in a stable key order."""
        labels = Counter(m.sentiment.label.value for m in self.mentions)
        return {
            "mentions": len(self.mentions),
            "sentiment": {k: labels.get(k, 0) for k in ("positive", "neutral", "negative")},
            "by_source": _sorted_counts(m.source for m in self.mentions),
            "by_language": _sorted_counts(m.language for m in self.mentions),
            "by_category": _sorted_counts(m.category or "none" for m in self.mentions),
            "share_of_voice": self.share_of_voice(),
            "sources_failing": sorted(s.name for s in self.sources if _is_failing(s.last_status)),
        }

    def share_of_voice(self) -> dict[str, float]:
        """Each brand's and competitor's share of the mentions that name any of them."""
        counts = Counter(
            match.name
            for m in self.mentions
            for match in {(x.kind, x.name): x for x in m.matched}.values()
            if match.kind in ("brand", "competitor")
        )
        total = sum(counts.values())
        if not total:
            return {}
        return {name: round(n / total, 4) for name, n in _by_count(counts)}


def iso(ts: int | None) -> str | None:
    """A Unix time as ISO 8601 UTC with a Z, or None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_failing(status: str | None) -> bool:
    return status in ("error", "throttled")


def _sorted_counts(values: Iterable[str]) -> dict[str, int]:
    return dict(_by_count(Counter(values)))


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
