"""The one hardened HTTP client every source adapter fetches through.

Servers that strangers run can send bodies that never end, drip one byte a second, inflate a
megabyte into a gigabyte, redirect forever or to the machine itself, and echo secrets back in
error pages. ``Fetcher`` bounds all of it: one overall deadline per request (redirects and body
included), a cap on decoded bytes enforced while decompressing, at most ``max_redirects`` hops each
re-checked by ``core.net.guard``, a cap on response headers, secret headers sent only to the
origin they were meant for, and errors that name the URL without its query string.

Decompression is ours, not httpx's: the raw stream is read with ``aiter_raw`` and each content
coding (gzip, deflate, br, zstd, at most two stacked) is undone by a decoder driven in bounded
steps, so a bomb is stopped at the cap after a few hundred KiB of extra work. Only these codings
are advertised in Accept-Encoding.

Address pinning: the default transport connects through ``netguard.GuardedBackend``, which
resolves, checks and connects to the checked address itself, so the connection made is the one
that was checked; DNS rebinding between check and connect cannot reach a private address. A
``transport`` injected by a caller (a test's ``httpx.MockTransport``) bypasses that backend; every
hop's URL is still checked by ``netguard.check_url``, which resolves the host, so use literal
addresses allowed by the policy with an injected transport.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import logging
import math
import os
import ssl
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, Literal, Protocol, cast

import brotli
import httpcore
import httpx
import zstandard

from core.net import guard as netguard
from core.net.policy import MAX_RETRY_AFTER, NetworkPolicy
from core.net.urls import display_url

log = logging.getLogger(__name__)

FetchReason = Literal[
    "blocked_address",
    "too_large",
    "timeout",
    "too_many_redirects",
    "bad_encoding",
    "network",
    "bad_url",
]

_MIB = 1024 * 1024
_ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # exactly the codings _Decoder undoes with a bound
_STEP = 256 * 1024  # decoded bytes per decompressor call: small steps let a bomb stop at the cap
_MAX_CODING_LAYERS = 2  # one is normal, two happens behind a compressing proxy; more is a trick
_ZSTD_MAX_WINDOW = 8 * _MIB  # RFC 9659 caps HTTP zstd windows at 8 MiB; larger costs memory
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SENSITIVE = frozenset({"authorization", "proxy-authorization", "cookie"})  # always secret
_MIN_SECRET = 4  # shorter header values are not scrubbed from messages (too likely to be words)


@dataclass(slots=True)
class Response:
    """A complete, decoded response of any status; the caller decides what is an error.

    ``body`` is decoded, so Content-Encoding and Content-Length are dropped from ``headers``
    when a coding was undone (no consumer may decode twice or trust the raw length).
    """

    url: str
    status: int
    headers: dict[str, str]  # lower-case names, repeats joined with ", "
    body: bytes
    elapsed: float
    max_retry_after: int = MAX_RETRY_AFTER

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def retry_after(self) -> int | None:
        """Retry-After in seconds (delay or HTTP-date), clamped; None if absent or garbage."""
        return parse_retry_after(
            self.headers.get("retry-after"),
            bound=self.max_retry_after,
            server_date=self.headers.get("date"),
        )


class FetchError(Exception):
    """A request that produced no response: the message is fit to show and holds no secret."""

    def __init__(self, message: str, *, reason: FetchReason, url: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason: FetchReason = reason
        self.url = url  # display form: no query string, no user info


def parse_retry_after(
    value: str | None,
    *,
    bound: int,
    server_date: str | None = None,
    now: float | None = None,
) -> int | None:
    """Seconds to wait from a Retry-After value, clamped to ``[0, bound]``.

    An HTTP-date is measured against the response's own Date header when there is one, so a
    server whose clock is off still means what it says; else against ``now`` (default: the clock).
    """
    text = (value or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        # More than 9 digits is beyond any sane bound; int() of thousands of digits even raises.
        return bound if len(text) > 9 else min(int(text), bound)
    when = _http_date(text)
    if when is None:
        return None
    base = _http_date(server_date or "")
    if base is None:
        base = time.time() if now is None else now
    return max(0, min(bound, math.ceil(when - base)))


def _http_date(text: str) -> float | None:
    try:
        return email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# ----------------------------------------------------------------------------- decoding


def _user_agent(headers: Mapping[str, str], default: str) -> str:
    """The caller's User-Agent when it still names listenpost (platforms such as Reddit ask for
    their own form), else ours: every request identifies the tool."""
    for name, value in headers.items():
        if name.lower() == "user-agent" and "listenpost" in value.lower():
            return value
    return default


class _TooLarge(Exception):
    """The decoded body passed the cap."""


class _BadEncoding(Exception):
    """The body's content coding is unsupported or corrupt."""


