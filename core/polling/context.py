"""The poll context an adapter gets: fetch through the hardened client, parse in the worker.

This is where HTTP outcomes become per-source errors with messages a community manager can act
on ("HTTP 404 from https://example.com/feed: check the URL"), where 429/503 become throttling
with a bounded wait, and where a parse that overruns its deadline becomes an error instead of a
hung poll. Adapters stay small because none of that is repeated in them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus

from core.model import PollStatus, SourceConfig
from core.net.credentials import CredentialError, redact, resolve_token
from core.net.fetch import Fetcher, FetchError, Response
from core.net.urls import display_url
from core.polling.jobs import SpecFields, parse_and_enrich
from core.polling.workers import ParseTimeout, WorkerCrashed, WorkerPool
from core.sources.base import ParsedPage, ParseOptions, Parser, SourceError, SourceState

THROTTLE_STATUSES = (429, 503)

STATUS_HINTS = {
    401: "the server wants credentials: check the source's token_env",
    403: "the server refused access: check the URL and any token",
    404: "nothing at that address: check the URL",
    410: "the feed is gone: remove the source or update its URL",
}


@dataclass
class SourceContext:
    """A ``PollContext`` for one poll of one source."""

    source: SourceConfig
    state: SourceState
    now: int
    fetcher: Fetcher
    pool: WorkerPool
    # Enrichment (sentiment, language models) runs in the workers and is never imported here;
    # its spec crosses as plain fields (core.polling.jobs), or a function making them.
    spec: SpecFields | Callable[[], SpecFields]
    parse_deadline: float
    # Secrets met during the poll (a session token an adapter was given), besides the source's
    # own token; ``redact`` blanks them all out of whatever the poll says.
    found_secrets: list[str] = field(default_factory=list)

    async def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
        accept: tuple[int, ...] = (200,),
    ) -> Response:
        etag = self.state.etag if conditional else None
        modified = self.state.last_modified if conditional else None
        try:
            response = await self.fetcher.get(
                url,
                headers=headers,
                etag=etag,
                last_modified=modified,
            )
        except FetchError as error:
            raise SourceError(error.message) from None
        return check_status(response, accept=accept, conditional=conditional)

    async def post_json(
        self, url: str, payload: Mapping[str, object], *, accept: tuple[int, ...] = (200,)
    ) -> Response:
        try:
            response = await self.fetcher.post_json(url, payload)
        except FetchError as error:
            raise SourceError(error.message) from None
        return check_status(response, accept=accept, conditional=False)

    async def process(self, parser: Parser, response: Response) -> ParsedPage:
        if callable(self.spec):
            self.spec = self.spec()
        options = ParseOptions(
            source=self.source.name,
            kind=self.source.kind,
            url=response.url,
            owned=self.source.owned,
            options=dict(self.source.options),
        )
        try:
            return await self.pool.run(
                parse_and_enrich,
                parser,
                response.body,
                response.headers,
                options,
                self.spec,
                self.now,
                deadline=self.parse_deadline,
            )
        except ParseTimeout:
            raise SourceError(
                f"parsing took longer than {self.parse_deadline:.0f} s and was stopped: "
                "the response is pathological or enormous"
            ) from None
        except WorkerCrashed as error:
            raise SourceError(f"the parser crashed on this response ({error})") from None
        except MemoryError:
            raise SourceError(
                "parsing this response needed more memory than a worker may use: "
                "the response is pathological or enormous"
            ) from None

    def secret(self) -> str | None:
        if self.source.token:
            return self.source.token
        try:
            return resolve_token(self.source)
        except CredentialError as error:
            raise SourceError(str(error)) from None

    def keep_secret(self, value: str) -> None:
        self.found_secrets.append(value)

    def redact(self, text: str) -> str:
        """``text`` without the source's token, its session tokens, or any long prefix of
        them (a server that echoes a token after a long message has it cut midway)."""
        secrets = [*self.found_secrets, *([self.source.token] if self.source.token else [])]
        with contextlib.suppress(CredentialError):  # a missing variable is reported elsewhere
            secrets.append(resolve_token(self.source) or "")
        return redact(text, secrets)


def check_status(response: Response, *, accept: tuple[int, ...], conditional: bool) -> Response:
    """Return the response if its status is expected, else raise a clear ``SourceError``."""
    status = response.status
    if status in accept or (conditional and status == 304):
        return response
    where = display_url(response.url)
    if status in THROTTLE_STATUSES:
        wait = response.retry_after
        after = f"; retrying in {wait} s as asked" if wait else ""
        raise SourceError(
            f"HTTP {status} from {where}: the server is rate-limiting us{after}",
            status=PollStatus.THROTTLED,
            retry_after=wait,
        )
    reason = _reason(status)
    hint = STATUS_HINTS.get(status, "the server failed; will retry" if status >= 500 else "")
    raise SourceError(f"HTTP {status} {reason} from {where}" + (f": {hint}" if hint else ""))


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
