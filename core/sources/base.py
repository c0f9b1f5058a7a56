"""The contract between the poller and a source adapter.

An adapter's ``poll`` gets a ``PollContext`` and returns a ``PollResult``. It fetches with
``ctx.fetch`` (which turns HTTP errors, 429s and network failures into ``SourceError``) and hands
each body to ``ctx.process`` together with a *parser*: a module-level function
``(body, headers, options) -> ParsedPage`` that runs in the worker process, so it must be pure,
picklable by reference, and touch no network, file or database. Enrichment (language,
sentiment, matching, category, priority) runs after the parser in the same worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from core.model import Mention, PollStatus, SourceConfig

if TYPE_CHECKING:
    from core.net.fetch import Response


class SourceError(Exception):
    """A per-source failure with a message fit to show the user (no secrets, no traceback)."""

    def __init__(
        self,
        message: str,
        *,
        status: PollStatus = PollStatus.ERROR,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


@dataclass(slots=True)
class SourceState:
    """What the store keeps for a source between polls."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None  # sha256 of the last body parsed; an unchanged body is skipped
    cursor: str | None = None  # adapter-defined paging state (JSON text), e.g. Mastodon's min_id


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """What a parser may know about its source; plain data so it crosses to the worker."""

    source: str
    kind: str
    url: str
    owned: bool = False
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedPage:
    """A parser's output for one body: raw mentions, a warning, and adapter paging info."""

    mentions: list[Mention] = field(default_factory=list)
    warning: str | None = None
    error: str | None = None  # set when nothing could be parsed; the source records an error
    next_url: str | None = None  # a further page to fetch, when the adapter pages
    cursor: str | None = None  # new paging state to keep, when the adapter has one


Parser = Callable[[bytes, Mapping[str, str], ParseOptions], ParsedPage]


@dataclass(slots=True)
class PollResult:
    """What one poll of one source produced, before storing."""

    mentions: list[Mention] = field(default_factory=list)
    not_modified: bool = False
    warning: str | None = None
    state: SourceState | None = None  # new state to store (validators, body hash, cursor)


class PollContext(Protocol):
    """What the poller gives an adapter for one poll."""

    source: SourceConfig
    state: SourceState
    now: int

    async def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
        accept: tuple[int, ...] = (200,),
    ) -> Response:
        """GET through the hardened client; a status outside ``accept`` (and not 304 when
        ``conditional``) raises ``SourceError`` with a clear message; 429/503 raise it with
        ``PollStatus.THROTTLED`` and the bounded Retry-After."""
        ...

    async def post_json(
        self, url: str, payload: Mapping[str, object], *, accept: tuple[int, ...] = (200,)
    ) -> Response:
        """POST ``payload`` as JSON (Bluesky's createSession); statuses as for ``fetch``."""
        ...

    async def process(self, parser: Parser, response: Response) -> ParsedPage:
        """Run ``parser`` then enrichment on ``response`` in the worker process, under the
        parse deadline; a parser that overruns is killed and ``SourceError`` raised."""
        ...

    def secret(self) -> str | None:
        """The source's token from its ``token_env`` variable, or None. Never log it."""
        ...

    def keep_secret(self, value: str) -> None:
        """Have ``value`` (a session token the server handed out) blanked out of every message
        this poll leaves behind, like the source's own token."""
        ...


class Adapter(Protocol):
    """A source kind."""

    kind: str

    async def poll(self, ctx: PollContext) -> PollResult: ...


async def collect_pages(
    url: str,
    fetch: Callable[[str], Awaitable[ParsedPage]],
    following: Callable[[str, ParsedPage], str | None],
    max_pages: int,
) -> tuple[list[Mention], bool]:
    """The mentions of up to ``max_pages`` pages, starting at ``url``.

    ``fetch`` gets one page; ``following(url, page)`` names the next page's URL, or None when
    paging should stop there. The flag says whether the page limit cut the paging short (the
    adapter then warns that items in between may have been missed).
    """
    mentions: list[Mention] = []
    for _ in range(max_pages):
        page = await fetch(url)
        mentions.extend(page.mentions)
        next_url = following(url, page)
        if next_url is None:
            return mentions, False
        url = next_url
    return mentions, True
