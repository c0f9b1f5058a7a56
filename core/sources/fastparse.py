"""A fast path for the common feed, proven to read it exactly as feedparser does.

feedparser costs about 0.6 ms per entry, most of a first poll's parse. Most real feeds are plain
RSS 2.0 or Atom 1.0 in UTF-8, and for those libxml2 (through lxml) builds a tree in about 6 µs
an entry; with the checks below the bench's short posts read 15-30x faster than with feedparser
(``python -m bench --only floor`` prints it). This module reads such a document from that tree
into the same entry dicts
feedparser would give ``core.sources.feed`` (same keys, same values after feedparser's own
clean-ups), and gives up, naming why, on anything outside the subset it has been proven on:
``tests/test_fastparse_differential.py`` compares the mentions of both paths over every feed in
``../shared/corpora`` and the demo. Giving up costs one lxml parse; feedparser then reads the
document as before. So the gate is strict: one element, attribute, date format or text shape it
does not know, anywhere in an entry, and the whole document goes to feedparser.

fastfeedparser was measured for this and not used: it turns libxml2's size limits off
(``huge_tree``) for every document, fetches a string that looks like a URL, invents ids from
links (which would change dedupe keys) and drops the content types and fields we read. Here
lxml gets only bytes, with its limits on, no network, no DTD and no entity expansion.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
SLASH_COMMENTS = "{http://purl.org/rss/1.0/modules/slash/}comments"
MEDIA = "{http://search.yahoo.com/mrss/}"
WFW = "{http://wellformedweb.org/CommentAPI/}"
YOUTUBE = "{http://www.youtube.com/xml/schemas/2015}"

# What the fast path reads from each entry, by element, with the attributes it understands
# there. The *_IGNORED elements (without children) feedparser files under keys we never read
# (tags, comment links, enclosures, media_*, wfw_*, yt_*); any other element in an entry sends
# the whole feed to feedparser.
RSS_ITEM_ELEMENTS: Mapping[str, frozenset[str]] = {
    "title": frozenset(), "link": frozenset(), "description": frozenset(),
    "guid": frozenset({"isPermaLink"}), "pubDate": frozenset(), "author": frozenset(),
    CONTENT_ENCODED: frozenset(), DC_CREATOR: frozenset(), DC_DATE: frozenset(),
    SLASH_COMMENTS: frozenset(),
}
MEDIA_IGNORED = frozenset({MEDIA + "thumbnail", MEDIA + "content"})
RSS_IGNORED = MEDIA_IGNORED | {"category", "comments", "enclosure", WFW + "commentRss",
                               WFW + "comment"}
ATOM_ENTRY_ELEMENTS: Mapping[str, frozenset[str]] = {
    ATOM + "id": frozenset(), ATOM + "title": frozenset({"type"}),
    ATOM + "content": frozenset({"type"}), ATOM + "summary": frozenset({"type"}),
    ATOM + "published": frozenset(), ATOM + "updated": frozenset(),
}
ATOM_IGNORED = MEDIA_IGNORED | {ATOM + "category", YOUTUBE + "videoId", YOUTUBE + "channelId"}
ATOM_READ_APART = frozenset({ATOM + "link", ATOM + "author", MEDIA + "group"})
ATOM_AUTHOR_PARTS = frozenset({ATOM + "name", ATOM + "uri", ATOM + "email"})
# Atom text types feedparser maps to a media type (RFC 4287 3.1.1); xhtml is not read here.
ATOM_TEXT_TYPES = {"text": "text/plain", "html": "text/html"}
# YouTube's <media:group>: a title and a description, ratings and view counts as attributes.
MEDIA_GROUP_ELEMENTS: Mapping[str, frozenset[str]] = {
    MEDIA + "title": frozenset(), MEDIA + "description": frozenset(),
}
MEDIA_COMMUNITY = frozenset({MEDIA + "starRating", MEDIA + "statistics"})
# Media types a Content-Type header may carry for the fast path; with a charset it must be UTF-8
# (feedparser honours RFC 3023, under which text/xml without a charset is US-ASCII: only an
# ASCII body reads the same then).
XML_MEDIA_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
})
UTF8 = frozenset({"utf-8", "utf8"})

# libxml2 with its size limits on (no huge_tree: text nodes <= 10 MB, depth <= 256), no
# network, no DTD loaded, entities never expanded, and no recovery: a document that is not
# well-formed goes to feedparser, whose error reporting the rest of the pipeline knows.
PARSER_OPTIONS: Mapping[str, bool] = {
    "resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
    "recover": False, "collect_ids": False, "remove_blank_text": False,
}


class Unproven(Exception):
    """The document holds something the fast path has not been proven to read like
    feedparser; the message says what."""


@dataclass(frozen=True, slots=True)
class FastResult:
    """Either feedparser-shaped entries or the reason the document needs feedparser."""

    entries: list[dict[str, Any]] | None = None
    version: str = ""  # feedparser's name for the format, when entries were read
    reason: str = ""  # why feedparser must read it, when they were not

    def as_feedparser_result(self) -> dict[str, Any]:
        """The keys of feedparser's result that ``core.sources.feed`` reads, for a document
        the fast path read (which is well-formed, so feedparser would not flag it)."""
        return {"entries": self.entries or [], "version": self.version, "bozo": 0}


def parse_fast(body: bytes, headers: Mapping[str, str]) -> FastResult:
    """Entries of ``body`` as feedparser would give them, or the reason to ask feedparser.

    ``headers`` are the lower-cased response headers feedparser would be given.
    """
    if not isinstance(body, bytes):  # never a str lxml or anything else could take for a path
        raise TypeError("parse_fast takes the fetched bytes")
    try:
        _check_headers(headers, body)
        root = _tree(body)
        if root.tag == "rss":
            return FastResult(entries=_rss_entries(root), version="rss20")
        if root.tag == ATOM + "feed":
            return FastResult(entries=_atom_entries(root), version="atom10")
        raise Unproven(f"root element {_short(root.tag)!r} is neither <rss> nor Atom 1.0")
    except Unproven as why:
        return FastResult(reason=str(why))


# --- the document ---------------------------------------------------------------------------------


def _check_headers(headers: Mapping[str, str], body: bytes) -> None:
    if "content-location" in headers:
        raise Unproven("a Content-Location header sets the base of relative links")
    content_type = headers.get("content-type")
    if content_type is None:
        return
    media, _, params = content_type.partition(";")
    if media.strip().lower() not in XML_MEDIA_TYPES:
        raise Unproven(f"Content-Type {media.strip()[:40]!r} is not an XML feed type")
    charset = re.search(r"charset\s*=\s*[\"']?([-\w.:]+)", params, re.I)
    if charset is None and media.strip().lower().startswith("text/") and not body.isascii():
        raise Unproven("text/xml without a charset means US-ASCII to feedparser")
    if charset is not None and charset.group(1).lower() not in UTF8:
        raise Unproven(f"charset {charset.group(1)[:20]!r} is not UTF-8")


def _tree(body: bytes) -> Any:
    if b"xml:base" in body:
        raise Unproven("xml:base changes how links resolve")
    if body.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00", b"\x4c\x6f")):
        raise Unproven("not UTF-8 (a UTF-16/32 or EBCDIC start)")
    try:
        root = etree.fromstring(body, etree.XMLParser(**PARSER_OPTIONS))
    except etree.LxmlError as error:  # not well-formed, or past one of libxml2's limits
        raise Unproven(f"lxml: {str(error)[:80]}") from None
    info = root.getroottree().docinfo
    if (info.encoding or "").lower() not in UTF8:
        raise Unproven(f"encoding {info.encoding!r} is not UTF-8")
    if info.doctype:
        raise Unproven("a DOCTYPE (RSS 0.91's defines entities feedparser expands)")
    return root


def _short(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1][:40]


# --- RSS ------------------------------------------------------------------------------------------


def _rss_entries(root: Any) -> list[dict[str, Any]]:
    channels = [child for child in root if child.tag == "channel"]
    if len(channels) != 1:
        raise Unproven("<rss> without exactly one <channel>")
    items = [child for child in channels[0] if child.tag == "item"]
    _no_stray_entries(root, len(items))
    return [_rss_entry(item) for item in items]


def _rss_entry(item: Any) -> dict[str, Any]:
    fields = _fields(item, RSS_ITEM_ELEMENTS, RSS_IGNORED)
    entry: dict[str, Any] = {}
    if "title" in fields:
        title = _feedparser_text(fields["title"])
        if _LOOKS_LIKE_HTML.search(title):
            raise Unproven("an RSS title feedparser might decide is HTML")
        entry["title"] = title
        entry["title_detail"] = {"type": "text/plain", "value": title}
    if "description" in fields:
        summary = _feedparser_text(fields["description"])
        entry["summary"] = summary
        entry["summary_detail"] = {"type": "text/html", "value": summary}
    if CONTENT_ENCODED in fields:
        content = _feedparser_text(fields[CONTENT_ENCODED])
        entry["content"] = [{"type": "text/html", "value": content}]
    if "link" in fields:
        entry["link"] = _rss_link(_feedparser_text(fields["link"]))
    if "guid" in fields:
        _rss_guid(entry, fields["guid"])
    _rss_author(entry, fields)
    _dates(entry, fields, published="pubDate", updated=DC_DATE)
    if SLASH_COMMENTS in fields:
        entry["slash_comments"] = _feedparser_text(fields[SLASH_COMMENTS])
    return entry


def _rss_guid(entry: dict[str, Any], guid: Any) -> None:
    permalink = guid.get("isPermaLink", "true")
    if permalink not in ("true", "false"):
        raise Unproven("isPermaLink is neither true nor false")
    entry["id"] = _permalink(entry, guid) if permalink == "true" else _feedparser_text(guid)


def _permalink(entry: dict[str, Any], element: Any) -> str:
    """A permalink id, which is also the entry's link when it has none."""
    value = _resolved(_feedparser_text(element))
    entry.setdefault("link", value)
    return value


