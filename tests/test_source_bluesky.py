"""The bluesky adapter: identifier syntax against the AT Protocol interop files, a real
postView, and the session flow against a loopback server."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from core.analysis.text import sanitize
from core.model import SourceConfig
from core.sources import bluesky
from core.sources.base import SourceError
from tests.loopback import LoopbackServer, Reply, Request
from tests.replay import ReplayContext, options_for

pytestmark = pytest.mark.corpus

Check = Callable[[str], bool]


def _lines(corpora: Path, name: str) -> list[str]:
    path = corpora / "bluesky-atproto" / "interop-syntax" / name
    lines = path.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize(("stem", "check"), [("aturi", bluesky.is_at_uri),
                                             ("handle", bluesky.is_handle),
                                             ("did", bluesky.is_did),
                                             ("nsid", bluesky.is_nsid),
                                             ("recordkey", bluesky.is_record_key)])
def test_identifier_syntax_matches_interop_files(corpora: Path, stem: str, check: Check) -> None:
    """It should accept every valid and refuse every invalid line of the interop test files."""
    valid = _lines(corpora, f"{stem}_syntax_valid.txt")
    invalid = _lines(corpora, f"{stem}_syntax_invalid.txt")
    assert valid and invalid
    assert [v for v in valid if not check(v)] == []
    assert [v for v in invalid if check(v)] == []


def _post_view(corpora: Path) -> dict:
    path = corpora / "bluesky-atproto" / "responses" / "thread_view_post_with_embed_media.json"
    return json.loads(path.read_text(encoding="utf-8"))["thread"]["post"]


def _output_key(corpora: Path, lexicon: str) -> str:
    """The array property of a query's output, read from the official lexicon."""
    path = corpora / "bluesky-atproto" / "lexicons" / f"{lexicon}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))["defs"]["main"]["output"]["schema"]
    return next(k for k, v in schema["properties"].items() if v.get("type") == "array")


def _source(url: str, token_env: str | None = None, **options: object) -> SourceConfig:
    return SourceConfig(name="b", kind="bluesky", url=url, token_env=token_env,
                        options=options or {"query": "brand"})


def test_search_output_from_real_post(corpora: Path) -> None:
    """It should read a real postView in searchPosts' output shape, counts and link right."""
    view = _post_view(corpora)
    body = json.dumps({_output_key(corpora, "app.bsky.feed.searchPosts"): [view],
                       "cursor": "c1"}).encode()
    page = bluesky.parse_search(body, {}, options_for(_source("x"), "https://x/"))
    [mention] = page.mentions
    rkey = view["uri"].rsplit("/", 1)[1]
    handle = view["author"]["handle"]
    assert mention.platform_id == view["uri"] and page.cursor == "c1"
    assert mention.url == f"https://bsky.app/profile/{handle}/post/{rkey}"
    assert mention.author == view["author"]["displayName"]
    assert mention.author_id == view["author"]["did"]
    assert mention.text == sanitize(view["record"]["text"])
    created = datetime.fromisoformat(view["record"]["createdAt"])
    assert mention.published_at == int(created.timestamp())
    assert (mention.engagement.replies, mention.engagement.reshares, mention.engagement.likes) == (
        view["replyCount"], view["repostCount"] + view.get("quoteCount", 0), view["likeCount"])


def test_author_feed_skips_reposts(corpora: Path) -> None:
    """It should keep the account's own posts and skip items that are reposts."""
    view = _post_view(corpora)
    key = _output_key(corpora, "app.bsky.feed.getAuthorFeed") if (
        corpora / "bluesky-atproto" / "lexicons" / "app.bsky.feed.getAuthorFeed.json").exists() \
        else "feed"
    repost = {"post": view, "reason": {"$type": "app.bsky.feed.defs#reasonRepost"}}
    body = json.dumps({key: [{"post": view}, repost]}).encode()
    page = bluesky.parse_author_feed(body, {}, options_for(_source("x"), "https://x/"))
    assert [m.platform_id for m in page.mentions] == [view["uri"]]


def test_invalid_identifiers_are_dropped(corpora: Path) -> None:
    """It should drop a post whose AT-URI or author is not valid syntax."""
    good = _post_view(corpora)
    bad_uri = {**good, "uri": "at://did:plc:x/app.bsky.feed.post/$bad"}
    bad_author = {**good, "author": {"handle": "jo hn.test", "did": "not-a-did"}}
    body = json.dumps({"posts": [bad_uri, bad_author, good]}).encode()
    page = bluesky.parse_search(body, {}, options_for(_source("x"), "https://x/"))
    assert [m.platform_id for m in page.mentions] == [good["uri"]]


def _service(loopback: LoopbackServer, corpora: Path, password: str = "app-pass") -> None:
    view = _post_view(corpora)

    def session(request: Request) -> Reply:
        return Reply(200, json.dumps({"accessJwt": "jwt-1", "did": "did:plc:me"}).encode(),
                     {"content-type": "application/json"})

    def search(request: Request) -> Reply:
        if request.headers.get("authorization") != "Bearer jwt-1":
            return Reply(401, b'{"error":"AuthenticationRequired","message":"Auth required"}',
                         {"content-type": "application/json"})
        return Reply(200, json.dumps({"posts": [view]}).encode(),
                     {"content-type": "application/json"})

    loopback.route("/xrpc/com.atproto.server.createSession", session)
    loopback.route("/xrpc/app.bsky.feed.searchPosts", search)


async def test_session_then_search_reused(corpora: Path, loopback: LoopbackServer) -> None:
    """It should open one session with the app password and reuse its JWT across polls."""
    _service(loopback, corpora)
    adapter = bluesky.BlueskyAdapter()
    source = _source(loopback.url(""), "BSKY_PW", query="brand", identifier="me.test")
    for _ in range(2):
        result = await adapter.poll(ReplayContext(source, env={"BSKY_PW": "app-pass"}))
        assert len(result.mentions) == 1
    assert len(loopback.hits("/xrpc/com.atproto.server.createSession")) == 1
    search = loopback.hits("/xrpc/app.bsky.feed.searchPosts")[0].path
    assert "sort=latest" in search and "q=brand" in search


async def test_search_without_password_is_clear(loopback: LoopbackServer) -> None:
    """It should say search needs an app password instead of trying anonymously."""
    with pytest.raises(SourceError, match="needs a session: set token_env"):
        await bluesky.BlueskyAdapter().poll(ReplayContext(_source(loopback.url(""))))
    assert loopback.requests == []


async def test_wrong_password_names_variable_only(loopback: LoopbackServer) -> None:
    """It should name the variable when createSession refuses, never the password."""
    loopback.route("/xrpc/com.atproto.server.createSession",
                   Reply(401, b'{"error":"AuthenticationRequired"}',
                         {"content-type": "application/json"}))
    source = _source(loopback.url(""), "BSKY_PW", query="brand", identifier="me.test")
    with pytest.raises(SourceError) as caught:
        await bluesky.BlueskyAdapter().poll(ReplayContext(source, env={"BSKY_PW": "hunter2"}))
    assert "BSKY_PW" in caught.value.message and "hunter2" not in caught.value.message
