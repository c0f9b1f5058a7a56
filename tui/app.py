"""The listenpost app shell: opens the store, runs the poller, announces changes to screens.

Top-level screens are Textual modes (the inbox now; each later screen is one ``add_mode``), so
each keeps its cursor and filter while another is shown; dialogs are pushed on top. The poller
runs in exactly one place, ``ListenpostApp._poll`` (an exclusive worker calling the injected
``poll_runner`` on an interval and on ``p``). Workers only post messages (``tui.messages``);
the handlers here turn each into one announcement on ``self.signals`` (``tui.signals``) that the
screens subscribe to. A one-second check of SQLite's ``data_version`` shows changes that other
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
from core.model import FAILED_STATUSES, PollOutcome
from core.store import Store, StoreError
from tui.commands import AppCommands
from tui.keys import APP_KEYS, DEFAULT_KEYS, bindings, keymap_from_config
from tui.messages import DatabaseChanged, PollFailed, PollFinished
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen
from tui.screens.influencers import InfluencersScreen
from tui.signals import AppSignals, ChangeOrigin, DataChanged, PollState

if TYPE_CHECKING:
    from core.config import Config
    from core.polling.poller import Poller

PollRunner = Callable[[], Awaitable[Sequence[PollOutcome]]]
POLL_INTERVAL = 60.0  # seconds between poll rounds; the poller itself skips sources not yet due
WATCH_INTERVAL = 1.0  # data_version check: other processes' writes show within a second or two
REFRESH_EVERY = 30  # watch ticks between full refreshes: snoozes ending, "14:02" labels ageing


class ListenpostApp(App[None]):
    """The screens over one database."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "listenpost"
    COMMANDS: ClassVar = App.COMMANDS | {AppCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings(APP_KEYS)  # type: ignore[assignment]

    def __init__(self, store_path: Path, config: Config | None = None, *,
                 poll_runner: PollRunner | None = None, clock: Callable[[], float] = time.time,
                 tz: tzinfo | None = None, poll_interval: float = POLL_INTERVAL,
                 watch_interval: float = WATCH_INTERVAL,
                 saved_searches: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__()
        self.store_path, self.config = Path(store_path), config
        self.poll_runner, self.clock = poll_runner, clock
        self.tz = tz or _local_tz()
        self._poll_interval, self._watch_interval = poll_interval, watch_interval
        self._saved = saved_searches
        self.signals = AppSignals(self)  # type: ignore[arg-type]  # App is invariant in its result
        self.store: Store | None = None
        self.inbox: Inbox | None = None
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
            self.store = await Store.open(self.store_path)
        except StoreError as error:
            self.exit(return_code=int(ExitCode.STORE), message=str(error))
            return
        self.inbox = Inbox(self.store.db, self.store.transaction, me=self.me())
        self._apply_keymap()
        self.add_mode("inbox", self._make_inbox)
        self.add_mode("influencers", lambda: InfluencersScreen(self))
        await self.switch_mode("inbox")
        self._data_version = await self._read_data_version()
        self.set_interval(self._watch_interval, self._watch)
        if self.poll_runner is not None:
            self.set_interval(self._poll_interval, self.action_poll_now)
            self.action_poll_now()

    def _make_inbox(self) -> InboxScreen:
        assert self.inbox is not None
        team = [m.name for m in getattr(getattr(self.config, "team", None), "members", ())]
        self.inbox_screen = InboxScreen(self.inbox, clock=self.clock, tz=self.tz,
                                        db_path=self.store_path, team=team,
                                        saved_searches=self._saved)
        return self.inbox_screen

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

    def action_poll_now(self) -> None:
        """Poll now, unless a round is already running."""
        if self.poll_runner is None:
            self.notify("No sources to poll: add [[sources]] to the config.", markup=False)
        elif self._polling:
            self.notify("Already polling.", markup=False)
        else:
            self._polling = True
            self.signals.poll_state.publish(PollState("polling…"))
            self._poll()

    @work(exclusive=True, group="poll")
    async def _poll(self) -> None:
        assert self.poll_runner is not None
        try:
            outcomes = list(await self.poll_runner())
        except Exception as error:  # noqa: BLE001 -- shown in the status line, app keeps running
            self.post_message(PollFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(PollFinished(outcomes))

    async def on_poll_finished(self, message: PollFinished) -> None:
        """Announce the round once: its state in words, then one change with its arrivals.

        The round's own commits move ``data_version`` too; reading it first keeps the watcher
        from announcing the same change a second time."""
        self._polling = False
        outcomes = message.outcomes
        failed = sum(1 for o in outcomes if o.status in FAILED_STATUSES)
        stamp = time.strftime("%H:%M", time.localtime(self.clock()))
        noun = "source" if len(outcomes) == 1 else "sources"
        self.signals.poll_state.publish(PollState(
            f"polled {len(outcomes)} {noun} at {stamp}" + (f", {failed} failed" if failed else ""),
            outcomes))
        self._data_version = await self._read_data_version()
        new = sum(o.new for o in outcomes)
        self.signals.data_changed.publish(DataChanged(
            ChangeOrigin.POLL, new, tuple(o.source for o in outcomes if o.new)))

    def on_poll_failed(self, message: PollFailed) -> None:
        """The round itself failed: say so, keep going."""
        self._polling = False
        self.signals.poll_state.publish(PollState(f"poll failed: {message.error}"))
        self.notify(f"Polling failed: {message.error}", severity="error", markup=False)

    # -- other writers ---------------------------------------------------------------------

    async def _read_data_version(self) -> int | None:
        return None if self.inbox is None else await self.inbox.data_version()

    async def _watch(self) -> None:
        """Announce other processes' commits. While our own round runs its commits move the
        version too, so the watcher waits: the round's end rereads everything once."""
        if self._polling:
            return
        version = await self._read_data_version()
        self._ticks += 1
        if version != self._data_version:
            self._data_version = version
            self.post_message(DatabaseChanged(version or 0))
        elif self._ticks % REFRESH_EVERY == 0:
            self.signals.data_changed.publish(DataChanged(ChangeOrigin.CLOCK))

    def on_database_changed(self, message: DatabaseChanged) -> None:
        """Another process wrote: every screen rereads what it shows."""
        self.signals.data_changed.publish(DataChanged(ChangeOrigin.ELSEWHERE))

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

    async def __call__(self) -> Sequence[PollOutcome]:
        """Poll the sources that are due."""
        if self._poller is None:
            from core.headless import open_poller

            store = await self._stack.enter_async_context(await Store.open(self._db_path))
            self._poller = await self._stack.enter_async_context(open_poller(self._config, store))
        return await self._poller.poll_once(due_only=True)

    async def aclose(self) -> None:
        """Close the poller and its connection."""
        await self._stack.aclose()


def run_app(config: Config, db_path: Path) -> ExitCode:
    """Run the inbox on ``db_path`` polling ``config``'s sources; the exit code for the CLI."""
    runner = ConfigPoller(config, db_path) if config.sources else None
    searches = [(s.name, s.query) for s in config.searches]
    app = ListenpostApp(db_path, config, poll_runner=runner, saved_searches=searches)
    app.run()
    return ExitCode.STORE if app.return_code else ExitCode.OK
