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


MIXED_OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>reader</title></head><body>
  <outline text="Coffee">
    <outline text="Northwind journal" xmlUrl="https://journal.northwind.example/feed.xml"/>
    <outline text="Roast log" xmlUrl="https://roast.example/rss"/>
    <outline text="Roast log again" xmlUrl="https://roast.example/rss"/>
    <outline text="Local script" xmlUrl="exec:~/bin/coffee-feed.sh"/>
    <outline text="Brew news" xmlUrl="https://brew.example/atom.xml"/>
  </outline>
</body></opml>
"""


def test_import_names_every_skipped_entry_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It should list each entry it did not add, by name and URL, with the reason."""
    config = tmp_path / "config.toml"
    config.write_text(BRAND + '\n[[sources]]\nkind = "feed"\nname = "Journal"\n'
                      'url = "https://journal.northwind.example/feed.xml"\n', encoding="utf-8")
    opml = tmp_path / "reader.opml"
    opml.write_bytes(MIXED_OPML)
    assert main(["--config", str(config), "--import-opml", str(opml)]) == 0
    err = capsys.readouterr().err
    assert "added 2 feeds" in err and "1 were there already, 2 skipped" in err
    assert ("  - skipped 'Northwind journal' (https://journal.northwind.example/feed.xml): "
            "the config already polls it as 'Journal'") in err
    assert ("  - skipped 'Roast log again' (https://roast.example/rss): the same feed as "
            "'Roast log' earlier in the file") in err
    assert ("  - skipped 'Local script' (exec:~/bin/coffee-feed.sh): not an http(s) feed URL"
            in err)


def test_import_into_a_symlinked_config_keeps_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It should write the imported feeds into a symlinked config's target, keeping its mode."""
    dotfiles = tmp_path / "dotfiles" / "listenpost.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text(BRAND, encoding="utf-8")
    dotfiles.chmod(0o600)
    config = tmp_path / "config.toml"
    config.symlink_to(dotfiles)
    opml = tmp_path / "reader.opml"
    opml.write_bytes(MIXED_OPML)
    assert main(["--config", str(config), "--import-opml", str(opml)]) == 0
    assert config.is_symlink()
    assert "https://roast.example/rss" in dotfiles.read_text(encoding="utf-8")
    assert dotfiles.stat().st_mode & 0o777 == 0o600
