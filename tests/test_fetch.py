"""The hardened fetch client over real loopback HTTP: statuses, validators, redirects, deadlines,
caps, secrets. Decoding and bombs are in test_fetch_encodings.py."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from email.utils import formatdate

import httpx
import pytest

from core.net import guard as netguard
from core.net.fetch import Fetcher, FetchError, guarded_transport, parse_retry_after
from core.net.policy import NetworkPolicy
from tests.loopback import LoopbackServer, Reply, Request

LOOPBACK = NetworkPolicy(allow_private_addresses=True, timeout=5.0)
ONLY_127_0_0_1 = NetworkPolicy(allowed_networks=("127.0.0.1/32",), timeout=5.0)
HEADER_SECRET = "tok-4f1b9c2e77"
QUERY_SECRET = "qs-90af11d3"


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(LOOPBACK) as client:
        yield client


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    """Two loopback servers for the module (each takes 0.5 s to shut down): same host,
    different ports, so different origins."""
    running = (LoopbackServer().start(), LoopbackServer().start())
    yield running
    for server in running:
        server.stop()


def _fresh(server: LoopbackServer) -> LoopbackServer:
    server.routes.clear()
    server.requests.clear()
    return server


@pytest.fixture
def loopback(servers: tuple[LoopbackServer, LoopbackServer]) -> LoopbackServer:
    """The first server, with no routes and an empty request log."""
    return _fresh(servers[0])


@pytest.fixture
def other(servers: tuple[LoopbackServer, LoopbackServer]) -> LoopbackServer:
    """The second server (another origin), with no routes and an empty request log."""
    return _fresh(servers[1])


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of a test so stalled server threads finish."""
    event = threading.Event()
    yield event
    event.set()


