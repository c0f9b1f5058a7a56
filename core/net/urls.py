"""URLs fit to show: what messages, logs and exports may say about an address.

Tokens hide in query strings and user-info (private feed URLs, API keys), so anything meant for
people drops both and keeps scheme, host, port and path. Google Alerts wrap every link in a
Google redirect (``https://www.google.com/url?rct=j&url=TARGET&ct=ga&usg=…``); ``unwrap_redirect``
finds the address a person actually wants to read.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# www.google.com, google.dk, www.google.co.uk …: the hosts whose /url is Google's redirect.
_GOOGLE_HOST = re.compile(r"(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})")


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


def unwrap_redirect(url: str) -> str | None:
    """The http(s) address a Google redirect leads to (its ``url`` or ``q`` parameter), or None
    when ``url`` is not such a redirect. Nothing is fetched: the target is in the link itself."""
    if "/url?" not in url:  # the cheap test first: feed parsing calls this for every link
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    if parts.path != "/url" or not _GOOGLE_HOST.fullmatch(host):
        return None
    params = parse_qs(parts.query)
    for name in ("url", "q"):
        target = (params.get(name) or [""])[0].strip()
        if target.lower().startswith(("https://", "http://")):
            return target
    return None
