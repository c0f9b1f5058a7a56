"""A loopback HTTP server for the demo feeds, run from inside the listenpost process.

The demo polls these feeds for real, through the same hardened client as any source, so the
server behaves like a polite feed host: it sends ``ETag`` and ``Last-Modified`` and answers a
matching conditional GET with 304, and the broken source answers 500 with an HTML page. With
``live=True`` a background thread adds a few fresh posts every ``every`` seconds, so the demo
inbox visibly receives new mentions while someone watches.

It is a stdlib ``ThreadingHTTPServer`` in a daemon thread: nothing to install, nothing left
behind, and an app that forgets ``stop()`` still exits.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from core.demo.content import FAILING_PATH, SPECS, DemoFeeds, content_type


@dataclass(frozen=True, slots=True)
class Page:
    """One served body with its validators."""

    body: bytes
    etag: str
    modified: int  # seconds since the epoch, for Last-Modified
    content_type: str
    status: int = 200


def make_page(path: str, body: bytes, modified: int) -> Page:
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    status = 500 if path == FAILING_PATH else 200
    return Page(body, etag, modified, content_type(path), status)


def not_modified(page: Page, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """True when the request's validators show the client already has ``page``.

    ETag wins over the date when both are sent (RFC 9110 13.2.2).
    """
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or page.etag in tags
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since).timestamp()
    except (TypeError, ValueError):
        return False
    return page.modified <= since


class DemoServer:
    """Serves the demo feeds on 127.0.0.1 at an ephemeral port.

    ``now`` dates the posts (default: the current time); ``live`` adds ``per_tick`` fresh posts
    every ``every`` seconds until ``stop()``.
    """

    def __init__(
        self,
        now: int | None = None,
        seed: int = 7,
        *,
        live: bool = False,
        every: float = 20.0,  # a new mention or two every 20 s: visible, not a flood
        per_tick: int = 2,
    ) -> None:
        self._feeds = DemoFeeds(int(time.time()) if now is None else now, seed)
        self._lock = threading.Lock()
        self._pages: dict[str, Page] = {}
        self._live, self._every, self._per_tick = live, every, per_tick
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None
        self._refresh([*SPECS, FAILING_PATH])

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo server is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> str:
        """Start serving (and, when live, adding posts); return the base URL."""
        if self._server is None:
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
            self._server.daemon_threads = True
            self._spawn(self._server.serve_forever)
            if self._live:
                self._spawn(self._live_loop)
        return self.base_url

    def stop(self) -> None:
        """Stop serving and join the threads; safe to call twice."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)  # serve_forever returns within its 0.5 s poll interval
        self._threads.clear()

    def add_fresh(self, count: int = 2, now: int | None = None) -> list[str]:
        """Publish ``count`` new posts now; return the paths of the feeds that changed."""
        with self._lock:
            changed = self._feeds.add_fresh(int(time.time()) if now is None else now, count)
        self._refresh(changed)
        return changed

    def page(self, path: str) -> Page | None:
        with self._lock:
            return self._pages.get(path)

    def _refresh(self, paths: list[str]) -> None:
        with self._lock:
            for path in paths:
                body = self._feeds.render(path)
                newest = max((p.published for p in self._feeds.posts.get(path, ())), default=0)
                self._pages[path] = make_page(path, body, newest)

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True, name="listenpost-demo")
        thread.start()
        self._threads.append(thread)

    def _live_loop(self) -> None:
        while not self._stopping.wait(self._every):
            self.add_fresh(self._per_tick)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "listenpost-demo"

            def log_message(self, format: str, *args: object) -> None:
                return  # the app owns the terminal; the demo server stays quiet

            def do_GET(self) -> None:
                self._serve(send_body=True)

            def do_HEAD(self) -> None:
                self._serve(send_body=False)

            def _serve(self, send_body: bool) -> None:
                page = server.page(urlsplit(self.path).path)
                if page is None:
                    self._reply(404, b"not found\n", "text/plain; charset=utf-8", {}, send_body)
                    return
                validators = {
                    "ETag": page.etag,
                    "Last-Modified": formatdate(page.modified, usegmt=True),
                }
                if page.status == 200 and not_modified(
                    page, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
                ):
                    self._reply(304, b"", None, validators, send_body)
                    return
                extra = validators if page.status == 200 else {}
                self._reply(page.status, page.body, page.content_type, extra, send_body)

            def _reply(
                self,
                status: int,
                body: bytes,
                ctype: str | None,
                headers: dict[str, str],
                send_body: bool,
            ) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Cache-Control", "no-cache")
                if status != 304:  # a 304 has no body; its length would describe the 200's
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body and status != 304:
                    self.wfile.write(body)

        return Handler
