"""Dedupe keys: canonical URLs and the stable key of a mention."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.analysis.dedupe import canonical_url, content_hash, mention_key
from core.model import Mention

ROOT = Path(__file__).resolve().parents[1]

CANONICAL = [
    ("HTTPS://Example.COM/Path/To", "https://example.com/Path/To"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("https://example.com/a#comments", "https://example.com/a"),
    ("https://example.com/#!/post/7", "https://example.com/#!/post/7"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com./a", "https://example.com/a"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    ("http://[::1]:80/x", "http://[::1]/x"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?utm_source=x&utm_Medium=y&id=3", "https://example.com/a?id=3"),
    (
        "https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&igshid=5&ref_src=6&q=k",
        "https://example.com/a?q=k",
    ),
    ("https://example.com/a?flag&x=", "https://example.com/a?flag&x="),
    ("https://example.com/a%2fb?q=%2f", "https://example.com/a%2Fb?q=%2F"),
    ("https://youtu.be/abc?si=share&t=30", "https://youtu.be/abc?t=30"),
    ("https://example.com/a?si=kept", "https://example.com/a?si=kept"),
    ("https://example.com/a?utm_source=x", "https://example.com/a"),
    ("tag:example.com,2024:post-1", "tag:example.com,2024:post-1"),
    ("  not a url  ", "not a url"),
    ("http://[::1/broken", "http://[::1/broken"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_url(url: str, expected: str) -> None:
    """It should spell each URL one canonical way."""
    assert canonical_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_url_is_idempotent(url: str, expected: str) -> None:
    """It should leave an already canonical URL unchanged."""
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_platform_id_wins() -> None:
    """It should key on the platform id when there is one, whatever else the mention has."""
    m = Mention("reddit", platform_id="t3_abc", guid="g", url="https://example.com/x")
    assert mention_key(m) == "reddit:id:t3_abc"


def test_url_guid_is_global_and_canonical() -> None:
    """It should key a URL GUID the same from any source, tracking parameters removed."""
    a = Mention("feed", guid="https://Blog.example.com/p/1?utm_source=rss")
    b = Mention("feed", guid="https://blog.example.com/p/1")
    assert (
        mention_key(a, "Blog A")
        == mention_key(b, "Aggregator")
        == ("feed:guid:https://blog.example.com/p/1")
    )


def test_tag_and_urn_guids_are_global() -> None:
    """It should treat tag: and urn: GUIDs as globally unique, not scope them by source."""
    for guid in ("tag:blogger.com,1999:blog-1.post-2", "urn:uuid:1225c695-cfb8-4ebb-aaaa"):
        assert mention_key(Mention("feed", guid=guid), "A") == mention_key(
            Mention("feed", guid=guid), "B"
        )


def test_local_guids_are_scoped_by_source() -> None:
    """It should keep the same numeric GUID from two feeds apart."""
    m = Mention("feed", guid="42")
    assert mention_key(m, "Blog A") != mention_key(m, "Blog B")
    assert mention_key(m, "Blog A") == "feed:guid:Blog%20A/42"


def test_scoped_guids_cannot_collide_through_separators() -> None:
    """It should not let a source name with ':' or '/' imitate another source's GUID."""
    assert mention_key(Mention("feed", guid="b/c"), "a") != mention_key(
        Mention("feed", guid="c"), "a/b"
    )
    assert mention_key(Mention("feed", guid="//x.example/p"), "https:") != mention_key(
        Mention("feed", guid="https://x.example/p"), "s"
    )


def test_url_then_hash() -> None:
    """It should fall back to the canonical URL, then to a content hash."""
    assert mention_key(Mention("feed", url="HTTPS://X.example/a?utm_campaign=z")) == (
        "url:https://x.example/a"
    )
    assert mention_key(Mention("feed", title="Hi", text="there")).startswith("hash:")


def test_blank_identities_are_skipped() -> None:
    """It should ignore an id, GUID or URL that is only whitespace."""
    m = Mention("feed", platform_id=" ", guid="", url="  ", text="hello")
    assert mention_key(m).startswith("hash:")


def test_hash_ignores_case_and_spacing_but_not_author() -> None:
    """It should hash what a reader would call the same text the same, per author."""
    a = Mention("feed", title="Love  IT", text="Acme\nrocks", author="Jo")
    b = Mention("feed", title="love it", text="acme rocks ", author="jo")
    c = Mention("feed", title="love it", text="acme rocks", author="Sam")
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(c)


def test_hash_survives_lone_surrogates() -> None:
    """It should hash text holding a lone surrogate instead of raising."""
    assert mention_key(Mention("feed", text="bad \udc80 byte")).startswith("hash:")


def test_keys_are_stable_across_processes() -> None:
    """It should give the same keys in another interpreter with another hash seed."""
    code = (
        "from core.analysis.dedupe import mention_key; from core.model import Mention;"
        "print(mention_key(Mention('feed', title='T', text='x y', author='a')));"
        "print(mention_key(Mention('feed', guid='7'), 'S'))"
    )
    env = {"PYTHONHASHSEED": "12345", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        mention_key(Mention("feed", title="T", text="x y", author="a")),
        mention_key(Mention("feed", guid="7"), "S"),
    ]
