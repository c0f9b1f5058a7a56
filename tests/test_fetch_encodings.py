"""Content decoding in the fetch client: every advertised coding, stacked codings, corrupt bodies,
and 1 GiB decompression bombs stopped at the byte cap in little time and memory."""

from __future__ import annotations

import gzip
import json
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import brotli
import pytest
import zstandard

from core.net.fetch import Fetcher, FetchError
from core.net.policy import NetworkPolicy
from tests.loopback import LoopbackServer, Reply

MIB = 1 << 20
BOMB_MIB = 1024  # every bomb decodes to 1 GiB of zeros
CAP = 4 * MIB  # above the largest bomb's compressed size, so the decoded cap is what stops it
TEXT = ("<item><title>Ærø café ☕ — listenpost</title></item>\n" * 2000).encode()
POLICY = NetworkPolicy(allow_private_addresses=True, timeout=10.0, max_bytes=CAP)


def _raw_deflate_zeros(mib: int) -> bytes:
    """Raw deflate of ``mib`` MiB of zeros, built from one full-flushed block repeated.

    After Z_FULL_FLUSH the compressor forgets its history, so each further MiB of zeros
    compresses to the same bytes; repeating them is the streaming output, made in milliseconds.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * mib + compressor.flush()


def _checksum(mib: int, function: Callable[[bytes, int], int], start: int) -> int:
    value, chunk = start, bytes(MIB)
    for _ in range(mib):
        value = function(chunk, value)
    return value


def gzip_zeros(mib: int) -> bytes:
    crc = _checksum(mib, zlib.crc32, 0)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # RFC 1952: deflate, no name, max level
    return header + _raw_deflate_zeros(mib) + struct.pack("<II", crc, (mib * MIB) & 0xFFFFFFFF)


def zlib_zeros(mib: int) -> bytes:
    adler = _checksum(mib, zlib.adler32, 1)
    return b"\x78\xda" + _raw_deflate_zeros(mib) + struct.pack(">I", adler)  # RFC 1950 framing


def brotli_zeros(mib: int) -> bytes:
    compressor = brotli.Compressor(quality=1)
    parts = [compressor.process(bytes(MIB)) for _ in range(mib)]
    return b"".join([*parts, compressor.finish()])


def zstd_zeros(mib: int) -> bytes:
    compressor = zstandard.ZstdCompressor(level=1).compressobj()
    parts = [compressor.compress(bytes(MIB)) for _ in range(mib)]
    return b"".join([*parts, compressor.flush()])


BUILDERS: dict[str, Callable[[int], bytes]] = {
    "gzip": gzip_zeros,
    "deflate": zlib_zeros,
    "br": brotli_zeros,
    "zstd": zstd_zeros,
}
DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.decompress,
    "deflate": zlib.decompress,
    "br": brotli.decompress,
    "zstd": lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data),
}


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    """Each coding's 1 GiB-of-zeros bomb, built once for the module."""
    return {coding: build(BOMB_MIB) for coding, build in BUILDERS.items()}


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    """One loopback server for the module: each server takes 0.5 s to shut down."""
    running = LoopbackServer().start()
    yield running
    running.stop()


@pytest.fixture
def loopback(server: LoopbackServer) -> LoopbackServer:
    """The module's server with no routes and an empty request log."""
    server.routes.clear()
    server.requests.clear()
    return server


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(POLICY) as client:
        yield client


async def _get(client: Fetcher, server: LoopbackServer, body: bytes, coding: str) -> bytes:
    url = server.route("/", Reply(200, body, {"Content-Encoding": coding}))
    response = await client.get(url)
    if coding.strip() not in ("", "identity"):
        assert "content-encoding" not in response.headers  # the body is decoded now
    return response.body


async def _fails(client: Fetcher, server: LoopbackServer, body: bytes, coding: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await _get(client, server, body, coding)
    return caught.value


@pytest.mark.parametrize("coding", sorted(BUILDERS))
def test_bomb_builders_make_valid_streams(coding: str) -> None:
    """It should build bombs that the reference decoders accept (checked at 3 MiB)."""
    assert DECODERS[coding](BUILDERS[coding](3)) == bytes(3 * MIB)


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("GZIP", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda d: zlib.compress(d)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress),
        ("zstd", zstandard.compress),
        ("identity", lambda d: d),
        ("", lambda d: d),
    ],
)
async def test_each_coding_is_decoded(
    fetcher: Fetcher, loopback: LoopbackServer, coding: str, encode: Callable[[bytes], bytes]
) -> None:
    """It should decode every coding it advertises, exactly."""
    assert await _get(fetcher, loopback, encode(TEXT), coding) == TEXT


@pytest.mark.parametrize(
    ("header", "encode"),
    [
        ("gzip, gzip", lambda d: gzip.compress(gzip.compress(d))),
        ("deflate, br", lambda d: brotli.compress(zlib.compress(d))),
        ("zstd,identity, gzip", lambda d: gzip.compress(zstandard.compress(d))),
    ],
)
async def test_stacked_codings_are_undone_in_order(
    fetcher: Fetcher, loopback: LoopbackServer, header: str, encode: Callable[[bytes], bytes]
) -> None:
    """It should undo two stacked codings, last applied first."""
    assert await _get(fetcher, loopback, encode(TEXT), header) == TEXT


