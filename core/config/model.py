"""The typed config: frozen dataclasses, one per section, whose fields are the keys.

The loader, ``known_key_paths`` and the test that checks ``config.example.toml`` all read the
key names from these fields, so a key cannot be documented in one place and missing in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.model import Match, SourceConfig
from core.units import MIB

DEFAULT_USER_AGENT = "listenpost/0.1 (social listening; polite feed reader)"


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
class NetworkConfig:
    """Limits for the one hardened HTTP client every adapter fetches through."""

    timeout: float = 30.0  # one overall deadline per request, seconds
    connect_timeout: float = 10.0
    max_bytes: int = 15 * MIB  # cap on decoded bytes of one response
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    allow_private_addresses: bool = False  # loopback/private/link-local only for tests and demo
    allowed_networks: tuple[str, ...] = ()  # CIDRs reachable although private, e.g. a LAN feed
    concurrency: int = 8  # polls in flight overall
    per_host: int = 2  # polls in flight against one host


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


@dataclass(frozen=True, slots=True)
class TeamConfig:
    """The team sharing this listening post, and which member runs this copy."""

    members: tuple[TeamMember, ...] = field(default=(), metadata={"item": TeamMember})
    me: str | None = None
    lease: float = 60.0  # seconds a poller's lease lasts unrenewed; see core.team.lease


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named full-text search that the inbox shows as a view of its own."""

    name: str
    query: str


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated config."""

    path: Path | None = None
    brand: Brand = field(default_factory=Brand)
    competitors: tuple[Competitor, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    network: NetworkConfig = field(default_factory=NetworkConfig)
    poller: PollerConfig = field(default_factory=PollerConfig)
    team: TeamConfig = field(default_factory=TeamConfig)
    keys: dict[str, str] = field(default_factory=dict)  # action id -> key(s), e.g. done = "e"
    searches: tuple[SavedSearch, ...] = ()
    reserved: dict[str, Any] = field(default_factory=dict)  # sections later issues give meaning

    def query_sets(self) -> tuple[tuple[Match, tuple[str, ...]], ...]:
        """Every listening query set, labelled with the brand, product or competitor it finds."""
        sets: list[tuple[Match, tuple[str, ...]]] = []
        if self.brand.queries:
            sets.append((Match("brand", self.brand.name), self.brand.queries))
        sets += [(Match("product", p.name), p.queries) for p in self.brand.products if p.queries]
        sets += [(Match("competitor", c.name), c.queries) for c in self.competitors if c.queries]
        return tuple(sets)


