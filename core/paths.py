"""Where the config file and the database live, in one place.

A command-line flag wins over an environment variable, which wins over the per-user locations
platformdirs gives for the operating system. Nothing here creates a directory: callers that
write a file make its parent when they write it, so importing or asking costs nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "listenpost"
CONFIG_ENV = "LISTENPOST_CONFIG"
DB_ENV = "LISTENPOST_DB"


def config_path(override: str | None = None) -> Path:
    """The config file: ``--config``, else $LISTENPOST_CONFIG, else the user config dir."""
    chosen = _first_set(override, os.environ.get(CONFIG_ENV))
    if chosen is not None:
        return chosen
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def db_path(override: str | None = None) -> Path:
    """The SQLite file: ``--db``, else $LISTENPOST_DB, else the user data dir."""
    chosen = _first_set(override, os.environ.get(DB_ENV))
    if chosen is not None:
        return chosen
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "listenpost.db"


def _first_set(*candidates: str | None) -> Path | None:
    """The first non-empty candidate as a path with ``~`` expanded (an empty env var is unset)."""
    for candidate in candidates:
        if candidate:
            return Path(candidate).expanduser()
    return None
