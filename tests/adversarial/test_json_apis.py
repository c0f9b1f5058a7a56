"""Item 4: hostile JSON through every platform adapter's real poll, in one CLI run.

Each adapter (Mastodon tag timeline, Reddit search, Hacker News Algolia, Bluesky author feed)
is pointed at the loopback server, which answers with lone surrogates, NUL bytes, 10,000-deep
nesting, 5,000-digit integers, every field of the wrong type, items with no fields, a listing
that is a string, and a JSON error body where the listing was expected. Each must end as that
source's clear error or as inert, bounded values in the store; the healthy feed beside them
polls normally. Every field of every parser is attacked one by one in
tests/test_source_hostile_json.py; this module proves the adapters' polls hold end to end.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from core.sources.jsonutil import MAX_COUNT
from tests.adversarial.harness import (
    Run,
    Src,
    assert_survivors,
    export_document,
    healthy_source,
    report,
    run_cli,
    seed,
    sources_of,
    write_config,
)
from tests.loopback import LoopbackServer, Reply, Request

# Valid items with placeholders: TITLE, TEXT and AUTHOR are JSON string contents, 111 is a
# count, @@ makes each case's item its own (the dedupe key is the platform id).
MASTODON = ('[{"id": "1010@@", "created_at": "2025-11-20T10:00:00Z", "url": "https://m.example/@a/1010@@",'
            ' "content": "<p>TITLE TEXT</p>", "spoiler_text": "", "language": "en",'
            ' "account": {"id": "9", "acct": "a", "username": "a", "display_name": "AUTHOR",'
            ' "url": "https://m.example/@a", "followers_count": 111},'
            ' "replies_count": 111, "reblogs_count": 111, "favourites_count": 111}]')
REDDIT = ('{"kind": "Listing", "data": {"after": null, "children": [{"kind": "t3", "data": {'
          '"id": "abc@@", "name": "t3_abc@@", "title": "TITLE", "selftext": "TEXT",'
          ' "author": "AUTHOR",'
          ' "permalink": "/r/x/comments/abc@@/t/", "created_utc": 1763600000, "subreddit": "x",'
          ' "url": "https://example.com/a", "num_comments": 111, "score": 111,'
          ' "num_crossposts": 111}}]}}')
HACKERNEWS = ('{"hits": [{"objectID": "10@@", "title": "TITLE", "story_text": "TEXT",'
              ' "author": "AUTHOR", "created_at_i": 1763600000, "url": "https://example.com/b",'
              ' "points": 111, "num_comments": 111, "_tags": ["story"]}],'
              ' "page": 0, "nbPages": 1, "hitsPerPage": 100}')
BLUESKY = ('{"feed": [{"post": {"uri": "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3k@@",'
           ' "cid": "c1", "author": {"did": "did:plc:abcdefghijklmnopqrstuvwx",'
           ' "handle": "a.example.com", "displayName": "AUTHOR"},'
           ' "record": {"text": "TITLE TEXT", "createdAt": "2025-11-20T10:00:00Z"},'
           ' "replyCount": 111, "repostCount": 111, "likeCount": 111, "quoteCount": 111,'
           ' "indexedAt": "2025-11-20T10:00:00Z"}}]}')


def fill(template: str, text: str, count: str = "7") -> str:
    ident = str(sum(map(ord, text)) % 100_000)
    return (template.replace("TITLE", f"Northwind {text}").replace("TEXT", text)
            .replace("AUTHOR", text).replace("111", count).replace("@@", ident))


def wrong_types(template: str) -> str:
    """Every value of the valid item's innermost objects replaced by a value of another type."""
    document = json.loads(fill(template, "x"))
    swap: list[object] = [[], {}, None, True, -1.5, "s", 10**30]

    def walk(value: object, depth: int) -> object:
        if isinstance(value, dict):
            return {k: (walk(v, depth + 1) if isinstance(v, dict | list) and depth < 4
                        else swap[i % len(swap)]) for i, (k, v) in enumerate(value.items())}
        if isinstance(value, list):
            return [walk(v, depth + 1) for v in value]
        return value

    return json.dumps(walk(document, 0))


CASES: dict[str, Callable[[str], str]] = {
    "surrogates": lambda t: fill(t, "\\ud800 lone \\udfff surrogates \\udbff"),
    "nul": lambda t: fill(t, "North\\u0000wind nul\\u0000bytes"),
    "escapes": lambda t: fill(t, "\\u001b]52;c;ZXZpbA==\\u0007 \\u001b[31mred \\u202etxet"),
    "deep-nesting": lambda t: "[" * 10_000 + "]" * 10_000,
    "bigint": lambda t: fill(t, "big", "9" * 5000),
    "wrong-types": wrong_types,
    "missing-fields": lambda t: re.sub(r"\{\"(id|kind|objectID|post)\".*\}(\]|\}\]\})",
                                       lambda m: "{}" + m.group(2), t, count=1, flags=re.S),
    "listing-is-a-string": lambda t: '"just a string"',
    "error-body": lambda t: '{"error": "InvalidRequest", "message": "Record not found"}',
}
# Cases whose text must arrive, cleaned, as a stored mention.
ARRIVE = ("surrogates", "nul", "escapes")
# Cases that are not a listing at all and must be the source's error.
ERRORS = ("deep-nesting", "listing-is-a-string", "error-body")


