"""The Rules screen with a ``rules.toml`` beside the config: each rule shows the file it comes
from, the config's rules first; an edit is saved back to the rule's own file (the other file's
bytes untouched), a new rule goes into rules.toml, and a rule does not move across files (it is
said why)."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import Posted, until
from tests.tui.test_rules_screen import (
    SIZE,
    app_for,
    open_rules,
    previewed,
    setup,
    shown,
    type_line,
)
from tui.screens.rules import RulesScreen

BESIDE = '# support\'s rules\n[[rules]]\nname = "beans"\nquery = "beans"\ntags = ["beans"]\n'


async def test_rules_from_rules_toml_show_their_file_and_save_back_to_it(tmp_path: Path) -> None:
    """It should list refunds and danish (config.toml) then beans (rules.toml), save an edit
    of beans to rules.toml alone, and refuse to move beans above a config rule."""
    db, config, _ = await setup(tmp_path)
    beside = tmp_path / "rules.toml"
    beside.write_text(BESIDE, encoding="utf-8")
    config_bytes = config.read_bytes()
    posted = Posted()
    async with app_for(db, config).run_test(size=SIZE, message_hook=posted) as pilot:
        await open_rules(pilot, posted)
        lines = shown(pilot).splitlines()
        assert any("refunds" in line and "config.toml" in line for line in lines)
        assert any("danish" in line and "config.toml" in line for line in lines)
        assert any("beans" in line and "rules.toml" in line for line in lines)
        assert "Rules · 3, run in this order" in shown(pilot)
        await pilot.press("j", "j")
        await pilot.press("K")  # beans up, above danish: another file
        await until(pilot, lambda: any("a rule moves within its own file" in n
                                       for n in posted.notices()))
        await pilot.press("enter")
        seen = len(posted.of(RulesScreen.Previewed))
        await type_line(pilot, "boost = 5")
        await previewed(pilot, posted, seen)
        await pilot.press("ctrl+s", "1")  # new mentions only
        await until(pilot, lambda: any("Saved 'beans' to rules.toml" in n
                                       for n in posted.notices()))
        seen = len(posted.of(RulesScreen.Previewed))
        await pilot.press("a")  # a new rule goes into rules.toml
        await previewed(pilot, posted, seen)
        await pilot.press("ctrl+s", "1")
        await until(pilot, lambda: any("Saved 'new rule 1' to rules.toml" in n
                                       for n in posted.notices()))
    assert config.read_bytes() == config_bytes
    assert beside.read_text(encoding="utf-8").startswith(BESIDE + "boost = 5\n")
    assert 'name = "new rule 1"' in beside.read_text(encoding="utf-8")