async def test_multi_member_gzip_with_padding(fetcher: Fetcher, loopback: LoopbackServer) -> None:
    """It should join gzip members sent back to back and ignore zero padding after them."""
    body = gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:]) + bytes(16)
    assert await _get(fetcher, loopback, body, "gzip") == TEXT


@pytest.mark.parametrize(
    ("header", "body"),
    [
        ("gzip, gzip, gzip", gzip.compress(gzip.compress(gzip.compress(b"x")))),
        ("compress", b"x"),
        ("gzip", b"this is not gzip at all"),
        ("br", b"\xff" * 64),
        ("zstd", b"(\xb5/\xfd" + b"\xff" * 64),
        ("gzip", gzip.compress(b"")[:10] + b"\xff\xff\xff"),  # deflate block type 3 is invalid
        ("deflate", b"\x78\xda\xff\xff\xff"),
    ],
)
async def test_unsupported_or_corrupt_codings_are_refused(
    fetcher: Fetcher, loopback: LoopbackServer, header: str, body: bytes
) -> None:
    """It should refuse three stacked codings, unknown codings and corrupt bodies."""
    error = await _fails(fetcher, loopback, body, header)
    assert error.reason == "bad_encoding"


async def test_zstd_window_beyond_http_limit_is_refused(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should refuse a zstd frame that demands a 128 MiB window (RFC 9659 allows 8 MiB)."""
    params = zstandard.ZstdCompressionParameters.from_level(1, window_log=27)
    compressor = zstandard.ZstdCompressor(compression_params=params).compressobj()
    body = compressor.compress(b"x" * 1000) + compressor.flush()
    assert (await _fails(fetcher, loopback, body, "zstd")).reason == "bad_encoding"


@pytest.mark.parametrize("coding", sorted(BUILDERS))
async def test_bomb_stops_at_the_cap_fast_and_small(
    fetcher: Fetcher, loopback: LoopbackServer, bombs: dict[str, bytes], coding: str
) -> None:
    """It should stop a 1 GiB bomb at the 4 MiB cap within a second and a few MiB of memory."""
    assert len(bombs[coding]) < CAP  # so the raw-size cap cannot be what stops it
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = await _fails(fetcher, loopback, bombs[coding], coding)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.reason == "too_large" and "4 MiB" in error.message
    assert elapsed < 2.0
    assert peak < 4 * CAP  # body + one step + copies; 1 GiB if the bound failed


async def test_stacked_bomb_stops_at_the_cap(
    fetcher: Fetcher, loopback: LoopbackServer, bombs: dict[str, bytes]
) -> None:
    """It should stop a bomb wrapped in a second gzip layer at the cap as well."""
    error = await _fails(fetcher, loopback, gzip.compress(bombs["gzip"]), "gzip, gzip")
    assert error.reason == "too_large"


async def test_endless_empty_members_are_stopped_by_raw_cap(
    fetcher: Fetcher, loopback: LoopbackServer
) -> None:
    """It should cap compressed bytes too, so a stream that decodes to nothing still ends."""
    member = gzip.compress(b"")
    body = member * (CAP // len(member) + 10)
    url = loopback.route("/", Reply(200, [body], {"Content-Encoding": "gzip"}))  # no length
    with pytest.raises(FetchError) as caught:
        await fetcher.get(url)
    assert caught.value.reason == "too_large"


CHILD = """
import asyncio, json, resource, sys, time
sys.path.insert(0, {root!r})
from core.net.fetch import Fetcher, FetchError
from core.net.policy import NetworkPolicy
from tests.loopback import LoopbackServer, Reply
from tests.test_fetch_encodings import BUILDERS

async def main():
    server = LoopbackServer().start()
    for coding, build in BUILDERS.items():
        server.route("/" + coding, Reply(200, build(1024), {{"Content-Encoding": coding}}))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = {{}}
    async with Fetcher(NetworkPolicy(allow_private_addresses=True)) as client:
        for coding in BUILDERS:
            started = time.monotonic()
            try:
                await client.get(server.url("/" + coding))
            except FetchError as error:
                assert error.reason == "too_large", error.reason
            times[coding] = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({{"grew_kib": after - before, "before_kib": before, "times": times}}))

asyncio.run(main())
"""


def test_bombs_at_default_cap_keep_process_memory_small() -> None:
    """It should refuse all four 1 GiB bombs at the default 15 MiB cap with bounded peak RSS."""
    root = str(Path(__file__).resolve().parents[1])
    script = CHILD.format(root=root)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["grew_kib"] < 96 * 1024, figures  # 15 MiB body + steps; 1 GiB if unbounded
    assert max(figures["times"].values()) < 3.0, figures
