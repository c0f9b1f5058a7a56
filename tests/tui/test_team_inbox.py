"""Issue 16 in the inbox: beside a daemon the inbox watches instead of polling, and says who
polls; a start-up warning (an SQLite library with the WAL-reset bug) shows as a notice."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from textual.message import Message
from textual.notifications import Notify

from core.config import parse_config
from core.store import Store
from core.team.lease import Lease
from core.team.sqlite import wal_reset_warning
from tests.loopback import LoopbackServer, Reply
from tests.test_signals import FAST
from tests.tui.conftest import AppFactory
from tui.app import ConfigPoller, ListenpostApp
from tui.widgets.status_line import StatusLine


class Notices:
    """Every notice the app posts, in order (a message hook)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.texts.append(str(message.notification.message))


async def test_p_beside_a_daemon_names_it_and_polls_nothing(
    make_app: AppFactory, db: Path, loopback: LoopbackServer
) -> None:
    """It should say "the daemon on HOST (pid N) polls this database" and fetch nothing."""
    url = loopback.route("/f.xml", Reply(200, FAST, {"Content-Type": "application/rss+xml"}))
    config = parse_config('[brand]\nname = "Northwind"\n[network]\nallowed_networks = '
                          '["127.0.0.1/32"]\n[[sources]]\nkind = "feed"\nname = "f"\n'
                          f'url = "{url}"\n')
    expected = f"the daemon on {socket.gethostname()} (pid {os.getpid()}) polls this database"
    notices = Notices()
    async with await Store.open(db) as daemon_store:
        assert await Lease(daemon_store, kind="daemon", length=600).take() is None
        app: ListenpostApp = make_app(config, ConfigPoller(config, db))
        async with app.run_test(size=(100, 30), message_hook=notices) as pilot:
            status = app.screen.query_one(StatusLine)
            while f"watching: {expected}" not in str(status.render()):
                await pilot.pause(0.05)
            before = len(notices.texts)
            await pilot.press("p")
            while len(notices.texts) == before:
                await pilot.pause(0.05)
            assert notices.texts[-1] == expected[:1].upper() + expected[1:] + "."
            assert f"watching: {expected}" in str(status.render())
    assert loopback.requests == []


async def test_a_start_warning_is_a_notice(make_app: AppFactory) -> None:
    """It should show the SQLite warning it was given once, as a notice."""
    warning = wal_reset_warning((3, 40, 1))
    assert warning is not None
    notices = Notices()
    app: ListenpostApp = make_app(start_warnings=[warning])
    async with app.run_test(size=(100, 30), message_hook=notices) as pilot:
        await pilot.pause()
    assert notices.texts.count(warning) == 1
