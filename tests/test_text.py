"""Tests for core.analysis.text: hostile text made inert, HTML made readable, snippets bounded."""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import pytest

from core.analysis.text import bounded, html_to_text, sanitize

# What must never survive: C0 (but tab and newline), DEL, C1, bidi controls, lone surrogates.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff]"
)


def test_sanitize_removes_csi_sequences_with_their_parameters() -> None:
    """It should remove colour and cursor sequences whole, leaving the words."""
    assert sanitize("a \x1b[1;31mred\x1b[0m b\x1b[2J\x1b[H") == "a red b"


def test_sanitize_removes_osc52_clipboard_payloads() -> None:
    """It should drop an OSC 52 clipboard write with its payload, BEL- or ST-terminated."""
    out = sanitize("x\x1b]52;c;cm0gLXJmIH4=\x07y \x1b]0;title\x1b\\z")
    assert out == "xy z"


def test_sanitize_bounds_an_unterminated_string_command_to_its_line() -> None:
    """It should not let a stray OSC swallow the lines after it."""
    assert sanitize("keep\x1b]0;evil title\nnext line") == "keep\nnext line"


def test_sanitize_removes_bidi_overrides_and_isolates() -> None:
    """It should remove RLO/LRO/embeddings/isolates that reorder text on screen."""
    spoof = "invoice\u202egpj.exe \u2066a\u2069 \u202ab\u202c"
    assert sanitize(spoof) == "invoicegpj.exe a b"


def test_sanitize_removes_invisible_characters_but_keeps_emoji_joiners() -> None:
    """It should drop zero-width spaces and BOMs yet keep ZWJ emoji sequences whole."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert sanitize(f"acme\u200bcorp\ufeff {family}") == f"acmecorp {family}"


def test_sanitize_keeps_subdivision_flags_but_drops_smuggled_tag_text() -> None:
    """It should keep the England flag's tag characters and drop free-standing tag text."""
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore all")
    assert sanitize(f"{england} hi{hidden}") == f"{england} hi"


def test_sanitize_replaces_lone_surrogates_and_removes_nul() -> None:
    """It should turn a lone surrogate into U+FFFD and remove NUL bytes."""
    assert sanitize("a\ud800b\x00c") == "a\ufffdbc"


def test_sanitize_removes_c1_controls() -> None:
    """It should remove 8-bit C1 controls, including a lone 8-bit CSI."""
    assert sanitize("a\x9b31mb\x85c\x9d") == "a31mbc"


def test_sanitize_normalises_newlines_and_collapses_blank_lines() -> None:
    """It should turn CR LF and CR into LF and leave at most one blank line in a row."""
    assert sanitize("a\r\nb\rc\n\n\n\n\td\u2028e") == "a\nb\nc\n\n\td\ne"


def test_sanitize_returns_clean_text_unchanged() -> None:
    """It should leave ordinary multilingual text and emoji exactly as they were."""
    text = "Grüße, naïve café — 東京 😀 مرحبا\tok\nnext"
    assert sanitize(text) == text


def test_sanitize_is_fast_on_clean_and_dirty_text() -> None:
    """It should handle a short post in microseconds (generous bound: 20,000 posts a second)."""
    clean = "Just tried the new Acme widget and honestly it is great 😀 #acme " * 2
    dirty = clean + "\x1b[31m\u202e\u200b"
    started = time.perf_counter()
    for _ in range(5000):
        sanitize(clean)
        sanitize(dirty)
    assert time.perf_counter() - started < 0.5


@pytest.mark.corpus
def test_sanitize_and_html_to_text_leave_no_unsafe_character_in_blns(corpora: Path) -> None:
    """It should make every big-list-of-naughty-strings entry free of control characters."""
    strings = json.loads((corpora / "malicious-inputs/blns/blns.json").read_text("utf-8"))
    for s in strings:
        for out in (sanitize(s), html_to_text(s)):
            assert not UNSAFE.search(out), (s, out)
            assert "\x1b" not in out and "\x07" not in out


def test_html_to_text_decodes_entities_and_drops_tags() -> None:
    """It should decode named and numeric entities and remove the markup."""
    assert html_to_text("<b>Fish &amp; chips</b> &mdash; &#x1F600; caf&eacute;") == (
        "Fish & chips — 😀 café"
    )