@dataclass(frozen=True, slots=True)
class Kind:
    template: str
    source: Callable[[str, str], Src]  # (case, server base URL) -> the source
    route: Callable[[str], str]  # case -> the path the adapter requests


KINDS: dict[str, Kind] = {
    "mastodon": Kind(MASTODON, lambda c, base: Src(f"mastodon/{c}", base, "mastodon",
                                                   f'tag = "{c.replace("-", "")}"'),
                     lambda c: f"/api/v1/timelines/tag/{c.replace('-', '')}"),
    "reddit": Kind(REDDIT, lambda c, base: Src(f"reddit/{c}", f"{base}/reddit/{c}", "reddit",
                                               'query = "northwind"'),
                   lambda c: f"/reddit/{c}/search.json"),
    "hackernews": Kind(HACKERNEWS, lambda c, base: Src(f"hackernews/{c}", f"{base}/hn/{c}",
                                                       "hackernews", 'query = "northwind"'),
                       lambda c: f"/hn/{c}/api/v1/search_by_date"),
    "bluesky": Kind(BLUESKY, lambda c, base: Src(f"bluesky/{c}", base, "bluesky",
                                                 f'handle = "{c}.example.com"'), lambda c: ""),
}


def bluesky_by_actor(request: Request) -> Reply:
    actor = re.search(r"actor=([a-z-]+)\.example\.com", request.path)
    body = CASES[actor.group(1)](BLUESKY) if actor else "{}"
    return Reply(200, body.encode("utf-8"), {"Content-Type": "application/json"})


@dataclass(frozen=True, slots=True)
class Outcome:
    run: Run
    document: dict[str, object]


@pytest.fixture(scope="module")
def outcome(server: LoopbackServer, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """Every adapter against every hostile body, one CLI poll."""
    tmp = tmp_path_factory.mktemp("json")
    base = server.url("").rstrip("/")
    sources = [healthy_source(server)]
    server.route("/xrpc/app.bsky.feed.getAuthorFeed", bluesky_by_actor)
    for kind in KINDS.values():
        for case, make in CASES.items():
            if kind.route(case):
                server.route(kind.route(case), Reply(200, make(kind.template).encode("utf-8"),
                                                     {"Content-Type": "application/json"}))
            sources.append(kind.source(case, base))
    config = write_config(tmp / "config.toml", sources)
    db, out = tmp / "listen.db", tmp / "out.json"
    asyncio.run(seed(db))
    run = run_cli("--config", str(config), "--db", str(db), "--export", str(out))
    report(f"hostile JSON ({len(sources) - 1} sources, one CLI run)", run.seconds, run.peak_mib)
    return Outcome(run, export_document(out))


def clean(text: str) -> bool:
    """No C0/C1 control but newline and tab, no lone surrogate, no bidi override."""
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]",
                         text)


PAIRS = [(kind, case) for kind in KINDS for case in CASES]


@pytest.mark.parametrize(("kind", "case"), PAIRS, ids=[f"{k}-{c}" for k, c in PAIRS])
def test_hostile_json_is_an_error_or_inert(outcome: Outcome, kind: str, case: str) -> None:
    """It should make the body that source's clear error, or store only inert values."""
    entry = sources_of(outcome.document)[f"{kind}/{case}"]
    assert entry["status"] in ("ok", "warning", "error"), entry
    message = str(entry["error"] or entry["warning"] or "")
    assert len(message) < 600 and clean(message), entry
    if case in ERRORS:
        assert entry["status"] == "error" and message, entry
    if case in ARRIVE:
        assert entry["status"] == "ok" and entry["new"] == 1, entry


def test_stored_values_are_inert_and_bounded(outcome: Outcome) -> None:
    """It should store only clean text and counts within bounds from every hostile body."""
    mentions = outcome.document["mentions"]
    assert isinstance(mentions, list)
    arrived = [m for m in mentions if "/" in str(m["source"])]
    assert len(arrived) >= len(KINDS) * len(ARRIVE)
    for mention in arrived:
        for field in ("title", "text", "author", "url"):
            assert clean(str(mention[field] or "")), (field, mention)
        for count in mention["engagement"].values():
            assert count is None or (type(count) is int and 0 <= count <= MAX_COUNT), mention


def test_hostile_json_leaves_the_healthy_source(outcome: Outcome) -> None:
    """It should poll the healthy feed and keep stored mentions, in bounded time and memory."""
    assert outcome.run.returncode == 1, outcome.run.stderr
    assert "Traceback" not in outcome.run.stderr
    assert_survivors(outcome.document)
    assert outcome.run.seconds < 40 and outcome.run.peak_mib < 600