Emit = Callable[[bytes], None]


class _Stage(Protocol):
    def feed(self, data: bytes, emit: Emit) -> None: ...


def _inflate(obj: zlib._Decompress, data: bytes, emit: Emit) -> None:
    """Feed ``data`` to a zlib stream, emitting at most ``_STEP`` bytes per call."""
    while not obj.eof:
        out = obj.decompress(data, _STEP)
        emit(out)
        if not out and len(obj.unconsumed_tail) == len(data) > 0:
            raise zlib.error("the stream makes no progress")  # never loop forever
        data = obj.unconsumed_tail
        if not data and len(out) < _STEP:  # a full step may leave output pending inside zlib
            return


class _GzipStage:
    """gzip, including several members back to back (RFC 1952) and trailing zero padding."""

    def __init__(self) -> None:
        self._obj: zlib._Decompress | None = None

    def feed(self, data: bytes, emit: Emit) -> None:
        while data:
            if self._obj is None:
                data = data.lstrip(b"\0")
                if not data:
                    return
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            _inflate(self._obj, data, emit)
            if not self._obj.eof:
                return
            data, self._obj = self._obj.unused_data, None


class _DeflateStage:
    """HTTP "deflate": zlib-wrapped per the RFC, though some servers send it raw."""

    def __init__(self) -> None:
        self._obj: zlib._Decompress | None = None
        self._head = b""

    def feed(self, data: bytes, emit: Emit) -> None:
        if self._obj is None:
            self._head += data
            if len(self._head) < 2:  # the zlib header is two bytes
                return
            data, self._head = self._head, b""
            wrapped = (data[0] & 0x0F) == 8 and int.from_bytes(data[:2], "big") % 31 == 0
            self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        _inflate(self._obj, data, emit)


class _BrotliStage:
    def __init__(self) -> None:
        self._decoder = brotli.Decompressor()

    def feed(self, data: bytes, emit: Emit) -> None:
        out = self._decoder.process(data, output_buffer_limit=_STEP)
        while True:
            emit(out)
            if self._decoder.can_accept_more_data() or self._decoder.is_finished() or not out:
                return
            out = self._decoder.process(b"", output_buffer_limit=_STEP)


class _ZstdStage:
    """zstd through a stream writer, whose ``write`` callbacks arrive one bounded chunk at a time
    (zstandard's decompressobj returns a call's whole output at once, which a bomb abuses)."""

    def __init__(self) -> None:
        decompressor = zstandard.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW)
        # zstandard wants a file object; it only ever calls this class's ``write``.
        self._writer = decompressor.stream_writer(cast(IO[bytes], self), write_size=_STEP)
        self._emit: Emit = _discard

    def feed(self, data: bytes, emit: Emit) -> None:
        self._emit = emit
        self._writer.write(data)

    def write(self, chunk: bytes) -> int:  # called by zstandard with decoded output
        self._emit(bytes(chunk))
        return len(chunk)


def _discard(data: bytes) -> None:
    return None


_STAGES: dict[str, Callable[[], _Stage]] = {
    "gzip": _GzipStage,
    "x-gzip": _GzipStage,
    "deflate": _DeflateStage,
    "br": _BrotliStage,
    "zstd": _ZstdStage,
}
_CODEC_ERRORS = (zlib.error, brotli.error, zstandard.ZstdError)


def _codings(header: str | None) -> list[str]:
    """The Content-Encoding codings in the order applied; _BadEncoding if we cannot undo them."""
    tokens = [t.strip().lower() for t in (header or "").split(",")]
    codings = [t for t in tokens if t and t != "identity"]
    for coding in codings:
        if coding not in _STAGES:
            raise _BadEncoding(f"it uses the unsupported content encoding {coding[:40]!r}")
    if len(codings) > _MAX_CODING_LAYERS:
        raise _BadEncoding(f"it stacks {len(codings)} content encodings")
    return codings


