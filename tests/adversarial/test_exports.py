"""Item 6: the Big List of Naughty Strings through every export format of the real CLI.

Two paths into the database: a Hacker News source on loopback serving every string as a
story's title, text, author and URL (JSON carries them byte-exact), polled by the CLI; and the
same strings written by the store's own ingest with no adapter cleaning them (a database from
an older version or another tool). ``listenpost --export`` then writes CSV, JSON and Markdown:
CSV cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR carry a leading apostrophe
(OWASP's advice, honoured by Excel, LibreOffice and Google Sheets) and read back with the csv
module; JSON round-trips and holds no control character but newline and tab; Markdown holds no
raw HTML, no link we did not make, no control character. Golden-file tests of the formats:
tests/test_export_golden.py. Later formats (an HTML report) join ``FORMATS`` as they land.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.model import Mention, SourceConfig
from core.store import Store
from tests.adversarial.harness import (
    T0,
    Src,
    blns,
    healthy_source,
    hn_listing,
    report,
    run_cli,
    write_config,
)
from tests.loopback import LoopbackServer, Reply

pytestmark = pytest.mark.corpus

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MD_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from strings_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from strings_in(inner)


def check_csv(text: str, strings: list[str]) -> None:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) > len(strings) // 2  # the hostile rows are there to check
    for row in rows:
        for cell in row:
            number = re.fullmatch(r"-?\d+(\.\d+)?", cell)  # our own numeric columns
            assert number or not cell.startswith(FORMULA_STARTS), cell
    neutralised = [c for row in rows for c in row if c[:1] == "'" and c[1:2] in "=+-@"]
    assert neutralised  # the formula-like strings of the list arrived, defused


def check_json(text: str, strings: list[str]) -> None:
    """Round-trips, with no raw control character in the file and none in any decoded value
    (the store cleans what it reads, whoever wrote the database)."""
    document = json.loads(text)
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document
    assert len(document["mentions"]) > len(strings) // 2
    # JSON must escape C0 (RFC 8259); DEL and C1 may stand raw, and only cleaned data lacks them
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", text), "a raw C0 character in the file"
    for value in strings_in(document):
        assert not CONTROL.search(value), repr(value)
        assert not re.search(r"[\ud800-\udfff]", value), repr(value)


def check_markdown(text: str, strings: list[str]) -> None:
    assert not MD_CONTROL.search(text), repr(MD_CONTROL.search(text))
    assert not re.search(r"<[A-Za-z/!?]", text), "raw HTML"
    for target in re.findall(r"\]\(([^)]*)\)", text):
        assert target.startswith(("https://", "http://")), target
    for label in re.findall(r"(?<!\\)\[([^\]]*)\]\(", text):
        assert label == "link", label  # only the links the report makes itself


FORMATS: dict[str, Callable[[str, list[str]], None]] = {
    "csv": check_csv, "json": check_json, "md": check_markdown,
}


@dataclass(frozen=True, slots=True)
class Exported:
    texts: dict[str, str]
    strings: list[str]


def export_all(config: Path, db: Path, label: str) -> dict[str, str]:
    texts = {}
    for fmt in FORMATS:
        run = run_cli("--config", str(config), "--db", str(db), "--no-poll", "--export", "-",
                      "--format", fmt)
        report(f"{label}: {fmt} export of the naughty strings", run.seconds, run.peak_mib)
        assert run.returncode == 0 and run.seconds < 30 and run.peak_mib < 600, run.stderr
        texts[fmt] = run.stdout
    return texts


@pytest.fixture(scope="module")
def polled(server: LoopbackServer, corpora: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The strings fetched from a Hacker News source and stored by a real poll."""
    tmp = tmp_path_factory.mktemp("exports")
    strings = blns(corpora)
    server.route("/hn/api/v1/search_by_date", Reply(200, hn_listing(strings)))
    source = Src("naughty-hn", server.url("/hn"), "hackernews", 'query = "x"')
    config = write_config(tmp / "c.toml", [healthy_source(server), source])
    db = tmp / "lp.db"
    run = run_cli("--config", str(config), "--db", str(db), "--export", str(tmp / "o.json"))
    report("naughty strings polled from Hacker News", run.seconds, run.peak_mib)
    assert run.returncode == 0, run.stderr
    return Exported(export_all(config, db, "polled"), strings)


async def ingest_raw(db: Path, strings: list[str]) -> None:
    """The strings written by the store's own ingest, no adapter having cleaned them."""
    async with await Store.open(db) as store:
        ids = await store.sync_sources([SourceConfig(name="raw", kind="feed",
                                                     url="https://raw.example/feed")])
        mentions = [Mention("feed", title=s, text=f"{s}\n{s}", author=s, url=s, key=f"raw-{i}",
                            published_at=T0 - i) for i, s in enumerate(strings)]
        await store.ingest(ids["raw"], mentions, now=T0)


@pytest.fixture(scope="module")
def raw(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    tmp = tmp_path_factory.mktemp("raw-exports")
    strings = blns(corpora)
    db = tmp / "lp.db"
    asyncio.run(ingest_raw(db, strings))
    config = write_config(tmp / "c.toml", [])
    return Exported(export_all(config, db, "raw"), strings)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_polled_naughty_strings_export_safely(polled: Exported, fmt: str) -> None:
    """It should export strings fetched from a hostile API inertly in every format."""
    FORMATS[fmt](polled.texts[fmt], polled.strings)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_raw_naughty_strings_export_safely(raw: Exported, fmt: str) -> None:
    """It should export strings no adapter cleaned as inertly as cleaned ones, in every format."""
    FORMATS[fmt](raw.texts[fmt], raw.strings)
