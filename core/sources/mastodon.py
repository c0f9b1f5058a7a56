"""Mastodon: a hashtag timeline, a status search, or an account's statuses, with engagement.

Endpoints: ``/api/v1/timelines/tag/{tag}`` (with ``any[]``/``none[]``), ``/api/v2/search?
type=statuses`` (most servers want a token), and ``/api/v1/accounts/{id}/statuses`` for an
account (the id is looked up once from the ``acct`` and kept in the cursor). Counts:
``replies_count`` / ``reblogs_count`` / ``favourites_count``; a reblog counts as the status
it reblogs. A bearer token goes only to the instance's own origin.

Listening sources page *forward*: the cursor keeps the newest status id seen, each poll asks
for ``min_id`` = that id (the statuses immediately after it) and follows ``Link: rel="prev"``
to newer pages. A poll stops after ``MAX_PAGES``; the cursor then holds the newest id fetched,
so the next poll resumes exactly there and nothing between polls is skipped. Owned accounts
instead re-read their newest statuses back to ``core.polling.owned.WINDOW`` every poll, because the
counts of the week's posts are what the Kaushik metrics need refreshed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import quote, urlencode, urlsplit

from core.model import Engagement, Mention
from core.net.urls import display_url
from core.polling.owned import WINDOW
from core.sources import jsonutil as J
from core.sources.base import (
    ParsedPage,
    ParseOptions,
    PollContext,
    PollResult,
    SourceError,
    SourceState,
)

PAGE_SIZE = 40  # the largest page Mastodon serves
# Mastodon allows 300 requests per 5 minutes per client; five pages (200 statuses) per poll is
# far inside that, and a longer backlog is simply resumed by the next poll (see above).
MAX_PAGES = 5
_ID = re.compile(r"^[0-9]{1,30}$")  # Mastodon ids are decimal snowflakes
_TAG = re.compile(r"^[^\s#/?&]{1,100}$")
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([a-z]+)"?')
_ACCEPT = (200, 401, 403, 404, 422)


class MastodonAdapter:
    """Polls one Mastodon timeline, search or account; see the module docstring."""

    kind = "mastodon"

    async def poll(self, ctx: PollContext) -> PollResult:
        origin = instance_origin(ctx.source.url)
        cursor = _load_cursor(ctx.state.cursor)
        url, what = await _first_url(ctx, origin, cursor)
        if ctx.source.owned and "account_id" in cursor:
            mentions, warning, newest = await _refresh_owned(ctx, origin, url, what)
        else:
            mentions, warning, newest = await _listen(ctx, origin, url, what, cursor)
        cursor["min_id"] = _newer(cursor.get("min_id"), newest) or ""
        state = SourceState(ctx.state.etag, ctx.state.last_modified, ctx.state.body_hash,
                            json.dumps(cursor))
        return PollResult(mentions=mentions, warning=warning, state=state)


def instance_origin(url: str) -> str:
    """``scheme://host[:port]`` of the instance, or SourceError for an unusable URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SourceError("the mastodon source's url is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError("a mastodon source's url must be the instance, like https://mastodon.social")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _load_cursor(text: str | None) -> dict[str, str]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {k: v for k, v in J.obj(value).items() if isinstance(v, str)}


async def _first_url(ctx: PollContext, origin: str, cursor: dict[str, str]) -> tuple[str, str]:
    """The first URL of this poll and what it reads ("search", "tag" or "account")."""
    options = ctx.source.options
    account, query, tag = options.get("account"), options.get("query"), options.get("tag")
    if isinstance(account, str) and account.strip():
        account_id = await _account_id(ctx, origin, account.strip().lstrip("@"), cursor)
        return account_url(origin, account_id, owned=ctx.source.owned), "account"
    if isinstance(query, str) and query.strip():
        return search_url(origin, query.strip()), "search"
    if isinstance(tag, str) and tag.strip():
        return tag_url(origin, tag.strip().lstrip("#"), options), "tag"
    raise SourceError("a mastodon source needs a tag, query or account option")


def tag_url(origin: str, tag: str, options: Mapping[str, object]) -> str:
    """The hashtag timeline, with ``any[]``/``none[]`` from the source's options."""
    if not _TAG.match(tag):
        raise SourceError(f"{tag!r} is not a hashtag")
    params = [("limit", str(PAGE_SIZE))]
    for key in ("any", "none"):
        values = options.get(key)
        words = values if isinstance(values, list) else []
        params += [(f"{key}[]", str(w).lstrip("#")) for w in words if isinstance(w, str) and w]
    return f"{origin}/api/v1/timelines/tag/{quote(tag, safe='')}?{urlencode(params)}"


