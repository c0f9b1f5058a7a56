"""The reports from the real command line: ``--export report.html``, ``--report metrics``, and
exit code 6 when the report lists alerts (cron pages someone), 0 when it lists none."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from core.exitcodes import ExitCode
from tests.test_cli_e2e import listenpost
from tests.tui.inbox_db import T0, M, create_db, insert

NOW = T0 + 5 * 86400 + 10 * 3600 + 1800  # 6 June 2024 10:30 UTC
ENV = {"SOURCE_DATE_EPOCH": str(NOW), "TZ": "UTC"}


def steady() -> list[M]:
    return [M(sort_at=NOW - h * 3600, title=f"nice espresso {h % 4}", matched="brand:Acme")
            for h in range(1, 100)]


def burst() -> list[M]:
    return [M(sort_at=NOW - 600 + i, title=f"Acme grinder recall {i}", source="forum",
              sentiment_label="negative") for i in range(9)]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "config.toml"
    config.write_text('[brand]\nname = "Acme"\nqueries = ["acme"]\n', encoding="utf-8")
    db = tmp_path / "listen.db"
    asyncio.run(create_db(db))
    return config, db


def export(files: tuple[Path, Path], out: Path, *extra: str) -> tuple[int, str]:
    config, db = files
    done = listenpost("--config", str(config), "--db", str(db), "--no-poll", "--export",
                      str(out), *extra, env=ENV)
    return done.returncode, done.stderr


def test_html_report_with_a_spike_exits_6_and_names_it(files: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    """It should write the HTML report, list the spike on stderr with its terms, and exit 6."""
    insert(files[1], steady() + burst())
    code, stderr = export(files, tmp_path / "report.html")
    assert code == ExitCode.ALERTS == 6
    assert "listenpost: alert: volume and negative share spike" in stderr
    assert "recall" in stderr.split("terms:")[1]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('<svg class="chart"') == 3


def test_metrics_json_report_and_a_quiet_day_exits_0(files: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    """It should write this week's metrics as JSON and exit 0 when nothing stands out."""
    insert(files[1], steady())
    code, stderr = export(files, tmp_path / "m.json", "--report", "metrics", "--period", "week")
    assert (code, stderr) == (0, "")
    document = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert document["period"] == {"kind": "week", "label": "week of 2024-06-03",
                                  "start": "2024-06-03T00:00:00Z",
                                  "end": "2024-06-10T00:00:00Z"}
    assert document["alerts"] == [] and len(document["series"]) == 7
    assert document["headline"]["mentions"]["value"] == 82  # NOW - 1h .. NOW - 82h: 3 June on


@pytest.mark.parametrize(("extra", "says"), [
    (("--report", "metrics"), "--report metrics writes JSON"),
    (("--period", "fortnight"), "bad period 'fortnight'"),
    (("--period", "2024-06-09..2024-06-01"), "cannot end"),
])
def test_bad_report_arguments_are_usage_errors(files: tuple[Path, Path], tmp_path: Path,
                                               extra: tuple[str, ...], says: str) -> None:
    """It should refuse a metrics report to CSV and a bad period with exit 2, saying why."""
    code, stderr = export(files, tmp_path / "out.csv", *extra)
    assert code == ExitCode.USAGE and says in stderr
    assert not (tmp_path / "out.csv").exists()


def test_help_documents_the_report_flags_and_exit_code_6() -> None:
    """It should list --report, --period and exit code 6 in --help."""
    text = listenpost("--help").stdout
    assert "--report {mentions,drafts,metrics,people}" in text and "--period PERIOD" in text
    assert "6  report written, and it lists alerts" in text
