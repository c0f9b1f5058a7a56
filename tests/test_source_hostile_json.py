"""Hostile JSON against every platform parser: none may raise, all must yield storable values.

Each parser gets a real item from the corpora, then that item with every field it holds (and
every field of its nested objects) replaced by each wrong type or removed, plus whole bodies
that attack the decoder: 10,000-deep nesting, 5,000-digit integers, lone surrogates, NUL bytes,
invalid UTF-8, and a JSON error body where a listing was expected.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.model import Mention, SourceConfig
from core.sources import bluesky, hackernews, mastodon, reddit
from core.sources.base import ParsedPage, Parser
from core.sources.jsonutil import MAX_COUNT
from tests.replay import betamax, hn_fixtures, options_for

pytestmark = pytest.mark.corpus

WRONG: list[object] = [None, True, -1, 1.5, 1e308, "x", "", [], {}, [[[1]]], "\x00\ud800\x1b[31m"]
OPTIONS = options_for(SourceConfig(name="h", kind="x", url="https://h.example/"),
                      "https://h.example/api")
Wrap = Callable[[object], object]


def _mastodon(corpora: Path) -> dict:
    import yaml

    path = corpora / "mastodon-py-cassettes" / "test_hashtag_tl.yaml"
    interactions = yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]
    return json.loads(interactions[0]["response"]["body"]["string"])


def _reddit(corpora: Path) -> dict:
    path = corpora / "reddit-recorded" / "praw" / "TestSubredditListings.test_new.json"
    listing = json.loads(betamax(path)[1].body)
    return listing["data"]["children"][0]["data"]


def _hn(corpora: Path) -> dict:
    rec = hn_fixtures(corpora / "hn-algolia" / "fixtures.json")[1]
    return json.loads(rec.body)["hits"][0]


def _bluesky(corpora: Path) -> dict:
    path = corpora / "bluesky-atproto" / "responses" / "thread_view_post_with_embed_media.json"
    return json.loads(path.read_text(encoding="utf-8"))["thread"]["post"]


CASES: list[tuple[str, Parser, Callable[[Path], dict], Wrap]] = [
    ("mastodon", mastodon.parse_statuses, _mastodon, lambda item: [item]),
    ("mastodon-search", mastodon.parse_statuses, _mastodon, lambda item: {"statuses": [item]}),
    ("reddit", reddit.parse_listing, _reddit,
     lambda item: {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": item}]}}),
    ("reddit-t1", reddit.parse_listing, _reddit,
     lambda item: {"kind": "Listing", "data": {"children": [{"kind": "t1", "data": item}]}}),
    ("hackernews", hackernews.parse_search, _hn, lambda item: {"hits": [item]}),
    ("bluesky", bluesky.parse_search, _bluesky, lambda item: {"posts": [item]}),
    ("bluesky-feed", bluesky.parse_author_feed, _bluesky,
     lambda item: {"feed": [{"post": item}]}),
]
IDS = [case[0] for case in CASES]


def _variants(item: dict) -> Iterator[dict]:
    """``item`` with each field (and each field of a nested object) wrong-typed or missing."""
    for key, value in item.items():
        yield {k: v for k, v in item.items() if k != key}
        for wrong in WRONG:
            yield {**item, key: wrong}
        if isinstance(value, dict):
            for inner in _variants_flat(value):
                yield {**item, key: inner}


def _variants_flat(obj: dict) -> Iterator[dict]:
    for key in obj:
        yield {k: v for k, v in obj.items() if k != key}
        for wrong in WRONG:
            yield {**obj, key: wrong}


def _storable(mention: Mention) -> None:
    for text in (mention.title, mention.text, mention.author):
        assert isinstance(text, str)
        assert "\x00" not in text and "\x1b" not in text
        assert not any("\ud800" <= ch <= "\udfff" for ch in text)
        text.encode("utf-8")
    for name in ("platform_id", "url", "author_id", "author_url", "in_reply_to"):
        value = getattr(mention, name)
        assert value is None or isinstance(value, str)
    counts = (mention.engagement.replies, mention.engagement.reshares, mention.engagement.likes,
              mention.author_followers)
    assert all(c is None or (type(c) is int and 0 <= c <= MAX_COUNT) for c in counts)
    assert mention.published_at is None or type(mention.published_at) is int


def _parse(parser: Parser, body: bytes) -> ParsedPage:
    page = parser(body, {"content-type": "application/json"}, OPTIONS)
    assert isinstance(page, ParsedPage)
    for mention in page.mentions:
        _storable(mention)
    return page


@pytest.mark.parametrize(("name", "parser", "sample", "wrap"), CASES, ids=IDS)
def test_every_field_wrong_or_missing(corpora: Path, name: str, parser: Parser,
                                      sample: Callable[[Path], dict], wrap: Wrap) -> None:
    """It should never raise on a wrong type or a missing field, and keep values storable."""
    item = sample(corpora)
    assert _parse(parser, json.dumps(wrap(item)).encode()).mentions  # the real item parses
    count = 0
    for variant in _variants(item):
        _parse(parser, json.dumps(wrap(variant), allow_nan=True).encode())
        count += 1
    assert count > 100


HOSTILE_BODIES = {
    "deep nesting": b"[" * 10_000 + b"]" * 10_000,
    "deep object": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "not json": b"<html><body>502 Bad Gateway</body></html>",
    "empty": b"",
    "null": b"null",
    "number": b"4" * 5000,
    "invalid utf-8": b'{"posts": ["\xff\xfe"]}',
    "utf-16 junk": b"\xff\xfe\x00\xd8",
    "nul bytes": b"\x00" * 64,
    "error body": b'{"error": "The access token is invalid"}',
}


@pytest.mark.parametrize(("name", "parser", "sample", "wrap"), CASES, ids=IDS)
@pytest.mark.parametrize("attack", list(HOSTILE_BODIES))
def test_hostile_bodies_become_errors(name: str, parser: Parser, sample: object, wrap: Wrap,
                                      attack: str) -> None:
    """It should turn a body that is not the expected listing into ParsedPage.error."""
    page = _parse(parser, HOSTILE_BODIES[attack])
    assert page.error and not page.mentions
    if attack == "error body":
        assert "The access token is invalid" in page.error
    if attack.startswith("deep"):
        assert "nested too deeply" in page.error


@pytest.mark.parametrize(("name", "parser", "sample", "wrap"), CASES, ids=IDS)
def test_huge_integers_are_clamped(corpora: Path, name: str, parser: Parser,
                                   sample: Callable[[Path], dict], wrap: Wrap) -> None:
    """It should clamp 5,000-digit counts and refuse 5,000-digit times, keeping the mention."""
    item = sample(corpora)
    numeric = [k for k, v in item.items() if type(v) is int]
    body = json.dumps(wrap({**item, **{k: "@@HUGE@@" for k in numeric}}))
    page = _parse(parser, body.replace('"@@HUGE@@"', "9" * 5000).encode())
    assert len(page.mentions) == 1
    counts = page.mentions[0].engagement
    assert MAX_COUNT in (counts.replies, counts.reshares, counts.likes)


@pytest.mark.parametrize(("name", "parser", "sample", "wrap"), CASES, ids=IDS)
def test_surrogates_and_nul_in_text(corpora: Path, name: str, parser: Parser,
                                    sample: Callable[[Path], dict], wrap: Wrap) -> None:
    """It should keep lone surrogates, NUL and escapes out of every text field."""
    item = sample(corpora)
    hostile = "a\ud800b\x00c\x1b]52;c;ZXZpbA==\x07d"
    texts = {k: hostile for k, v in item.items() if isinstance(v, str) and k not in
             ("id", "uri", "url", "name", "objectID", "created_at", "permalink")}
    page = _parse(parser, json.dumps(wrap({**item, **texts})).encode())
    assert page.error is None
