"""The typed config: frozen dataclasses, one per section, whose fields are the keys.

The loader, ``known_key_paths`` and the test that checks ``config.example.toml`` all read the
key names from these fields, so a key cannot be documented in one place and missing in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.model import Match, SourceConfig
from core.net.policy import NetworkPolicy
from core.rules.model import Rule


@dataclass(frozen=True, slots=True)
class Product:
    """One of the brand's products, with the queries that find it."""

    name: str
    queries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Brand:
    """The brand listened for: its name, listening queries and products."""

    name: str = ""
    queries: tuple[str, ...] = ()
    products: tuple[Product, ...] = field(default=(), metadata={"item": Product})


@dataclass(frozen=True, slots=True)
class Competitor:
    """A competitor whose mentions count towards share of voice."""

    name: str
    queries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PollerConfig:
    """Scheduling knobs shared by every source."""

    jitter: float = 0.1  # each interval is stretched or shrunk by up to this fraction
    max_backoff: int = 6 * 3600  # a failing source is still retried a few times a day


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A person mentions can be assigned to."""

    name: str
    handle: str
    approval: bool = False  # this member's replies wait for another member's approval


@dataclass(frozen=True, slots=True)
class TeamConfig:
    """The team sharing this listening post, and which member runs this copy."""

    members: tuple[TeamMember, ...] = field(default=(), metadata={"item": TeamMember})
    me: str | None = None
    approval: bool = False  # every reply waits for another member's approval before it is sent
    lease: float = 60.0  # seconds a poller's lease lasts unrenewed; see core.team.lease
    claim: float = 180.0  # seconds a reply claim lasts unrenewed; see core.team.claims


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """How the Markdown report is written for its readers."""

    timezone: str = ""  # an IANA zone for the report's times; empty: the machine's own zone


@dataclass(frozen=True, slots=True)
class UiConfig:
    """How the inbox reaches the world outside the terminal."""

    browser: str = ""  # command that opens a link; %u is the URL (else appended); "" = $BROWSER


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named full-text search that the inbox shows as a view of its own."""

    name: str
    query: str


@dataclass(frozen=True, slots=True)
class ReplyTemplate:
    """A reply template from ``[templates]``: ``name = "text"``, or a ``[templates.NAME]``
    table with ``text`` and its own variables (``product = "Northwind Dark"``)."""

    name: str
    text: str
    values: tuple[tuple[str, str], ...] = ()  # custom variables: (name, value)


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    """When an hour of listening is a spike (core.metrics.spikes): a z-score over a rolling
    baseline, a minimum count, and a cooldown so one burst is one alert."""

    z_threshold: float = 3.0  # how many spreads above the baseline's mean an hour must be
    min_count: int = 5  # mentions an hour needs (negative ones, for the negative share)
    baseline: int = 72 * 3600  # the hours before each hour it is compared with
    cooldown: int = 6 * 3600  # after an alert, no other for this long


@dataclass(frozen=True, slots=True)
class PeopleConfig:
    """How influence is scored (core.people.score): niche terms and the parts' weights."""

    niche: tuple[str, ...] = ()  # terms that make a post relevant beside the listening queries
    relevance: float = 0.4  # weight of relevance (share of posts about us, how specific)
    engagement: float = 0.3  # weight of interactions per post
    consistency: float = 0.2  # weight of how often and how recently they post
    reach: float = 0.1  # weight of followers (log scale)


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated config."""

    path: Path | None = None
    brand: Brand = field(default_factory=Brand)
    competitors: tuple[Competitor, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    network: NetworkPolicy = field(default_factory=NetworkPolicy)
    poller: PollerConfig = field(default_factory=PollerConfig)
    team: TeamConfig = field(default_factory=TeamConfig)
    keys: dict[str, str] = field(default_factory=dict)  # action id -> key(s), e.g. done = "e"
    searches: tuple[SavedSearch, ...] = ()
    report: ReportConfig = field(default_factory=ReportConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    templates: tuple[ReplyTemplate, ...] = ()
    reply_limits: dict[str, int] = field(default_factory=dict)  # platform -> characters
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    outcomes: dict[str, float] = field(default_factory=dict)  # outcome kind -> its value
    people: PeopleConfig = field(default_factory=PeopleConfig)
    reserved: dict[str, Any] = field(default_factory=dict)  # sections later issues give meaning
    rules: tuple[Rule, ...] = ()  # [[rules]]: triage rules, in order (core.rules)

    def query_sets(self) -> tuple[tuple[Match, tuple[str, ...]], ...]:
        """Every listening query set, labelled with the brand, product or competitor it finds."""
        sets: list[tuple[Match, tuple[str, ...]]] = []
        if self.brand.queries:
            sets.append((Match("brand", self.brand.name), self.brand.queries))
        sets += [(Match("product", p.name), p.queries) for p in self.brand.products if p.queries]
        sets += [(Match("competitor", c.name), c.queries) for c in self.competitors if c.queries]
        return tuple(sets)


