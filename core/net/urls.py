"""URLs fit to show: what messages, logs and exports may say about an address.

Tokens hide in query strings and user-info (private feed URLs, API keys), so anything meant for
people drops both and keeps scheme, host, port and path.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def display_url(url: str) -> str:
    """``url`` without its query string, fragment or credentials."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(an invalid URL)"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    path = parts.path if len(parts.path) <= 200 else parts.path[:200] + "…"  # one line in a message
    return f"{parts.scheme}://{host}{port}{path}"