def _rss_author(entry: dict[str, Any], fields: Mapping[str, Any]) -> None:
    authors = [fields[k] for k in ("author", DC_CREATOR) if k in fields]
    if len(authors) > 1:
        raise Unproven("both <author> and <dc:creator>")
    if not authors:
        return
    name = _feedparser_text(authors[0])
    if "@" in name:  # feedparser splits an e-mail address out of the name
        raise Unproven("an author with an e-mail address")
    entry["author"] = name
    if name:
        entry["author_detail"] = {"name": name}


# Feedparser's test for "this text/plain RSS field is really HTML" starts with a closing tag or
# an entity reference; a title with neither is certainly plain text to it.
_LOOKS_LIKE_HTML = re.compile(r"</\w+>|&#?\w+;")


def _rss_link(value: str) -> str:
    value = _resolved(value)
    # feedparser repairs query strings it assumes were double-escaped ("&amp;b=" and "&b;")
    if "&" not in value:
        return value
    return _ENTITY_LIKE.sub(r"&\1", value.replace("&amp;", "&"))


_ENTITY_LIKE = re.compile(r"&([A-Za-z0-9_]+);")


# --- Atom -----------------------------------------------------------------------------------------


def _atom_entries(root: Any) -> list[dict[str, Any]]:
    entries = [child for child in root if child.tag == ATOM + "entry"]
    _no_stray_entries(root, len(entries))
    return [_atom_entry(entry) for entry in entries]


