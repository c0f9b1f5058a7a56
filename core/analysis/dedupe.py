"""Stable dedupe keys, so that hearing the same mention twice stores it once.

Ingest is idempotent on ``Mention.key``: polling the same data again, from the same source or
from another one, must produce the same key in every run and every process. The key is built
from the strongest identity a mention has, in this order:

1. ``{platform}:id:{platform_id}`` — the platform's own id. Adapters must put an id that is unique
   across the whole platform here (for a federated platform such as Mastodon, where status ids
   are per server, that is the status URI, not the local number).
2. ``{platform}:guid:…`` — a feed entry's GUID. A GUID is only promised to be unique *within its
   feed*: two blogs may both number their posts "1", "2", "3". So a GUID counts as global only
   when it names itself globally — an ``http(s)`` URL (canonicalised, so tracking parameters do
   not split one article into several keys), a ``tag:`` URI (RFC 4151, which embeds an authority
   and a date) or a ``urn:`` (such as ``urn:uuid:``). Any other GUID is scoped by the source
   name: ``{platform}:guid:{source}/{guid}``, with the source name percent-encoded so that it
   holds neither ``:`` nor ``/`` and the two forms can never collide. Renaming a source re-keys
   its scoped GUIDs, which can store its current items once more; that is the price of not
   merging unrelated posts that happen to share a number.
3. ``url:{canonical url}`` — no platform prefix, so one article heard through two feeds is one
   mention.
4. ``hash:{sha256}`` of the normalised title, text and author. The author is included because two
   different people writing the same short "love it!" are two mentions, not one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from core.model import Mention

# Query parameters that only say where a click came from; they never change the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "mc_cid", "mc_eid", "igshid", "igsh", "ref_src", "ref_url", "_hsenc", "_hsmi",
        "hsctatracking", "mkt_tok", "li_fat_id", "oly_anon_id", "oly_enc_id", "vero_id",
        "__twitter_impression", "_ga", "_gl", "spm", "scm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")  # Google/Matomo/Piwik campaign families

# Share ids that are tracking on these hosts only ("si" or "feature" mean something elsewhere).
HOST_TRACKING_PARAMS: dict[str, frozenset[str]] = {
    "youtube.com": frozenset({"si", "feature", "pp"}),
    "www.youtube.com": frozenset({"si", "feature", "pp"}),
    "m.youtube.com": frozenset({"si", "feature", "pp"}),
    "youtu.be": frozenset({"si", "feature"}),
    "open.spotify.com": frozenset({"si"}),
}

DEFAULT_PORTS = {"http": 80, "https": 443}
GLOBAL_GUID = re.compile(r"(?:https?://|tag:|urn:)", re.IGNORECASE)
PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
SPACES = re.compile(r"\s+")


def canonical_url(url: str) -> str:
    """``url`` in one canonical spelling: the same page always gives the same string.

    Lower-cases scheme and host, drops user-info (it may hold credentials, and keys are stored),
    default ports, fragments (except ``#!`` routes, which name the page) and tracking
    parameters; sorts the remaining query parameters; keeps the path's case. A string that is
    not an absolute URL is returned stripped and otherwise unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    scheme = parts.scheme.lower()
    host = _canonical_host(parts.netloc, scheme)
    path = _upper_escapes(parts.path) or ("/" if scheme in DEFAULT_PORTS else "")
    query = _canonical_query(parts.query, host)
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, host, path, query, fragment))


def _canonical_host(netloc: str, scheme: str) -> str:
    """Host (and a non-default port), lower-cased, without user-info or a trailing dot."""
    hostport = netloc.rpartition("@")[2].lower()
    if hostport.startswith("["):  # an IPv6 literal holds colons of its own
        host, _, rest = hostport.partition("]")
        host, port = host + "]", rest.removeprefix(":")
    else:
        host, _, port = hostport.partition(":")
    host = host.rstrip(".")
    if not port or (port.isdigit() and int(port) == DEFAULT_PORTS.get(scheme)):
        return host
    return f"{host}:{port}"


def _upper_escapes(text: str) -> str:
    """Percent-escapes in upper case: ``%2f`` and ``%2F`` are the same byte (RFC 3986 6.2.2.1)."""
    return PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), text)


def _canonical_query(query: str, host: str) -> str:
    """The query without tracking parameters, sorted, each pair kept as it was written."""
    if not query:
        return ""
    host_params = HOST_TRACKING_PARAMS.get(host.partition(":")[0], frozenset())
    kept = [
        _upper_escapes(pair)
        for pair in query.split("&")
        if pair and not _is_tracking(unquote_plus(pair.partition("=")[0]).lower(), host_params)
    ]
    return "&".join(sorted(kept))


def _is_tracking(name: str, host_params: frozenset[str]) -> bool:
    """True for a query parameter name that only tracks the click."""
    return name in TRACKING_PARAMS or name in host_params or name.startswith(TRACKING_PREFIXES)


def mention_key(m: Mention, source: str = "") -> str:
    """The stable dedupe key of ``m``; ``source`` (the source's name) scopes feed-local GUIDs."""
    if m.platform_id and m.platform_id.strip():
        return f"{m.platform}:id:{m.platform_id.strip()}"
    if m.guid and m.guid.strip():
        return f"{m.platform}:guid:{_guid_part(m.guid.strip(), source)}"
    if m.url and m.url.strip():
        return f"url:{canonical_url(m.url)}"
    return f"hash:{content_hash(m)}"


def _guid_part(guid: str, source: str) -> str:
    """A global GUID as itself (URLs canonicalised); any other scoped by the source name."""
    if GLOBAL_GUID.match(guid):
        return canonical_url(guid) if guid[:4].lower() == "http" else guid
    if not source:
        return guid
    return f"{quote(source, safe='')}/{guid}"


def content_hash(m: Mention) -> str:
    """sha256 over the normalised title, text and author (NFKC, case-folded, spaces collapsed)."""
    parts = (_normalise(m.title), _normalise(m.text), _normalise(m.author_id or m.author))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _normalise(text: str) -> str:
    """Text reduced to what a reader would call "the same": NFKC, case-folded, single spaces."""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
