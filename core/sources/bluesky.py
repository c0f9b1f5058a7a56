"""Bluesky: post search with an app-password session, and an owned account's feed.

``app.bsky.feed.searchPosts`` is closed to anonymous clients, so a poll first opens a session
(``com.atproto.server.createSession`` with the ``identifier`` option and the app password from
``token_env``) and sends the access JWT. The session lives in this process's memory only (never
in the database) and is reused until it expires, because createSession is limited to 30 calls
per 5 minutes and 300 a day per account. ``getAuthorFeed`` serves owned accounts.

Counts: ``replyCount`` / ``repostCount`` + ``quoteCount`` / ``likeCount``. AT-URIs, handles
and DIDs in responses are validated (syntax per the AT Protocol specs) before they become ids
and links, so a hostile server cannot smuggle a URL or markup through them.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from core.model import Engagement, Mention
from core.net.urls import display_url
from core.polling.owned import WINDOW
from core.sources import jsonutil as J
from core.sources.base import (
    ParsedPage,
    ParseOptions,
    Parser,
    PollContext,
    PollResult,
    SourceError,
    SourceState,
    collect_pages,
)

DEFAULT_SERVICE = "https://bsky.social"
WEB = "https://bsky.app"
PAGE_SIZE = 100  # the largest page searchPosts and getAuthorFeed serve
# The AppView allows 3,000 requests per 5 minutes per IP; five pages (500 posts) per poll is
# far inside that. Search pages back with ``since`` fixed, so a capped poll misses nothing
# newer than the cursor that a later poll would not also see.
MAX_PAGES = 5
SESSION_REUSE = 60 * 60  # access JWTs last about two hours; renew well before that

# --- AT Protocol identifier syntax (https://atproto.com/specs) -------------------------------

_HANDLE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
_DID = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")
_NSID = re.compile(
    r"^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+"
    r"\.[a-zA-Z][a-zA-Z0-9]{0,62}$"
)
_RKEY = re.compile(r"^[a-zA-Z0-9_~.:-]{1,512}$")
MAX_HANDLE = 253  # a DNS name
MAX_DID = 2048  # the spec's cap on a DID
MAX_NSID = 317
MAX_AT_URI = 8192  # the spec's cap on an AT-URI


def is_handle(text: str) -> bool:
    """Whether ``text`` is a syntactically valid handle (a DNS name, not an IP, not dotless)."""
    return len(text) <= MAX_HANDLE and _HANDLE.match(text) is not None


def is_did(text: str) -> bool:
    return len(text) <= MAX_DID and _DID.match(text) is not None


def is_nsid(text: str) -> bool:
    return len(text) <= MAX_NSID and _NSID.match(text) is not None


def is_record_key(text: str) -> bool:
    return text not in (".", "..") and _RKEY.match(text) is not None


def is_at_uri(text: str) -> bool:
    """``at://AUTHORITY[/COLLECTION[/RKEY]]`` with each part valid; fragments not accepted."""
    if len(text) > MAX_AT_URI or not text.startswith("at://"):
        return False
    parts = text[5:].split("/")
    if len(parts) > 3 or not (is_handle(parts[0]) or is_did(parts[0])):
        return False
    if len(parts) >= 2 and not is_nsid(parts[1]):
        return False
    return len(parts) < 3 or is_record_key(parts[2])


def post_web_url(author: str, uri: str) -> str | None:
    """``https://bsky.app/profile/{handle or did}/post/{rkey}`` for a post's AT-URI."""
    if not is_at_uri(uri):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    return f"{WEB}/profile/{author}/post/{parts[2]}"


# --- polling ---------------------------------------------------------------------------------