def _atom_entry(element: Any) -> dict[str, Any]:
    links = [child for child in element if child.tag == ATOM + "link"]
    authors = [child for child in element if child.tag == ATOM + "author"]
    groups = [child for child in element if child.tag == MEDIA + "group"]
    fields = _fields(element, ATOM_ENTRY_ELEMENTS, ATOM_IGNORED, ATOM_READ_APART)
    entry: dict[str, Any] = {}
    link = _atom_link(links)
    if link is not None:
        entry["link"] = link
    if ATOM + "id" in fields:  # feedparser reads an Atom id as a permalink guid
        entry["id"] = _permalink(entry, fields[ATOM + "id"])
    if ATOM + "title" in fields:
        detail = _atom_text(fields[ATOM + "title"])
        entry["title"], entry["title_detail"] = detail["value"], detail
    if ATOM + "summary" in fields:
        detail = _atom_text(fields[ATOM + "summary"])
        entry["summary"], entry["summary_detail"] = detail["value"], detail
    if ATOM + "content" in fields:
        entry["content"] = [_atom_text(fields[ATOM + "content"])]
    _atom_author(entry, authors)
    _dates(entry, fields, published=ATOM + "published", updated=ATOM + "updated")
    if groups:
        _media_group(entry, element, groups, fields)
    return entry


