"""Item 3: hostile HTTP servers against the real ``listenpost --export``, all in one poll.

Decompression bombs in every advertised coding and stacked, a one-byte-a-second drip, stalls
before and after the headers, redirect loops, redirects to loopback and to the cloud metadata
address, obfuscated spellings of a loopback address, huge headers, a 429 with an absurd
Retry-After and a 304 nobody asked for: each must become that source's error (or a harmless
status) within the 4 s request deadline, beside a healthy feed that polls normally.

The config allows only 127.0.0.1 (``allowed_networks``, private addresses off), so the
"public name" of a real attack is played by the one allowed address, and a ``Witness`` server
on 127.0.0.2 proves that nothing the guard refuses is ever connected to. Unit tests of each
defence: tests/test_fetch.py, tests/test_fetch_encodings.py, tests/test_netguard.py.
"""

from __future__ import annotations

import asyncio
import gzip
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.adversarial.harness import (
    Run,
    Src,
    Witness,
    assert_survivors,
    export_document,
    healthy_source,
    report,
    run_cli,
    seed,
    sources_of,
    write_config,
)
from tests.loopback import LoopbackServer, Reply, Request
from tests.test_fetch_encodings import BUILDERS

BOMB_MIB = 512  # decodes to 512 MiB of zeros against the default 15 MiB cap
SIX_HOURS = 6 * 3600  # core.net.fetch clamps Retry-After to this
STALL = 15.0  # seconds a stalled handler holds its (daemon) thread; well past the 4 s deadline


def stall_before_headers(request: Request) -> Reply:
    time.sleep(STALL)
    return Reply(200, b"")


@dataclass(frozen=True, slots=True)
class Expect:
    """What the export must say about one hostile source."""

    status: str
    words: str  # a phrase its message must contain


def hostile_routes(server: LoopbackServer, witness: Witness) -> dict[str, tuple[str, Expect]]:
    """name -> (url, expectation) for every HTTP attack."""
    too_large = Expect("error", "larger than 15 MiB")
    timeout = Expect("error", "no complete response within 4 s")
    blocked = Expect("error", "a loopback address")
    bombs = {f"bomb-{c}": (Reply(200, build(BOMB_MIB), {"Content-Encoding": c}), too_large)
             for c, build in BUILDERS.items()}
    gzip_bomb = BUILDERS["gzip"](BOMB_MIB)
    there = f"http://127.0.0.2:{witness.port}"
    routes: dict[str, tuple[Reply | object, Expect]] = {
        **bombs,
        "stacked-bomb": (Reply(200, gzip.compress(gzip_bomb), {"Content-Encoding": "gzip, gzip"}),
                         too_large),
        "three-codings": (Reply(200, gzip.compress(gzip.compress(gzip.compress(b"x"))),
                                {"Content-Encoding": "gzip, gzip, gzip"}),
                          Expect("error", "stacks 3 content encodings")),
        "drip": (Reply(200, (b"<" for _ in range(600)), chunk_delay=1.0), timeout),
        "stall-after-headers": (Reply(200, iter([b"<rss>", b"</rss>"]), chunk_delay=STALL),
                                timeout),
        "stall-before-headers": (stall_before_headers, timeout),
        "redirect-loop": (Reply(302, b"", {"Location": "/redirect-loop"}),
                          Expect("error", "redirected more than 5 times")),
        "ping": (Reply(302, b"", {"Location": "/pong"}), Expect("error", "redirected more than")),
        "redirect-metadata": (Reply(302, b"", {"Location": "http://169.254.169.254/latest/"}),
                              Expect("error", "cloud metadata address")),
        "redirect-metadata-decimal": (Reply(302, b"", {"Location": "http://2852039166/latest/"}),
                                      Expect("error", "cloud metadata address")),
        "redirect-loopback": (Reply(301, b"", {"Location": f"{there}/feed"}), blocked),
        "redirect-ipv6-loopback": (Reply(307, b"", {"Location": f"http://[::1]:{server.port}/"}),
                                   blocked),
        "huge-headers": (Reply(200, b"", {f"X-Junk-{i}": "j" * 1000 for i in range(100)}),
                         Expect("error", "headers are larger than 64 KiB")),
        "one-huge-header": (Reply(200, b"", {"X-Junk": "j" * 200_000}),
                            Expect("error", "headers are")),
        "retry-after-digits": (Reply(429, b"", {"Retry-After": "9" * 5000}),
                               Expect("throttled", "rate-limiting")),
        "retry-after-year-9999": (Reply(429, b"", {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}),
                                  Expect("throttled", "rate-limiting")),
        "unasked-304": (Reply(304, b"", {}), Expect("not_modified", "")),
    }
    server.route("/pong", Reply(302, b"", {"Location": "/ping"}))
    urls = {name: (server.route(f"/{name}", reply), expect)  # type: ignore[arg-type]
            for name, (reply, expect) in routes.items()}
    return {**urls, **obfuscated(witness, blocked)}


