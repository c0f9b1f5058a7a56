"""OPML import and export through the real command line, on newsboat's OPML files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_config
from core.opml.format import read_opml
from tui.cli import main

pytestmark = pytest.mark.corpus

BRAND = '# my listening setup\n[brand]\nname = "Northwind"\n'


def test_import_appends_new_feeds_and_keeps_the_file(tmp_path: Path, corpora: Path) -> None:
    """It should add each feed once, keep comments, and load; a second import adds nothing."""
    config = tmp_path / "config.toml"
    config.write_text(BRAND, encoding="utf-8")
    opml = corpora / "newsboat-testdata" / "example.opml"
    assert main(["--config", str(config), "--import-opml", str(opml)]) == 0
    text = config.read_text(encoding="utf-8")
    assert text.startswith(BRAND)
    loaded = load_config(config)
    urls = {s.url for s in loaded.sources}
    assert urls == {e.url for e in read_opml(opml.read_bytes())}
    assert "https://fred.example.com/writing/index.php?type=rss" in urls
    assert main(["--config", str(config), "--import-opml", str(opml)]) == 0
    assert config.read_text(encoding="utf-8") == text


def test_import_that_would_break_the_config_writes_nothing(
    tmp_path: Path, corpora: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It should refuse with exit 3 and leave the file as it was when no [brand] is set."""
    config = tmp_path / "config.toml"
    config.write_text("# empty\n", encoding="utf-8")
    code = main(
        [
            "--config",
            str(config),
            "--import-opml",
            str(corpora / "newsboat-testdata" / "example.opml"),
        ]
    )
    assert code == 3
    assert config.read_text(encoding="utf-8") == "# empty\n"
    assert "brand" in capsys.readouterr().err


def test_broken_opml_is_a_clear_error(
    tmp_path: Path, corpora: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It should name the broken file and exit 2, writing nothing."""
    config = tmp_path / "config.toml"
    config.write_text(BRAND, encoding="utf-8")
    broken = corpora / "newsboat-testdata" / "body-element-missing.opml"
    assert main(["--config", str(config), "--import-opml", str(broken)]) == 2
    assert str(broken) in capsys.readouterr().err
    assert config.read_text(encoding="utf-8") == BRAND


def test_export_round_trips(tmp_path: Path, corpora: Path) -> None:
    """It should export the config's feeds as OPML that imports back to the same URLs."""
    config = tmp_path / "config.toml"
    config.write_text(BRAND, encoding="utf-8")
    main(
        [
            "--config",
            str(config),
            "--import-opml",
            str(corpora / "newsboat-testdata" / "example.opml"),
        ]
    )
    out = tmp_path / "feeds.opml"
    assert main(["--config", str(config), "--export-opml", str(out)]) == 0
    exported = {e.url for e in read_opml(out.read_bytes())}
    assert exported == {s.url for s in load_config(config).sources}
