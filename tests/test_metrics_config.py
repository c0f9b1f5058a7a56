"""The typed ``[alerts]`` section: durations read as people write them, bad values refused with
the key, the line and the allowed range."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError, parse_config
from core.config.model import AlertsConfig


def test_alerts_section_is_typed() -> None:
    """It should read z_threshold, min_count and durations, defaulting what is left out."""
    config = parse_config('[alerts]\nz_threshold = 2.5\nbaseline = "7d"\ncooldown = "2h"\n')
    assert config.alerts == AlertsConfig(z_threshold=2.5, min_count=5, baseline=7 * 86400,
                                         cooldown=7200)
    assert parse_config("").alerts == AlertsConfig()


@pytest.mark.parametrize(("text", "found"), [
    ("[alerts]\nz_threshold = 0.2\n", "alerts.z_threshold"),
    ('[alerts]\ncooldown = "30s"\n', "expected from 1h to 7d"),
    ("[alerts]\ncooldwn = 3\n", "cooldown"),
])
def test_bad_alert_settings_say_what_and_where(text: str, found: str) -> None:
    """It should refuse out-of-range values and misspelt keys, naming the file and line."""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, Path("listen.toml"))
    assert found in str(caught.value) and "listen.toml:2" in str(caught.value)