def search_url(origin: str, query: str) -> str:
    params = {"q": query, "type": "statuses", "limit": str(PAGE_SIZE), "resolve": "false"}
    return f"{origin}/api/v2/search?{urlencode(params)}"


def account_url(origin: str, account_id: str, *, owned: bool) -> str:
    params = {"limit": str(PAGE_SIZE), "exclude_reblogs": "true"}
    if owned:
        params["exclude_replies"] = "true"  # the brand's posts, not its replies, are measured
    return f"{origin}/api/v1/accounts/{account_id}/statuses?{urlencode(params)}"


async def _account_id(ctx: PollContext, origin: str, acct: str, cursor: dict[str, str]) -> str:
    if cursor.get("acct") == acct and _ID.match(cursor.get("account_id", "")):
        return cursor["account_id"]
    url = f"{origin}/api/v1/accounts/lookup?{urlencode({'acct': acct})}"
    response = await ctx.fetch(url, headers=_headers(ctx, origin, url), accept=_ACCEPT)
    if response.status == 404:
        raise SourceError(f"no account {acct!r} on {display_url(origin)}: check the account option")
    _raise_for_status(ctx, response.status, response.body, url, "account")
    account_id = J.ident(_safe_loads(response.body), "id")
    if account_id is None or not _ID.match(account_id):
        raise SourceError(f"{display_url(url)} did not return an account id for {acct!r}")
    cursor.update(acct=acct, account_id=account_id)
    return account_id


def _safe_loads(body: bytes) -> object:
    try:
        return J.loads(body)
    except J.JsonError:
        return None


def _headers(ctx: PollContext, origin: str, url: str) -> dict[str, str]:
    """Accept JSON; add the bearer token only when ``url`` is on the instance's origin."""
    headers = {"Accept": "application/json"}
    token = ctx.secret()
    if token and _same_origin(origin, url):
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _same_origin(origin: str, url: str) -> bool:
    try:
        return instance_origin(url) == origin
    except SourceError:
        return False


def _raise_for_status(ctx: PollContext, status: int, body: bytes, url: str, what: str) -> None:
    if status == 200:
        return
    where, said = display_url(url), J.server_message(_safe_loads(body))
    detail = f" ({said})" if said else ""
    if status == 401 and not ctx.secret():
        needs = {"search": "search", "tag": "hashtag timelines", "account": "account statuses"}
        raise SourceError(f"this server requires a token for {needs.get(what, what)}: set "
                          f"token_env to a variable holding an access token ({where})")
    if status == 401:
        raise SourceError(f"the server refused the token from {ctx.source.token_env} (HTTP 401)"
                          f"{detail}: check it is valid and has the read scope")
    if status == 404:
        raise SourceError(f"nothing at {where} (HTTP 404){detail}: check the instance URL")
    raise SourceError(f"HTTP {status} from {where}{detail}")


async def _fetch_page(
    ctx: PollContext, origin: str, url: str, what: str
) -> tuple[ParsedPage, dict[str, str]]:
    response = await ctx.fetch(url, headers=_headers(ctx, origin, url), accept=_ACCEPT)
    _raise_for_status(ctx, response.status, response.body, url, what)
    page = await ctx.process(parse_statuses, response)
    if page.error:
        raise SourceError(page.error)
    return page, link_targets(response.headers.get("link", ""))


def link_targets(header: str) -> dict[str, str]:
    """``{rel: url}`` from a ``Link`` header (RFC 8288, the subset Mastodon writes)."""
    return {rel: url for url, rel in _LINK.findall(header[:4096])}


Polled = tuple[list[Mention], str | None, str | None]  # mentions, warning, newest id seen


async def _listen(
    ctx: PollContext, origin: str, url: str, what: str, cursor: dict[str, str]
) -> Polled:
    min_id = cursor.get("min_id", "")
    if _ID.match(min_id):
        url = _with_param(url, "min_id", min_id)
    mentions: list[Mention] = []
    newest: str | None = None
    for _ in range(MAX_PAGES):
        page, links = await _fetch_page(ctx, origin, url, what)
        mentions.extend(page.mentions)
        newest = _newer(newest, _page_info(page)[0])
        following = _forward(url, page, links, origin, what) if _ID.match(min_id) else None
        if following is None:
            return mentions, None, newest
        url = following
    warning = (f"more than {MAX_PAGES * PAGE_SIZE} new statuses since the last poll; "
               "the rest are fetched by the next polls")
    return mentions, warning, newest


