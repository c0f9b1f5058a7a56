"""The metrics in the daily reports: golden Markdown, HTML and metrics JSON from one fixed store,
outside text kept inert, and the HTML opened in a real headless Chromium.

Set ``UPDATE_GOLDEN=1`` to rewrite the golden files after an intended change, then read the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from core.export import Report, render
from core.inbox.triage import SourceHealth
from core.metrics.panel import MetricsRequest, compute_metrics
from core.metrics.periods import period_of
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

GOLDEN = Path(__file__).parent / "golden"
H = 3600
NOW = T0 + 2 * 86400 + 10 * H  # 2024-06-03 10:00 UTC: the report's day is 3 June
HOSTILE = '<script>alert(1)</script> [click](javascript:x) =cmd|" <img src=x onerror=y>'


def rows() -> list[M]:
    day2, day3 = T0 + 86400, T0 + 2 * 86400
    found = [M(sort_at=day2 + h * H, title=f"espresso notes {h}", matched="brand:Acme",
               sentiment_label=("positive", "neutral")[h % 2], author=f"fan{h % 3}")
             for h in range(0, 24, 3)]
    found += [M(sort_at=day2 + 5 * H, title="Globex beans are fine", source="hn",
                matched="competitor:Globex", author="bo")]
    found += [M(sort_at=day3 + h * H + 60, title=f"morning espresso {h}", matched="brand:Acme",
                sentiment_label="positive", author="fan1") for h in range(9)]
    found += [M(sort_at=day3 + 2 * H, title="Could the grinder get a timer?", category="idea",
                matched="brand:Acme", priority=5.0, author="kim", url="https://blog.example/i")]
    found += [M(sort_at=day3 + 3 * H, title=HOSTILE, matched="brand:Acme\ncompetitor:Globex",
                sentiment_label="negative", priority=20.0, author="mallory",
                url="javascript:alert(1)")]
    found += [M(sort_at=day3 + 9 * H + 60 * i, title=f"Acme grinder recall now {i}",
                source="forum", sentiment_label="negative", priority=8.0 + i, author=f"u{i}",
                matched="brand:Acme", url=f"https://forum.example/t/{i}") for i in range(7)]
    return found


def owned_and_team(path: Path, ids: list[int]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO sources(id, name, kind, url, owned) VALUES"
                   " (50, 'our account', 'mastodon', 'https://social.example/@acme', 1)")
        # the account as Mastodon reports it: 2,000 followers (rates per 1,000 followers)
        db.execute("INSERT INTO authors(id, platform, handle, followers, first_seen, last_seen)"
                   " VALUES (500, 'mastodon', 'acme@social.example', 2000, ?, ?)", (T0, T0))
        for n, (published, counts) in enumerate([(T0 + 86400 + H, (2, 1, 8)),
                                                 (T0 + 2 * 86400 + H, (4, 0, 12)),
                                                 (T0 + 2 * 86400 + 2 * H, (0, 0, 0))]):
            cur = db.execute(
                "INSERT INTO mentions(key, source_id, platform, published_at, fetched_at,"
                " sort_at, owned, replies, reshares, likes, author_id) VALUES (?, 50, 'mastodon',"
                " ?, ?, ?, 1, ?, ?, ?, 500)", (f"own{n}", published, published, published,
                                               *counts))
            db.execute("INSERT INTO engagement_snapshots VALUES (?, ?, ?, ?, ?)",
                       (cur.lastrowid, published + H, *counts))
        db.executemany("INSERT INTO outcomes(mention_id, kind, value, actor, at) VALUES"
                       " (?, ?, ?, 'ana', ?)", [(ids[9], "lead", 250, T0 + 2 * 86400 + 4 * H),
                                                (ids[0], "support", 12, T0 + 86400 + H)])
        for mention_id, after, who in ((ids[9], 1800, "ana"), (ids[10], 5400, "bo")):
            db.execute("INSERT INTO actions(at, actor, action, mention_id, batch) VALUES"
                       " ((SELECT sort_at FROM mentions WHERE id = ?) + ?, ?, 'done', ?, ?)",
                       (mention_id, after, who, mention_id, mention_id))


async def build(tmp_path: Path) -> Report:
    path = tmp_path / "report.db"
    await create_db(path)
    owned_and_team(path, insert(path, rows()))
    request = MetricsRequest(period_of("day", NOW, UTC), UTC, NOW, names=("Acme", "Globex"),
                             health=(SourceHealth("forum", "failing", "HTTP 503"),))
    async with await Store.open(path) as store:
        metrics = await compute_metrics(store.db, request)
        return Report(generated_at=NOW, mentions=await store.export_mentions(),
                      sources=await store.sources(),
                      brand="Acme", metrics=metrics)


@pytest.mark.parametrize(("fmt", "name"), [("md", "report.md"), ("html", "report.html"),
                                           ("metrics", "metrics.json")])
async def test_reports_match_golden_files(tmp_path: Path, fmt: str, name: str) -> None:
    """It should render the fixed store's metrics exactly as the golden file says."""
    text = render(await build(tmp_path), fmt)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")


