"""URLs fit to show: what messages, logs and exports may say about an address.

Tokens hide in query strings and user-info (private feed URLs, API keys), so anything meant for
people drops both and keeps scheme, host, port and path. Google Alerts wrap every link in a
Google redirect (``https://www.google.com/url?rct=j&url=TARGET&ct=ga&usg=…``); ``unwrap_redirect``
finds the address a person actually wants to read.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote_plus, urlsplit, urlunsplit

# www.google.com, google.dk, www.google.co.uk …: the hosts whose /url is Google's redirect.
_GOOGLE_HOST = re.compile(r"(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})")

# Query parameters that carry a credential: private feed links (``?access_token=…``,
# ``?api_key=…``), presigned links (``X-Amz-Signature``). Matched on the lower-cased name, whole
# or as a suffix, so ``private_token`` and ``x-amz-security-token`` go too.
_CREDENTIAL_NAMES = frozenset({"key", "auth", "sig", "pwd", "passwd", "session", "sessionid"})
_CREDENTIAL_SUFFIXES = ("token", "secret", "password", "apikey", "api_key", "api-key",
                        "signature", "credential")


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


def without_credentials(url: str) -> str:
    """``url`` as written, minus user-info (``user:pass@``) and credential query parameters.

    Links taken from feeds are stored and exported; a feed that hands out its private links
    must not put its token in our database. Anything that is not an absolute URL is returned
    unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    query = "&".join(p for p in parts.query.split("&") if p and not _is_credential(p))
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _is_credential(pair: str) -> bool:
    name = unquote_plus(pair.partition("=")[0]).strip().lower()
    return name in _CREDENTIAL_NAMES or name.endswith(_CREDENTIAL_SUFFIXES)
