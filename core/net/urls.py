"""URLs fit to show: what messages, logs and exports may say about an address.

Tokens hide in query strings and user-info (private feed URLs, API keys), so anything meant for
people drops both and keeps scheme, host, port and path.
"""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit, urlunsplit

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