class BlueskyAdapter:
    """Polls Bluesky search or an owned account's feed; see the module docstring."""

    kind = "bluesky"

    def __init__(self) -> None:
        # (service origin, identifier) -> (access JWT, refresh JWT, when made); memory only.
        self._sessions: dict[tuple[str, str], tuple[str, str, float]] = {}

    async def poll(self, ctx: PollContext) -> PollResult:
        service = _service(ctx.source.url)
        handle = ctx.source.options.get("handle")
        if isinstance(handle, str) and handle.strip():
            mentions, warning = await self._author_feed(ctx, service, handle.strip().lstrip("@"))
            return PollResult(mentions=mentions, warning=warning, state=ctx.state)
        since = J.string(J.obj(_json(ctx.state.cursor)), "since")
        mentions, warning = await self._search(ctx, service, since)
        return PollResult(mentions=mentions, warning=warning, state=_state(ctx.state, mentions))

    async def _search(
        self, ctx: PollContext, service: str, since: str | None
    ) -> tuple[list[Mention], str | None]:
        url = search_url(service, ctx.source.options, since)
        def following(current: str, page: ParsedPage) -> str | None:
            if not page.cursor or since is None or not page.mentions:
                return None
            return _with_cursor(current, page.cursor)

        mentions, cut = await collect_pages(
            url, lambda u: self._page(ctx, service, u, parse_search), following, MAX_PAGES
        )
        return mentions, (f"more than {MAX_PAGES * PAGE_SIZE} new posts since the last poll; "
                          "older ones in between were not fetched: narrow the query"
                          if cut else None)

    async def _author_feed(
        self, ctx: PollContext, service: str, actor: str
    ) -> tuple[list[Mention], str | None]:
        if not (is_handle(actor) or is_did(actor)):
            raise SourceError(f"{actor!r} is not a Bluesky handle or DID")
        params = {"actor": actor, "limit": str(PAGE_SIZE), "filter": "posts_no_replies"}
        url = f"{service}/xrpc/app.bsky.feed.getAuthorFeed?{urlencode(params)}"
        def following(current: str, page: ParsedPage) -> str | None:
            oldest = min((m.published_at or 0 for m in page.mentions), default=0)
            if not page.cursor or not page.mentions or oldest < ctx.now - WINDOW:
                return None
            return _with_cursor(current, page.cursor)

        mentions, _ = await collect_pages(
            url, lambda u: self._page(ctx, service, u, parse_author_feed), following, MAX_PAGES
        )
        return mentions, None

    async def _page(self, ctx: PollContext, service: str, url: str, parser: Parser) -> ParsedPage:
        token = await self._token(ctx, service, required=parser is parse_search)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = await ctx.fetch(url, headers=headers, accept=(200, 400, 401))
        if response.status == 401 and token:
            self._sessions.pop(_session_key(ctx, service), None)  # expired: renew once
            headers["Authorization"] = f"Bearer {await self._token(ctx, service, required=True)}"
            response = await ctx.fetch(url, headers=headers, accept=(200, 400, 401))
        _raise_for_status(response.status, response.body, url)
        page = await ctx.process(parser, response)
        if page.error:
            raise SourceError(page.error)
        return page

    async def _token(self, ctx: PollContext, service: str, *, required: bool) -> str | None:
        password = ctx.secret()
        if not password:
            if required:
                raise SourceError("Bluesky search needs a session: set token_env to a variable "
                                  "holding an app password, and the identifier option")
            return None
        key = _session_key(ctx, service)
        cached = self._sessions.get(key)
        if not cached or time.monotonic() - cached[2] >= SESSION_REUSE:
            access, refresh = await _create_session(ctx, service, key[1], password)
            cached = self._sessions[key] = (access, refresh, time.monotonic())
        for jwt in cached[:2]:  # a server may echo either back in an error
            if jwt:
                ctx.keep_secret(jwt)
        return cached[0]


def _session_key(ctx: PollContext, service: str) -> tuple[str, str]:
    identifier = ctx.source.options.get("identifier") or ctx.source.options.get("handle")
    if not isinstance(identifier, str) or not identifier.strip():
        raise SourceError("a bluesky source with a token needs the identifier option "
                          "(the handle or email the app password belongs to)")
    return service, identifier.strip().lstrip("@")


async def _create_session(
    ctx: PollContext, service: str, identifier: str, password: str
) -> tuple[str, str]:
    """The session's (access JWT, refresh JWT); the refresh one may be empty."""
    url = f"{service}/xrpc/com.atproto.server.createSession"
    response = await ctx.post_json(
        url, {"identifier": identifier, "password": password}, accept=(200, 400, 401)
    )
    if response.status in (400, 401):
        raise SourceError(f"Bluesky refused the app password for {identifier!r} (HTTP "
                          f"{response.status}): check that {ctx.source.token_env} holds an app "
                          "password of that account")
    document = _json_body(response.body)
    token, refresh = J.string(document, "accessJwt"), J.string(document, "refreshJwt")
    if refresh:
        ctx.keep_secret(refresh)
    if not token or len(token) > 8192 or not token.isascii() or not token.isprintable():
        raise SourceError(f"{display_url(url)} answered without a usable session token")
    return token, refresh or ""


def _raise_for_status(status: int, body: bytes, url: str) -> None:
    if status == 200:
        return
    said = J.server_message(_json_body(body))
    detail = f": {said}" if said else ""
    if status == 401:
        raise SourceError(f"Bluesky refused the session for {display_url(url)} (HTTP 401)"
                          f"{detail}; check the app password")
    raise SourceError(f"Bluesky rejected the request to {display_url(url)} (HTTP {status})"
                      f"{detail}: check the query or handle")