def obfuscated(witness: Witness, blocked: Expect) -> dict[str, tuple[str, Expect]]:
    """127.0.0.2 (the witness) spelled every way a resolver or URL parser accepts."""
    port = witness.port
    spellings = {"decimal": "2130706434", "hex-short": "0x7f.2", "two-part": "127.2",
                 "octal": "0177.0.0.02", "ipv4-mapped": "[::ffff:127.0.0.2]",
                 "ipv4-mapped-hex": "[::ffff:7f00:2]"}
    # httpx refuses the octal spelling as an invalid URL before any lookup: refused all the same.
    words = {"octal": "not a valid URL"}
    return {f"host-{name}": (f"http://{host}:{port}/feed",
                             Expect("error", words.get(name, blocked.words)))
            for name, host in spellings.items()}


@dataclass(frozen=True, slots=True)
class Outcome:
    run: Run
    document: dict[str, object]
    expectations: dict[str, Expect]
    witness: list[str]
    throttled_until: dict[str, int]
    polled_at: float


@pytest.fixture(scope="module")
def outcome(server: LoopbackServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    """Serve every HTTP attack and poll them all once through the CLI."""
    tmp = tmp_path_factory.mktemp("http")
    witness = Witness()
    try:
        routes = hostile_routes(server, witness)
        sources = [healthy_source(server)] + [Src(n, url) for n, (url, _) in routes.items()]
        config = write_config(tmp / "config.toml", sources)
        db, out = tmp / "listen.db", tmp / "out.json"
        asyncio.run(seed(db))
        polled_at = time.time()
        run = run_cli("--config", str(config), "--db", str(db), "--export", str(out))
        report(f"HTTP attacks ({len(routes)} sources, one CLI run)", run.seconds, run.peak_mib)
        with sqlite3.connect(db) as con:
            throttled = dict(con.execute("SELECT name, throttled_until FROM sources "
                                         "WHERE throttled_until IS NOT NULL").fetchall())
        yield Outcome(run, export_document(out), {n: e for n, (_, e) in routes.items()},
                      list(witness.requests), throttled, polled_at)
    finally:
        witness.stop()


NAMES = [*(f"bomb-{c}" for c in ("br", "deflate", "gzip", "zstd")), "stacked-bomb",
         "three-codings", "drip", "stall-after-headers", "stall-before-headers", "redirect-loop",
         "ping", "redirect-metadata", "redirect-metadata-decimal", "redirect-loopback",
         "redirect-ipv6-loopback", "huge-headers", "one-huge-header", "retry-after-digits",
         "retry-after-year-9999", "unasked-304",
         *(f"host-{n}" for n in ("decimal", "hex-short", "two-part", "octal", "ipv4-mapped",
                                 "ipv4-mapped-hex"))]


@pytest.mark.parametrize("name", NAMES)
def test_http_attack_becomes_that_sources_status(outcome: Outcome, name: str) -> None:
    """It should turn the attack into a clear status and message for that source alone."""
    expect = outcome.expectations[name]
    entry = sources_of(outcome.document)[name]
    assert entry["status"] == expect.status, entry
    message = str(entry["error"] or entry["warning"] or "")
    assert expect.words in message, entry


def test_http_attacks_leave_the_healthy_source_and_stored_mentions(outcome: Outcome) -> None:
    """It should poll the healthy feed and keep stored mentions, in bounded time and memory."""
    assert outcome.run.returncode == 1, outcome.run.stderr
    assert_survivors(outcome.document)
    assert outcome.run.seconds < 40  # unguarded: the drip alone holds the poll for 10 minutes
    assert outcome.run.peak_mib < 250  # unguarded, each bomb inflates to 512 MiB


def test_refused_addresses_are_never_connected_to(outcome: Outcome) -> None:
    """It should never reach the 127.0.0.2 witness, however its address is spelled."""
    assert outcome.witness == []


def test_absurd_retry_after_is_clamped_to_six_hours(outcome: Outcome) -> None:
    """It should store a throttle of at most six hours for Retry-After 9…9 or the year 9999."""
    for name in ("retry-after-digits", "retry-after-year-9999"):
        until = outcome.throttled_until[name]
        assert outcome.polled_at < until <= outcome.polled_at + SIX_HOURS + 120, name


async def test_auth_header_is_not_forwarded_across_origins(
        loopback: LoopbackServer, tmp_path: Path) -> None:
    """It should send the Mastodon token to the instance only, not to where it redirects."""
    other = LoopbackServer().start()
    try:
        path = "/api/v1/timelines/tag/northwind"
        other.route(path, Reply(200, b"[]", {"Content-Type": "application/json"}))
        loopback.route(path, Reply(302, b"", {"Location": other.url(path) + "?limit=40"}))
        source = Src("mastodon", loopback.url(""), "mastodon",
                     'tag = "northwind"\ntoken_env = "LP_ADV_TOKEN"')
        config = write_config(tmp_path / "c.toml", [healthy_source(loopback), source])
        db, out = tmp_path / "lp.db", tmp_path / "out.json"
        await seed(db)
        run = await asyncio.to_thread(run_cli, "--config", str(config), "--db", str(db),
                                      "--export", str(out), env={"LP_ADV_TOKEN": "tok-3f9a1c"})
        report("cross-origin redirect with a token", run.seconds, run.peak_mib)
    finally:
        other.stop()
    assert loopback.hits(path)[0].headers.get("authorization") == "Bearer tok-3f9a1c"
    assert other.hits(path) and all("authorization" not in r.headers for r in other.hits(path))
    document = export_document(out)
    assert sources_of(document)["mastodon"]["status"] == "ok"
    assert_survivors(document)
    assert run.seconds < 30
