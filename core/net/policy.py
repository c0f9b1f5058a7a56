"""The network settings, defined once: the ``[network]`` section of the config is this class.

The fetch client takes its limits from it (one deadline per request, byte and header caps,
redirects, which private networks are reachable, the User-Agent that names us) and the poller
its concurrency. Validation here guards the class's own invariants; the config loader adds the
friendlier, bounded checks with file and line.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.net import guard as netguard

MIB = 1024 * 1024
MAX_RETRY_AFTER = 6 * 3600  # a server asking for longer is clamped; we poll again then
# Sent with every request, so site operators know who polls them.
DEFAULT_USER_AGENT = "listenpost/0.1 (social listening; polite feed reader)"


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """Limits and identity for every request: the config's ``[network]`` section, as is."""

    timeout: float = 30.0  # ONE deadline per request: connect, redirects, headers and body
    connect_timeout: float = 10.0
    max_bytes: int = 15 * MIB  # decoded bytes; the largest real feeds seen are a few MiB
    max_redirects: int = 5
    max_header_bytes: int = 64 * 1024  # real responses carry a few KiB of headers
    user_agent: str = DEFAULT_USER_AGENT
    allow_private_addresses: bool = False
    max_retry_after: int = MAX_RETRY_AFTER
    allowed_networks: tuple[str, ...] = ()  # CIDRs allowed even though private, e.g. 127.0.0.1/32
    concurrency: int = 8  # polls in flight overall (the poller's limit; the client ignores it)
    per_host: int = 2  # polls in flight against one host

    def __post_init__(self) -> None:
        for name in ("timeout", "connect_timeout", "max_bytes", "max_header_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"network.{name} must be greater than 0")
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("network.concurrency and per_host must be 1 or more")
        if self.max_redirects < 0 or self.max_retry_after < 0:
            raise ValueError("network.max_redirects and max_retry_after must be 0 or more")
        netguard.parse_networks(self.allowed_networks)