def _media_group(entry: dict[str, Any], element: Any, groups: list[Any],
                 fields: Mapping[str, Any]) -> None:
    """A YouTube-style <media:group>: its description is the entry's HTML summary, and its
    title is ignored after a non-empty Atom title (feedparser keeps the first title)."""
    if len(groups) > 1:
        raise Unproven("more than one <media:group>")
    group = groups[0]
    _media_community(group)
    parts = _fields(group, MEDIA_GROUP_ELEMENTS, MEDIA_IGNORED, frozenset({MEDIA + "community"}))
    if MEDIA + "title" in parts:
        title = fields.get(ATOM + "title")
        if title is None or not entry["title"] or element.index(title) > element.index(group):
            raise Unproven("a <media:title> feedparser would take for the title")
    if MEDIA + "description" in parts:
        if ATOM + "summary" in fields or ATOM + "content" in fields:
            raise Unproven("a <media:description> beside an Atom summary or content")
        summary = _feedparser_text(parts[MEDIA + "description"])
        entry["summary"] = summary
        entry["summary_detail"] = {"type": "text/html", "value": summary}


def _media_community(group: Any) -> None:
    """Ratings and view counts, as attributes only (feedparser files them under media_*)."""
    for community in group.iterfind(MEDIA + "community"):
        for child in community:
            if child.tag not in MEDIA_COMMUNITY or len(child) or (child.text or "").strip():
                raise Unproven(f"<{_short(child.tag)}> in <media:community>")


def _atom_text(element: Any) -> dict[str, str]:
    kind = ATOM_TEXT_TYPES.get(element.get("type", "text"))
    if kind is None:
        raise Unproven(f"Atom text of type {element.get('type')[:20]!r}")
    return {"type": kind, "value": _feedparser_text(element)}


def _atom_link(links: list[Any]) -> str | None:
    """The last alternate HTML link, as feedparser keeps it."""
    found = None
    for link in links:
        if set(link.attrib) - {"rel", "type", "href", "title", "hreflang", "length"}:
            raise Unproven("an Atom link with attributes not read here")
        if len(link) or "href" not in link.attrib:
            raise Unproven("an Atom link without href")
        rel = link.get("rel", "alternate")
        kind = link.get("type", "application/atom+xml" if rel == "self" else "text/html")
        if rel == "alternate" and kind.lower() in ("text/html", "application/xhtml+xml", "html"):
            found = _resolved(link.get("href").strip())
    return found


def _atom_author(entry: dict[str, Any], authors: list[Any]) -> None:
    if len(authors) > 1:
        raise Unproven("more than one Atom author")
    if not authors:
        return
    parts = _fields(authors[0], dict.fromkeys(ATOM_AUTHOR_PARTS, frozenset()), frozenset())
    if ATOM + "email" in parts:
        raise Unproven("an Atom author with an e-mail address")
    detail: dict[str, str] = {}
    if ATOM + "name" in parts:
        detail["name"] = _stripped(parts[ATOM + "name"])  # feedparser leaves names as written
    if ATOM + "uri" in parts:
        detail["href"] = _resolved(_feedparser_text(parts[ATOM + "uri"]))
    if detail.get("name"):
        entry["author"] = detail["name"]
    if detail:
        entry["author_detail"] = detail


# --- shared by both -------------------------------------------------------------------------------


