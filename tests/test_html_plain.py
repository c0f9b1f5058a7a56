"""Plain markup read without html.parser gives exactly html.parser's reading: wherever
``plain_markup_parts`` answers, its parts equal ``parsed_parts``, on the corpora's feed files
(as they are and with their escaped HTML unescaped), the hostile strings, the demo's feeds, the
bench's 1 KB entries and hand-written edge cases; elsewhere it declines and html.parser reads."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import pytest

from bench import data
from core.analysis.text import parsed_parts, plain_markup_parts
from core.demo.content import build_demo_feeds
from tests.enrich_texts import DEMO_NOW

EDGES = [
    "<p>one</p><p>two &amp; three</p>", "<P>Upper</P><BR>x<Br/>y", "<br/>a<br />b</br>c",
    "<ul><li>a</li><li></li><li>b</li></ul>", "<pre>keep\n  lines\n</pre> and <pre>more</pre>",
    '<a href="x?a=1&amp;b=2">link</a> &copy; &#169; &#xA9; &nosuch; & alone',
    "<table><tr><td>a</td><td>b</td></tr></table>", "<p class=\"x\" data-y1=\"z\">attrs</p>",
    "<h1>t</h1>\n\n\n<div>d</div><span>s</span>", "text ending in &am", "text &amp",
    "<p>a</p>trailing text", "<p/>self<hr/>", "<em>\u00a0nbsp\u00a0</em>",
]
DECLINED = [
    "a < b", "<!-- c --><p>x</p>", "<!DOCTYPE html><p>x</p>", "<script>x<p></script>",
    "<img alt=\"a\" src=\"b\">", "<p class='single'>x</p>", "<p class=bare>x</p>",
    '<a href="https://exa', "<p>x</", "<p\u00a0class=\"x\">y</p>", "<my-tag>x</my-tag>",
    "</p >", "<?pi?>",
]


def _inputs(corpora: Path) -> list[str]:
    texts = list(EDGES)
    for path in sorted(corpora.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".xml", ".rss", ".atom", ".rdf", ".html"):
            raw = path.read_bytes()[:200_000].decode("utf-8", "replace")
            texts += [raw, unescape(raw)]
    hostile = json.loads((corpora / "malicious-inputs" / "blns" / "blns.json").read_text("utf-8"))
    texts += [text for text in hostile if isinstance(text, str)]
    for body in build_demo_feeds(DEMO_NOW).values():
        texts += [body.decode("utf-8"), unescape(body.decode("utf-8"))]
    texts += [entry.body for feed in range(60) for entry in data.entries(feed, "html")]
    return [text.replace("\x00", "") for text in texts]


@pytest.mark.corpus
def test_plain_markup_reads_as_html_parser_does(corpora: Path) -> None:
    """It should give html.parser's parts wherever it reads the markup itself."""
    answered = 0
    for html in _inputs(corpora):
        parts = plain_markup_parts(html)
        if parts is not None:
            answered += 1
            assert parts == parsed_parts(html), html[:200]
    assert answered > 1_000  # the plain reading is exercised, not only declined


@pytest.mark.parametrize("html", EDGES)
def test_plain_markup_answers_the_edge_cases(html: str) -> None:
    """It should read plain markup itself: upper-case tags, empty tags, entities, attributes."""
    assert plain_markup_parts(html) == parsed_parts(html)


@pytest.mark.parametrize("html", DECLINED)
def test_anything_else_goes_to_html_parser(html: str) -> None:
    """It should decline comments, declarations, raw-text elements, images, other quoting, a
    bare or cut-off tag, leaving them to html.parser."""
    assert plain_markup_parts(html) is None
