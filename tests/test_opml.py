"""OPML import and export: newsboat's real OPML files, broken ones, and XML attacks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from core.model import SourceConfig
from core.opml.format import OpmlError, parse_opml, read_opml, write_opml
from tests.loopback import LoopbackServer

NEWSBOAT = "newsboat-testdata"


def _expected(data: bytes) -> list[str]:
    """Every http(s) xmlUrl in document order, read with the stdlib as an independent check."""
    root = ET.fromstring(data)
    urls = [o.get("xmlUrl", "") for o in root.iter("outline")]
    return [u for u in urls if u.startswith(("http://", "https://"))]


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["example.opml", "example2.opml", "category.opml",
                                  "filtered.opml", "test-urls+.opml", "piped.opml"])
def test_reads_every_feed_of_real_files(corpora: Path, name: str) -> None:
    """It should find every http(s) feed of newsboat's OPML files, nested folders included."""
    data = (corpora / NEWSBOAT / name).read_bytes()
    entries = read_opml(data)
    assert [e.url for e in entries] == _expected(data)
    assert all(e.name for e in entries) and len({e.name for e in entries}) == len(entries)


@pytest.mark.corpus
def test_nested_folders_and_skips(corpora: Path) -> None:
    """It should keep the folder path and skip newsboat's |command URLs with a reason."""
    nested = read_opml((corpora / NEWSBOAT / "example.opml").read_bytes())
    mike = next(e for e in nested if "mike" in e.url)
    assert mike.name == "Notes by Mike" and mike.folders == ("should be ignored", "friends")
    piped = parse_opml((corpora / NEWSBOAT / "piped.opml").read_bytes())
    assert piped.skipped and "not an http(s) feed URL" in piped.skipped[0]


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "message"), [
    ("body-element-missing.opml", "no <body>"),
    ("opml-element-missing.opml", "not OPML"),
    ("empty.xml", "not well-formed XML"),
    ("rss20_1.xml", "not OPML"),
])
def test_broken_files_get_clear_errors(corpora: Path, name: str, message: str) -> None:
    """It should refuse broken or non-OPML files with a message saying what is wrong."""
    with pytest.raises(OpmlError, match=message):
        read_opml((corpora / NEWSBOAT / name).read_bytes())


ATTACKS = ["defusedxml/xmlbomb.xml", "defusedxml/xmlbomb2.xml", "defusedxml/quadratic.xml",
           "defusedxml/cyclic.xml", "defusedxml/external.xml", "defusedxml/external_file.xml",
           "defusedxml/dtd.xml", "defusedxml/dtd_element.xml",
           "feedvalidator-xxe/system_entity.xml", "feedvalidator-xxe/system_entity_http.xml"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", ATTACKS)
def test_entity_attacks_refused(corpora: Path, name: str) -> None:
    """It should refuse every XML bomb, DTD and external entity of the malicious corpus."""
    with pytest.raises(OpmlError, match="DTD or entities"):
        read_opml((corpora / "malicious-inputs" / name).read_bytes())


def test_external_entity_fetches_nothing(loopback: LoopbackServer, tmp_path: Path) -> None:
    """It should refuse an OPML whose DTD points at a URL, without fetching it."""
    data = (f'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "{loopback.url("/dtd")}">'
            '<opml version="2.0"><body><outline xmlUrl="https://a.example/f"/></body></opml>')
    with pytest.raises(OpmlError, match="DTD"):
        read_opml(data.encode())
    assert loopback.requests == []


def test_deep_nesting_is_walked_without_recursion() -> None:
    """It should read a feed nested 5,000 folders deep."""
    depth = 5000
    data = ("<opml><body>" + '<outline title="f">' * depth +
            '<outline title="deep" xmlUrl="https://deep.example/feed"/>' +
            "</outline>" * depth + "</body></opml>").encode()
    [entry] = read_opml(data)
    assert entry.url == "https://deep.example/feed" and len(entry.folders) == depth


def test_round_trip() -> None:
    """It should write feed sources only and read back the same names and URLs."""
    sources = [SourceConfig(name=f"Feed <{i}> & \"co\"", kind="feed",
                            url=f"https://f{i}.example/rss?a=1&b=2") for i in range(5)]
    sources.append(SourceConfig(name="hn", kind="hackernews", url="https://hn.algolia.com"))
    entries = read_opml(write_opml(sources))
    assert [(e.name, e.url) for e in entries] == [(s.name, s.url) for s in sources[:5]]


def test_duplicate_names_made_unique() -> None:
    """It should give two feeds with the same title distinct names and drop repeated URLs."""
    data = (b'<opml><body><outline title="A" xmlUrl="https://1.example/"/>'
            b'<outline title="A" xmlUrl="https://2.example/"/>'
            b'<outline title="B" xmlUrl="https://1.example/"/></body></opml>')
    assert [e.name for e in read_opml(data)] == ["A", "A (2)"]