class _Decoder:
    """Undo the codings last-applied first; every stage's output and the body are capped."""

    def __init__(self, codings: list[str], cap: int) -> None:
        self._stages = [_STAGES[c]() for c in reversed(codings)]
        self._produced = [0] * len(self._stages)
        self._cap = cap
        self._body = bytearray()

    @property
    def body(self) -> bytes:
        return bytes(self._body)

    def feed(self, data: bytes) -> None:
        try:
            self._push(0, data)
        except _CODEC_ERRORS:
            raise _BadEncoding("its compressed body is corrupt") from None

    def _push(self, index: int, data: bytes) -> None:
        if index == len(self._stages):
            self._body += data
            if len(self._body) > self._cap:
                raise _TooLarge
            return
        self._stages[index].feed(data, functools.partial(self._pass, index))

    def _pass(self, index: int, out: bytes) -> None:
        if not out:
            return
        self._produced[index] += len(out)
        if self._produced[index] > self._cap:
            raise _TooLarge
        self._push(index + 1, out)


# ----------------------------------------------------------------------------- fetching


@dataclass(slots=True)
class _Call:
    """One caller request: what stays the same across its redirect hops."""

    method: str
    url: str
    headers: dict[str, str]
    secrets: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None

    def scrub(self, text: str) -> str:
        """``text`` with every secret header value (and each word of it) blanked out."""
        for value in self.secrets.values():
            for secret in (value, *value.split()):
                if len(secret) >= _MIN_SECRET:
                    text = text.replace(secret, "[redacted]")
        return text


@dataclass(frozen=True, slots=True)
class _Hop:
    method: str
    url: str
    content: bytes | None
    with_secrets: bool  # still on the original origin, never having left it


def _origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port


def _split_secrets(
    headers: Mapping[str, str] | None, secrets: Mapping[str, str] | None
) -> tuple[dict[str, str], dict[str, str]]:
    """(plain, secret) headers; credentials passed as plain headers are treated as secret."""
    plain = dict(headers or {})
    secret = dict(secrets or {})
    for name in [n for n in plain if n.lower() in _SENSITIVE]:
        secret[name] = plain.pop(name)
    return plain, secret


def _size(n: int) -> str:
    return f"{n / _MIB:g} MiB" if n >= _MIB else f"{n / 1024:g} KiB" if n >= 1024 else f"{n} B"


def _os_reason(exc: BaseException) -> str | None:
    """The OS's words for the failure under an httpx error ("Connection refused"), if any."""
    seen: BaseException | None = exc
    fallback: str | None = None
    for _ in range(8):  # httpx -> httpcore -> anyio -> OSError is the deepest chain seen
        if isinstance(seen, BaseExceptionGroup):
            seen = seen.exceptions[0]
        if seen is None:
            break
        if isinstance(seen, ssl.SSLError):  # its errno is an OpenSSL code, not the OS's
            verify = getattr(seen, "verify_message", None)
            return f"TLS failed: {verify or seen.reason or 'handshake error'}"
        if isinstance(seen, OSError):
            if isinstance(seen.errno, int) and seen.errno > 0:
                return os.strerror(seen.errno)  # asyncio's own strerror repeats the address
            fallback = fallback or seen.strerror or str(seen)
        seen = seen.__cause__ or seen.__context__
    return fallback


def _describe(exc: httpx.HTTPError) -> str:
    phrases: list[tuple[type[httpx.HTTPError], str]] = [
        (httpx.ConnectError, "could not connect"),
        (httpx.ReadError, "the connection broke while reading"),
        (httpx.WriteError, "the connection broke while sending"),
        (httpx.RemoteProtocolError, "the server broke the HTTP protocol"),
    ]
    phrase = next((p for t, p in phrases if isinstance(exc, t)), "the request failed")
    detail = _os_reason(exc)
    return f"{phrase} ({detail})" if detail else phrase


