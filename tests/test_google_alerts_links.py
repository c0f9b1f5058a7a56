"""Google Alerts links: shown as the address they redirect to, the dedupe key unchanged."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

import pytest

from core.analysis.dedupe import mention_key
from core.net.urls import unwrap_redirect
from core.sources.base import ParseOptions
from core.sources.feed import parse_feed

OPTIONS = ParseOptions(source="Google Alert - Northwind", kind="feed",
                       url="https://www.google.com/alerts/feeds/0123/4567",
                       options={"now": 1_763_800_000})
TARGET = "https://news.example/2026/northwind-opens?id=7"
# As Google writes them: the target percent-encoded in url=, then its own tracking fields.
REDIRECT = ("https://www.google.com/url?rct=j&sa=t&url=https://news.example/2026/northwind-opens"
            "%3Fid%3D7%26utm_source%3Dalerts%26utm_medium%3Demail&ct=ga&cd=CAIyGjE&usg=AOvVaw1")


def alert(link: str, entry_id: str | None = "tag:google.com,2013:googlealerts/feed:1234") -> bytes:
    ident = f"<id>{entry_id}</id>" if entry_id else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<id>tag:google.com,2005:reader/user/0123/state/com.google/alerts/4567</id>"
            f"<title>Google Alert - Northwind</title><entry>{ident}"
            "<title>Northwind opens a roastery</title>"
            f"<link href={quoteattr(link)}/>"
            "<published>2026-11-30T08:00:00Z</published>"
            "<content type=\"html\">Northwind &lt;b&gt;coffee&lt;/b&gt; news</content>"
            "</entry></feed>").encode()


@pytest.mark.parametrize(("url", "target"), [
    (REDIRECT, f"{TARGET}&utm_source=alerts&utm_medium=email"),
    ("https://google.dk/url?q=https://blog.example/a&sa=U", "https://blog.example/a"),
    ("https://www.google.co.uk/url?url=http://blog.example/b", "http://blog.example/b"),
    ("https://evil.example/url?url=https://blog.example/c", None),  # not Google's redirect
    ("https://www.google.com/url?url=javascript:alert(1)", None),
    ("https://www.google.com/search?q=https://blog.example/d", None),
    ("https://news.example/url-shortener", None),
])
def test_unwrap_redirect_finds_only_googles_target(url: str, target: str | None) -> None:
    """It should read the target of a Google redirect, and nothing else, without fetching."""
    assert unwrap_redirect(url) == target


def test_an_alert_link_is_stored_unwrapped_without_tracking() -> None:
    """It should store the article's own address, its utm parameters gone."""
    [mention] = parse_feed(alert(REDIRECT), {}, OPTIONS).mentions
    assert mention.url == TARGET


def test_the_dedupe_key_is_what_it_was_before_unwrapping() -> None:
    """It should key an alert by its id, so a store holding it under the redirect sees it again
    as the same mention."""
    [mention] = parse_feed(alert(REDIRECT), {}, OPTIONS).mentions
    before = parse_feed(alert(REDIRECT), {}, OPTIONS).mentions[0]
    before.url = REDIRECT  # the mention as an older listenpost stored it
    assert mention_key(mention, OPTIONS.source) == mention_key(before, OPTIONS.source)


def test_an_entry_without_an_id_keeps_its_link() -> None:
    """It should leave the link of an entry keyed by its link, so its key does not move."""
    [mention] = parse_feed(alert(REDIRECT, entry_id=None), {}, OPTIONS).mentions
    assert mention.url == REDIRECT