async def test_metrics_json_has_the_documented_keys_and_numbers(tmp_path: Path) -> None:
    """It should carry the headline, Kaushik, team and alert numbers under stable keys."""
    document = json.loads(render(await build(tmp_path), "metrics"))
    assert list(document) == ["schema", "generated_at", "brand", "period", "previous",
                              "headline", "series", "share_of_voice", "top", "emerging_terms",
                              "kaushik", "kaushik_per_1000_followers", "economic_value", "team",
                              "alerts", "top_negative", "top_ideas"]
    assert document["headline"]["mentions"] == {"value": 18, "previous": 9, "change": 1.0}
    masto = document["kaushik"][0]
    assert (masto["posts"], masto["conversation"], masto["applause"]) == (2, 2.0, 6.0)
    assert masto["previous"]["applause"] == 8.0
    per_k = document["kaushik_per_1000_followers"][0]  # the account has 2,000 followers
    assert (per_k["posts"], per_k["conversation"], per_k["amplification"], per_k["applause"]) \
        == (2, 1.0, 0.0, 3.0)  # (4 + 0) / 2 / 2, (0 + 0) / 2 / 2, (12 + 0) / 2 / 2
    assert per_k["previous"] == {"posts": 1, "conversation": 1.0, "amplification": 0.5,
                                 "applause": 4.0}  # 2, 1 and 8 over 2,000 followers
    assert document["team"]["overall"]["first_response_median_s"] == 3600  # 1800 and 5400
    assert document["headline"]["economic_value"] == {"value": 250, "previous": 12,
                                                      "change": 19.8333}
    assert document["economic_value"] == {"current": {"lead": 250}, "previous": {"support": 12}}
    spike = document["alerts"][0]
    assert spike["kind"] == "spike" and "recall" in spike["terms"]
    assert document["alerts"][1]["title"].startswith("forum: failing")


async def test_reports_keep_outside_text_inert(tmp_path: Path) -> None:
    """It should escape a hostile mention in HTML and Markdown and never link javascript:."""
    report = await build(tmp_path)
    page, markdown = render(report, "html"), render(report, "md")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page.replace("[click](javascript:x)", "")
    assert 'href="javascript' not in page and "<img" not in page
    rendered = MarkdownIt("gfm-like").render(markdown)  # what a mail client or GitHub shows
    assert 'href="javascript' not in rendered and "<script" not in rendered
    assert "<img" not in rendered


def chromium() -> str:
    """The browser the test command installs (Makefile: test); missing is a failure."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is not installed: `make test` installs it (apt-get install chromium)"
    return found


def open_in_chromium(page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000", *extra,
            page.as_uri()]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "HOME": str(page.parent)})


def console_messages(stderr: str) -> list[str]:
    return re.findall(r"CONSOLE[:(]\d+\)?\].*", stderr)  # "INFO:CONSOLE:1] "text", source: …"


async def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    """It should render its three charts in a real Chromium with no console message, while
    the same check catches a page that does log an error (so it can fail)."""
    page = tmp_path / "report.html"
    page.write_text(render(await build(tmp_path), "html"), encoding="utf-8")
    result = open_in_chromium(page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", result.stdout, re.S)
    assert len(charts) == 3 and all("<rect" in c or "<polyline" in c for c in charts)
    assert console_messages(result.stderr) == []
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><script>console.error('boom')</script>", encoding="utf-8")
    assert any("boom" in m for m in console_messages(open_in_chromium(broken,
                                                                      "--dump-dom").stderr))
    shot = tmp_path / "shot.png"
    open_in_chromium(page, f"--screenshot={shot}", "--window-size=900,1600")
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(header[16:20]) == 900
