"""Sentiment through the whole pipeline: corpus text served as a feed on loopback, polled by
the real command line into a real database, read back from the JSON export, and compared with
the human ratings. A drop in r here means the text reaching the scorer was damaged on the way
(entities, case, emoji, truncation) even if the scorer itself is fine."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.feedgen import FeedItem, pearson, rss
from tests.loopback import LoopbackServer, Reply
from tui.cli import main

pytestmark = pytest.mark.corpus


def write_config(path: Path, url: str) -> Path:
    path.write_text(
        f"""
[brand]
name = "Corpus"

[network]
allow_private_addresses = true

[[sources]]
kind = "feed"
name = "corpus"
url = "{url}"
match_all = true
""",
        encoding="utf-8",
    )
    return path


def export_scores(
    tmp_path: Path, loopback: LoopbackServer, items: list[FeedItem]
) -> dict[str, float]:
    url = loopback.route(
        "/corpus.xml", Reply(body=rss(items), headers={"Content-Type": "application/rss+xml"})
    )
    config = write_config(tmp_path / "config.toml", url)
    out = tmp_path / "out.json"
    code = main(
        ["--config", str(config), "--db", str(tmp_path / "db.sqlite"), "--export", str(out)]
    )
    assert code == 0
    mentions = json.loads(out.read_text(encoding="utf-8"))["mentions"]
    assert len(mentions) == len(items)
    return {m["url"]: m["sentiment"]["compound"] for m in mentions}


def test_vader_tweets_keep_their_accuracy_through_the_pipeline(
    tmp_path: Path, loopback: LoopbackServer, corpora: Path
) -> None:
    """It should keep Pearson r >= 0.85 against the human means for the VADER tweets."""
    rows = (
        (corpora / "vader-icwsm2014" / "tweets_GroundTruth.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    truth: dict[str, float] = {}
    items = []
    for row in rows:
        ident, mean, text = row.split("\t", 2)
        link = f"http://tweets.example/{ident}"
        truth[link] = float(mean)
        items.append(FeedItem(title="", text=text, guid=f"t{ident}", link=link))
    scores = export_scores(tmp_path, loopback, items)
    links = sorted(truth)
    r = pearson([scores[u] for u in links], [truth[u] for u in links])
    print(f"VADER tweets through the pipeline: r = {r:.4f} over {len(links)} tweets")
    assert r >= 0.85


def test_danish_sentences_reach_the_target_through_the_pipeline(
    tmp_path: Path, loopback: LoopbackServer, corpora: Path
) -> None:
    """It should reach Pearson r >= 0.5 for the annotated Danish sentences."""
    folder = corpora / "danish-sentiment" / "lcc-sentiment"
    truth: dict[str, float] = {}
    items = []
    for name in (
        "dan_mixed_2014_10K-sentences.annotated.csv",
        "dan_newscrawl_2011_10K-sentences.annotated.csv",
    ):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for index, row in enumerate(csv.DictReader(handle)):
                valence = int(row["valence"])
                if abs(valence) > 5:  # the one annotation artefact (a 9) the corpus README names
                    continue
                link = f"http://da.example/{name}/{index}"
                truth[link] = valence
                items.append(FeedItem(title="", text=row["text"], guid=link, link=link))
    scores = export_scores(tmp_path, loopback, items)
    links = sorted(truth)
    r = pearson([scores[u] for u in links], [truth[u] for u in links])
    print(f"Danish sentences through the pipeline: r = {r:.4f} over {len(links)} sentences")
    assert r >= 0.5
