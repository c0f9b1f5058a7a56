"""Hacker News through Algolia's search API: new stories and comments matching a query.

``search_by_date`` returns the newest hits first; ``numericFilters=created_at_i>=T`` limits
them to what is new since the last poll (T is the newest ``created_at_i`` seen, kept as the
cursor; ``>=`` so hits in that same second are not lost, and dedupe drops the repeats).
Engagement: ``num_comments`` (conversation) and ``points`` (applause); HN has no reshares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from core.model import Engagement, Mention
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

ALGOLIA = "https://hn.algolia.com"
ITEM_URL = "https://news.ycombinator.com/item?id="
USER_URL = "https://news.ycombinator.com/user?id="
PAGE_SIZE = 100  # hits per page; Algolia allows up to 1000 but 100 keeps each body small
# How hnrss titles a comment; the feed adapter hands such entries to ``comment_fields``.
HNRSS_COMMENT_TITLE = re.compile(r'^New comment by \S+ in "(?P<story>.*)"$', re.S)
# Algolia allows 10,000 requests an hour per IP; five pages (500 hits) a poll is far inside
# that and more than HN produces for one query between polls minutes apart.
MAX_PAGES = 5
DEFAULT_TAGS = "(story,comment)"


class HackerNewsAdapter:
    """Polls Algolia's HN search; see the module docstring."""

    kind = "hackernews"

    async def poll(self, ctx: PollContext) -> PollResult:
        since = _cursor(ctx.state.cursor)
        url = search_url(ctx.source.url, ctx.source.options, since)
        mentions, cut = await collect_pages(
            url, lambda u: _page(ctx, u), lambda _, page: page.next_url, MAX_PAGES
        )
        warning = (f"more than {MAX_PAGES * PAGE_SIZE} new hits since the last poll; older ones "
                   "in between were not fetched: narrow the query or shorten the interval")
        state = _state(ctx.state, mentions)
        return PollResult(mentions=mentions, warning=warning if cut else None, state=state)


async def _page(ctx: PollContext, url: str) -> ParsedPage:
    response = await ctx.fetch(url, headers={"Accept": "application/json"})
    page = await ctx.process(parse_search, response)
    if page.error:
        raise SourceError(page.error)
    return page


def search_url(base: str, options: Mapping[str, object], since: int | None) -> str:
    """The first page's URL for a query, limited to hits at or after ``since``."""
    query = options.get("query")
    if not isinstance(query, str) or not query.strip():
        raise SourceError("a hackernews source needs a query option")
    tags = options.get("tags")
    params = {
        "query": query.strip(),
        "tags": tags if isinstance(tags, str) and tags.strip() else DEFAULT_TAGS,
        "hitsPerPage": str(PAGE_SIZE),
    }
    if since is not None:
        params["numericFilters"] = f"created_at_i>={since}"
    return f"{(base or ALGOLIA).rstrip('/')}/api/v1/search_by_date?{urlencode(params)}"


def _cursor(cursor: str | None) -> int | None:
    try:
        return J.epoch(json.loads(cursor), "last") if cursor else None
    except ValueError:
        return None


def _state(old: SourceState, mentions: list[Mention]) -> SourceState:
    newest = max([m.published_at or 0 for m in mentions] + [_cursor(old.cursor) or 0])
    cursor = json.dumps({"last": newest}) if newest else old.cursor
    return SourceState(old.etag, old.last_modified, old.body_hash, cursor)


# --- the parser (runs in the worker process) -------------------------------------------------


def parse_search(body: bytes, headers: Mapping[str, str], options: ParseOptions) -> ParsedPage:
    """Mentions from an Algolia search response; never raises."""
    try:
        document = J.loads(body)
    except J.JsonError as error:
        return ParsedPage(error=f"the HN search answer could not be read: {error.message}")
    if not isinstance(J.obj(document).get("hits"), list):
        return ParsedPage(error=J.unexpected(document, "HN search", "search hits"))
    hits = (_hit(hit, options) for hit in J.items(document, "hits"))
    mentions = [m for m in hits if m is not None]
    return ParsedPage(mentions=mentions, next_url=_next_url(document, options.url))


def _hit(hit: object, options: ParseOptions) -> Mention | None:
    object_id = J.ident(hit, "objectID")
    if object_id is None or not object_id.isdigit():
        return None
    comment = "comment" in [t for t in J.items(hit, "_tags") if isinstance(t, str)]
    author = J.plain(J.string(hit, "author"))
    if comment:
        title, text = comment_fields(J.plain(J.string(hit, "story_title")),
                                     J.from_html(J.string(hit, "comment_text")))
    else:
        title, text = J.plain(J.string(hit, "title")), J.from_html(J.string(hit, "story_text"))
    return Mention(
        platform="hackernews",
        platform_id=object_id,
        url=_url(hit, object_id, comment),
        title=title,
        text=text,
        author=author,
        author_id=author or None,
        author_url=USER_URL + author if author.replace("_", "").replace("-", "").isalnum()
        else None,
        published_at=J.epoch(hit, "created_at_i") or J.iso_epoch(hit, "created_at"),
        engagement=Engagement(replies=J.count(hit, "num_comments"), likes=J.count(hit, "points")),
        in_reply_to=J.ident(hit, "parent_id") if comment else None,
        owned=options.owned,
    )


def comment_fields(story_title: str, comment_text: str) -> tuple[str, str]:
    """Title and text of a comment: it has no title of its own, so its words lead (the list
    shows them, not "New comment by … in …"); the story it answers follows as context, which
    keeps a listening query that names the story matching."""
    context = f"\n\n(on \u201c{story_title}\u201d)" if story_title.strip() else ""
    return "", comment_text + context


def hnrss_comment(title: str, text: str) -> tuple[str, str] | None:
    """``comment_fields`` for an hnrss entry titled "New comment by X in "Story"", else None."""
    found = HNRSS_COMMENT_TITLE.match(title)
    return comment_fields(found.group("story"), text) if found else None


def _url(hit: object, object_id: str, comment: bool) -> str:
    link = None if comment else J.string(hit, "url")
    if link and urlsplit(link).scheme in ("http", "https"):
        return link
    return ITEM_URL + object_id


def _next_url(document: object, url: str) -> str | None:
    page, pages = J.count(document, "page"), J.count(document, "nbPages")
    if page is None or pages is None or page + 1 >= pages:
        return None
    parts = urlsplit(url)
    kept = [p for p in parts.query.split("&") if p and not p.startswith("page=")]
    return parts._replace(query="&".join([*kept, f"page={page + 1}"])).geturl()


ADAPTER = HackerNewsAdapter()
