"""The ``feed`` source kind: RSS 0.9x/1.0/2.0, Atom and RDF, turned into clean mentions.

``parse_feed`` runs in the worker process. Before feedparser sees a byte, an entity guard reads
the document's prolog (in every encoding feedparser might decode it with, UTF-16 and UTF-7
included) and refuses entity declarations and external DTDs: feeds never need them, and they
are how billion-laughs, quadratic blowup and external-entity (XXE) attacks work. feedparser then
gets the bytes as ``io.BytesIO`` (never a string it could take for a path or URL) with its own
HTML sanitising and URI resolution off, because ``core.analysis.text`` makes plain text anyway
(measured 595 -> 1,950 entries/s). ``ADAPTER.poll`` fetches conditionally and skips an unchanged
body.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import io
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from core.analysis.dedupe import canonical_url
from core.analysis.text import bounded, html_to_text, sanitize
from core.model import Engagement, Mention
from core.net.urls import unwrap_redirect
from core.sources.base import (
    ParsedPage,
    ParseOptions,
    PollContext,
    PollResult,
    SourceError,
    SourceState,
)
from core.sources.hackernews import hnrss_comment

# Per-field bounds, in characters. A mention is read by a person and scored by sentiment models
# whose cost grows with length; 64 KB is a long article, and anything beyond it is a dump that
# would bloat the store and the screen. Titles and names longer than 1 KB are not titles.
TEXT_LIMIT = 64 * 1024
TITLE_LIMIT = 1024
AUTHOR_LIMIT = 1024
# Links and ids beyond 2 KB are not real links (browsers and servers cap URLs near there).
URL_LIMIT = 2048
# HTML handed to the text extractor: markup and inline images are far bigger than their text,
# so 1 MiB of HTML comfortably yields the 64 KB of text we keep, at a bounded cost.
HTML_INPUT_LIMIT = 1024 * 1024
# Dates before the first web feeds or more than two days ahead are clock or parser errors; a
# future date would pin an item to the top of a newest-first inbox for ever.
EARLIEST_DATE = 631_152_000  # 1990-01-01 UTC
FUTURE_SLACK = 2 * 86_400
# Messages from feedparser quote the document; a short bound keeps them readable.
MESSAGE_LIMIT = 200
# The prolog is read from this many bytes first; only a document whose prolog is longer (a huge
# leading comment, a big internal DTD) is decoded further.
PROLOG_PEEK = 64 * 1024

HTML_PAGE_ERROR = (
    "not a feed: the server sent an HTML page, not a feed (check the URL: the page may link to "
    "its feed in a <link rel=\"alternate\"> tag)"
)
ENTITY_ERROR = (
    "refused: the document declares XML entities (<!ENTITY>). Feeds never need them and they "
    "are how XML bombs and external-entity attacks work, so it was not parsed"
)
EXTERNAL_DTD_ERROR = (
    "refused: the document refers to an external DTD (SYSTEM or PUBLIC identifier), which a "
    "feed reader must not load, so it was not parsed"
)
# The one external DTD real feeds carry: Netscape's RSS 0.91, by public id or by its system URL
# (Netscape's or a mirror's). It is never fetched (feedparser strips the DOCTYPE and expat is
# told not to load external entities), so it is allowed; any other external DTD is refused.
ALLOWED_PUBLIC_IDS = frozenset({"-//Netscape Communications//DTD RSS 0.91//EN"})
ALLOWED_SYSTEM_SUFFIX = "/rss-0.91.dtd"
# The response headers feedparser uses: the charset, the base for relative links, the language.
PASSED_HEADERS = ("content-type", "content-location", "content-language")


# --- the entity guard -----------------------------------------------------------------------------

# Tokens that may precede the root element: whitespace, processing instructions, comments and
# the DOCTYPE with its internal subset (quoted strings may hold '>' or ']').
_PROLOG_TOKEN = re.compile(
    r"""\s+|<\?.*?\?>|<!--.*?-->"""
    r"""|<!DOCTYPE(?:[^\[>"']|"[^"]*"|'[^']*')*(?:\[(?:[^\]"']|"[^"]*"|'[^']*')*\]\s*)?>""",
    re.S | re.I,
)
_ROOT = re.compile(r"<([A-Za-z_:][-\w.:]*)")
_LOOSE_ROOT = re.compile(r"<\w")  # where feedparser's own DOCTYPE handling thinks the root is
_ENTITY = re.compile(r"<!ENTITY", re.I)
_EXTERNAL_ID = re.compile(
    r"""<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s*(?:"([^"]*)"|'([^']*)')?""",
    re.I,
)
_PUBLIC_ID = re.compile(r"""PUBLIC\s+["']([^"']*)""", re.I)
_HTML_DOCTYPE = re.compile(r"<!DOCTYPE\s+html\b", re.I)
_XML_ENCODING = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([-\w.:]+)["']""")
_PROBE = "<!ENTITY DOCTYPE SYSTEM PUBLIC [] ?-'\">"
_SHIFTED = b"+ADw-!~{"  # bytes that shifting encodings (UTF-7, HZ) read as something else
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_MARKERS = (  # the first bytes of "<?" or "<" in encodings that are not ASCII-compatible
    (b"\x4c\x6f\xa7\x94", "cp037"), (b"\x00\x3c\x00\x3f", "utf-16-be"),
    (b"\x3c\x00\x3f\x00", "utf-16-le"), (b"\x00\x00\x00\x3c", "utf-32-be"),
    (b"\x3c\x00\x00\x00", "utf-32-le"),
)
# Looser UTF-16 sniffing than feedparser's, for documents that start with "<!" or "<r" and no
# BOM: a parser that guesses UTF-16 there must not find an entity we did not look for.
_UTF16_STARTS = ((b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"))


@dataclass(frozen=True, slots=True)
class Prolog:
    """What the guard learnt from the text before the root element."""

    refusal: str | None = None
    root: str | None = None  # the root element's name, lower-cased, when found
    html: bool = False  # the document is an HTML page


def scan_prolog(body: bytes, content_type: str = "") -> Prolog:
    """Refuse entity declarations and external DTDs, in every encoding feedparser might use."""
    found = Prolog()
    for text in _decoded_views(body, content_type):
        view = _scan_view(text, body, content_type)
        if view.refusal:
            return view
        found = found if found.root else view
    return found


def _decoded_views(body: bytes, content_type: str) -> Iterator[str]:
    """The body's start as text: once as Latin-1 (exact for the ASCII bytes that spell markup
    in every ASCII-compatible encoding), then in each other encoding the body, its BOM, its XML
    declaration or the HTTP charset might select."""
    yield _latin1(body[:PROLOG_PEEK])
    for encoding in _candidate_encodings(body, content_type):
        yield _decode(body[:PROLOG_PEEK], encoding)


def _latin1(data: bytes) -> str:
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return data[start:].decode("latin-1")


def _candidate_encodings(body: bytes, content_type: str) -> list[str]:
    head = body[:4]
    names = [name for bom, name in _BOMS if head.startswith(bom)]
    names += [name for marker, name in _MARKERS if head == marker]
    names += [name for start, name in _UTF16_STARTS if head.startswith(start)]
    names.append(_charset(content_type))
    for name in list(names):
        names.append(_declared_encoding(_decode(body[:512], name)))
    names.append(_declared_encoding(_latin1(body[:512])))
    return [n for n in dict.fromkeys(names) if n and not _ascii_compatible(n)]


def _charset(content_type: str) -> str:
    match = re.search(r"""charset\s*=\s*["']?([-\w.:]+)""", content_type, re.I)
    return match.group(1) if match else ""


def _declared_encoding(text: str) -> str:
    match = _XML_ENCODING.match(text.lstrip("\ufeff"))
    return match.group(1) if match else ""


def _ascii_compatible(encoding: str) -> bool:
    """True when markup characters are the same bytes as in ASCII (the Latin-1 view covers it);
    an unknown encoding counts as compatible, since feedparser cannot decode with it either."""
    try:
        same_bytes = _PROBE.encode(encoding) == _PROBE.encode("ascii")
        # Decoding matters too: in UTF-7 the ASCII bytes "+ADw-" spell "<".
        return same_bytes and _SHIFTED.decode(encoding, "replace") == _SHIFTED.decode("ascii")
    except (LookupError, UnicodeError):
        return True


def _decode(data: bytes, encoding: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)(errors="replace").decode(data)
    except (LookupError, UnicodeError):
        return ""


def _scan_view(text: str, body: bytes, content_type: str) -> Prolog:
    end, root = _prolog_end(text)
    if root is None and len(body) > PROLOG_PEEK:
        text = _decode_all(body, content_type, text)
        end, root = _prolog_end(text)
    prolog = text[: max(end, _loose_root(text))]
    if _ENTITY.search(prolog):
        return Prolog(refusal=ENTITY_ERROR, root=root)
    if root == "html" or _HTML_DOCTYPE.search(prolog):
        return Prolog(root=root, html=True)
    external = _EXTERNAL_ID.search(prolog)
    if external and not _allowed_dtd(external):
        return Prolog(refusal=EXTERNAL_DTD_ERROR, root=root)
    return Prolog(root=root)


def _allowed_dtd(external: re.Match[str]) -> bool:
    public = _PUBLIC_ID.match(external.group(1))
    if public is not None and public.group(1) in ALLOWED_PUBLIC_IDS:
        return True
    system = external.group(2) or external.group(3) or ""
    return system.endswith(ALLOWED_SYSTEM_SUFFIX)


def _prolog_end(text: str) -> tuple[int, str | None]:
    """Where the root element starts and its name; (len(text), None) when the tokens run out
    before a root, so the caller scans everything it has."""
    pos = 1 if text.startswith("\ufeff") else 0
    while (token := _PROLOG_TOKEN.match(text, pos)) is not None:
        pos = token.end()
    root = _ROOT.match(text, pos)
    if root is None:
        return len(text), None
    return pos, root.group(1).lower()


def _loose_root(text: str) -> int:
    match = _LOOSE_ROOT.search(text)
    return match.start() if match else 0


def _decode_all(body: bytes, content_type: str, peeked: str) -> str:
    """The whole body as text, in the same encoding as the view that was too short."""
    if peeked == _latin1(body[:PROLOG_PEEK]):
        return _latin1(body)
    for encoding in _candidate_encodings(body, content_type):
        if _decode(body[:PROLOG_PEEK], encoding) == peeked:
            return _decode(body, encoding)
    return peeked


# --- parsing --------------------------------------------------------------------------------------


def parse_feed(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
    """Parse one feed body into mentions (runs in the worker process): through
    ``core.sources.fastparse`` where it is proven to read the document as feedparser does,
    else through feedparser."""
    return _parse(body, headers, options, fast=True)


def parse_feed_with_feedparser(
    body: bytes, headers: Mapping[str, str], options: ParseOptions
) -> ParsedPage:
    """``parse_feed`` with feedparser for every document: the reference the fast path is
    compared with."""
    return _parse(body, headers, options, fast=False)


def _parse(
    body: bytes, headers: Mapping[str, str], options: ParseOptions, fast: bool
) -> ParsedPage:
    if not body.strip():
        return ParsedPage(error="not a feed: the server sent an empty response")
    passed = _feedparser_headers(headers)
    prolog = scan_prolog(body, passed.get("content-type", ""))
    if prolog.refusal:
        return ParsedPage(error=prolog.refusal)
    if prolog.html:
        return ParsedPage(error=HTML_PAGE_ERROR)
    if fast:
        # here, not at the top: only worker processes parse, the poller never does
        from core.sources.fastparse import parse_fast

        quick = parse_fast(body, passed)
        if quick.entries is not None:
            return _page(quick.as_feedparser_result(), passed, options)
    import feedparser

    result = feedparser.parse(
        io.BytesIO(body), response_headers=passed, sanitize_html=False, resolve_relative_uris=False
    )
    return _page(result, passed, options)


def _feedparser_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers feedparser should see, with lower-case names (it looks them up so). Without
    a Content-Type none are passed: feedparser would then assume ISO-8859-1 and complain, where
    XML's own default (the declaration, else UTF-8) is right."""
    lowered = {k.lower(): v for k, v in headers.items() if k.lower() in PASSED_HEADERS}
    return lowered if "content-type" in lowered else {}


def _page(result: Any, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
    entries = result.get("entries") or []
    if not entries:
        return ParsedPage(error=_no_entries_error(result, headers))
    now = _now(options)
    mentions = [m for m in (_mention(e, options, now) for e in entries) if m is not None]
    notes = []
    if result.get("bozo"):
        notes.append(f"{_bozo_reason(result.get('bozo_exception'))}; read the entries anyway")
    skipped = len(entries) - len(mentions)
    if skipped:
        notes.append(f"{skipped} entries had no title, text, link or id and were skipped")
    return ParsedPage(mentions=mentions, warning="; ".join(notes) or None)


def _no_entries_error(result: Any, headers: Mapping[str, str]) -> str | None:
    """None for a real feed that is simply empty; otherwise why this is not a feed."""
    error = result.get("bozo_exception")
    if result.get("version") and (not result.get("bozo") or _harmless(error)):
        return None
    if "html" in headers.get("content-type", "").lower():
        return HTML_PAGE_ERROR
    if result.get("bozo"):
        return f"not a feed: {_bozo_reason(result.get('bozo_exception'))}"
    return "not a feed: no RSS, Atom or RDF document was found in the response"


def _harmless(error: object) -> bool:
    """Complaints about labels (media type, declared charset) that leave the parse intact."""
    return type(error).__name__ in ("NonXMLContentType", "CharacterEncodingOverride")


def _bozo_reason(error: object) -> str:
    """A short human account of what feedparser disliked."""
    name = type(error).__name__
    if name == "SAXParseException":
        # No line number: feedparser re-encodes the document first, which shifts lines.
        message = getattr(error, "getMessage", lambda: str(error))()
        reason = f"the document is not well-formed XML ({message})"
    elif name == "NonXMLContentType":
        reason = f"the Content-Type header is wrong ({error})"
    elif name in ("CharacterEncodingOverride", "CharacterEncodingUnknown"):
        reason = f"character encoding trouble ({error})"
    else:
        reason = f"the feed has errors ({name}: {error})"
    return bounded(sanitize(" ".join(reason.split())), MESSAGE_LIMIT)


# --- entries to mentions ------------------------------------------------------------------------


def _mention(entry: Any, options: ParseOptions, now: int) -> Mention | None:
    # A plain copy: none of the keys read here is one FeedParserDict aliases, and its own
    # lookups (alias table, special keys, exceptions) cost 1-2 µs each, 10% of an entry.
    entry = dict(entry) if isinstance(entry, dict) else entry
    title_text = _detail_text(entry.get("title_detail"), entry.get("title"))
    title = bounded(_one_line(title_text), TITLE_LIMIT)
    text = bounded(_body_text(entry), TEXT_LIMIT)
    url = _link(entry.get("link"), options.url)
    guid = _identifier(entry.get("id"))
    if not (title or text or url or guid):
        return None
    title, text = hnrss_comment(title, text) or (title, text)
    if url and guid:  # the id keys the mention, so the link may change without a new key
        url = _unwrapped(url)
    author_url = _link(_get(entry.get("author_detail"), "href"), options.url)
    return Mention(
        platform="feed", title=title, text=text, url=url, guid=guid,
        author=bounded(_one_line(sanitize(_author(entry))), AUTHOR_LIMIT),
        author_id=author_url, author_url=author_url,
        published_at=_published(entry, now),
        engagement=Engagement(replies=_count(entry.get("slash_comments"))),
        owned=options.owned,
    )


def _unwrapped(url: str) -> str:
    """A Google Alerts link as the address it redirects to, without tracking parameters.

    Only done for entries with an id (Google Alerts always have one): a mention without one is
    keyed by its link, and a store holding it under the redirect must not get it twice.
    """
    target = unwrap_redirect(url)
    if target is None or _link(target, "") is None:
        return url
    return canonical_url(target)


def _body_text(entry: Any) -> str:
    """Full content when the entry has it, else its summary."""
    for content in entry.get("content") or []:
        text = _detail_text(content, _get(content, "value"))
        if text:
            return text
    return _detail_text(entry.get("summary_detail"), entry.get("summary"))


def _detail_text(detail: object, value: object) -> str:
    """Plain text of a feedparser text construct, read as HTML only when it is HTML."""
    raw = value if isinstance(value, str) else _get(detail, "value")
    if not raw:
        return ""
    kind = _get(detail, "type") or "text/html"
    if "html" in kind:
        return html_to_text(raw[:HTML_INPUT_LIMIT])
    return sanitize(raw[: TEXT_LIMIT * 2]).strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _author(entry: Any) -> str:
    name = _get(entry.get("author_detail"), "name") or entry.get("author") or ""
    return name[: AUTHOR_LIMIT * 4] if isinstance(name, str) else ""


def _get(mapping: object, key: str) -> str:
    if isinstance(mapping, dict):  # a FeedParserDict: a plain lookup, as in _mention
        value = dict.get(mapping, key)
    else:
        value = mapping.get(key) if isinstance(mapping, Mapping) else None
    return value if isinstance(value, str) else ""


# An absolute http(s) link with a host and nothing urljoin re-spells (query, fragment, ;params,
# brackets, backslashes): urljoin returns such a link unchanged, so it need not be parsed.
_PLAIN_ABSOLUTE = re.compile(r"https?://[^/?#;\[\]\\\s][^?#;\[\]\\\s]*")


def _link(value: object, base: str) -> str | None:
    """An absolute http(s) link, or None: javascript:, data: and file: links are dropped."""
    if not isinstance(value, str) or not value.strip():
        return None
    link = sanitize("".join(value.split()))[:URL_LIMIT]
    if link.isascii() and _PLAIN_ABSOLUTE.fullmatch(link):
        return link  # what urljoin and the scheme check below would return, at a tenth the cost
    try:
        link = urljoin(base, link) if base else link
        scheme = urlsplit(link).scheme.lower()
    except ValueError:
        return None
    return link if scheme in ("http", "https") else None


def _identifier(value: object) -> str | None:
    """The entry id, sanitised; an absurdly long one is replaced by its hash, which stays stable
    and unique, so dedupe still works."""
    if not isinstance(value, str):
        return None
    ident = sanitize(value).strip()
    if len(ident) > URL_LIMIT:
        return "sha256:" + hashlib.sha256(ident.encode("utf-8", "replace")).hexdigest()
    return ident or None


def _published(entry: Any, now: int) -> int | None:
    for key in ("published_parsed", "updated_parsed"):
        stamp = dict.get(entry, key)  # plain lookup: feedparser's aliasing warns and guesses
        if stamp is None:
            continue
        try:
            seconds = calendar.timegm(stamp)
        except (TypeError, ValueError, OverflowError):
            continue
        if EARLIEST_DATE <= seconds <= now + FUTURE_SLACK:
            return seconds
    return None


def _count(value: object) -> int | None:
    text = value.strip() if isinstance(value, str) else ""
    # Nine digits: no post has a billion comments; longer numbers are junk, not counts.
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _now(options: ParseOptions) -> int:
    """The clock, injectable through ``options.options["now"]`` for tests."""
    now = options.options.get("now")
    return now if isinstance(now, int) else int(time.time())


# --- the adapter --------------------------------------------------------------------------------

# Bodies bigger than this are hashed in a thread so the event loop is not held (sha256 runs at
# several hundred MB/s, so 1 MiB is about 2 ms).
HASH_IN_THREAD = 1024 * 1024


class FeedAdapter:
    """Polls one RSS/Atom/RDF URL."""

    kind = "feed"

    async def poll(self, ctx: PollContext) -> PollResult:
        response = await ctx.fetch(ctx.source.url, conditional=True)
        if response.status == 304:
            return PollResult(not_modified=True)
        digest = await _body_hash(response.body)
        state = SourceState(
            etag=_header(response.headers, "etag"),
            last_modified=_header(response.headers, "last-modified"),
            body_hash=digest,
            cursor=ctx.state.cursor,
        )
        if digest == ctx.state.body_hash:
            return PollResult(not_modified=True, state=state)
        page = await ctx.process(parse_feed, response)
        if page.error:
            raise SourceError(page.error)
        return PollResult(mentions=page.mentions, warning=page.warning, state=state)


async def _body_hash(body: bytes) -> str:
    # Imported here: this module is also the parse workers', which never run an event loop
    # (asyncio would be ~2 MB more in each); the poller's process has it loaded already.
    import asyncio

    if len(body) > HASH_IN_THREAD:
        return await asyncio.to_thread(lambda: hashlib.sha256(body).hexdigest())
    return hashlib.sha256(body).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value or None


ADAPTER = FeedAdapter()
