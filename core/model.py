"""The plain data that flows through the pipeline, shared by every stage.

An adapter turns a response into ``Mention`` objects with the fields it knows (platform,
ids, text, author, engagement); enrichment fills language, sentiment, matches, category and
priority; the store persists them. Everything here is a plain dataclass that pickles, so a
batch can cross from the parse worker process to the event loop unchanged.

Times are integers: seconds since the Unix epoch, UTC. Text fields hold sanitised plain text
(no markup, no terminal control characters) by the time they leave an adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Label(StrEnum):
    """A sentiment label; thresholds are VADER's (compound > 0.05 / < -0.05)."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


@dataclass(slots=True)
class Sentiment:
    """A sentiment score in [-1, 1], its label, and the method that produced it."""

    compound: float = 0.0
    label: Label = Label.NEUTRAL
    method: str = "none"  # "vader", "afinn-da", "none" (empty text or unsupported language)
    # Words that moved the score, strongest first, for "why is this negative?" in the UI.
    drivers: tuple[str, ...] = ()


@dataclass(slots=True)
class Engagement:
    """Kaushik's three counts; None means the platform does not report it."""

    replies: int | None = None  # conversation
    reshares: int | None = None  # amplification
    likes: int | None = None  # applause


@dataclass(slots=True)
class Match:
    """One listening query that a mention matched: which brand, product or competitor."""

    kind: str  # "brand" | "product" | "competitor"
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass(slots=True)
class Mention:
    """One item heard on one source, as the pipeline carries it to the store."""

    platform: str  # "feed", "mastodon", "reddit", "hackernews", "bluesky"
    title: str = ""
    text: str = ""
    url: str | None = None
    platform_id: str | None = None  # the platform's own id (status id, t3_…, objectID, at-uri)
    guid: str | None = None  # a feed entry's id/guid
    author: str = ""
    author_id: str | None = None  # handle or account id, stable across polls
    author_url: str | None = None
    author_followers: int | None = None
    published_at: int | None = None
    engagement: Engagement = field(default_factory=Engagement)
    in_reply_to: str | None = None
    owned: bool = False  # posted by the brand's own channel (Kaushik metrics)
    # Filled by enrichment:
    key: str = ""  # the dedupe key, see core.analysis.dedupe
    language: str = "und"  # ISO 639-1, or "und" when undetermined
    sentiment: Sentiment = field(default_factory=Sentiment)
    matched: list[Match] = field(default_factory=list)
    category: str | None = None  # "question", "idea", "complaint", "praise", …
    priority: float = 0.0  # higher first; see core.analysis.classify


class PollStatus(StrEnum):
    """How one poll of one source ended."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    WARNING = "warning"
    ERROR = "error"
    THROTTLED = "throttled"


# Statuses of a poll that did not get through: they count towards backoff, the status line
# calls the source failing or throttled, and a cron run's exit code says so. Plain status
# strings match too (PollStatus is a StrEnum).
FAILED_STATUSES = frozenset({PollStatus.ERROR, PollStatus.THROTTLED})


@dataclass(slots=True)
class PollOutcome:
    """What one poll of one source did; stored per poll, never raised."""

    source: str
    status: PollStatus
    message: str = ""
    new: int = 0
    duplicates: int = 0
    updated: int = 0
    skipped: int = 0  # rows the store refused (reported in message)
    started_at: int = 0
    duration_ms: int = 0
    retry_after: int | None = None  # seconds the server asked us to wait (429/503)


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One `[[sources]]` entry of the config, validated.

    ``options`` holds the kind-specific keys (a Mastodon tag, a Reddit subreddit, …); the keys
    each kind accepts are declared in ``core.sources.registry.SOURCE_OPTIONS``.
    """

    name: str
    kind: str
    url: str
    interval: int = 900  # seconds between polls
    owned: bool = False
    match_all: bool = False  # keep every item, not only those matching a listening query
    token_env: str | None = None  # name of the environment variable holding a token
    options: dict[str, object] = field(default_factory=dict)
    # A token read from an owner-only config file (issue 4); never shown in a repr or message.
    token: str | None = field(default=None, repr=False)
