"""The reddit adapter against PRAW's recorded Reddit responses, replayed on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from core.analysis.text import sanitize
from core.model import PollStatus, SourceConfig
from core.sources import reddit
from core.sources.base import SourceError, SourceState
from tests.loopback import LoopbackServer, Reply, Request
from tests.replay import ReplayContext, betamax, options_for, reply_for

pytestmark = pytest.mark.corpus


def _cassette(corpora: Path, name: str) -> list:
    return betamax(corpora / "reddit-recorded" / "praw" / f"{name}.json")


def _listing(corpora: Path, name: str) -> tuple[bytes, dict[str, str]]:
    rec = next(r for r in _cassette(corpora, name) if "access_token" not in r.url)
    return rec.body, rec.headers


def _source(url: str, **options: object) -> SourceConfig:
    return SourceConfig(name="r", kind="reddit", url=url,
                        options=options or {"subreddit": "askreddit"})


def _children(body: bytes) -> list[dict]:
    document = json.loads(body)
    listings = document if isinstance(document, list) else [document]
    return [c for x in listings for c in x["data"]["children"] if c["kind"] in ("t3", "t1")]


LISTINGS = ["TestSubredditListings.test_new", "TestSubreddit.test_search",
            "TestSubredditListings.test_hot", "TestSubmission.test_comments"]


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_fields_and_counts(corpora: Path, name: str) -> None:
    """It should turn every post and comment of a recorded listing into a mention with counts."""
    body, headers = _listing(corpora, name)
    page = reddit.parse_listing(body, headers, options_for(_source("x"), "https://x/"))
    children = _children(body)
    assert page.error is None and len(page.mentions) == len(children) > 0
    for mention, child in zip(page.mentions, children, strict=True):
        data = child["data"]
        assert mention.platform_id == data["name"]
        assert mention.published_at == int(data["created_utc"])
        assert mention.engagement.replies == data.get("num_comments")
        assert mention.engagement.reshares == data.get("num_crossposts")
        assert mention.engagement.likes == max(0, data["score"])
        assert mention.author == data["author"]
        permalink = data.get("permalink") or (
            f"/comments/{data['link_id'][3:]}/_/{data['id']}")
        assert unquote(mention.url or "") == "https://www.reddit.com" + permalink
        if child["kind"] == "t3":
            assert mention.title == sanitize(data["title"])
            assert mention.text == sanitize(data["selftext"])
        else:
            assert mention.text == sanitize(data["body"])
            assert mention.in_reply_to == data["parent_id"]


def test_next_page_url_from_after(corpora: Path) -> None:
    """It should point the next page at the listing's ``after`` with the same query."""
    body, headers = _listing(corpora, "TestSubredditListings.test_new")
    url = "https://www.reddit.com/r/askreddit/new.json?limit=100&raw_json=1"
    page = reddit.parse_listing(body, headers, options_for(_source(url), url))
    after = json.loads(body)["data"]["after"]
    query = parse_qs(urlsplit(page.next_url or "").query)
    assert query["after"] == [after] and query["limit"] == ["100"]


async def test_html_error_page_is_a_clear_error(corpora: Path, loopback: LoopbackServer) -> None:
    """It should report Reddit's recorded HTML 400 page as a per-source error, not a crash."""
    rec = _cassette(corpora, "TestReddit.test_bad_request_without_json_text_html_response")[1]
    loopback.route("/r/askreddit/new.json", reply_for(rec, loopback))
    with pytest.raises(SourceError, match=r"Reddit rejected .*HTTP 400"):
        await reddit.ADAPTER.poll(ReplayContext(_source(loopback.url(""))))


def test_html_page_with_200_is_a_clear_error(corpora: Path) -> None:
    """It should refuse an HTML page served with 200 and say it is not JSON."""
    rec = _cassette(corpora, "TestReddit.test_bad_request_without_json_text_html_response")[1]
    page = reddit.parse_listing(rec.body, rec.headers, options_for(_source("x"), "https://x/"))
    assert page.error and "HTML page instead of JSON" in page.error


