"""OPML import and export of feed sources, because community managers keep feeds in readers.

Import reads an OPML file (the standard feed-reader exchange format) with defusedxml, so a
DOCTYPE, entity bomb or external entity is refused instead of expanded or fetched. Outlines may
nest in folders to any depth (walked without recursion); each outline with an http(s)
``xmlUrl`` becomes an entry, anything else (newsboat's ``|command`` and ``exec:`` URLs, files)
is skipped and reported. Export writes the ``feed`` sources back out, so the two round-trip.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from core.analysis.text import sanitize
from core.model import SourceConfig

# A feed list is a few hundred lines; 10 MB holds tens of thousands of feeds and keeps a
# mistaken multi-gigabyte file from being read into memory.
MAX_OPML_BYTES = 10 * 1024 * 1024
# Names become config keys shown in one sidebar line; longer titles are cut.
_MAX_NAME = 120


class OpmlError(Exception):
    """The file is not usable OPML; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class OpmlEntry:
    """One feed found in an OPML file."""

    name: str
    url: str
    folders: tuple[str, ...] = ()  # enclosing outline titles, outermost first


@dataclass(slots=True)
class OpmlImport:
    """What an import found: the feeds, and what it skipped with the reason."""

    entries: list[OpmlEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "what (where): why", one per outline


def read_opml(data: bytes) -> list[OpmlEntry]:
    """The feed entries of an OPML document; raises ``OpmlError`` for a broken file."""
    return parse_opml(data).entries


def parse_opml(data: bytes) -> OpmlImport:
    """Like ``read_opml``, also listing the outlines that were skipped and why."""
    body = _body(_root(data))
    result = OpmlImport()
    first_with: dict[str, str] = {}  # URL -> the name it was first listed under
    names: set[str] = set()
    for outline, folders in _walk(body):
        entry = _entry(outline, folders, result.skipped)
        if entry is None:
            continue
        if entry.url in first_with:
            result.skipped.append(f"{describe(entry)}: the same feed as "
                                  f"{first_with[entry.url]!r} earlier in the file")
            continue
        entry = OpmlEntry(_unique(entry.name, names), entry.url, entry.folders)
        first_with[entry.url] = entry.name
        result.entries.append(entry)
    return result


def describe(entry: OpmlEntry) -> str:
    """How a report names an entry: its title and its URL."""
    return f"{entry.name!r} ({entry.url})"


def _root(data: bytes) -> ET.Element:
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"the OPML file is larger than {MAX_OPML_BYTES // 2**20} MB; is it OPML?")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise OpmlError(
            "the OPML file declares a DTD or entities, which are refused for safety; "
            "remove the <!DOCTYPE …> block"
        ) from None
    except (ET.ParseError, ValueError) as exc:
        raise OpmlError(f"the file is not well-formed XML ({exc}); is it OPML?") from None
    if not isinstance(root, ET.Element) or _local(root.tag) != "opml":
        tag = _local(root.tag) if isinstance(root, ET.Element) else "?"
        raise OpmlError(f"the file is XML but not OPML: its root is <{tag}>, not <opml>")
    return root


def _body(root: ET.Element) -> ET.Element:
    for child in root:
        if _local(child.tag) == "body":
            return child
    raise OpmlError("the OPML file has no <body>, so it lists no feeds")


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _walk(body: ET.Element) -> Iterable[tuple[ET.Element, tuple[str, ...]]]:
    """Every <outline> under ``body`` with its folder path, depth-first, without recursion."""
    stack: list[tuple[ET.Element, tuple[str, ...]]] = [
        (child, ()) for child in reversed(_outlines(body))
    ]
    while stack:
        node, folders = stack.pop()
        yield node, folders
        inner = (*folders, _title(node))
        stack.extend((child, inner) for child in reversed(_outlines(node)))


def _outlines(node: ET.Element) -> list[ET.Element]:
    return [child for child in node if _local(child.tag) == "outline"]


def _title(outline: ET.Element) -> str:
    raw = outline.get("title") or outline.get("text") or ""
    return sanitize(raw).strip()[:_MAX_NAME]


def _entry(outline: ET.Element, folders: tuple[str, ...], skipped: list[str]) -> OpmlEntry | None:
    url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
    if not url:
        return None  # a folder
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).netloc:
        shown = f"{_title(outline)!r} ({sanitize(url)[:_MAX_NAME]})"
        skipped.append(f"{shown}: not an http(s) feed URL; listenpost polls feeds over the web")
        return None
    name = _title(outline) or urlsplit(url).netloc
    return OpmlEntry(name, url, folders)


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… so every source name stays unique."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    taken.add(candidate)
    return candidate


def write_opml(sources: Iterable[SourceConfig], *, title: str = "listenpost feeds") -> bytes:
    """An OPML 2.0 document listing the ``feed`` sources (other kinds are not feeds)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for source in sources:
        if source.kind == "feed":
            attrs = {"type": "rss", "text": source.name, "title": source.name}
            ET.SubElement(body, "outline", attrs, xmlUrl=source.url)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