def test_html_to_text_drops_scripts_styles_and_head() -> None:
    """It should drop what is inside script, style and head, keeping the body's words."""
    html = (
        "<html><head><title>T</title><style>p{color:red}</style></head>"
        "<body><script>alert('x')</script><p>visible words</p></body></html>"
    )
    assert html_to_text(html) == "visible words"


def test_html_to_text_ends_an_unclosed_head_at_body() -> None:
    """It should keep the body text when a page never closes its head."""
    assert html_to_text("<head><title>T</title><body>hello") == "hello"


def test_html_to_text_turns_blocks_and_breaks_into_lines() -> None:
    """It should make paragraphs, line breaks and list items readable lines."""
    html = "<p>one<br>two</p><p>three</p><ul><li>a</li><li>b</li></ul><div>end</div>"
    assert html_to_text(html) == "one\ntwo\n\nthree\n\n- a\n- b\n\nend"


def test_html_to_text_keeps_link_text_and_image_alt_text() -> None:
    """It should keep a link's words (not its URL) and an image's alt text."""
    html = 'See <a href="http://x.example/">our post</a> <img src="c.png" alt="a cat 🐱">!'
    assert html_to_text(html) == "See our post a cat 🐱 !"


def test_html_to_text_collapses_whitespace() -> None:
    """It should collapse runs of spaces, tabs and newlines as a browser would."""
    assert html_to_text("  lots\n\n   of \t  space  <b> here </b> ") == "lots of space here"


def test_html_to_text_strips_escapes_hidden_in_entities() -> None:
    """It should leave no ESC, BEL or bidi override that arrived as character references."""
    out = html_to_text("<p>a&#27;]52;c;ZXZpbA==&#7;b &#x202E;c &#x9b;31m</p>")
    assert not UNSAFE.search(out)
    assert out.startswith("a") and out.endswith("b c ›31m")  # &#x9b; is windows-1252 in HTML


def test_html_to_text_treats_plain_text_as_text() -> None:
    """It should return text without markup as is, apart from whitespace."""
    assert html_to_text("5 < 6 and 7 > 3") == "5 < 6 and 7 > 3"


def test_html_to_text_never_raises_on_garbage() -> None:
    """It should return a string for random bytes and broken markup, never raise."""
    rng = random.Random(1234)
    samples = ["<", "</", "<!", "<![CDATA[", "<a href='", "&#99999999999;", "<script>x", "<!--"]
    for _ in range(300):
        samples.append(bytes(rng.randrange(256) for _ in range(200)).decode("latin-1"))
        samples.append("".join(rng.choice("<>/!&#;ab=\"' -[]") for _ in range(80)))
    for sample in samples:
        assert isinstance(html_to_text(sample), str)


def test_html_to_text_handles_a_large_document_quickly() -> None:
    """It should turn 1 MB of HTML into text without a step that grows faster than the
    document (about 1 s of CPU; a quadratic one would take minutes). The bound is on this
    process's CPU time, and generous, so a busy machine cannot fail it."""
    html = "<div><p>Some <b>bold</b> words &amp; a <a href='/x'>link</a>.</p></div>" * 15_000
    started = time.process_time()
    text = html_to_text(html)
    assert time.process_time() - started < 15.0
    assert text.count("bold words & a link.") == 15_000


def test_bounded_leaves_short_text_alone() -> None:
    """It should return text within the limit unchanged."""
    assert bounded("short", 10) == "short"


def test_bounded_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    """It should cut at the last space that fits and end with an ellipsis."""
    out = bounded("the quick brown fox jumps", 18)
    assert out == "the quick brown…"
    assert len(out) <= 18


def test_bounded_cuts_unspaced_text_hard() -> None:
    """It should cut a long word mid-way rather than return almost nothing."""
    out = bounded("a " + "x" * 100, 20)
    assert len(out) == 20 and out.endswith("…")


def test_bounded_never_exceeds_the_limit() -> None:
    """It should keep every result within the limit, for tiny limits too."""
    for limit in range(0, 30):
        assert len(bounded("word " * 20, limit)) <= limit
