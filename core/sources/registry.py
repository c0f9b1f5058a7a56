"""Which source kinds exist, which config keys each accepts, and their default endpoints.

The config loader validates ``[[sources]]`` against ``SOURCE_OPTIONS``; the poller finds an
adapter with ``adapter_for``. Adapter modules are imported lazily so a config check stays cheap.
"""

from __future__ import annotations

import importlib

from core.sources.base import Adapter

# Kind-specific keys a [[sources]] entry may carry, with the type each must have.
SOURCE_OPTIONS: dict[str, dict[str, type]] = {
    "feed": {},
    "mastodon": {"tag": str, "any": list, "none": list, "query": str, "account": str},
    "reddit": {"query": str, "subreddit": str, "username": str},
    "hackernews": {"query": str, "tags": str},
    "bluesky": {"query": str, "handle": str, "identifier": str},
}

# Where a kind's API lives when the source gives no url.
DEFAULT_URLS: dict[str, str] = {
    "reddit": "https://www.reddit.com",
    "hackernews": "https://hn.algolia.com",
    "bluesky": "https://bsky.social",
}


def adapter_for(kind: str) -> Adapter:
    """The adapter of a source kind (each module exposes ``ADAPTER``)."""
    if kind not in SOURCE_OPTIONS:
        raise KeyError(kind)
    module = importlib.import_module(f"core.sources.{kind}")
    adapter: Adapter = module.ADAPTER
    return adapter
