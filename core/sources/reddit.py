"""Reddit: new posts in a subreddit or new search results, with their engagement.

Uses the public JSON listings (``/r/{sub}/new.json``, ``/search.json?sort=new``), which carry
``num_comments`` (conversation), ``num_crossposts`` (amplification) and ``score`` (applause).
These endpoints are fragile: Reddit blocks generic User-Agents with 403 or 429, and answers
some failures with HTML pages, so each of those becomes a per-source error that says what to
do. Listings are newest first; the adapter pages back with ``after`` until it reaches what the
previous poll saw, so a burst between polls is not skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import quote, urlencode, urlsplit

from core.model import Engagement, Mention
from core.net.urls import display_url
from core.sources import jsonutil as J
from core.sources.base import (
    ParsedPage,
    ParseOptions,
    PollContext,
    PollResult,
    SourceError,
    SourceState,
    collect_pages,
)

REDDIT = "https://www.reddit.com"  # where permalinks open, whatever host served the listing
PAGE_SIZE = 100  # the largest page Reddit serves
# Reddit allows unauthenticated clients about 10 requests a minute; three pages (300 posts)
# per poll stays inside that and covers any realistic burst between polls of a few minutes.
MAX_PAGES = 3
_SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}(\+[A-Za-z0-9_]{2,21})*$")
_USERNAME = re.compile(r"^[A-Za-z0-9_-]{3,20}$")
_VERSION = "0.1.0"


class RedditAdapter:
    """Polls one Reddit listing; see the module docstring."""

    kind = "reddit"

    async def poll(self, ctx: PollContext) -> PollResult:
        since = _cursor_created(ctx.state.cursor)
        url = listing_url(ctx.source.url, ctx.source.options)
        mentions, cut = await collect_pages(
            url,
            lambda u: _page(ctx, u),
            lambda _, page: None if _reaches(page, since) else page.next_url,
            MAX_PAGES,
        )
        warning = (f"more than {MAX_PAGES * PAGE_SIZE} new items since the last poll; older "
                   "ones in between were not fetched: shorten this source's interval")
        state = _state(ctx.state, mentions)
        return PollResult(mentions=mentions, warning=warning if cut else None, state=state)


async def _page(ctx: PollContext, url: str) -> ParsedPage:
    headers = {"User-Agent": user_agent(ctx.source.options), "Accept": "application/json"}
    response = await ctx.fetch(url, headers=headers, accept=(200, 400, 403, 404))
    if response.status != 200:
        raise SourceError(_status_message(response.status, display_url(url)))
    page = await ctx.process(parse_listing, response)
    if page.error:
        raise SourceError(page.error)
    return page


def _status_message(status: int, where: str) -> str:
    if status == 403:
        return (f"Reddit refused {where} (HTTP 403): the subreddit is private or banned, or "
                "Reddit blocks this network or User-Agent; set the username option so the "
                "User-Agent names you, or try again later")
    if status == 404:
        return f"Reddit has no listing at {where} (HTTP 404): check the subreddit name"
    return f"Reddit rejected the request to {where} (HTTP {status}): check the query"


def user_agent(options: Mapping[str, object]) -> str:
    """Reddit's requested form, ``platform:app:version (by /u/name)``."""
    name = options.get("username")
    contact = f"by /u/{name}" if isinstance(name, str) and _USERNAME.match(name) else \
        "self-hosted listening tool"
    return f"python:listenpost:{_VERSION} ({contact})"


def listing_url(base: str, options: Mapping[str, object]) -> str:
    """The first page's URL for a subreddit and/or query source."""
    root = (base or REDDIT).rstrip("/")
    sub, query = options.get("subreddit"), options.get("query")
    params: dict[str, str] = {"limit": str(PAGE_SIZE), "raw_json": "1"}
    if isinstance(query, str) and query.strip():
        params |= {"q": query.strip(), "sort": "new"}
    if isinstance(sub, str) and sub.strip():
        name = sub.strip().removeprefix("r/").removeprefix("/r/")
        if not _SUBREDDIT.match(name):
            raise SourceError(f"{name!r} is not a subreddit name (letters, digits, _; 2-21)")
        path = "search.json" if "q" in params else "new.json"
        params |= {"restrict_sr": "1"} if "q" in params else {}
        return f"{root}/r/{quote(name)}/{path}?{urlencode(params)}"
    if "q" not in params:
        raise SourceError("a reddit source needs a query or a subreddit option")
    return f"{root}/search.json?{urlencode(params)}"


def _cursor_created(cursor: str | None) -> int | None:
    try:
        value = json.loads(cursor) if cursor else None
    except ValueError:
        return None
    return J.epoch(value, "created")


