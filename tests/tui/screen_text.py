"""What the terminal shows, as plain text: the rows of a Textual screenshot."""

from __future__ import annotations

import html
import re

from textual.app import App

_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)
_TAG = re.compile(r"<[^>]+>")


def screen_text(app: App[object]) -> str:
    """Every character drawn on the screen now (the SVG screenshot with its markup removed)."""
    svg = app.export_screenshot()
    return "".join(html.unescape(_TAG.sub("", t)) for t in _TEXT.findall(svg)).replace(
        "\xa0", " ")