def test_json_error_body_is_reported(corpora: Path) -> None:
    """It should quote Reddit's JSON error body when it comes where a listing was expected."""
    rec = _cassette(corpora, "TestReddit.test_bare_badrequest")[1]
    page = reddit.parse_listing(rec.body, rec.headers, options_for(_source("x"), "https://x/"))
    said = json.loads(rec.body)["message"]
    assert page.mentions == [] and page.error and said in page.error


@pytest.mark.parametrize(("status", "pattern"), [(403, "User-Agent"), (404, "subreddit name")])
async def test_refusals_are_clear(loopback: LoopbackServer, status: int, pattern: str) -> None:
    """It should explain Reddit's 403 and 404 in words that say what to do."""
    loopback.route("/r/askreddit/new.json", Reply(status, b"<html>blocked</html>",
                                          {"content-type": "text/html"}))
    with pytest.raises(SourceError, match=pattern):
        await reddit.ADAPTER.poll(ReplayContext(_source(loopback.url(""))))


async def test_429_is_throttling(loopback: LoopbackServer) -> None:
    """It should surface a 429 as throttling with the server's Retry-After."""
    loopback.route("/r/askreddit/new.json", Reply(429, b"{}", {"retry-after": "42"}))
    with pytest.raises(SourceError) as caught:
        await reddit.ADAPTER.poll(ReplayContext(_source(loopback.url(""))))
    assert caught.value.status is PollStatus.THROTTLED and caught.value.retry_after == 42


async def test_descriptive_user_agent(corpora: Path, loopback: LoopbackServer) -> None:
    """It should send Reddit's platform:app:version (by /u/name) User-Agent."""
    rec = [r for r in _cassette(corpora, "TestSubredditListings.test_new") if r.status == 200][1]
    loopback.route("/r/askreddit/new.json", reply_for(rec, loopback))
    await reddit.ADAPTER.poll(ReplayContext(_source(loopback.url(""), subreddit="askreddit",
                                                    username="brand_cm")))
    agent = loopback.hits("/r/askreddit/new.json")[0].headers["user-agent"]
    assert reddit.user_agent({"username": "brand_cm"}).endswith("(by /u/brand_cm)")
    assert agent.startswith("python:listenpost:") and agent.endswith("(by /u/brand_cm)")


async def test_paging_reaches_back_to_the_last_poll(corpora: Path,
                                                    loopback: LoopbackServer) -> None:
    """It should follow ``after`` until it reaches the last poll's newest post, skipping none."""
    body, _ = _listing(corpora, "TestSubredditListings.test_new")
    document = json.loads(body)
    children = document["data"]["children"]
    half = len(children) // 2

    def listing(request: Request) -> Reply:
        after = parse_qs(urlsplit(request.path).query).get("after")
        part = children[half:] if after else children[:half]
        next_after = None if after else children[half - 1]["data"]["name"]
        page = {"kind": "Listing", "data": {"children": part, "after": next_after}}
        return Reply(200, json.dumps(page).encode(), {"content-type": "application/json"})

    loopback.route("/r/askreddit/new.json", listing)
    created = sorted(int(c["data"]["created_utc"]) for c in children)
    since = created[len(created) // 4]  # the previous poll saw the oldest quarter
    ctx = ReplayContext(_source(loopback.url("")),
                        state=SourceState(cursor=json.dumps({"created": since})))
    result = await reddit.ADAPTER.poll(ctx)
    got = {m.platform_id for m in result.mentions}
    newer = {c["data"]["name"] for c in children if int(c["data"]["created_utc"]) > since}
    assert newer <= got and len(loopback.hits("/r/askreddit/new.json")) == 2
    assert json.loads(result.state.cursor or "{}")["created"] == created[-1]


def test_needs_query_or_subreddit() -> None:
    """It should refuse a source with neither a query nor a subreddit, saying so."""
    with pytest.raises(SourceError, match="query or a subreddit"):
        reddit.listing_url("https://www.reddit.com", {})