def _no_stray_entries(root: Any, found: int) -> None:
    """feedparser takes an <item> or <entry> in any namespace it knows, anywhere, for an entry:
    every element so named must be one of those read here."""
    if sum(1 for _ in root.iter("{*}item", "{*}entry")) != found:
        raise Unproven("an <item> or <entry> where the fast path does not read entries")


def _fields(parent: Any, known: Mapping[str, frozenset[str]], ignored: frozenset[str],
            apart: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The known children of ``parent`` by tag, each at most once, holding only text; those in
    ``apart`` are read by the caller."""
    fields: dict[str, Any] = {}
    for child in parent:
        tag = child.tag
        # An ignored element with children is not ignored: it can hide a title or link.
        if tag in apart or (tag in ignored and not len(child)):
            continue
        if not isinstance(tag, str) or tag not in known:
            raise Unproven(f"<{_short(tag)}> in an entry")
        if tag in fields:
            raise Unproven(f"<{_short(tag)}> twice in one entry")
        if len(child) or (child.attrib and set(child.attrib) - known[tag]):
            raise Unproven(f"<{_short(tag)}> with markup or attributes inside")
        fields[tag] = child
    return fields


def _stripped(element: Any) -> str:
    return (element.text or "").strip()


# Feedparser's clean-ups of every text value of a UTF-8 document: text that was UTF-8 read as
# Latin-1 is re-read, and C1 controls become the Windows-1252 characters they usually meant.
_CP1252 = {
    code: char
    for code in range(0x80, 0xA0)
    if (char := bytes([code]).decode("cp1252", "replace")) != "\ufffd"
}


def _feedparser_text(element: Any) -> str:
    value = _stripped(element)
    if value.isascii():
        return value
    with contextlib.suppress(UnicodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_CP1252)


# feedparser drops extra slashes after "scheme://" before joining a link with its (here empty) base.
_EXTRA_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")


def _resolved(uri: str) -> str:
    uri = uri.strip()
    return _EXTRA_SLASHES.sub(r"\1\3", uri) if ":///" in uri else uri


# --- dates ----------------------------------------------------------------------------------------

_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
# The two date shapes nearly every feed uses, written strictly; any other shape is unproven.
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) (GMT|UT|UTC|Z|[+-]\d{4})"
)
_W3CDTF = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)"
)


def _dates(entry: dict[str, Any], fields: Mapping[str, Any], published: str,
           updated: str) -> None:
    for tag, key in ((published, "published"), (updated, "updated")):
        if tag in fields:
            value = _feedparser_text(fields[tag])
            entry[key] = value
            entry[key + "_parsed"] = _parse_date(value)


def _parse_date(value: str) -> time.struct_time:
    """The date as a UTC time tuple, as feedparser gives it."""
    for pattern, reader in ((_RFC822, _rfc822_fields), (_W3CDTF, _w3cdtf_fields)):
        match = pattern.fullmatch(value)
        if match is not None:
            return _utc_tuple(*reader(match))
    raise Unproven(f"a date in an unproven shape: {value[:40]!r}")


def _rfc822_fields(match: re.Match[str]) -> tuple[list[int], int]:
    day, month, year, hour, minute, second, zone = match.groups()
    offset = 0 if zone.isalpha() else _minutes(zone[0], zone[1:3], zone[3:5])
    return [int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second)], offset


def _w3cdtf_fields(match: re.Match[str]) -> tuple[list[int], int]:
    *parts, zone = match.groups()
    offset = 0 if zone == "Z" else _minutes(zone[0], zone[1:3], zone[4:6])
    return [int(part) for part in parts], offset


def _minutes(sign: str, hours: str, minutes: str) -> int:
    total = int(hours) * 60 + int(minutes)
    return -total if sign == "-" else total


def _utc_tuple(fields: list[int], offset_minutes: int) -> time.struct_time:
    try:
        year, month, day, hour, minute, second = fields
        local = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        return (local - timedelta(minutes=offset_minutes)).utctimetuple()
    except (ValueError, OverflowError):
        raise Unproven("a date that does not exist") from None