def _service(url: str) -> str:
    try:
        parts = urlsplit(url or DEFAULT_SERVICE)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        raise SourceError("the bluesky source's url is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError("a bluesky source's url must be a service like https://bsky.social")
    return f"{parts.scheme}://{parts.hostname}{port}"


def search_url(service: str, options: Mapping[str, object], since: str | None) -> str:
    query = options.get("query")
    if not isinstance(query, str) or not query.strip():
        raise SourceError("a bluesky source needs a query option (or handle, for owned)")
    params = {"q": query.strip(), "sort": "latest", "limit": str(PAGE_SIZE)}
    if since:
        params["since"] = since
    return f"{service}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"


def _with_cursor(url: str, cursor: str) -> str:
    parts = urlsplit(url)
    kept = [p for p in parts.query.split("&") if p and not p.startswith("cursor=")]
    return parts._replace(query="&".join([*kept, urlencode({"cursor": cursor})])).geturl()


def _state(old: SourceState, mentions: list[Mention]) -> SourceState:
    newest = max((m.published_at or 0 for m in mentions), default=0)
    if not newest:
        return old
    since = datetime.fromtimestamp(newest, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    previous = J.string(J.obj(_json(old.cursor)), "since") or ""
    return SourceState(old.etag, old.last_modified, old.body_hash,
                       json.dumps({"since": max(since, previous)}))


def _json(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _json_body(body: bytes) -> object:
    try:
        return J.loads(body)
    except J.JsonError:
        return None


# --- the parsers (run in the worker process) -------------------------------------------------


def parse_search(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
    """Mentions from ``searchPosts`` output ``{posts: [postView], cursor}``; never raises."""
    return _parse(body, options, "posts", lambda item: item)


def parse_author_feed(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
    """Mentions from ``getAuthorFeed`` output ``{feed: [feedViewPost], cursor}``; reposts
    (items with a ``reason``) are skipped: they are someone else's posts."""
    return _parse(body, options, "feed",
                  lambda item: None if J.obj(item).get("reason") else J.obj(item).get("post"))


def _parse(
    body: bytes, options: ParseOptions, key: str, pick: Callable[[object], object]
) -> ParsedPage:
    try:
        document = J.loads(body)
    except J.JsonError as error:
        return ParsedPage(error=f"Bluesky's answer could not be read: {error.message}")
    if not isinstance(J.obj(document).get(key), list):
        return ParsedPage(error=J.unexpected(document, "Bluesky", f"a {key} list"))
    views = (pick(item) for item in J.items(document, key))
    mentions = [m for m in (_post(v, options) for v in views if v is not None) if m is not None]
    cursor = J.string(document, "cursor")
    return ParsedPage(mentions=mentions, cursor=cursor if cursor and len(cursor) < 1024 else None)


def _post(view: object, options: ParseOptions) -> Mention | None:
    uri, author = J.string(view, "uri") or "", J.field(view, "author")
    if not is_at_uri(uri):
        return None
    handle, did = J.string(author, "handle") or "", J.string(author, "did") or ""
    actor = handle if is_handle(handle) and handle != "handle.invalid" else did
    if not (is_handle(actor) or is_did(actor)):
        return None
    record = J.field(view, "record")
    return Mention(
        platform="bluesky",
        platform_id=uri,
        url=post_web_url(actor, uri),
        text=J.plain(J.string(record, "text")),
        author=J.plain(J.string(author, "displayName")) or actor,
        author_id=did if is_did(did) else actor,
        author_url=f"{WEB}/profile/{actor}",
        published_at=J.iso_epoch(record, "createdAt") or J.iso_epoch(view, "indexedAt"),
        engagement=_engagement(view),
        in_reply_to=_parent(record),
        owned=options.owned,
    )


def _engagement(view: object) -> Engagement:
    reposts, quotes = J.count(view, "repostCount"), J.count(view, "quoteCount")
    reshares = None if reposts is None and quotes is None else min(
        (reposts or 0) + (quotes or 0), J.MAX_COUNT)  # two clamped counts must stay clamped
    return Engagement(J.count(view, "replyCount"), reshares, J.count(view, "likeCount"))


def _parent(record: dict[str, object]) -> str | None:
    uri = J.string(J.field(J.field(record, "reply"), "parent"), "uri")
    return uri if uri and is_at_uri(uri) else None


ADAPTER = BlueskyAdapter()
