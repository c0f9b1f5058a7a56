"""``[people]`` of the config: niche terms and weights, with clear errors, and the keys of the
influencers and profile screens remappable like every other."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError, load_config, parse_config
from core.people.refresh import settings_of
from core.people.score import Weights
from tui.keys import keymap_from_config


def test_people_section_sets_niche_and_weights() -> None:
    """It should read niche terms and weights into the score settings."""
    config = parse_config('[people]\nniche = ["espresso", " pour over "]\nrelevance = 2\n'
                          "engagement = 1\nconsistency = 1\nreach = 0\n")
    settings = settings_of(config.people)
    assert settings.niche == ("espresso", "pour over")
    assert settings.weights == Weights(2.0, 1.0, 1.0, 0.0)


def test_defaults_weigh_relevance_first() -> None:
    """It should default to 0.4 / 0.3 / 0.2 / 0.1 and no niche terms."""
    settings = settings_of(parse_config("").people)
    assert settings.weights == Weights(0.4, 0.3, 0.2, 0.1) and settings.niche == ()


@pytest.mark.parametrize(("text", "message"), [
    ("[people]\nreach = -1\n", "people.reach"),
    ("[people]\nniche = \"espresso\"\n", "people.niche"),
    ("[people]\nrelevance = 0\nengagement = 0\nconsistency = 0\nreach = 0\n", "at least one"),
    ("[people]\nrelevence = 1\n", "did you mean 'relevance'"),
])
def test_bad_people_settings_are_named(tmp_path: Path, text: str, message: str) -> None:
    """It should refuse a negative weight, a niche that is not a list, all-zero weights and a
    misspelt key, naming the key."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)


def test_people_keys_can_be_remapped() -> None:
    """It should accept the influencers and profile key ids in [keys]."""
    checked = keymap_from_config({"people-sort": "s", "profile-mute": "M", "people-srot": "x"})
    assert checked.keymap == {"people-sort": "s", "profile-mute": "M"}
    assert checked.problems == (
        "[keys] 'people-srot' is not a key id; did you mean 'people-sort'?",)
