"""The benchmark's own feed server: asyncio HTTP/1.1 on loopback, in its own process.

`python -m bench.server --feeds N --hosts H` prints its port on stdout, then serves until
killed. Feed ``i`` is at ``/v/i.xml`` (with ETag and Last-Modified, answering 304 to a matching
If-None-Match or If-Modified-Since) and at ``/nv/i.xml`` (no validators: the same bytes every
time). Feeds are spread over 127.0.0.1 … 127.0.0.H on one port, as 1,000 real feeds would be
spread over many hosts, so a per-host limit behaves as it would in the field. It runs in a
separate process so its CPU never counts against, or competes for the GIL with, what we measure.
`/stats` returns the status counts since the last `/stats/reset` (to prove a second poll was
answered 304 and not skipped by a tool's own schedule).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from collections import Counter
from email.utils import formatdate

from bench import data

MAX_HEADER_BYTES = 65536  # a request head larger than this is not from a feed reader
LAST_MODIFIED = formatdate(data.BASE_TIME, usegmt=True)


class Feeds:
    """Every feed's bytes and ETag, built once before the port is announced."""

    def __init__(self, count: int, kind: str) -> None:
        self.bodies = [data.rss(i, kind) for i in range(count)]
        self.etags = [f'"{hashlib.sha1(b).hexdigest()[:16]}"' for b in self.bodies]
        self.stats: Counter[str] = Counter()

    def reply(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/stats"):
            return self._stats(path)
        mode, _, name = path.lstrip("/").partition("/")
        index = _feed_index(name, len(self.bodies))
        if mode not in ("v", "nv") or index is None:
            self.stats["404"] += 1
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return self._feed(mode == "v", index, headers)

    def _feed(self, validators: bool, index: int, headers: dict[str, str]) -> tuple[
            int, dict[str, str], bytes]:
        extra = {"ETag": self.etags[index], "Last-Modified": LAST_MODIFIED} if validators else {}
        if validators and _not_modified(headers, self.etags[index]):
            self.stats["304"] += 1
            return 304, extra, b""
        self.stats["200"] += 1
        return 200, {"Content-Type": "application/rss+xml; charset=utf-8", **extra}, \
            self.bodies[index]

    def _stats(self, path: str) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps(dict(self.stats)).encode()
        if path == "/stats/reset":
            self.stats.clear()
        return 200, {"Content-Type": "application/json"}, body


def _feed_index(name: str, count: int) -> int | None:
    stem = name.removesuffix(".xml")
    return int(stem) if stem.isdigit() and int(stem) < count else None


def _not_modified(headers: dict[str, str], etag: str) -> bool:
    match = headers.get("if-none-match")
    if match is not None:
        return etag in [t.strip() for t in match.split(",")] or match.strip() == "*"
    return headers.get("if-modified-since") == LAST_MODIFIED


async def _serve_connection(feeds: Feeds, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
    try:
        while await _one_request(feeds, reader, writer):
            pass
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass  # the client went away mid-request: nothing to answer
    finally:
        writer.close()


async def _one_request(feeds: Feeds, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> bool:
    """Answer one request; False when the connection should close."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, version = [*lines[0].split(" "), "", "", ""][:3]
    fields = (line.partition(":") for line in lines[1:] if line)
    headers = {k.strip().lower(): v.strip() for k, _, v in fields}
    status, extra, body = feeds.reply(path.split("?")[0], headers)
    keep = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
    writer.write(_head(status, extra, len(body), keep) + (b"" if method == "HEAD" else body))
    await writer.drain()
    return keep


def _head(status: int, headers: dict[str, str], length: int, keep: bool) -> bytes:
    reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {length}",
             f"Connection: {'keep-alive' if keep else 'close'}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def serve(feeds: Feeds, hosts: int) -> None:
    async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await _serve_connection(feeds, r, w)

    async def listen(host: str, port: int) -> asyncio.Server:
        # a deep backlog: peers open connections in bursts, and a refused one is a failed poll
        return await asyncio.start_server(handle, host, port, limit=MAX_HEADER_BYTES, backlog=1024)

    first = await listen("127.0.0.1", 0)
    port = first.sockets[0].getsockname()[1]
    servers = [first] + [await listen(f"127.0.0.{h}", port) for h in range(2, hosts + 1)]
    print(port, flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--kind", choices=("post", "html"), default="post")
    parser.add_argument("--hosts", type=int, default=8)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(Feeds(args.feeds, args.kind), args.hosts))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
