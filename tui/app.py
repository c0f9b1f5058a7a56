"""The listenpost Textual app: opens the store, shows the inbox, runs the poller worker.

The poller runs in exactly one place, ``ListenpostApp._poll`` (an exclusive worker calling the
injected ``poll_runner`` on an interval and on ``p``), so a headless poller process can take
that job over later. Workers only post messages (``tui.messages``); the handlers here update
the screen. A one-second check of SQLite's ``data_version`` shows changes that other
processes (another TUI, the headless poller) commit.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segments
from textual import work
from textual.app import App
from textual.binding import BindingType

from core.exitcodes import ExitCode
from core.inbox.triage import Inbox
from core.model import PollOutcome
from core.store import LockPatience, Store, StoreError
from core.team.lease import Lease, PolledElsewhere
from core.team.sqlite import wal_reset_warning
from tui.commands import InboxCommands
from tui.keys import APP_KEYS, DEFAULT_KEYS, bindings, keymap_from_config
from tui.messages import DatabaseChanged, MentionsArrived, PollFailed, PollFinished, PollWatched
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen

if TYPE_CHECKING:
    from core.config import Config
    from core.polling.poller import Poller

PollRunner = Callable[[], Awaitable[Sequence[PollOutcome]]]
POLL_INTERVAL = 60.0  # seconds between poll rounds; the poller itself skips sources not yet due
WATCH_INTERVAL = 1.0  # data_version check: other processes' writes show within a second or two
REFRESH_EVERY = 30  # watch ticks between full refreshes: snoozes ending, "14:02" labels ageing
# The inbox's writes try for the lock this long at a time, then pause and try again (waiting as
# long as it takes): short, so the screen's reads on the same connection are never held up.
INBOX_BUSY_MS = 250
WAITING = "waiting for the database (held by another process)"


class ListenpostApp(App[None]):
    """The inbox over one database."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "listenpost"
    COMMANDS: ClassVar = App.COMMANDS | {InboxCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings(APP_KEYS)  # type: ignore[assignment]

    def __init__(self, store_path: Path, config: Config | None = None, *,
                 poll_runner: PollRunner | None = None, clock: Callable[[], float] = time.time,
                 tz: tzinfo | None = None, poll_interval: float = POLL_INTERVAL,
                 watch_interval: float = WATCH_INTERVAL,
                 saved_searches: Sequence[tuple[str, str]] = (),
                 start_warnings: Sequence[str] = ()) -> None:
        super().__init__()
        self.store_path, self.config = Path(store_path), config
        self.poll_runner, self.clock = poll_runner, clock
        self.tz = tz or _local_tz()
        self._poll_interval, self._watch_interval = poll_interval, watch_interval
        self._saved = saved_searches
        self._start_warnings = start_warnings  # shown once as notices (an old SQLite library)
        self.store: Store | None = None
        self.inbox_screen: InboxScreen | None = None
        self.keys_in_use = dict(DEFAULT_KEYS)
        self._data_version: int | None = None
        self._ticks = 0
        self._polling = False

    def me(self) -> str:
        """Who is triaging: ``[team] me`` from the config, else the login name."""
        team = getattr(self.config, "team", None)
        return str(getattr(team, "me", None) or getpass.getuser())

    async def on_mount(self) -> None:
        """Open the store, apply the keymap, show the inbox, start the timers."""
        try:
            self.store = await Store.open(self.store_path, busy_timeout_ms=INBOX_BUSY_MS,
                                          patience=self._lock_patience())
        except StoreError as error:
            self.exit(return_code=int(ExitCode.STORE), message=str(error))
            return
        self._apply_keymap()
        inbox = Inbox(self.store.db, self.store.transaction, me=self.me())
        team = [m.name for m in getattr(getattr(self.config, "team", None), "members", ())]
        self.inbox_screen = InboxScreen(inbox, clock=self.clock, tz=self.tz,
                                        db_path=self.store_path, team=team,
                                        saved_searches=self._saved)
        await self.push_screen(self.inbox_screen)
        for warning in self._start_warnings:
            self.notify(warning, severity="warning", markup=False, timeout=15)
        self.set_interval(self._watch_interval, self._watch)
        if self.poll_runner is not None:
            self.set_interval(self._poll_interval, lambda: self.action_poll_now(asked=False))
            self.action_poll_now()

    def _lock_patience(self) -> LockPatience:
        """Another process holding the write lock (a big undo, a backup) is waited out: the
        action completes once it is free, and the status line says why it takes a while."""
        before: list[str] = []

        def waiting(seconds: float) -> None:
            if self.inbox_screen is not None and not before:
                before.append(self.inbox_screen.poll_state)
                self._set_poll_state(WAITING)

        def free() -> None:
            if before:
                self._set_poll_state(before.pop())

        return LockPatience(limit=None, on_wait=waiting, on_free=free)

    def _apply_keymap(self) -> None:
        keys = getattr(self.config, "keys", None) or {}
        checked = keymap_from_config(keys)
        self.keys_in_use.update(checked.keymap)
        self.set_keymap(checked.keymap)
        for problem in checked.problems:
            self.notify(problem, severity="warning", markup=False, timeout=10)

    async def on_unmount(self) -> None:
        """Close the database."""
        if self.store is not None:
            await self.store.close()
        if isinstance(self.poll_runner, ConfigPoller):
            await self.poll_runner.aclose()

    # -- polling (the one place pollers run) -----------------------------------------------

    def action_poll_now(self, asked: bool = True) -> None:
        """Poll now, unless a round is already running (``asked``: by the user, not the timer)."""
        if self.poll_runner is None:
            self.notify("No sources to poll: add [[sources]] to the config.", markup=False)
        elif self._polling:
            self.notify("Already polling.", markup=False)
        else:
            self._polling = True
            self._set_poll_state("polling…")
            self._poll(asked)

    @work(exclusive=True, group="poll")
    async def _poll(self, asked: bool = True) -> None:
        assert self.poll_runner is not None
        try:
            outcomes = list(await self.poll_runner())
        except PolledElsewhere as elsewhere:
            self.post_message(PollWatched(str(elsewhere), asked))
            return
        except Exception as error:  # noqa: BLE001 -- shown in the status line, app keeps running
            self.post_message(PollFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(PollFinished(outcomes))
        new = sum(o.new for o in outcomes)
        if new:
            self.post_message(MentionsArrived(new, tuple(o.source for o in outcomes if o.new)))

    async def on_poll_finished(self, message: PollFinished) -> None:
        """Record the round in the status line."""
        self._polling = False
        failed = sum(1 for o in message.outcomes if o.status.value == "error")
        stamp = time.strftime("%H:%M", time.localtime(self.clock()))
        self._set_poll_state(f"polled {len(message.outcomes)} sources at {stamp}"
                             + (f", {failed} failed" if failed else ""))
        if self.inbox_screen is not None:
            await self.inbox_screen.refresh_all()

    def on_poll_watched(self, message: PollWatched) -> None:
        """Another process holds the polling lease: say who polls (a notice when asked)."""
        self._polling = False
        self._set_poll_state(f"watching: {message.who}")
        if message.asked:
            self.notify(message.who[:1].upper() + message.who[1:] + ".", markup=False)

    def on_poll_failed(self, message: PollFailed) -> None:
        """The round itself failed: say so, keep going."""
        self._polling = False
        self._set_poll_state(f"poll failed: {message.error}")
        self.notify(f"Polling failed: {message.error}", severity="error", markup=False)

    async def on_mentions_arrived(self, message: MentionsArrived) -> None:
        """New mentions: refresh without moving the cursor, and say how many."""
        if self.inbox_screen is not None:
            await self.inbox_screen.refresh_all()
            self.inbox_screen.notify_arrival(message.count, message.sources)

    def _set_poll_state(self, state: str) -> None:
        if self.inbox_screen is not None:
            self.inbox_screen.poll_state = state
            self.inbox_screen.show_status()

    # -- other writers ---------------------------------------------------------------------

    async def _watch(self) -> None:
        if self.inbox_screen is None or not self.inbox_screen.is_mounted:
            return
        version = await self.inbox_screen.inbox.data_version()
        self._ticks += 1
        if version != self._data_version or self._ticks % REFRESH_EVERY == 0:
            if self._data_version is not None:
                self.post_message(DatabaseChanged(version))
            self._data_version = version

    async def on_database_changed(self, message: DatabaseChanged) -> None:
        """Another process wrote: reread what is on screen."""
        if self.inbox_screen is not None:
            await self.inbox_screen.refresh_all()

    def action_help(self) -> None:
        """Every key, as remapped."""
        self.push_screen(HelpScreen(self.keys_in_use))

    def _fatal_error(self) -> None:
        """Textual's crash report, without local variables: Textual prints every frame's locals
        by default, and a frame of a poll or a login holds a token as a plain string."""
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        rendered = self.console.render(traceback, self.console.options)
        self._exit_renderables.append(Segments(rendered))
        self._close_messages_no_wait()


def _local_tz() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


class ConfigPoller:
    """The real poll round for ``run_app``: its own store connection and poller, opened on
    first use and kept until ``aclose`` (a worker pool is too costly to start every minute)."""

    def __init__(self, config: Config, db_path: Path) -> None:
        self._config, self._db_path = config, db_path
        self._stack = AsyncExitStack()
        self._poller: Poller | None = None
        self._lease: Lease | None = None

    async def __call__(self) -> Sequence[PollOutcome]:
        """Poll the sources that are due; raise ``PolledElsewhere`` when another process (a
        daemon) holds the polling lease."""
        if self._poller is None:
            from core.headless import open_poller

            store = await self._stack.enter_async_context(
                await Store.open(self._db_path, patience=LockPatience()))  # waits out locks
            self._lease = Lease(store, kind="inbox", length=self._config.team.lease)
            self._poller = await self._stack.enter_async_context(open_poller(self._config, store))
        assert self._lease is not None
        holder = await self._lease.take()
        if holder is not None:
            raise PolledElsewhere(holder)
        return await self._poller.poll_once(due_only=True)

    async def aclose(self) -> None:
        """Give the lease back, close the poller and its connection."""
        if self._lease is not None:
            await self._lease.release()
        await self._stack.aclose()


def run_app(config: Config, db_path: Path) -> ExitCode:
    """Run the inbox on ``db_path`` polling ``config``'s sources; the exit code for the CLI."""
    runner = ConfigPoller(config, db_path) if config.sources else None
    searches = [(s.name, s.query) for s in config.searches]
    warnings = [w for w in (wal_reset_warning(),) if w is not None]
    app = ListenpostApp(db_path, config, poll_runner=runner, saved_searches=searches,
                        start_warnings=warnings)
    app.run()
    if not app.return_code:
        return ExitCode.OK
    # The app exits with STORE itself when the database cannot be opened; any other non-zero
    # code is Textual reporting an unhandled exception, which is a bug, not the database.
    return ExitCode.STORE if app.return_code == ExitCode.STORE else ExitCode.INTERNAL