def _reaches(page: ParsedPage, since: int | None) -> bool:
    """Whether ``page`` reaches back to what the last poll saw (the first poll takes one page)."""
    if since is None or not page.mentions:
        return True
    return min(m.published_at or 0 for m in page.mentions) <= since


def _state(old: SourceState, mentions: list[Mention]) -> SourceState:
    newest = max((m.published_at or 0 for m in mentions), default=0)
    previous = _cursor_created(old.cursor) or 0
    cursor = json.dumps({"created": max(newest, previous)}) if newest else old.cursor
    return SourceState(old.etag, old.last_modified, old.body_hash, cursor)


# --- the parser (runs in the worker process) -------------------------------------------------


def parse_listing(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
    """Mentions from a Reddit Listing (or a list of Listings); never raises."""
    if "html" in headers.get("content-type", "").lower() and body.lstrip()[:1] == b"<":
        return ParsedPage(error="Reddit answered with an HTML page instead of JSON (often a "
                                "block or rate-limit page): wait, or set the username option")
    try:
        document = J.loads(body)
    except J.JsonError as error:
        return ParsedPage(error=f"Reddit's answer could not be read: {error.message}")
    listings = J.items(document) if isinstance(document, list) else [document]
    if not any(J.obj(x).get("kind") == "Listing" for x in listings):
        return ParsedPage(error=J.unexpected(document, "Reddit", "a listing"))
    mentions = [m for x in listings for m in _children(x, options)]
    after = J.string(J.field(listings[0], "data"), "after")
    return ParsedPage(mentions=mentions, next_url=_next_url(options.url, after))


def _children(listing: object, options: ParseOptions) -> list[Mention]:
    children = J.items(J.field(listing, "data"), "children")
    found = (_thing(child, options) for child in children)
    return [m for m in found if m is not None]


def _thing(child: object, options: ParseOptions) -> Mention | None:
    kind, data = J.string(child, "kind"), J.field(child, "data")
    if kind == "t3":
        return _post(data, options)
    if kind == "t1":
        return _comment(data, options)
    return None


def _post(data: dict[str, object], options: ParseOptions) -> Mention | None:
    mention = _common(data, options)
    if mention is not None:
        mention.title = J.plain(J.string(data, "title"))
        mention.text = J.plain(J.string(data, "selftext"))
    return mention


def _comment(data: dict[str, object], options: ParseOptions) -> Mention | None:
    mention = _common(data, options)
    if mention is not None:
        mention.title = J.plain(J.string(data, "link_title"))
        mention.text = J.plain(J.string(data, "body"))
        mention.in_reply_to = J.ident(data, "parent_id")
        mention.url = mention.url or _comment_url(J.ident(data, "link_id"), J.ident(data, "id"))
    return mention


def _common(data: dict[str, object], options: ParseOptions) -> Mention | None:
    name = J.ident(data, "name")
    if name is None:
        return None
    author = J.plain(J.string(data, "author"))
    known = author not in ("", "[deleted]")
    return Mention(
        platform="reddit",
        platform_id=name,
        url=_permalink(J.string(data, "permalink")),
        author=author,
        author_id=author if known else None,
        author_url=f"{REDDIT}/user/{quote(author)}" if known else None,
        published_at=J.epoch(data, "created_utc"),
        engagement=Engagement(J.count(data, "num_comments"), J.count(data, "num_crossposts"),
                              J.count(data, "score")),
        owned=options.owned,
    )


def _permalink(path: str | None) -> str | None:
    if not path or not path.startswith("/") or path.startswith("//"):
        return None
    return REDDIT + quote(path, safe="/%_-.~?=&;:+,@!$'()*")


def _comment_url(link_id: str | None, comment_id: str | None) -> str | None:
    """Older listings carry no comment permalink; this URL form opens the comment."""
    ids = (link_id or "").removeprefix("t3_"), comment_id or ""
    if not all(re.fullmatch(r"[a-z0-9]{1,16}", part) for part in ids):
        return None
    return f"{REDDIT}/comments/{ids[0]}/_/{ids[1]}"


def _next_url(url: str, after: str | None) -> str | None:
    """The next (older) page: the same URL with ``after`` set."""
    if not after or not re.fullmatch(r"t\d_[a-z0-9]{1,16}", after):
        return None
    parts = urlsplit(url)
    kept = [p for p in parts.query.split("&") if p and not p.startswith("after=")]
    query = "&".join([*kept, f"after={after}"])
    return parts._replace(query=query).geturl()


ADAPTER = RedditAdapter()
