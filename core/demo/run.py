"""Running the demo: the bundled feeds on a loopback port, a config pointing at them, and a
database of its own, all set up and torn down around one run of the app or an export.

The demo database lives in a temporary directory unless ``--db`` names one, so every demo
starts from mentions dated relative to now and never mixes with a real listening database.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.config import Config, parse_config
from core.demo.server import DemoServer


@contextmanager
def running_demo(db_override: str | None, *, live: bool = True) -> Iterator[tuple[Config, Path]]:
    """Serve the demo feeds and yield a config for them and the database path to use."""
    server = DemoServer(now=int(time.time()), live=live)
    base_url = server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="listenpost-demo-") as tmp:
            from core.demo.content import demo_config_text

            config_file = Path(tmp) / "demo.toml"
            text = demo_config_text(base_url)
            config_file.write_text(text, encoding="utf-8")
            config = parse_config(text, config_file)
            db_path = Path(db_override) if db_override else Path(tmp) / "demo.db"
            yield config, db_path
    finally:
        server.stop()
