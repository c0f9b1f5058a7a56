"""Issue 11, item 6: no token, nor the first characters of one, reaches a message, an export
or the database.

One real ``listenpost --export`` run polls: a Mastodon API that echoes its token after 170
characters of message (so a cut to 200 characters would leave the token's first 30); a Bluesky
server that hands out a session and then echoes the access JWT after a long message, and another
query that echoes the refresh JWT; and a feed whose links carry ``user:pass@`` and
``access_token=`` parameters. No 8-character run of any of those secrets may appear in stderr,
any export format or any database file. A token pasted into ``token_env`` is a config error
that does not repeat it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.adversarial.harness import (
    ROOT,
    Run,
    Src,
    export_document,
    healthy_source,
    run_cli,
    seed,
    write_config,
)
from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply, Request

TOKEN = "mtok_Zq8Lr2Vx6Nc4Hb1Jd9Kf3Gs7Pw5Ty0Ua2Ei4Oo6Ux"  # 44 characters, as in the probe
ACCESS_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOmFjY2VzcyJ9.c2lnbmF0dXJlLWFjY2Vzcw"
REFRESH_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOnJlZnJlc2gifQ.c2lnbmF0dXJlLXJlZnJlc2g"
APP_PASSWORD = "apppw-q7w8-e9r0-t1y2"
LINK_PASSWORD = "hunter2hunter2"
LINK_TOKEN = "linktok-Xy12Ab34Cd56"
SECRETS = (TOKEN, ACCESS_JWT, REFRESH_JWT, APP_PASSWORD, LINK_PASSWORD, LINK_TOKEN)
PADDING = "The request could not be completed because " + "x" * 126  # 170 characters


def echo_after_padding(request: Request) -> Reply:
    """A Mastodon error that quotes the bearer token after 170 characters of text."""
    said = request.headers.get("authorization", "").removeprefix("Bearer ")
    body = json.dumps({"error": f"{PADDING}{said} is not valid"}).encode()
    return Reply(401, body, {"Content-Type": "application/json"})


def session(request: Request) -> Reply:
    body = json.dumps({"accessJwt": ACCESS_JWT, "refreshJwt": REFRESH_JWT, "did": "did:plc:x"})
    return Reply(200, body.encode(), {"Content-Type": "application/json"})


def search_echo(request: Request) -> Reply:
    """Bluesky search refusing the query, echoing a session token in its message."""
    query = parse_qs(urlsplit(request.path).query).get("q", [""])[0]
    echoed = f"{PADDING}{ACCESS_JWT}" if query == "access" else f"bad session {REFRESH_JWT}"
    body = json.dumps({"error": echoed}).encode()
    return Reply(400, body, {"Content-Type": "application/json"})


PRIVATE_LINKS = rss([
    FeedItem("Northwind private one", "Northwind in a private feed", "p1",
             link=f"https://reader:{LINK_PASSWORD}@private.example/a?id=1"),
    FeedItem("Northwind private two", "Northwind again", "p2",
             link=f"https://private.example/b?access_token={LINK_TOKEN}&id=2"),
])


@dataclass(frozen=True, slots=True)
class Outcome:
    run: Run
    document: dict[str, object]
    texts: dict[str, bytes]
    server: LoopbackServer


@pytest.fixture(scope="module")
def outcome(server: LoopbackServer, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    tmp = tmp_path_factory.mktemp("echoes")
    server.route("/api/v1/timelines/tag/echo", echo_after_padding)
    server.route("/xrpc/com.atproto.server.createSession", session)
    server.route("/xrpc/app.bsky.feed.searchPosts", search_echo)
    private = server.route("/private.xml", Reply(200, PRIVATE_LINKS))
    bsky = 'identifier = "brand.example.com"\ntoken_env = "LP_ECHO_BSKY"\n'
    sources = [healthy_source(server), Src("private", private),
               Src("mastodon-echo", server.url(""), "mastodon",
                   'tag = "echo"\ntoken_env = "LP_ECHO_MASTODON"'),
               Src("bsky-access", server.url(""), "bluesky", f'query = "access"\n{bsky}'),
               Src("bsky-refresh", server.url(""), "bluesky", f'query = "refresh"\n{bsky}')]
    config = write_config(tmp / "c.toml", sources)
    db, out = tmp / "lp.db", tmp / "out.json"
    asyncio.run(seed(db))
    env = {"LP_ECHO_MASTODON": TOKEN, "LP_ECHO_BSKY": APP_PASSWORD, "PYTHONPATH": str(ROOT)}
    run = run_cli("--config", str(config), "--db", str(db), "--export", str(out), env=env)
    texts = {"stderr": run.stderr.encode(), "export.json": out.read_bytes()}
    for fmt in ("csv", "md"):
        again = run_cli("--config", str(config), "--db", str(db), "--no-poll", "--export", "-",
                        "--format", fmt, env=env)
        texts[f"export.{fmt}"] = (again.stdout + again.stderr).encode()
    for path in tmp.glob("lp.db*"):
        texts[path.name] = path.read_bytes()
    return Outcome(run, export_document(out), texts, server)


def test_the_secrets_were_really_echoed(outcome: Outcome) -> None:
    """It should have met every echo (so the checks below mean something)."""
    sent = [r.headers.get("authorization") for r in outcome.server.requests]
    assert f"Bearer {TOKEN}" in sent and f"Bearer {ACCESS_JWT}" in sent
    sources = {s["name"]: s for s in outcome.document["sources"]}  # type: ignore[attr-defined]
    for name in ("mastodon-echo", "bsky-access", "bsky-refresh"):
        assert sources[name]["status"] == "error", sources[name]
    assert "[redacted]" in str(sources["mastodon-echo"]["error"])
    assert outcome.run.returncode == 1


@pytest.mark.parametrize("secret", SECRETS)
def test_no_run_of_a_secret_anywhere(outcome: Outcome, secret: str) -> None:
    """It should leave no 8-character run of a secret in stderr, exports or database files."""
    for place, data in outcome.texts.items():
        for start in range(len(secret) - 7):
            assert secret[start:start + 8].encode() not in data, (place, start)


def test_private_links_are_kept_without_their_credentials(outcome: Outcome) -> None:
    """It should store and export a feed's links without user:pass@ or token parameters."""
    urls = {m["title"]: m["url"] for m in outcome.document["mentions"]}  # type: ignore[attr-defined]
    assert urls["Northwind private one"] == "https://private.example/a?id=1"
    assert urls["Northwind private two"] == "https://private.example/b?id=2"


def test_a_token_pasted_into_token_env_is_refused_unrepeated(tmp_path: Path) -> None:
    """It should refuse a token written as token_env (exit 3) and never repeat it."""
    pasted = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\nqueries = ["northwind"]\n[[sources]]\n'
                      'kind = "mastodon"\nurl = "https://m.example"\ntag = "x"\n'
                      f'token_env = "{pasted}"\n', encoding="utf-8")
    run = run_cli("--config", str(config), "--db", str(tmp_path / "lp.db"),
                  "--export", str(tmp_path / "out.json"))
    assert run.returncode == 3, run.stderr
    assert "token_env" in run.stderr
    assert pasted[:8] not in run.stderr + run.stdout
    assert not (tmp_path / "lp.db").exists()
