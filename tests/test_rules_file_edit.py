"""Editing [[rules]] in a config file as text: one rule changed, added, deleted or moved, and
every comment and other section kept byte for byte; bad edits refused with nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.config.errors import ConfigError
from core.rules.parse import one_rule
from core.rules.rulefile import (
    LiveRules,
    RuleFileError,
    add_rule,
    delete_rule,
    move_rule,
    read_rules_file,
    replace_rule,
    save,
)

CONFIG = '''# my config
[brand]
name = "Northwind"  # the brand
queries = ["northwind"]

# -- rules ---------------------------------------------------------------
[[rules]]
# refunds first
name = "refunds"
query = "refund"
tags = ["refund"]  # keep this

[[rules]]
name = "danish"
languages = ["da"]
tags = ["dansk"]
# comments about the alerts below

[alerts]
z_threshold = 3.0
'''


def config_file(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_rule_reads_as_written_with_its_comments(tmp_path: Path) -> None:
    """It should give each rule's TOML as written, comments inside it included."""
    found = read_rules_file(config_file(tmp_path))
    assert [r.name for r in found.rules] == ["refunds", "danish"]
    assert found.rule_text(0) == ('[[rules]]\n# refunds first\nname = "refunds"\n'
                                  'query = "refund"\ntags = ["refund"]  # keep this\n')
    assert found.rule_text(1).endswith('tags = ["dansk"]\n')  # the alerts' comment stays out


def test_replacing_a_rule_keeps_every_other_byte(tmp_path: Path) -> None:
    """It should change only the edited rule's lines and keep comments and sections."""
    path = config_file(tmp_path)
    found = read_rules_file(path)
    edited = found.rule_text(0).replace('query = "refund"', 'query = "refund OR money"')
    saved = save(found, replace_rule(found, 0, edited), ["refunds", "danish"])
    assert path.read_text() == CONFIG.replace('query = "refund"', 'query = "refund OR money"')
    assert saved.rules[0].when.query is not None
    assert saved.rules[0].when.query.text == "refund OR money"


def test_adding_deleting_and_moving_rules(tmp_path: Path) -> None:
    """It should add after the last rule, delete one, and swap two, leaving the rest."""
    path = config_file(tmp_path)
    found = save(read_rules_file(path), add_rule(read_rules_file(path),
                 '[[rules]]\nname = "ideas"\nquery = "please add"\n'),
                 ["refunds", "danish", "ideas"])
    assert path.read_text().count("# comments about the alerts below\n\n[alerts]") == 1
    found = save(found, move_rule(found, 2, -1), ["refunds", "ideas", "danish"])
    assert [r.name for r in found.rules] == ["refunds", "ideas", "danish"]
    found = save(found, delete_rule(found, 0), ["ideas", "danish"])
    text = path.read_text()
    assert "refunds" not in text and "# my config" in text and "z_threshold = 3.0" in text
    assert "# -- rules ---" in text


def test_a_file_with_no_rules_gains_one_at_its_end(tmp_path: Path) -> None:
    """It should append the first rule to a config that has none."""
    path = config_file(tmp_path, '[brand]\nname = "N"\n')
    found = read_rules_file(path)
    found = save(found, add_rule(found, '[[rules]]\nname = "x"\ntags = ["x"]'), ["x"])
    assert path.read_text() == '[brand]\nname = "N"\n\n[[rules]]\nname = "x"\ntags = ["x"]\n'


def test_a_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    """It should refuse to write over a change someone else made since it was read."""
    path = config_file(tmp_path)
    found = read_rules_file(path)
    path.write_text(CONFIG + "\n# edited by hand meanwhile\n")
    with pytest.raises(RuleFileError, match="changed on disk"):
        save(found, delete_rule(found, 1), ["refunds"])
    assert path.read_text().endswith("# edited by hand meanwhile\n")


def test_rules_written_as_an_inline_array_are_refused(tmp_path: Path) -> None:
    """It should refuse to edit rules it cannot place as [[rules]] tables, and say so."""
    path = config_file(tmp_path, 'rules = [{name = "a", tags = ["a"]}]\n')
    with pytest.raises(RuleFileError, match="write each as a \\[\\[rules\\]\\] table"):
        read_rules_file(path)


def test_a_bad_rule_names_its_line(tmp_path: Path) -> None:
    """It should report a bad value in one rule's text with its line in that text."""
    with pytest.raises(ConfigError) as caught:
        one_rule('[[rules]]\nname = "x"\n\ncategory = "nonsense"\n')
    assert caught.value.line == 4 and "unknown category" in caught.value.message
    with pytest.raises(ConfigError) as caught:
        one_rule('[[rules]]\nname = "x"\nquery = "refund AND"\n')
    assert caught.value.line == 3
    with pytest.raises(ConfigError) as caught:
        one_rule('[[rules]]\nname = "refunds"\n', taken=["refunds"])
    assert "already exists" in caught.value.message and caught.value.line == 2
    with pytest.raises(ConfigError) as caught:
        one_rule('[[rules]]\nname = "x\n')
    assert caught.value.line == 2 and "invalid TOML" in caught.value.message


def test_live_rules_follow_the_file(tmp_path: Path) -> None:
    """It should reread the rules when the file changes, and keep them while it is broken."""
    path = config_file(tmp_path)
    live = LiveRules(path, ())
    assert live.current() == ()  # the file has not changed since the rules were given
    os.utime(path, ns=(1, 1))
    assert [r.name for r in live.current()] == ["refunds", "danish"]
    path.write_text(CONFIG.replace('name = "danish"', 'name = "danish'), encoding="utf-8")
    assert [r.name for r in live.current()] == ["refunds", "danish"]
    assert live.problem is not None and "invalid TOML" in live.problem