_ADVICE: dict[FetchReason, str] = {
    "blocked_address": "Sources must be on public addresses; set allow_private_addresses = true "
    "under [network] only for hosts you trust.",
    "too_large": "Check that the URL points at a feed or API, or raise max_bytes under [network].",
    "timeout": "The server is slow or stalled; it is tried again at the next poll, or raise "
    "timeout under [network].",
    "too_many_redirects": "Open the URL in a browser and use the address it ends at.",
    "bad_encoding": "The server sent a body listenpost cannot decode safely; try another URL.",
    "network": "Check the address and your connection; it is tried again at the next poll.",
    "bad_url": "Use an absolute http:// or https:// URL.",
}


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a pool whose every TCP connect goes through GuardedBackend."""

    def __init__(self, backend: netguard.GuardedBackend) -> None:
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context, trust_env=False)
        # Private API (httpx's _pool; tests/test_private_apis.py): httpx 0.28 has no public way
        # to pass a network backend, so the pool it built is swapped for the same pool over the
        # guarded backend (httpx is pinned <0.29).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=100,  # httpx's defaults
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


def guarded_transport(policy: NetworkPolicy) -> httpx.AsyncBaseTransport:
    """The transport Fetcher uses by default: connections only to addresses ``policy`` allows."""
    backend = netguard.GuardedBackend(
        allow_private=policy.allow_private_addresses,
        allowed_networks=netguard.parse_networks(policy.allowed_networks),
    )
    return _GuardedTransport(backend)


class Fetcher:
    """One hardened HTTP client for the life of the process (pooled connections).

    Requests go straight to the transport, not through ``httpx.AsyncClient``: every hop is
    checked, counted and followed here anyway, and the client's remaining work per request
    (merging defaults, auth and redirect hooks, a cookie jar shared by every source) was a
    fifth of a poll's CPU time on unchanged feeds. No cookie is kept or sent unless an adapter
    passes one; no proxy or netrc from the environment can route around the guard.
    """

    def __init__(
        self, policy: NetworkPolicy, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._policy = policy
        self._networks = netguard.parse_networks(policy.allowed_networks)
        self._transport = transport or guarded_transport(policy)
        self._timeout = httpx.Timeout(policy.timeout, connect=policy.connect_timeout).as_dict()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        secret_headers: Mapping[str, str] | None = None,
    ) -> Response:
        """GET ``url``; validators make it conditional (a 304 comes back as a Response)."""
        plain, secrets = _split_secrets(headers, secret_headers)
        if etag:
            plain["If-None-Match"] = etag
        if last_modified:
            plain["If-Modified-Since"] = last_modified
        return await self._fetch(_Call("GET", url, plain, secrets))

    async def post_json(
        self,
        url: str,
        payload: Mapping[str, object],
        *,
        secret_headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST ``payload`` as JSON under the same caps. A 307/308 to another origin is returned,
        not followed, because following it would resend the body (a password) to that origin."""
        plain, secrets = _split_secrets({"Accept": "application/json"}, secret_headers)
        content = json.dumps(payload, separators=(",", ":")).encode()
        return await self._fetch(_Call("POST", url, plain, secrets, content))

    async def _fetch(self, call: _Call) -> Response:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self._policy.timeout):
                return await self._follow(call, started)
        except TimeoutError:
            detail = f"no complete response within {self._policy.timeout:g} s"
            raise self._error("timeout", call, detail) from None

    async def _follow(self, call: _Call, started: float) -> Response:
        hop = _Hop(call.method, call.url, call.content, with_secrets=True)
        for _ in range(self._policy.max_redirects + 1):
            parsed = await self._check(call, hop.url)
            raw = await self._open(call, hop, parsed)
            target = self._redirect_target(call, hop, raw)
            if target is None:
                return await self._finish(call, hop.url, raw, started)
            await raw.aclose()
            log.debug("redirect %s -> %s", display_url(hop.url), display_url(target))
            hop = self._next_hop(call, hop, raw.status_code, target)
        detail = f"it redirected more than {self._policy.max_redirects} times (a loop?)"
        raise self._error("too_many_redirects", call, detail)

    async def _check(self, call: _Call, url: str) -> httpx.URL:
        """``url`` parsed once (for the check and the request alike), if the guard allows it."""
        policy = self._policy
        try:
            parsed = netguard.parse_url(url)
            await netguard.check_url(
                parsed, allow_private=policy.allow_private_addresses,
                allowed_networks=self._networks,
            )
        except netguard.BadUrlError as exc:
            raise self._error("bad_url", call, str(exc), hop=url) from None
        except netguard.ResolutionError as exc:
            raise self._error("network", call, str(exc), hop=url) from None
        except netguard.BlockedAddressError as exc:
            raise self._error("blocked_address", call, str(exc), hop=url) from None
        return parsed

    async def _open(self, call: _Call, hop: _Hop, url: httpx.URL) -> httpx.Response:
        """Send one hop and return the response with its body still unread."""
        headers = httpx.Headers({"Accept": "*/*"})
        headers.update(call.headers)
        if hop.with_secrets:
            headers.update(call.secrets)
        if hop.content is not None:
            headers["Content-Type"] = "application/json"
        headers["User-Agent"] = _user_agent(call.headers, self._policy.user_agent)
        headers["Accept-Encoding"] = _ACCEPT_ENCODING
        request = httpx.Request(
            hop.method, url, headers=headers, content=hop.content,
            extensions={"timeout": self._timeout},
        )
        try:
            raw = await self._transport.handle_async_request(request)
        except (httpx.HTTPError, netguard.BlockedAddressError) as exc:
            raise self._transport_error(call, hop.url, exc) from None
        await self._check_headers(call, hop.url, raw)
        log.debug("%s %s -> %d", hop.method, display_url(hop.url), raw.status_code)
        return raw

    def _transport_error(self, call: _Call, url: str, exc: Exception) -> FetchError:
        if isinstance(exc, netguard.BlockedAddressError):
            return self._error("blocked_address", call, str(exc), hop=url)
        if isinstance(exc, httpx.TimeoutException):
            return self._error("timeout", call, "the server did not answer in time", hop=url)
        if isinstance(exc, httpx.RemoteProtocolError) and "too long" in str(exc):
            # h11 refuses a header block over httpcore's 100 KiB buffer with "Receive buffer too
            # long"; that is the huge-headers attack, so it is reported as such.
            detail = "its response headers are too large"
            return self._error("too_large", call, detail, hop=url)
        assert isinstance(exc, httpx.HTTPError)
        return self._error("network", call, _describe(exc), hop=url)

    async def _check_headers(self, call: _Call, url: str, raw: httpx.Response) -> None:
        size = sum(len(name) + len(value) + 4 for name, value in raw.headers.raw)  # ": " + CRLF
        if size > self._policy.max_header_bytes:
            await raw.aclose()
            limit = _size(self._policy.max_header_bytes)
            detail = f"its response headers are larger than {limit}"
            raise self._error("too_large", call, detail, hop=url)

    def _redirect_target(self, call: _Call, hop: _Hop, raw: httpx.Response) -> str | None:
        """Where a redirect points, or None when the response is to be returned as it is."""
        location = raw.headers.get("location")
        if raw.status_code not in _REDIRECTS or not location:
            return None
        try:
            target = httpx.URL(hop.url).join(location.strip()).copy_with(fragment=None)
        except (httpx.InvalidURL, ValueError):
            detail = "it redirected to an invalid address"
            raise self._error("bad_url", call, detail, hop=hop.url) from None
        keeps_body = raw.status_code in (307, 308) and hop.content is not None
        if keeps_body and _origin(target) != _origin(call.url):
            return None
        return str(target)

    def _next_hop(self, call: _Call, hop: _Hop, status: int, target: str) -> _Hop:
        method, content = hop.method, hop.content
        if status == 303 or (status in (301, 302) and method == "POST"):
            method, content = "GET", None  # what browsers do; the body is not resent
        same_origin = hop.with_secrets and _origin(target) == _origin(call.url)
        return _Hop(method, target, content, with_secrets=same_origin)

    async def _finish(self, call: _Call, url: str, raw: httpx.Response, started: float) -> Response:
        try:
            body = await self._read_body(call, url, raw)
        finally:
            await raw.aclose()
        headers = {name.lower(): value for name, value in raw.headers.items()}
        if _codings(headers.get("content-encoding")):
            # The body is decoded now; no consumer may decode it again or trust the raw length.
            headers.pop("content-encoding")
            headers.pop("content-length", None)
        return Response(
            url=url,
            status=raw.status_code,
            headers=headers,
            body=body,
            elapsed=time.monotonic() - started,
            max_retry_after=self._policy.max_retry_after,
        )

    async def _read_body(self, call: _Call, url: str, raw: httpx.Response) -> bytes:
        cap = self._policy.max_bytes
        too_large = f"the response is larger than {_size(cap)}"
        declared = raw.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared[:20]) > cap:
            raise self._error("too_large", call, too_large, hop=url)
        try:
            decoder = _Decoder(_codings(raw.headers.get("content-encoding")), cap)
            received = 0
            async for chunk in raw.aiter_raw():
                received += len(chunk)
                if received > cap:  # compressed bytes are capped too: no endless zero-output
                    raise _TooLarge
                decoder.feed(chunk)
        except _TooLarge:
            raise self._error("too_large", call, too_large, hop=url) from None
        except _BadEncoding as exc:
            raise self._error("bad_encoding", call, str(exc), hop=url) from None
        except httpx.HTTPError as exc:
            raise self._transport_error(call, url, exc) from None
        return decoder.body

    def _error(
        self, reason: FetchReason, call: _Call, detail: str, *, hop: str | None = None
    ) -> FetchError:
        where = display_url(call.url)
        if hop is not None and display_url(hop) != where:
            detail = f"{detail} (after a redirect to {display_url(hop)})"
        message = call.scrub(f"Could not fetch {where}: {detail}. {_ADVICE[reason]}")
        log.debug("fetch failed (%s): %s", reason, message)
        return FetchError(message, reason=reason, url=where)
