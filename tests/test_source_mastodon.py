"""The mastodon adapter against Mastodon.py's recorded Mastodon 4.x responses, on loopback."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from core.analysis.text import html_to_text
from core.model import SourceConfig
from core.sources import mastodon
from core.sources.base import SourceError, SourceState
from tests.loopback import LoopbackServer, Reply, Request
from tests.replay import Recorded, ReplayContext, options_for, reply_for, vcr

pytestmark = pytest.mark.corpus
pytest.importorskip("yaml", reason="PyYAML reads the vcrpy cassettes (test dependency)")

ACCOUNT = "117020565966271181"


def _cassette(corpora: Path, name: str) -> list[Recorded]:
    return vcr(corpora / "mastodon-py-cassettes" / f"{name}.yaml")


def _get(corpora: Path, name: str, path: str) -> Recorded:
    return next(r for r in _cassette(corpora, name) if r.method == "GET" and path in r.url)


def _source(url: str, token_env: str | None = None, owned: bool = False,
            **options: object) -> SourceConfig:
    return SourceConfig(name="m", kind="mastodon", url=url, token_env=token_env, owned=owned,
                        options=options)


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


@pytest.mark.parametrize(("name", "path"), [("test_public_tl", "/timelines/public"),
                                            ("test_hashtag_tl", "/timelines/tag/hoot"),
                                            ("test_get_pagination_info", "/statuses?limit=5"),
                                            ("test_min_max_id", "since_id=")])
def test_statuses_fields_and_counts(corpora: Path, name: str, path: str) -> None:
    """It should turn each recorded status into a mention with text, author and counts."""
    rec = _get(corpora, name, path)
    page = mastodon.parse_statuses(rec.body, rec.headers, options_for(_source(rec.url), rec.url))
    statuses = json.loads(rec.body)
    assert page.error is None and len(page.mentions) == len(statuses) > 0
    for mention, status in zip(page.mentions, statuses, strict=True):
        original = status["reblog"] or status
        account = original["account"]
        assert mention.platform_id == original["uri"] and mention.url == original["url"]
        assert mention.text == html_to_text(original["content"])
        assert mention.published_at == _epoch(original["created_at"])
        assert (mention.engagement.replies, mention.engagement.reshares,
                mention.engagement.likes) == (original["replies_count"],
                                              original["reblogs_count"],
                                              original["favourites_count"])
        assert mention.author_followers == account["followers_count"]
        assert mention.author_id == f"{account['acct']}@localhost"
        assert mention.author == (account["display_name"] or account["username"])
    ids = [int(s["id"]) for s in statuses]
    assert json.loads(page.cursor or "{}")["newest"] == str(max(ids))


def test_search_result_shape(corpora: Path) -> None:
    """It should read a v2 search result, empty statuses included, without an error."""
    rec = _get(corpora, "test_search", "type=statuses")
    page = mastodon.parse_statuses(rec.body, rec.headers, options_for(_source(rec.url), rec.url))
    assert page.error is None and len(page.mentions) == len(json.loads(rec.body)["statuses"])


async def test_tag_timeline_poll(corpora: Path, loopback: LoopbackServer) -> None:
    """It should poll a hashtag timeline with limit and any[]/none[] and keep the newest id."""
    rec = _get(corpora, "test_hashtag_tl", "/timelines/tag/hoot")
    loopback.route("/api/v1/timelines/tag/hoot", reply_for(rec, loopback))
    ctx = ReplayContext(_source(loopback.url("/"), tag="#hoot", any=["owl"], none=["cat"]))
    result = await mastodon.ADAPTER.poll(ctx)
    query = parse_qs(urlsplit(loopback.hits("/api/v1/timelines/tag/hoot")[0].path).query)
    assert query == {"limit": ["40"], "any[]": ["owl"], "none[]": ["cat"]}
    assert [m.platform_id for m in result.mentions] == [s["uri"] for s in json.loads(rec.body)]
    assert json.loads(result.state.cursor or "{}")["min_id"] == json.loads(rec.body)[0]["id"]


async def test_search_without_token_says_set_token_env(corpora: Path,
                                                       loopback: LoopbackServer) -> None:
    """It should turn the recorded 401 into 'this server requires a token for search'."""
    rec = _get(corpora, "test_home_tl_anonymous_throws", "/timelines/home")
    loopback.route("/api/v2/search", reply_for(rec, loopback))
    with pytest.raises(SourceError, match="requires a token for search: set token_env"):
        await mastodon.ADAPTER.poll(ReplayContext(_source(loopback.url("/"), query="brand")))


async def test_refused_token_is_named_not_shown(corpora: Path, loopback: LoopbackServer) -> None:
    """It should name the token's variable on a 401 and never include the token itself."""
    rec = _get(corpora, "test_home_tl_anonymous_throws", "/timelines/home")
    loopback.route("/api/v2/search", reply_for(rec, loopback))
    ctx = ReplayContext(_source(loopback.url("/"), token_env="MASTO_TOKEN", query="brand"),
                        env={"MASTO_TOKEN": "s3cret-value"})
    with pytest.raises(SourceError) as caught:
        await mastodon.ADAPTER.poll(ctx)
    assert "MASTO_TOKEN" in caught.value.message and "s3cret" not in caught.value.message
    assert "access token is invalid" in caught.value.message
    sent = loopback.hits("/api/v2/search")[0].headers["authorization"]
    assert sent == "Bearer s3cret-value"


