"""Recorded real API responses, read from the corpora's cassette formats and replayed on loopback.

Readers: Betamax JSON (Reddit, from PRAW), vcrpy YAML (Mastodon, from Mastodon.py), the HN
Algolia fixture list, and plain JSON bodies (Bluesky). ``serve`` puts a recording on the
``loopback`` server with its real status and headers (hop-by-hop and length headers are left to
the server, and origins in ``Link`` are rewritten to the loopback address so paging stays local).

Also ``ReplayContext``: a minimal, honest ``PollContext`` for adapter tests. It fetches with
the real ``core.net.fetch.Fetcher`` (allowed to reach 127.0.0.1 only) and the poller's own
``check_status``, and runs parsers in-process (optionally followed by the real enrichment); the
worker pool is exercised by the one test that uses the poller's ``SourceContext``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from core.model import SourceConfig
from core.net.fetch import Fetcher, FetchError, Response
from core.net.policy import NetworkPolicy
from core.polling.context import check_status
from core.sources.base import ParsedPage, ParseOptions, Parser, SourceError, SourceState
from tests.loopback import LoopbackServer, Reply

# The real hardened client, allowed to reach the loopback test server only.
LOOPBACK_ONLY = NetworkPolicy(allowed_networks=("127.0.0.1/32",), timeout=10.0)
_DROP = {"content-length", "transfer-encoding", "connection", "content-encoding", "set-cookie"}


@dataclass
class Recorded:
    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def _flat(headers: Mapping[str, Any]) -> dict[str, str]:
    return {k.lower(): ", ".join(v) if isinstance(v, list) else str(v) for k, v in headers.items()}


def betamax(path: Path) -> list[Recorded]:
    """Interactions of a Betamax JSON cassette."""
    out = []
    for i in json.loads(path.read_text(encoding="utf-8"))["interactions"]:
        req, resp = i["request"], i["response"]
        body = resp["body"].get("string", "").encode("utf-8")
        out.append(Recorded(req["method"], req["uri"], resp["status"]["code"],
                            _flat(resp["headers"]), body))
    return out


def vcr(path: Path) -> list[Recorded]:
    """Interactions of a vcrpy YAML cassette (needs PyYAML, a test-only dependency)."""
    import yaml  # test dependency; see the report

    out = []
    for i in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
        req, resp = i["request"], i["response"]
        body = resp["body"]["string"]
        out.append(Recorded(req["method"], req["uri"], resp["status"]["code"],
                            _flat(resp["headers"]), body.encode("utf-8")
                            if isinstance(body, str) else body))
    return out


def hn_fixtures(path: Path) -> list[Recorded]:
    """The HN Algolia fixture list: ``[{url, reply}]`` with the reply as parsed JSON."""
    return [
        Recorded("GET", "https://hn.algolia.com" + x["url"], 200,
                 {"content-type": "application/json; charset=utf-8"},
                 json.dumps(x["reply"]).encode("utf-8"))
        for x in json.loads(path.read_text(encoding="utf-8"))
    ]


def origin_of(url: str) -> str:
    parts = httpx.URL(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.host}{port}"


def reply_for(rec: Recorded, server: LoopbackServer) -> Reply:
    """The recording as a loopback reply, with its origin rewritten to the server's."""
    headers = {k: v for k, v in rec.headers.items() if k not in _DROP}
    if "link" in headers:
        headers["link"] = headers["link"].replace(origin_of(rec.url), server.url("").rstrip("/"))
    return Reply(rec.status, rec.body, headers)


def serve(server: LoopbackServer, rec: Recorded) -> str:
    """Route ``rec`` at its own path; returns the loopback URL with the recorded query."""
    url = httpx.URL(rec.url)
    server.route(url.path, reply_for(rec, server))
    query = url.query.decode()
    return server.url(url.path) + (f"?{query}" if query else "")


def options_for(source: SourceConfig, url: str) -> ParseOptions:
    return ParseOptions(source.name, source.kind, url, source.owned, dict(source.options))


@dataclass
class ReplayContext:
    """A PollContext over httpx and loopback; parsers run in-process."""

    source: SourceConfig
    state: SourceState = field(default_factory=SourceState)
    now: int = 0
    env: dict[str, str] = field(default_factory=dict)
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    enrich: bool = False  # run the real worker-side pipeline (parse, then enrich) in-process
    kept: list[str] = field(default_factory=list)  # session tokens the adapter asked to redact

    async def fetch(self, url: str, *, headers: Mapping[str, str] | None = None,
                    conditional: bool = False, accept: tuple[int, ...] = (200,)) -> Response:
        self.sent.append((url, dict(headers or {})))
        async with Fetcher(LOOPBACK_ONLY) as fetcher:
            try:
                response = await fetcher.get(url, headers=headers)
            except FetchError as error:
                raise SourceError(error.message) from None
        return check_status(response, accept=accept, conditional=conditional)

    async def post_json(self, url: str, payload: Mapping[str, object], *,
                        accept: tuple[int, ...] = (200,)) -> Response:
        self.sent.append((url, {}))
        async with Fetcher(LOOPBACK_ONLY) as fetcher:
            try:
                response = await fetcher.post_json(url, payload)
            except FetchError as error:
                raise SourceError(error.message) from None
        return check_status(response, accept=accept, conditional=False)

    async def process(self, parser: Parser, response: Response) -> ParsedPage:
        options = options_for(self.source, response.url)
        if not self.enrich:
            return parser(response.body, response.headers, options)
        from core.analysis.enrich import EnrichSpec
        from core.polling.pipeline import parse_and_enrich

        spec = EnrichSpec(sets=(), match_all=True, source=self.source.name)
        return parse_and_enrich(parser, response.body, response.headers, options, spec, self.now)

    def secret(self) -> str | None:
        name = self.source.token_env
        return self.env.get(name) if name else None

    def keep_secret(self, value: str) -> None:
        self.kept.append(value)


