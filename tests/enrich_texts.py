"""The texts enrichment is checked on when a faster step must give the same answers as the
plain one: the corpora's human-written texts (the VADER tweets, the Danish LCC sentences, the
hostile strings), the evaluation sets, the demo's posts and the benchmark's posts and entries.
Read from where they live; nothing is copied."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from bench import data
from core.demo.content import build_demo_feeds
from eval.score import PARTS, load

DEMO_NOW = 1_790_000_000
BENCH_FEEDS = 30  # 600 posts and 600 entries: every word of the bench's vocabulary, often


def own_texts() -> list[str]:
    """The evaluation sets, the demo's lines (markup removed) and the bench's titles and
    bodies (markup removed)."""
    texts = [post.text for part in PARTS for post in load(part)]
    for body in build_demo_feeds(DEMO_NOW).values():
        texts += _without_markup(body.decode("utf-8")).splitlines()
    for kind in ("post", "html"):
        for feed in range(BENCH_FEEDS):
            for entry in data.entries(feed, kind):
                texts += [entry.title, _without_markup(entry.body)]
    return [text for text in texts if text.strip()]


def corpus_texts(corpora: Path) -> list[str]:
    """The VADER tweets, the Danish LCC sentences and the hostile strings."""
    tweets = corpora / "vader-icwsm2014" / "tweets_GroundTruth.txt"
    texts = [row[2] for row in (line.split("\t") for line in
                                tweets.read_text(encoding="utf-8").splitlines()) if len(row) >= 3]
    for path in sorted((corpora / "danish-sentiment" / "lcc-sentiment").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            texts += [row[2] for row in list(csv.reader(handle))[1:] if len(row) >= 3]
    hostile = json.loads((corpora / "malicious-inputs" / "blns" / "blns.json").read_text("utf-8"))
    return texts + [text for text in hostile if isinstance(text, str) and text.strip()]


def _without_markup(html: str) -> str:
    return re.sub(r"<[^>]+>|&\w+;", " ", html)