async def _fails(client: Fetcher, url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await client.get(url, **kwargs)  # type: ignore[arg-type]
    return caught.value


# ----------------------------------------------------------------------------- basics


async def test_ok_response_carries_body_headers_and_validators(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should return status, body, lower-case headers and the validators of a 200."""
    headers = {"Content-Type": "application/rss+xml", "ETag": '"v1"', "Last-Modified": "Mon"}
    url = loopback.route("/feed", Reply(200, b"<rss/>", headers))
    response = await fetcher.get(url)
    assert (response.status, response.body, response.url) == (200, b"<rss/>", url)
    assert response.headers["content-type"] == "application/rss+xml"
    assert (response.etag, response.last_modified) == ('"v1"', "Mon")
    assert 0 < response.elapsed < 5


async def test_user_agent_and_accept_encoding_are_ours(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should name listenpost and advertise only bounded codings, whatever the caller says."""
    url = loopback.route("/", Reply(200, b"ok"))
    caller = {"User-Agent": "curl", "Accept-Encoding": "compress", "Accept": "application/json"}
    await fetcher.get(url, headers=caller)
    sent = loopback.hits("/")[0].headers
    assert sent["user-agent"].startswith("listenpost/")
    assert sent["accept-encoding"] == "gzip, deflate, br, zstd"
    assert sent["accept"] == "application/json"


async def test_no_cookie_is_kept_between_requests(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should send no cookie a server set earlier: sources share one client, not a session."""
    url = loopback.route("/c", Reply(200, b"ok", headers={"Set-Cookie": "sid=abc123; Path=/"}))
    await fetcher.get(url)
    await fetcher.get(url)
    first, second = (hit.headers for hit in loopback.hits("/c"))
    assert "cookie" not in second and first["accept"] == "*/*"


async def test_conditional_get_sends_validators_and_returns_304(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should send If-None-Match and If-Modified-Since and hand back the server's 304."""
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"

    def handler(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v7"':
            return Reply(304)
        return Reply(200, b"<feed/>", {"ETag": '"v7"', "Last-Modified": stamp})

    url = loopback.route("/feed", handler)
    first = await fetcher.get(url)
    second = await fetcher.get(url, etag=first.etag, last_modified=first.last_modified)
    assert (first.status, second.status, second.body) == (200, 304, b"")
    sent = loopback.hits("/feed")[1].headers
    assert (sent["if-none-match"], sent["if-modified-since"]) == ('"v7"', stamp)
    assert "if-none-match" not in loopback.hits("/feed")[0].headers


async def test_304_without_validators_is_still_a_response(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should return a 304 the server sent unasked; the caller decides what it means."""
    response = await fetcher.get(loopback.route("/", Reply(304)))
    assert (response.status, response.body) == (304, b"")


async def test_server_error_is_a_response(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should return a 500 with its body rather than raising."""
    response = await fetcher.get(loopback.route("/", Reply(500, b"boom")))
    assert (response.status, response.body) == (500, b"boom")


# ----------------------------------------------------------------------------- Retry-After


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120),
        ("99999999999", 3600),
        ("9" * 5000, 3600),  # int() of this many digits raises in Python 3.11
        ("Sun, 06 Nov 1994 08:49:37 GMT", 0),
        ("Fri, 01 Jan 2100 00:00:00 GMT", 3600),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("", None),
        (None, None),
        ("١٢٠", None),  # Arabic-Indic digits pass str.isdigit but are not HTTP
    ],
)
def test_retry_after_is_parsed_and_clamped(value: str | None, expected: int | None) -> None:
    """It should parse seconds or an HTTP-date, clamp to the bound, and drop garbage."""
    assert parse_retry_after(value, bound=3600, now=time.time()) == expected


def test_retry_after_date_is_measured_against_server_date() -> None:
    """It should measure an HTTP-date against the server's Date, so clock skew does not matter."""
    server_now = 1_000_000_000.0
    value = formatdate(server_now + 90, usegmt=True)
    server_date = formatdate(server_now, usegmt=True)
    assert parse_retry_after(value, bound=3600, server_date=server_date, now=0.0) == 90


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [("30", 30, 30), ("date+90", 88, 90), ("31536000", 3600, 3600)],
)
async def test_429_retry_after_over_http(
    loopback: LoopbackServer, retry_after: str, low: int, high: int
) -> None:
    """It should return a 429 whose Retry-After (seconds or date) is clamped by the policy."""
    if retry_after == "date+90":
        retry_after = formatdate(time.time() + 90, usegmt=True)
    url = loopback.route("/", Reply(429, b"slow down", {"Retry-After": retry_after}))
    policy = NetworkPolicy(allow_private_addresses=True, timeout=5.0, max_retry_after=3600)
    async with Fetcher(policy) as client:
        response = await client.get(url)
    assert response.status == 429
    assert response.retry_after is not None and low <= response.retry_after <= high


# ----------------------------------------------------------------------------- redirects


def _chain(server: LoopbackServer, name: str, hops: int) -> str:
    """``hops`` redirects (relative and absolute, mixed statuses) ending in a 200."""
    statuses = [301, 302, 303, 307, 308]
    for i in range(hops):
        target = f"/{name}{i + 1}" if i % 2 else server.url(f"/{name}{i + 1}")
        server.route(f"/{name}{i}", Reply(statuses[i % 5], b"", {"Location": target}))
    server.route(f"/{name}{hops}", Reply(200, b"landed"))
    return server.url(f"/{name}0")


async def test_five_redirects_are_followed(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should follow up to five redirects and report the final URL."""
    response = await fetcher.get(_chain(loopback, "r", 5))
    assert (response.status, response.body, response.url) == (200, b"landed", loopback.url("/r5"))


async def test_sixth_redirect_is_refused(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should refuse a sixth redirect without requesting its target."""
    error = await _fails(fetcher, _chain(loopback, "r", 6))
    assert error.reason == "too_many_redirects"
    assert loopback.hits("/r6") == []


async def test_redirect_loop_is_refused(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should stop a redirect loop after the redirect limit."""
    loopback.route("/a", Reply(302, b"", {"Location": "/b"}))
    loopback.route("/b", Reply(302, b"", {"Location": "/a"}))
    error = await _fails(fetcher, loopback.url("/a"))
    assert error.reason == "too_many_redirects"
    assert len(loopback.requests) == 6
    assert "loop" in error.message


async def test_redirect_without_location_is_returned(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should return a redirect status that has no Location as a plain response."""
    response = await fetcher.get(loopback.route("/", Reply(302, b"nowhere")))
    assert (response.status, response.body) == (302, b"nowhere")


async def test_first_hop_allowed_by_network_list(loopback: LoopbackServer) -> None:
    """It should allow a private address that the policy's allowed networks list."""
    async with Fetcher(ONLY_127_0_0_1) as client:
        response = await client.get(loopback.route("/", Reply(200, b"ok")))
    assert response.body == b"ok"


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/x",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[fd00:ec2::254]/latest/",
        "http://2130706434:{port}/x",  # 127.0.0.2 as one number
        "http://0x7f.0.0.2:{port}/x",
        "http://127.2:{port}/x",
        "http://[::ffff:127.0.0.2]:{port}/x",
        "http://[::1]:{port}/x",
        "http://0:{port}/x",
        "http://10.0.0.1/x",
    ],
)
async def test_redirect_to_private_target_is_refused(loopback: LoopbackServer, target: str) -> None:
    """It should re-check each hop and refuse a redirect to any address not allowed."""
    location = target.format(port=loopback.port)
    url = loopback.route("/start", Reply(302, b"", {"Location": location}))
    async with Fetcher(ONLY_127_0_0_1) as client:
        error = await _fails(client, url)
    assert error.reason == "blocked_address"
    assert "after a redirect to" in error.message and "/start" in error.message
    assert len(loopback.requests) == 1


async def test_redirect_to_other_scheme_is_bad_url(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should refuse a redirect to file:// or any non-http scheme."""
    url = loopback.route("/", Reply(302, b"", {"Location": "file:///etc/passwd"}))
    assert (await _fails(fetcher, url)).reason == "bad_url"


async def test_connection_is_pinned_to_checked_address(loopback: LoopbackServer) -> None:
    """It should refuse at connect time too, so a name that re-resolves cannot slip through."""
    loopback.route("/", Reply(200, b"ok"))
    async with httpx.AsyncClient(transport=guarded_transport(ONLY_127_0_0_1)) as client:
        assert (await client.get(loopback.url("/"))).text == "ok"
        with pytest.raises(netguard.BlockedAddressError):
            await client.get(f"http://127.0.0.2:{loopback.port}/")
    assert len(loopback.requests) == 1


# ----------------------------------------------------------------------------- secrets


async def test_secret_headers_stay_on_the_original_origin(
    fetcher: Fetcher, loopback: LoopbackServer, other: LoopbackServer
) -> None:
    """It should send secret and Authorization headers only to the origin they were meant for."""
    loopback.route("/start", Reply(302, b"", {"Location": "/same"}))
    loopback.route("/same", Reply(302, b"", {"Location": other.url("/away")}))
    other.route("/away", Reply(302, b"", {"Location": loopback.url("/back")}))
    loopback.route("/back", Reply(200, b"ok"))
    await fetcher.get(
        loopback.url("/start"),
        headers={"Accept": "application/json", "Authorization": f"Bearer {HEADER_SECRET}"},
        secret_headers={"X-Api-Key": HEADER_SECRET},
    )
    for path in ("/start", "/same"):
        sent = loopback.hits(path)[0].headers
        assert sent["x-api-key"] == HEADER_SECRET and HEADER_SECRET in sent["authorization"]
    for sent in (other.hits("/away")[0].headers, loopback.hits("/back")[0].headers):
        assert "x-api-key" not in sent and "authorization" not in sent
        assert sent["accept"] == "application/json"


async def test_error_messages_hold_no_secrets(loopback: LoopbackServer) -> None:
    """It should keep query strings, user info and secret header values out of messages."""
    loopback.route("/big", Reply(200, bytes(2048)))
    policy = NetworkPolicy(allow_private_addresses=True, timeout=5.0, max_bytes=1024)
    url = f"http://user:pw-{QUERY_SECRET}@127.0.0.1:{loopback.port}/big?access_token={QUERY_SECRET}"
    async with Fetcher(policy) as client:
        secret = {"Authorization": f"Bearer {HEADER_SECRET}"}
        error = await _fails(client, url, secret_headers=secret)
    assert error.reason == "too_large"
    assert f"127.0.0.1:{loopback.port}/big" in error.message and "1 KiB" in error.message
    for leak in (QUERY_SECRET, HEADER_SECRET, "access_token", "user:"):
        assert leak not in error.message and leak not in str(error) and leak not in error.url


async def test_secret_echoed_into_failure_detail_is_redacted(loopback: LoopbackServer) -> None:
    """It should blank a secret header value even if a server echoes it into an error detail."""
    evil = f"{HEADER_SECRET}, x"
    url = loopback.route("/", Reply(200, b"x", {"Content-Encoding": evil}))
    async with Fetcher(LOOPBACK) as client:
        error = await _fails(client, url, secret_headers={"X-Token": HEADER_SECRET})
    assert error.reason == "bad_encoding"
    assert HEADER_SECRET not in error.message and "[redacted]" in error.message


# ----------------------------------------------------------------------------- POST


async def test_post_json_sends_json(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should POST the payload as JSON and return the response."""
    url = loopback.route("/session", Reply(200, b'{"accessJwt": "a"}'))
    response = await fetcher.post_json(url, {"identifier": "me", "password": "pw"})
    sent = loopback.hits("/session")[0]
    assert (sent.method, sent.headers["content-type"]) == ("POST", "application/json")
    assert int(sent.headers["content-length"]) == len(
        json.dumps({"identifier": "me", "password": "pw"}, separators=(",", ":"))
    )
    assert json.loads(response.body) == {"accessJwt": "a"}


async def test_post_body_is_not_resent_cross_origin(
    fetcher: Fetcher, loopback: LoopbackServer, other: LoopbackServer
) -> None:
    """It should return a cross-origin 307 to a POST instead of resending the body there."""
    url = loopback.route("/s", Reply(307, b"", {"Location": other.url("/steal")}))
    response = await fetcher.post_json(url, {"password": "pw"})
    assert response.status == 307
    assert other.requests == []


async def test_post_303_becomes_get(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should follow a 303 after a POST with a GET and no body."""
    url = loopback.route("/s", Reply(303, b"", {"Location": "/done"}))
    loopback.route("/done", Reply(200, b"done"))
    assert (await fetcher.post_json(url, {"a": 1})).body == b"done"
    done = loopback.hits("/done")[0]
    assert done.method == "GET" and "content-type" not in done.headers


# ----------------------------------------------------------------------------- caps and time


async def test_huge_headers_are_refused(loopback: LoopbackServer) -> None:
    """It should refuse headers over the cap, and over h11's own buffer, as too large."""
    loopback.route("/80k", Reply(200, b"", {"X-Big": "a" * 80_000}))
    loopback.route("/many", Reply(200, b"", {f"X-H{i}": "v" * 30 for i in range(3000)}))
    loopback.route("/300k", Reply(200, b"", {"X-Big": "a" * 300_000}))
    async with Fetcher(LOOPBACK) as client:
        for path in ("/80k", "/many", "/300k"):
            error = await _fails(client, loopback.url(path))
            assert error.reason == "too_large", path
            assert "headers" in error.message


async def test_50_mb_body_is_refused_by_the_cap(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should refuse a 50 MB body at the 15 MiB default, declared length or not."""
    chunk = bytes(1 << 20)
    loopback.route("/declared", Reply(200, chunk * 50))
    loopback.route("/streamed", lambda _: Reply(200, (chunk for _ in range(50))))
    for path in ("/declared", "/streamed"):
        started = time.monotonic()
        error = await _fails(fetcher, loopback.url(path))
        assert error.reason == "too_large"
        assert "15 MiB" in error.message
        assert time.monotonic() - started < 5


async def test_one_byte_per_second_drip_is_cut_at_the_deadline(loopback: LoopbackServer) -> None:
    """It should give up on a 1 byte/s body at the overall deadline, not per read."""
    url = loopback.route("/drip", lambda _: Reply(200, (b"x" for _ in range(600)), chunk_delay=1))
    policy = NetworkPolicy(allow_private_addresses=True, timeout=2.0)
    started = time.monotonic()
    async with Fetcher(policy) as client:
        error = await _fails(client, url)
    elapsed = time.monotonic() - started
    assert error.reason == "timeout" and "2 s" in error.message
    assert 1.9 <= elapsed < 10


async def test_stall_after_headers_is_cut(
    loopback: LoopbackServer, release: threading.Event
) -> None:
    """It should give up on a server that sends headers and then nothing."""

    def stall() -> Iterator[bytes]:
        yield b"<rss>"
        release.wait(30)

    url = loopback.route("/", lambda _: Reply(200, stall()))
    await _assert_times_out(url)


async def test_stall_before_headers_is_cut(
    loopback: LoopbackServer, release: threading.Event
) -> None:
    """It should give up on a server that accepts the connection and never answers."""

    def handler(_: Request) -> Reply:
        release.wait(30)
        return Reply(200)

    await _assert_times_out(loopback.route("/", handler))


async def test_deadline_covers_the_whole_redirect_chain(
    loopback: LoopbackServer, release: threading.Event
) -> None:
    """It should apply one deadline across redirects, not a fresh one per hop."""

    def slow_hop(request: Request) -> Reply:
        release.wait(0.5)
        return Reply(302, b"", {"Location": request.path + "x"})

    for path in ("/h", "/hx", "/hxx", "/hxxx", "/hxxxx"):
        loopback.route(path, slow_hop)
    await _assert_times_out(loopback.url("/h"))


async def _assert_times_out(url: str) -> None:
    policy = NetworkPolicy(allow_private_addresses=True, timeout=1.5)
    started = time.monotonic()
    async with Fetcher(policy) as client:
        error = await _fails(client, url)
    assert error.reason == "timeout"
    assert 1.4 <= time.monotonic() - started < 8


async def test_refused_connection_is_a_network_error(fetcher: Fetcher) -> None:
    """It should report a closed port as a network error naming the URL and the cause."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = await _fails(fetcher, f"http://127.0.0.1:{port}/feed?key=1")
    assert error.reason == "network"
    assert f"http://127.0.0.1:{port}/feed:" in error.message
    assert "refused" in error.message.lower()


async def test_tls_failure_is_a_network_error(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should report a failed TLS handshake as a network error that says TLS failed."""
    loopback.route("/", Reply(200, b"plain http"))
    error = await _fails(fetcher, f"https://127.0.0.1:{loopback.port}/")
    assert error.reason == "network" and "TLS failed" in error.message


async def test_bad_url_is_refused_before_any_connection(fetcher: Fetcher) -> None:
    """It should refuse a URL that is not absolute http(s)."""
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/", "not a url"):
        assert (await _fails(fetcher, url)).reason == "bad_url"


def test_policy_refuses_nonsense_limits() -> None:
    """It should refuse a zero byte cap, a negative redirect limit and a bad allowed network."""
    with pytest.raises(ValueError, match="max_bytes"):
        NetworkPolicy(max_bytes=0)
    with pytest.raises(ValueError, match="max_redirects"):
        NetworkPolicy(max_redirects=-1)
    with pytest.raises(ValueError, match="localhost"):
        NetworkPolicy(allowed_networks=("localhost",))
