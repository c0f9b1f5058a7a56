"""Posting replies against a loopback server that checks what the real APIs require.

The server answers with responses recorded from real servers (../shared/corpora): Mastodon.py's
cassette of ``POST /api/v1/statuses`` and the AT Protocol SDK's post views and records.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from core.model import SourceConfig
from core.net.fetch import Fetcher, NetworkPolicy
from core.replies.drafts import ReplyTarget
from core.replies.send import Failed, Posted, Unknown, can_post, post_reply
from tests.loopback import LoopbackServer, Reply, Request
from tests.replay import vcr

pytestmark = pytest.mark.corpus
pytest.importorskip("yaml", reason="PyYAML reads the vcrpy cassettes (test dependency)")

TOKEN = "mastodon-token-for-tests"
KEY = "2f1c0d6e9b8a4c3e8f7a6b5c4d3e2f1a"
REMOTE_URI = "https://elsewhere.test/users/maja/statuses/1090"
LOCAL_ID = "117020585487094000"
BSKY_URI = "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22"
ROOT = {"uri": "at://did:plc:rootrootrootrootrootroot/app.bsky.feed.post/3jzfcijpj2z2a",
        "cid": "bafyreiroot"}
MY_DID = "did:plc:myaccountmyaccountmyacco"


def target(platform: str, platform_id: str) -> ReplyTarget:
    return ReplyTarget(1, platform, platform_id, "https://elsewhere.test/@maja/1090", "Maja",
                       "maja@elsewhere.test", "", "my grinder broke", "en", "negative", "src",
                       platform, "", None)


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(NetworkPolicy(allow_private_addresses=True, timeout=2.0))


@pytest.fixture
def recorded_status(corpora: Path) -> bytes:
    cassette = vcr(corpora / "mastodon-py-cassettes" / "test_status_context.yaml")
    return next(r.body for r in cassette
                if r.method == "POST" and r.url.endswith("/api/v1/statuses"))


def mastodon_source(loopback: LoopbackServer) -> SourceConfig:
    return SourceConfig(name="social", kind="mastodon", url=loopback.url("/"),
                        token_env="LP_TEST_MASTODON", token=TOKEN)


class FakeMastodon:
    """Search that resolves a remote status, and statuses that honour Idempotency-Key."""

    def __init__(self, loopback: LoopbackServer, created: bytes) -> None:
        self.created, self.posts = created, {}  # type: dict[str, bytes]
        loopback.route("/api/v2/search", self.search)
        loopback.route("/api/v1/statuses", self.statuses)

    def search(self, request: Request) -> Reply:
        query = parse_qs(urlsplit(request.path).query)
        assert request.headers.get("authorization") == f"Bearer {TOKEN}"
        assert query == {"q": [REMOTE_URI], "type": ["statuses"], "resolve": ["true"],
                         "limit": ["1"]}
        return Reply(200, json.dumps({"accounts": [], "hashtags": [],
                                      "statuses": [{"id": LOCAL_ID}]}).encode())

    def statuses(self, request: Request) -> Reply:
        assert request.method == "POST"
        assert request.headers.get("authorization") == f"Bearer {TOKEN}"
        assert request.headers.get("content-type") == "application/json"
        key = request.headers.get("idempotency-key")
        assert key
        body = json.loads(request.body)
        assert body == {"status": body["status"], "in_reply_to_id": LOCAL_ID}
        self.posts.setdefault(key, self.created)  # what Mastodon does with a repeated key
        return Reply(200, self.posts[key], {"content-type": "application/json"})


async def test_mastodon_reply_sends_what_the_api_requires(
        loopback: LoopbackServer, fetcher: Fetcher, recorded_status: bytes) -> None:
    """It should resolve the status on our instance, then POST it with in_reply_to_id, the
    bearer token and the draft's Idempotency-Key, and keep the new post's id and URL."""
    server = FakeMastodon(loopback, recorded_status)
    source = mastodon_source(loopback)
    assert can_post(target("mastodon", REMOTE_URI), source)
    async with fetcher:
        outcome = await post_reply(target("mastodon", REMOTE_URI), "@maja sorry, fixing it",
                                   KEY, source=source, fetcher=fetcher, now=0)
    recorded = json.loads(recorded_status)
    assert outcome == Posted(recorded["id"], recorded["url"])
    (post,) = loopback.hits("/api/v1/statuses")
    assert post.headers["idempotency-key"] == KEY
    assert json.loads(post.body)["status"] == "@maja sorry, fixing it"
    assert list(server.posts) == [KEY]


@pytest.mark.parametrize(("status", "said", "words"), [
    (401, "The access token is invalid", "refused the token in LP_TEST_MASTODON (HTTP 401)"),
    (422, "Validation failed: Text character limit of 500 exceeded",
     "would not accept this reply (HTTP 422) (Validation failed: Text character limit"),
    (429, "Too many requests", "limiting how fast we post (HTTP 429): send again in 120 s"),
    (500, "We're sorry, but something went wrong", "had a problem (HTTP 500"),
])
async def test_mastodon_refusals_say_why(loopback: LoopbackServer, fetcher: Fetcher,
                                         status: int, said: str, words: str) -> None:
    """It should turn 401, 422, 429 and 500 into a reason a person can act on."""
    loopback.route("/api/v1/statuses", Reply(status, json.dumps({"error": said}).encode(),
                                             {"retry-after": "120"}))
    async with fetcher:
        outcome = await post_reply(target("mastodon", LOCAL_ID), "hello", KEY,
                                   source=mastodon_source(loopback), fetcher=fetcher, now=0)
    assert isinstance(outcome, Failed) and words in outcome.reason, outcome
    assert TOKEN not in outcome.reason


async def test_unreachable_server_is_a_failure_in_words(fetcher: Fetcher) -> None:
    """It should say the server could not be reached (nothing was posted)."""
    closed = LoopbackServer().start()  # started, then closed: its port now refuses
    url = closed.url("/")
    closed.stop()
    source = SourceConfig(name="social", kind="mastodon", url=url, token=TOKEN)
    async with fetcher:
        outcome = await post_reply(target("mastodon", LOCAL_ID), "hello", KEY, source=source,
                                   fetcher=fetcher, now=0)
    assert isinstance(outcome, Failed) and "Could not fetch" in outcome.reason


@pytest.fixture
def stalling(loopback: LoopbackServer, recorded_status: bytes) -> Iterator[FakeMastodon]:
    """A Mastodon whose first POST is received (and kept) but answered too late."""
    server = FakeMastodon(loopback, recorded_status)
    release = threading.Event()
    answer = server.statuses

    def slow_first(request: Request) -> Reply:
        reply = answer(request)
        if len(loopback.hits("/api/v1/statuses")) == 1:
            release.wait(10)  # bounded: the test releases it once the client has given up
        return reply

    loopback.route("/api/v1/statuses", slow_first)
    yield server
    release.set()


async def test_timeout_after_sending_is_unknown_and_a_retry_does_not_post_twice(
        loopback: LoopbackServer, stalling: FakeMastodon) -> None:
    """It should report an unknown outcome on a timeout after sending, and a deliberate retry
    carries the same Idempotency-Key, so the server keeps one post."""
    source = mastodon_source(loopback)
    async with Fetcher(NetworkPolicy(allow_private_addresses=True, timeout=0.5)) as fetcher:
        first = await post_reply(target("mastodon", LOCAL_ID), "hi", KEY, source=source,
                                 fetcher=fetcher, now=0)
        assert isinstance(first, Unknown) and "may have been posted" in first.reason
        second = await post_reply(target("mastodon", LOCAL_ID), "hi", KEY, source=source,
                                  fetcher=fetcher, now=0)
    assert isinstance(second, Posted)
    keys = [r.headers["idempotency-key"] for r in loopback.hits("/api/v1/statuses")]
    assert keys == [KEY, KEY] and len(stalling.posts) == 1


# --- Bluesky ------------------------------------------------------------------------------------


@pytest.fixture
def bluesky(loopback: LoopbackServer, corpora: Path) -> SourceConfig:
    responses = corpora / "bluesky-atproto" / "responses"
    thread = json.loads((responses / "thread_view_post_with_embed_media.json").read_text())
    post = thread["thread"]["post"]
    post["record"]["reply"] = {"root": ROOT, "parent": ROOT}  # the mention is itself a reply
    created = (responses / "post_record.json").read_bytes()

    def session(request: Request) -> Reply:
        assert json.loads(request.body) == {"identifier": "brand.test", "password": "app-pass"}
        return Reply(200, json.dumps({"accessJwt": "jwt-1", "refreshJwt": "r", "did": MY_DID,
                                      "handle": "brand.test"}).encode())

    def get_posts(request: Request) -> Reply:
        assert request.headers.get("authorization") == "Bearer jwt-1"
        assert parse_qs(urlsplit(request.path).query) == {"uris": [BSKY_URI]}
        return Reply(200, json.dumps({"posts": [post]}).encode())

    loopback.route("/xrpc/com.atproto.server.createSession", session)
    loopback.route("/xrpc/app.bsky.feed.getPosts", get_posts)
    loopback.route("/xrpc/com.atproto.repo.createRecord", Reply(200, created))
    return SourceConfig(name="sky", kind="bluesky", url=loopback.url("/"), token_env="LP_SKY",
                        token="app-pass", options={"identifier": "brand.test"})


async def test_bluesky_reply_carries_root_and_parent_strong_refs(
        loopback: LoopbackServer, fetcher: Fetcher, bluesky: SourceConfig, corpora: Path) -> None:
    """It should createRecord an app.bsky.feed.post in our repo whose reply names the mention
    (parent) and its thread's first post (root), each by uri and cid."""
    async with fetcher:
        outcome = await post_reply(target("bluesky", BSKY_URI), "Sorry! 👍🏽", KEY,
                                   source=bluesky, fetcher=fetcher, now=1_717_200_000)
    created = json.loads((corpora / "bluesky-atproto/responses/post_record.json").read_text())
    assert outcome == Posted(created["uri"],
                             "https://bsky.app/profile/brand.test/post/3k2yihcrp6f2c")
    (call,) = loopback.hits("/xrpc/com.atproto.repo.createRecord")
    assert call.method == "POST" and call.headers["authorization"] == "Bearer jwt-1"
    body = json.loads(call.body)
    assert body == {"repo": MY_DID, "collection": "app.bsky.feed.post", "record": {
        "$type": "app.bsky.feed.post", "text": "Sorry! 👍🏽",
        "createdAt": "2024-06-01T00:00:00.000Z",
        "reply": {"root": ROOT, "parent": {
            "uri": BSKY_URI,
            "cid": "bafyreigb666sdjyyaczcahxmf5tzh7dec6bwr3nhdab7llebn7vhsxzgr4"}}}}


async def test_bluesky_refusal_keeps_nothing_posted(loopback: LoopbackServer, fetcher: Fetcher,
                                                    bluesky: SourceConfig) -> None:
    """It should report a 400 from createRecord as a reply Bluesky would not accept."""
    loopback.route("/xrpc/com.atproto.repo.createRecord", Reply(400, json.dumps(
        {"error": "InvalidRequest", "message": "Record/text must not be longer than 300 "
         "graphemes"}).encode()))
    async with fetcher:
        outcome = await post_reply(target("bluesky", BSKY_URI), "x" * 301, KEY, source=bluesky,
                                   fetcher=fetcher, now=0)
    assert isinstance(outcome, Failed) and "would not accept this reply (HTTP 400)" in \
        outcome.reason


def test_feeds_and_tokenless_sources_cannot_post() -> None:
    """It should post only through a Mastodon or Bluesky source that has a token."""
    feed = SourceConfig(name="blog", kind="feed", url="https://blog.test/feed")
    bare = SourceConfig(name="social", kind="mastodon", url="https://m.test/")
    assert not can_post(target("feed", "x"), feed)
    assert not can_post(target("mastodon", LOCAL_ID), bare)
    assert not can_post(target("mastodon", LOCAL_ID), None)
