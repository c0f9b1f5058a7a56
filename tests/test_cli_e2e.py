"""The real command line against a real loopback server and a real SQLite file.

One server plays every kind of source a listening post meets in the wild: a healthy feed that
answers 304 to its validators, a rate limiter, a broken server, a drip, a gzip bomb, a redirect
to the cloud metadata address and an HTML page posing as a feed. The export must still be
written, say what happened to each source, and the run must end in seconds.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.feedgen import FeedItem, rss
from tests.loopback import LoopbackServer, Reply, Request

ROOT = Path(__file__).resolve().parents[1]
GOOD = rss(
    [
        FeedItem(
            "Northwind grinder is brilliant",
            "I love my Northwind grinder.",
            "a1",
            link="https://blog.example/a1",
        ),
        FeedItem(
            "Northwind outage again?",
            "Northwind app is down, terrible.",
            "a2",
            link="https://blog.example/a2",
        ),
        FeedItem(
            "Unrelated", "Nothing about any brand here.", "a3", link="https://blog.example/a3"
        ),
    ]
)


def good_feed(request: Request) -> Reply:
    if request.headers.get("if-none-match") == '"v1"':
        return Reply(304, b"", {"ETag": '"v1"'})
    return Reply(200, GOOD, {"ETag": '"v1"', "Content-Type": "application/rss+xml"})


def gzip_bomb() -> bytes:
    zeros = b"\0" * (1 << 20)
    compressor = gzip.compress  # 64 MiB of zeros shrink to about 64 KiB
    return compressor(zeros * 64, compresslevel=9)


def serve_sources(server: LoopbackServer) -> dict[str, str]:
    bomb = gzip_bomb()
    return {
        "good": server.route("/good.xml", good_feed),
        "limited": server.route("/limited.xml", Reply(429, b"slow down", {"Retry-After": "3600"})),
        "broken": server.route("/broken.xml", Reply(500, b"oops")),
        "drip": server.route("/drip.xml", Reply(200, (b"<" for _ in range(600)), chunk_delay=1.0)),
        "bomb": server.route("/bomb.xml", Reply(200, bomb, {"Content-Encoding": "gzip"})),
        "metadata": server.route(
            "/moved.xml", Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
        ),
        "html": server.route(
            "/html.xml",
            Reply(
                200,
                b"<!doctype html><html><body><h1>Welcome</h1></body></html>",
                {"Content-Type": "text/html"},
            ),
        ),
    }


def write_config(path: Path, urls: dict[str, str]) -> Path:
    sources = "".join(
        f'\n[[sources]]\nkind = "feed"\nname = "{name}"\nurl = "{url}"\n'
        for name, url in urls.items()
    )
    path.write_text(
        '[brand]\nname = "Northwind"\nqueries = ["northwind"]\n\n'
        "[network]\nallow_private_addresses = true\ntimeout = 3\nconnect_timeout = 2\n"
        'max_bytes = "1MiB"\n' + sources,
        encoding="utf-8",
    )
    return path


def listenpost(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


@pytest.fixture
def setup(tmp_path: Path, loopback: LoopbackServer) -> tuple[Path, Path, LoopbackServer]:
    config = write_config(tmp_path / "config.toml", serve_sources(loopback))
    return config, tmp_path / "listen.db", loopback


def statuses(out: Path) -> dict[str, dict[str, object]]:
    document = json.loads(out.read_text(encoding="utf-8"))
    return {s["name"]: s for s in document["sources"]}


def test_export_survives_every_broken_source(
    setup: tuple[Path, Path, LoopbackServer], tmp_path: Path
) -> None:
    """It should write the export, report each failure clearly, and exit 1 within seconds."""
    config, db, _ = setup
    out = tmp_path / "out.json"
    started = time.monotonic()
    result = listenpost("--config", str(config), "--db", str(db), "--export", str(out))
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert elapsed < 60  # unguarded, the 600-byte drip alone would hold the poll for 10 minutes
    assert result.stdout == ""
    assert "polling [" not in result.stderr  # no progress bar when stderr is not a terminal
    found = statuses(out)
    assert found["good"]["status"] == "ok" and found["good"]["new"] == 2
    assert found["limited"]["status"] == "throttled"
    assert "rate-limiting" in str(found["limited"]["error"])
    assert found["broken"]["status"] == "error" and "HTTP 500" in str(found["broken"]["error"])
    assert found["drip"]["status"] == "error"
    assert found["bomb"]["status"] == "error"
    assert found["metadata"]["status"] == "error" and "169.254.169.254" in str(
        found["metadata"]["error"]
    )
    assert found["html"]["status"] == "error" and "HTML" in str(found["html"]["error"])
    for name in ("limited", "broken", "drip", "bomb", "metadata", "html"):
        assert f"listenpost: {name}:" in result.stderr
    texts = [m["title"] for m in json.loads(out.read_text(encoding="utf-8"))["mentions"]]
    assert sorted(texts) == ["Northwind grinder is brilliant", "Northwind outage again?"]


def test_second_poll_is_conditional_and_honours_retry_after(
    setup: tuple[Path, Path, LoopbackServer], tmp_path: Path
) -> None:
    """It should send validators, store nothing twice, and not ask a throttling server again."""
    config, db, server = setup
    out = tmp_path / "out.json"
    listenpost("--config", str(config), "--db", str(db), "--export", str(out))
    second = listenpost("--config", str(config), "--db", str(db), "--export", str(out))
    assert second.returncode == 1
    found = statuses(out)
    assert found["good"]["status"] == "not_modified"
    assert server.hits("/good.xml")[-1].headers.get("if-none-match") == '"v1"'
    assert len(server.hits("/limited.xml")) == 1  # Retry-After: 3600 kept us away
    assert found["limited"]["status"] == "throttled"
    assert len(json.loads(out.read_text(encoding="utf-8"))["mentions"]) == 2


def test_exports_of_the_same_data_are_byte_identical(
    setup: tuple[Path, Path, LoopbackServer], tmp_path: Path
) -> None:
    """It should write identical bytes for two --no-poll exports of one database."""
    config, db, _ = setup
    listenpost("--config", str(config), "--db", str(db), "--export", str(tmp_path / "first.json"))
    pinned = {"SOURCE_DATE_EPOCH": "1763800000"}
    stored = ("--config", str(config), "--db", str(db), "--no-poll", "--export", "-")
    for fmt in ("csv", "json", "md"):
        a, b = (listenpost(*stored, "--format", fmt, env=pinned) for _ in range(2))
        alerts = fmt == "md"  # the report lists the source refused above as an alert: exit 6
        assert a.returncode == (6 if alerts else 0) and a.stdout == b.stdout and a.stdout


def test_help_lists_exit_codes_and_every_flag() -> None:
    """It should document every flag and exit code in --help."""
    result = listenpost("--help")
    assert result.returncode == 0
    for flag in (
        "--config",
        "--db",
        "--demo",
        "--export",
        "--format",
        "--since",
        "--no-poll",
        "--poller",
    ):
        assert flag in result.stdout
    assert "exit codes:" in result.stdout and "130" in result.stdout


def test_bad_config_names_file_and_key(tmp_path: Path) -> None:
    """It should exit 3 with the file, line and key of a bad config, and no traceback."""
    config = tmp_path / "bad.toml"
    config.write_text(
        '[[sources]]\nkind = "mastadon"\nname = "x"\nurl = "https://a.example"\n', encoding="utf-8"
    )
    result = listenpost("--config", str(config), "--export", str(tmp_path / "o.json"))
    assert result.returncode == 3
    assert str(config) in result.stderr and "mastodon" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    """It should refuse flags that make no sense alone, with exit code 2."""
    assert listenpost("--no-poll").returncode == 2
    bad_since = listenpost("--demo", "--export", str(tmp_path / "x.json"), "--since", "lately")
    assert bad_since.returncode == 2 and "duration" in bad_since.stderr


def test_demo_export_runs_headless_without_network(tmp_path: Path) -> None:
    """It should serve the demo feeds on loopback, poll them and export with one failing source."""
    out = tmp_path / "demo.json"
    result = listenpost("--demo", "--export", str(out))
    assert result.returncode == 0, result.stderr  # its forum feed fails on purpose
    assert "'Community forum' source fails on purpose" in result.stderr
    polled = listenpost("--demo", "--poll-once")
    assert polled.returncode == 0 and "Community forum: error" in polled.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["mentions"]) > 200
    assert document["summary"]["by_language"].get("da", 0) > 10
    assert document["summary"]["sources_failing"] == ["Community forum"]


def test_poller_mode_polls_until_ctrl_c(setup: tuple[Path, Path, LoopbackServer]) -> None:
    """It should poll into the database and stop cleanly on Ctrl-C with exit code 130."""
    config, db, _ = setup
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--config", str(config), "--db", str(db), "--poller"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    logged: list[str] = []
    for line in process.stderr:  # blocks until the poller logs the outcome it has stored
        logged.append(line)
        if "good: ok (2 new" in line:
            break
    deadline = time.monotonic() + 60  # the source's health is written in the next batch
    while time.monotonic() < deadline and _status(db, "good") != "ok":
        time.sleep(0.1)
    assert _status(db, "good") == "ok", "".join(logged)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    err = "".join(logged) + err
    assert process.returncode == 130, err
    assert "nothing half-written" in err and "good: ok (2 new" in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _status(db: Path, source: str) -> str | None:
    if not db.exists():
        return None
    try:
        with sqlite3.connect(db) as conn:
            query = "SELECT last_status FROM sources WHERE name = ?"
            row = conn.execute(query, (source,)).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def test_progress_bar_only_on_a_terminal() -> None:
    """It should draw progress on a terminal and write nothing to a pipe or file."""
    import io

    from core.headless import Progress
    from core.model import PollOutcome, PollStatus

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = Progress(2, screen)
    bar.step(PollOutcome("blog", PollStatus.OK))
    assert "1/2" in screen.getvalue() and "blog" in screen.getvalue()


def test_poll_once_polls_into_the_database_and_writes_no_export(
    setup: tuple[Path, Path, LoopbackServer],
) -> None:
    """It should poll every source once, store the mentions, report failures, exit 1."""
    config, db, server = setup
    result = listenpost("--config", str(config), "--db", str(db), "--poll-once")
    assert result.returncode == 1 and result.stdout == ""
    assert "listenpost: broken: error" in result.stderr and "2 new mentions" in result.stderr
    assert len(server.hits("/good.xml")) == 1 and _status(db, "good") == "ok"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM mentions").fetchone() == (2,)
    both = listenpost("--config", str(config), "--db", str(db), "--poll-once", "--poller")
    assert both.returncode == 2 and "choose one" in both.stderr


def test_an_unwritable_export_path_exits_5(setup: tuple[Path, Path, LoopbackServer]) -> None:
    """It should say it cannot write the export, with exit code 5 and no traceback."""
    config, db, _ = setup
    result = listenpost("--config", str(config), "--db", str(db), "--no-poll",
                        "--export", "/nonexistent-dir/out.json")
    assert result.returncode == 5
    assert "cannot write the export to /nonexistent-dir/out.json" in result.stderr
    assert "Traceback" not in result.stderr


def fresh_home(tmp_path: Path) -> dict[str, str]:
    """An environment whose default config and database locations are inside ``tmp_path``."""
    return {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
            "LISTENPOST_CONFIG": "", "LISTENPOST_DB": ""}


def test_check_config_without_a_config_says_where_it_looked(tmp_path: Path) -> None:
    """It should exit 3 naming the missing config file, not check the demo and say OK."""
    result = listenpost("--check-config", env=fresh_home(tmp_path))
    expected = tmp_path / "config" / "listenpost" / "config.toml"
    assert result.returncode == 3
    assert f"no config file to check: looked at {expected} (the default location" in result.stderr
    assert "config OK" not in result.stderr
    named = listenpost("--check-config", env={**fresh_home(tmp_path),
                                              "LISTENPOST_CONFIG": str(tmp_path / "x.toml")})
    assert named.returncode == 3
    assert f"{tmp_path / 'x.toml'} (from $LISTENPOST_CONFIG)" in named.stderr


def test_check_config_prints_durations_as_written(tmp_path: Path) -> None:
    """It should list every source by name with its interval as a person writes it."""
    config = write_config(tmp_path / "config.toml", {"Northwind blog": "http://127.0.0.1:9/a.xml"})
    text = config.read_text(encoding="utf-8").replace('a.xml"\n', 'a.xml"\ninterval = "1h30m"\n')
    config.write_text(text, encoding="utf-8")
    result = listenpost("--config", str(config), "--check-config")
    assert result.returncode == 0, result.stderr
    assert "  Northwind blog (feed, every 1h30m)" in result.stderr


def test_help_prints_the_paths_this_run_uses(tmp_path: Path) -> None:
    """It should print the config and database paths it will use, the environment applied."""
    env = {**fresh_home(tmp_path), "LISTENPOST_DB": str(tmp_path / "team.db")}
    result = listenpost("--help", env=env)
    config = tmp_path / "config" / "listenpost" / "config.toml"
    assert f"config   {config} (missing: the demo runs instead)" in result.stdout
    assert f"database {tmp_path / 'team.db'}" in result.stdout


def test_export_to_stdout_defaults_to_json(setup: tuple[Path, Path, LoopbackServer]) -> None:
    """It should write JSON to stdout when --export - comes without --format."""
    config, db, _ = setup
    result = listenpost("--config", str(config), "--db", str(db), "--no-poll", "--export", "-")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["mentions"] == []


async def test_only_the_expected_failure_is_forgiven(
    tmp_path: Path, loopback: LoopbackServer
) -> None:
    """It should exit 0 when only an expected source fails, and 1 when another fails too."""
    import io

    from core.config import load_config
    from core.exitcodes import ExitCode
    from core.headless import ExportRequest, run_export

    urls = serve_sources(loopback)
    expected = frozenset({"broken"})
    for names, code in ((("good", "broken"), ExitCode.OK),
                        (("good", "broken", "html"), ExitCode.SOURCE_FAILED)):
        config = load_config(write_config(tmp_path / "c.toml", {n: urls[n] for n in names}))
        request = ExportRequest(str(tmp_path / "o.json"), "json", expected_failures=expected)
        err = io.StringIO()
        assert await run_export(config, tmp_path / f"{len(names)}.db", request, err=err) == code
        assert "broken: error" in err.getvalue()


def test_markdown_report_uses_the_local_or_configured_time_zone(tmp_path: Path) -> None:
    """It should write report times in $TZ's zone, or [report] timezone's, and name it."""
    config = write_config(tmp_path / "config.toml", {})
    stored = ("--config", str(config), "--db", str(tmp_path / "l.db"), "--no-poll",
              "--format", "md", "--export", "-")
    local = listenpost(*stored, env={"TZ": "Asia/Tokyo", "SOURCE_DATE_EPOCH": "1763800000"})
    assert "Generated 2025-11-22 17:26, covering all stored mentions." in local.stdout
    assert "Times are Asia/Tokyo, UTC+09:00." in local.stdout
    with config.open("a", encoding="utf-8") as handle:
        handle.write('\n[report]\ntimezone = "America/New_York"\n')
    configured = listenpost(*stored, env={"TZ": "Asia/Tokyo", "SOURCE_DATE_EPOCH": "1763800000"})
    assert "Times are America/New_York, UTC-05:00." in configured.stdout


def test_an_unknown_time_zone_is_a_config_error(tmp_path: Path) -> None:
    """It should refuse [report] timezone = "Mars/Olympus" naming the key, with exit 3."""
    config = write_config(tmp_path / "config.toml", {})
    with config.open("a", encoding="utf-8") as handle:
        handle.write('\n[report]\ntimezone = "Mars/Olympus"\n')
    result = listenpost("--config", str(config), "--check-config")
    assert result.returncode == 3
    assert "report.timezone" in result.stderr and "'Mars/Olympus'" in result.stderr