def _forward(
    url: str, page: ParsedPage, links: dict[str, str], origin: str, what: str
) -> str | None:
    """The page of statuses newer than ``page``, or None when ``page`` was the newest."""
    newest, size = _page_info(page)
    if size == 0 or newest is None:
        return None
    if what == "search":  # search sends no Link header: ask again from the newest seen
        return _with_param(url, "min_id", newest) if size >= PAGE_SIZE else None
    prev = links.get("prev")
    return prev if prev and _same_origin(origin, prev) else None


async def _refresh_owned(ctx: PollContext, origin: str, url: str, what: str) -> Polled:
    """The account's statuses from newest back to ``WINDOW`` old, so their counts refresh."""
    mentions: list[Mention] = []
    newest: str | None = None
    for _ in range(MAX_PAGES):
        page, links = await _fetch_page(ctx, origin, url, what)
        mentions.extend(page.mentions)
        newest = _newer(newest, _page_info(page)[0])
        oldest = min((m.published_at or 0 for m in page.mentions), default=0)
        older = links.get("next")
        if not page.mentions or oldest < ctx.now - WINDOW or not older:
            return mentions, None, newest
        if not _same_origin(origin, older):
            return mentions, "the next-page link points to another server; not followed", newest
        url = older
    return mentions, None, newest


def _safe_json(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _with_param(url: str, key: str, value: str) -> str:
    parts = urlsplit(url)
    kept = [p for p in parts.query.split("&") if p and not p.startswith(f"{key}=")]
    return parts._replace(query="&".join([*kept, urlencode({key: value})])).geturl()


def _id_key(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)  # snowflakes compare as numbers: longer is larger


def _newer(a: str | None, b: str | None) -> str | None:
    """The newer of two status ids (either may be missing or not an id)."""
    valid = [x for x in (a, b) if x and _ID.match(x)]
    return max(valid, key=_id_key) if valid else None


def _page_info(page: ParsedPage) -> tuple[str | None, int]:
    """The newest timeline id on a parsed page and how many statuses it held."""
    info = J.obj(_safe_json(page.cursor))
    return J.ident(info, "newest"), J.count(info, "size") or 0


# --- the parser (runs in the worker process) -------------------------------------------------


def parse_statuses(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
    """Mentions from a list of statuses or a v2 search result; never raises.

    ``cursor`` carries ``{"newest": id, "size": n}`` of the page (the timeline's own ids, which
    for a reblog are the reblog's), for the adapter's paging.
    """
    try:
        document = J.loads(body)
    except J.JsonError as error:
        return ParsedPage(error=f"Mastodon's answer could not be read: {error.message}")
    statuses = document if isinstance(document, list) else J.obj(document).get("statuses")
    if not isinstance(statuses, list):
        return ParsedPage(error=J.unexpected(document, "Mastodon", "statuses"))
    host = urlsplit(options.url).hostname or ""
    mentions = [m for m in (_status(s, host, options) for s in statuses) if m is not None]
    ids = [i for i in (J.ident(s, "id") for s in statuses) if i and _ID.match(i)]
    newest = max(ids, key=_id_key) if ids else None
    paging = json.dumps({"newest": newest, "size": len(statuses)})
    return ParsedPage(mentions=mentions, cursor=paging)


def _status(status: object, host: str, options: ParseOptions) -> Mention | None:
    reblogged = J.obj(status).get("reblog")
    original = reblogged if isinstance(reblogged, dict) else status
    uri, local_id = J.string(original, "uri"), J.ident(original, "id")
    if not (uri or local_id):
        return None
    account = J.field(original, "account")
    return Mention(
        platform="mastodon",
        platform_id=uri or local_id,
        url=_web_url(J.string(original, "url")) or _web_url(uri),
        title=J.plain(J.string(original, "spoiler_text")),
        text=J.from_html(J.string(original, "content")),
        author=J.plain(J.string(account, "display_name")) or J.plain(J.string(account, "username")),
        author_id=_acct(account, host),
        author_url=_web_url(J.string(account, "url")),
        author_followers=J.count(account, "followers_count"),
        published_at=J.iso_epoch(original, "created_at"),
        engagement=Engagement(J.count(original, "replies_count"),
                              J.count(original, "reblogs_count"),
                              J.count(original, "favourites_count")),
        in_reply_to=J.ident(original, "in_reply_to_id"),
        owned=options.owned,
    )


def _acct(account: dict[str, object], host: str) -> str | None:
    """``user@host``: local accounts' ``acct`` has no domain, which would clash across servers."""
    acct = J.plain(J.string(account, "acct")).strip().lstrip("@")
    if not acct:
        return None
    return acct if "@" in acct or not host else f"{acct}@{host}"


def _web_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


ADAPTER = MastodonAdapter()