async def test_unknown_account_is_a_clear_error(corpora: Path, loopback: LoopbackServer) -> None:
    """It should turn a 404 from the account lookup into 'no account … check the option'."""
    rec = _get(corpora, "test_status_missing", "/statuses/0")
    loopback.route("/api/v1/accounts/lookup", reply_for(rec, loopback))
    with pytest.raises(SourceError, match=r"no account 'brand' on .*check the account option"):
        await mastodon.ADAPTER.poll(ReplayContext(_source(loopback.url("/"), account="@brand")))


def _timeline(statuses: list[dict], visible: list[int], per_page: int = 3):
    """A handler with Mastodon's min_id/max_id semantics over ``statuses[i] for i in visible``."""

    def handler(request: Request) -> Reply:
        query = parse_qs(urlsplit(request.path).query)
        shown = sorted((statuses[i] for i in visible), key=lambda s: int(s["id"]))
        if "min_id" in query:
            newer = [s for s in shown if int(s["id"]) > int(query["min_id"][0])][:per_page]
        elif "max_id" in query:
            newer = [s for s in shown if int(s["id"]) < int(query["max_id"][0])][-per_page:]
        else:
            newer = shown[-per_page:]
        page = list(reversed(newer))
        headers = {"content-type": "application/json"}
        if page:
            base = request.headers["host"]
            headers["link"] = (f'<http://{base}/api/v1/timelines/tag/hoot?max_id='
                               f'{page[-1]["id"]}>; rel="next", <http://{base}/api/v1/timelines/'
                               f'tag/hoot?min_id={page[0]["id"]}>; rel="prev"')
        return Reply(200, json.dumps(page).encode(), headers)

    return handler


def _posted(corpora: Path) -> list[dict]:
    """The ten real statuses that test_get_pagination_info created, oldest first."""
    return [json.loads(r.body) for r in _cassette(corpora, "test_get_pagination_info")
            if r.method == "POST"]


async def test_paging_skips_nothing_between_polls(corpora: Path,
                                                  loopback: LoopbackServer) -> None:
    """It should fetch every status posted between two polls, following Link rel=prev."""
    statuses = _posted(corpora)
    visible = list(range(4))
    loopback.route("/api/v1/timelines/tag/hoot", _timeline(statuses, visible))
    ctx = ReplayContext(_source(loopback.url("/"), tag="hoot"))
    first = await mastodon.ADAPTER.poll(ctx)
    visible.extend(range(4, len(statuses)))
    ctx.state = first.state or SourceState()
    second = await mastodon.ADAPTER.poll(ctx)
    got = {m.platform_id for m in second.mentions}
    assert got == {s["uri"] for s in statuses[4:]} and second.warning is None
    assert json.loads(second.state.cursor or "{}")["min_id"] == statuses[-1]["id"]


async def test_capped_poll_resumes_next_time(corpora: Path, loopback: LoopbackServer,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """It should stop at the page bound with a warning and resume there on the next poll."""
    statuses = _posted(corpora)
    loopback.route("/api/v1/timelines/tag/hoot", _timeline(statuses, list(range(10))))
    monkeypatch.setattr(mastodon, "MAX_PAGES", 1)
    ctx = ReplayContext(_source(loopback.url("/"), tag="hoot"),
                        state=SourceState(cursor=json.dumps({"min_id": statuses[0]["id"]})))
    seen: list[str] = []
    for _ in range(3):
        result = await mastodon.ADAPTER.poll(ctx)
        seen += [m.platform_id or "" for m in result.mentions]
        ctx.state = result.state or ctx.state
    assert sorted(seen) == sorted(s["uri"] for s in statuses[1:])


async def test_token_never_leaves_the_instance(corpora: Path, loopback: LoopbackServer) -> None:
    """It should not follow (nor send the token to) a Link on another origin."""
    statuses = _posted(corpora)

    def hostile(request: Request) -> Reply:
        link = f'<http://localhost:{loopback.port}/steal?min_id=1>; rel="prev"'
        body = json.dumps(list(reversed(statuses[1:4]))).encode()
        return Reply(200, body, {"content-type": "application/json", "link": link})

    loopback.route("/api/v1/timelines/tag/hoot", hostile)
    ctx = ReplayContext(_source(loopback.url("/"), token_env="T", tag="hoot"), env={"T": "tok"},
                        state=SourceState(cursor=json.dumps({"min_id": statuses[0]["id"]})))
    result = await mastodon.ADAPTER.poll(ctx)
    assert len(result.mentions) == 3 and loopback.hits("/steal") == []


async def test_owned_account_refreshes_the_week(corpora: Path, loopback: LoopbackServer) -> None:
    """It should look the account up, then re-read its statuses back a week, replies excluded."""
    account = next(r for r in _cassette(corpora, "test_get_pagination_info")
                   if "verify_credentials" in r.url)
    statuses = _get(corpora, "test_get_pagination_info", "/statuses?limit=5")
    loopback.route("/api/v1/accounts/lookup", reply_for(account, loopback))

    def listing(request: Request) -> Reply:
        if "max_id" in request.path:
            return Reply(200, b"[]", {"content-type": "application/json"})
        return reply_for(statuses, loopback)

    loopback.route(f"/api/v1/accounts/{ACCOUNT}/statuses", listing)
    newest = _epoch(json.loads(statuses.body)[0]["created_at"])
    ctx = ReplayContext(_source(loopback.url("/"), owned=True, account="mastodonpy_test"),
                        now=newest + 3600)
    result = await mastodon.ADAPTER.poll(ctx)
    hits = loopback.hits(f"/api/v1/accounts/{ACCOUNT}/statuses")
    assert len(result.mentions) == 5 and all(m.owned for m in result.mentions)
    assert len(hits) == 2 and "exclude_replies=true" in hits[0].path
    assert json.loads(result.state.cursor or "{}")["account_id"] == ACCOUNT
