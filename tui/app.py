"""The listenpost app shell: opens the store, runs the poller, announces changes to screens.

Top-level screens are Textual modes (inbox, sources, metrics, influencers, rules: one
``add_mode`` each), so each keeps its cursor and filter while another is shown; dialogs are
pushed on top. The poller runs in exactly one place, ``ListenpostApp._poll`` (an exclusive
worker running a round on the timer, on ``p`` or for one source), and only while this process
holds the polling lease (``core.team.lease``). Workers only post messages (``tui.messages``);
the handlers here turn each into one announcement on ``self.signals`` (``tui.signals``) that the
screens subscribe to. A one-second check of SQLite's ``data_version`` shows changes that other
processes (another TUI, the headless poller) commit.
"""

from __future__ import annotations

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
from textual.notifications import SeverityLevel

from core.config import Config, UiConfig
from core.exitcodes import ExitCode
from core.inbox.triage import Inbox
from core.model import PollOutcome
from core.store import LockPatience, Store, StoreError
from core.store.errors import DiskFull
from core.team.identity import acting_person
from core.team.lease import Lease, PolledElsewhere
from core.team.sqlite import wal_reset_warning
from tui.commands import AppCommands
from tui.keys import APP_KEYS, DEFAULT_KEYS, bindings, keymap_from_config
from tui.messages import (
    DatabaseChanged,
    MentionsRequested,
    PollFailed,
    PollFinished,
    PollWatched,
)
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen
from tui.screens.influencers import InfluencersScreen
from tui.screens.sources import SourcesScreen
from tui.signals import AppSignals, ChangeOrigin, DataChanged, PollState
from tui.widgets.cells import one_line
from tui.widgets.status_line import poll_summary

if TYPE_CHECKING:
    from core.polling.poller import Poller
    from tui.screens.metrics import MetricsScreen
    from tui.screens.rules import RulesScreen

PollRunner = Callable[[bool], Awaitable[Sequence[PollOutcome]]]  # argument: due_only
Round = Callable[[], Awaitable[Sequence[PollOutcome]]]  # one round, ready to run
SourcePoller = Callable[[str], Awaitable[PollOutcome]]  # polls the source with this name now
POLL_INTERVAL = 60.0  # seconds between poll rounds; the poller itself skips sources not yet due
WATCH_INTERVAL = 1.0  # data_version check: other processes' writes show within a second or two
REFRESH_EVERY = 30  # watch ticks between full refreshes: snoozes ending, "14:02" labels ageing
# The inbox's writes try for the lock this long at a time, then pause and try again (waiting as
# long as it takes): short, so the screen's reads on the same connection are never held up.
INBOX_BUSY_MS = 250
WAITING = "waiting for the database (held by another process)"
# Seconds after the inbox's first paint before the metrics mode is built and computed in the
# background, so `m` shows a screen that is already composed and counted (compose, mount and the
# first count cost ~0.1 s of CPU). None (the default for embedders and tests): built on first use.
PREPARE_METRICS_AFTER = 0.0


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
                 saved_searches: Sequence[tuple[str, str]] = (),
                 source_poller: SourcePoller | None = None,
                 start_warnings: Sequence[str] = (),
                 prepare_metrics_after: float | None = None) -> None:
        super().__init__()
        self._prepare_metrics_after = prepare_metrics_after
        self.metrics_screen: MetricsScreen | None = None
        self.source_poller = source_poller
        self.store_path, self.config = Path(store_path), config
        self.poll_runner, self.clock = poll_runner, clock
        self.tz = tz or _local_tz()
        self._poll_interval, self._watch_interval = poll_interval, watch_interval
        self._saved = saved_searches
        self.signals = AppSignals(self)  # type: ignore[arg-type]  # App is invariant in its result
        self._poll_state = PollState("not polled yet")
        self._start_warnings = start_warnings  # shown once as notices (an old SQLite library)
        self.store: Store | None = None
        self.inbox: Inbox | None = None
        self.inbox_screen: InboxScreen | None = None
        self.keys_in_use = dict(DEFAULT_KEYS)
        self._data_version: int | None = None
        self._ticks = 0
        self._polling = False

    def me(self) -> str:
        """Who is triaging: ``--user`` or ``[team] me`` from the config, else the login name."""
        return acting_person(self.config)

    async def on_mount(self) -> None:
        """Open the store, apply the keymap, show the inbox, start the timers."""
        try:
            self.store = await Store.open(self.store_path, busy_timeout_ms=INBOX_BUSY_MS,
                                          patience=self._lock_patience())
        except StoreError as error:
            self.exit(return_code=int(ExitCode.STORE), message=str(error))
            return
        self.inbox = Inbox(self.store.db, self.store.transaction, me=self.me())
        if self.config is not None and self.config.sources:  # listed before their first poll
            await self.store.sync_sources(self.config.sources)
        self._apply_keymap()
        self.add_mode("inbox", self._make_inbox)
        self.add_mode("sources", self._make_sources)
        self.add_mode("metrics", self._make_metrics)
        self.add_mode("influencers", lambda: InfluencersScreen(self))
        self.add_mode("rules", self._make_rules)
        await self.switch_mode("inbox")
        for warning in self._start_warnings:
            self.notify(warning, severity="warning", markup=False, timeout=15)
        self._data_version = await self._read_data_version()
        self.set_interval(self._watch_interval, self._watch)
        if self._prepare_metrics_after is not None:
            self.call_after_refresh(self._prepare_metrics, self._prepare_metrics_after)
        if self.poll_runner is not None:
            self.set_interval(self._poll_interval, self._poll_due)
            self._poll_due()

    def _make_inbox(self) -> InboxScreen:
        assert self.inbox is not None
        team = [(m.handle, m.name)
                for m in getattr(getattr(self.config, "team", None), "members", ())]
        self.inbox_screen = InboxScreen(self.inbox, clock=self.clock, tz=self.tz,
                                        db_path=self.store_path, team=team,
                                        saved_searches=self._saved,
                                        hold_top=self.poll_runner is not None,
                                        browser=getattr(self.config, "ui", UiConfig()).browser)
        return self.inbox_screen

    def _make_sources(self) -> SourcesScreen:
        assert self.inbox is not None
        return SourcesScreen(self.inbox, clock=self.clock, tz=self.tz)

    # The metrics and rules screens are imported when first built, not at start: importing the
    # two costs 60-75 ms after the inbox's own modules, and the median first paint went from
    # 1.10 to 1.05 s. Metrics is built right after the inbox's first paint (``_prepare_metrics``).

    def _make_metrics(self) -> MetricsScreen:
        from tui.screens.metrics import MetricsScreen

        assert self.store is not None
        self.metrics_screen = MetricsScreen(self.store, self.config or Config(), clock=self.clock,
                                            tz=self.tz)
        return self.metrics_screen

    def _make_rules(self) -> RulesScreen:
        from tui.screens.rules import RulesScreen

        return RulesScreen.of(self)

    def _prepare_metrics(self, after: float = 0.0) -> None:
        """Build the metrics mode (compose, CSS, first period) behind the current screen, now
        or ``after`` seconds from now.
        Textual has no public call that starts a mode without showing it; ``_init_mode`` is
        what ``switch_mode`` runs the first time, and it is skipped once the mode exists
        (private API: checked by tests/test_private_apis.py)."""
        if after > 0:
            self.set_timer(after, self._prepare_metrics)
        elif self.metrics_screen is None and self.current_mode != "metrics":
            self._init_mode("metrics")

    async def on_mentions_requested(self, request: MentionsRequested) -> None:
        """Show the inbox narrowed to what another screen asked for (an alert's mentions)."""
        await self.switch_mode("inbox")
        if self.inbox_screen is not None:
            await self.inbox_screen.show_filtered(request.filters, request.why)

    def _lock_patience(self) -> LockPatience:
        """Another process holding the write lock (a big undo, a backup) is waited out: the
        action completes once it is free, and the status line says why it takes a while."""
        before: list[PollState] = []

        def waiting(seconds: float) -> None:
            if not before:
                before.append(self._poll_state)
                self._announce(PollState(WAITING))

        def free() -> None:
            if before:
                self._announce(before.pop())

        return LockPatience(limit=None, on_wait=waiting, on_free=free)

    def _announce(self, state: PollState) -> None:
        """Tell every screen the poller's state (kept, so a wait for the lock can restore it)."""
        self._poll_state = state
        self.signals.poll_state.publish(state)

    def _apply_keymap(self) -> None:
        keys = getattr(self.config, "keys", None) or {}
        checked = keymap_from_config(keys)
        self.keys_in_use.update(checked.keymap)
        self.set_keymap(checked.keymap)
        if checked.problems:  # one toast for all of them: toasts replace each other
            self.notify("\n".join(checked.problems), severity="warning", markup=False,
                        timeout=10)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """One toast at a time: a new one replaces the last, so they never stack up."""
        self.clear_notifications()
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    async def on_unmount(self) -> None:
        """Close the database."""
        if self.store is not None:
            await self.store.close()
        if isinstance(self.poll_runner, ConfigPoller):
            await self.poll_runner.aclose()

    # -- polling (the one place pollers run) -----------------------------------------------

    def action_poll_now(self) -> None:
        """Poll every source now, due or not (a server's Retry-After still holds)."""
        if self.poll_runner is None:
            self.notify("No sources to poll: add [[sources]] to the config.", markup=False)
        elif self._polling:
            self.notify("Already polling.", markup=False)
        else:
            runner = self.poll_runner
            self._start_poll(lambda: runner(False), "polling…", asked=True)

    def _poll_due(self) -> None:
        """The timer's round: only the sources that are due; quiet when a round is running."""
        if self.poll_runner is not None and not self._polling:
            runner = self.poll_runner
            self._start_poll(lambda: runner(True), "polling…")

    def poll_source(self, name: str) -> None:
        """Poll one source now (the Sources screen's key), unless a round is already running."""
        if self.source_poller is None:
            self.notify("Polling is off here: no sources are configured.", markup=False)
        elif self._polling:
            self.notify("Already polling.", markup=False)
        else:
            poll_one = self.source_poller
            self._start_poll(lambda: _one(poll_one(name)), f"polling {one_line(name)}…",
                             asked=True)

    def _start_poll(self, run: Round, words: str, *, asked: bool = False) -> None:
        """Run one round in the poll worker; ``asked``: a person asked (not the timer)."""
        self._polling = True
        self._announce(PollState(words))
        self._poll(run, asked)

    @work(exclusive=True, group="poll")
    async def _poll(self, run: Round, asked: bool) -> None:
        try:
            outcomes = list(await run())
        except PolledElsewhere as elsewhere:
            self.post_message(PollWatched(str(elsewhere), asked))
            return
        except DiskFull as full:  # said as a refused triage key says it, not as a failure
            self.post_message(PollFailed(full.notice, read_only=True))
            return
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
        summary = poll_summary(outcomes, self.clock(), self.tz)
        self._announce(PollState(summary, outcomes, round_over=True))
        self._data_version = await self._read_data_version()
        new = sum(o.new for o in outcomes)
        self.signals.data_changed.publish(DataChanged(
            ChangeOrigin.POLL, new, tuple(o.source for o in outcomes if o.new)))

    def on_poll_watched(self, message: PollWatched) -> None:
        """Another process holds the polling lease: say who polls (a notice when asked)."""
        self._polling = False
        self._announce(PollState(f"watching: {message.who}", round_over=True))
        if message.asked:
            self.notify(message.who[:1].upper() + message.who[1:] + ".", markup=False)

    def on_poll_failed(self, message: PollFailed) -> None:
        """The round itself failed: say so, keep going."""
        self._polling = False
        if message.read_only:
            self._announce(PollState(message.error, round_over=True))
            self.notify(message.error, severity="error", markup=False, timeout=15)
            return
        self._announce(PollState(f"poll failed: {message.error}", round_over=True))
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
        by default, and a frame of a poll or a login holds a token as a plain string.
        Private API (Textual's _fatal_error, _exit_renderables, _close_messages_no_wait;
        tests/test_private_apis.py)."""
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        rendered = self.console.render(traceback, self.console.options)
        self._exit_renderables.append(Segments(rendered))
        self._close_messages_no_wait()


async def _one(outcome: Awaitable[PollOutcome]) -> list[PollOutcome]:
    return [await outcome]


def _local_tz() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


class ConfigPoller:
    """The real poll round for ``run_app``: its own store connection and poller, opened on
    first use and kept until ``aclose`` (a worker pool is too costly to start every minute).
    Each round first takes the polling lease (core.team.lease): beside a daemon that holds
    it, the inbox watches instead of polling."""

    def __init__(self, config: Config, db_path: Path) -> None:
        self._config, self._db_path = config, db_path
        self._stack = AsyncExitStack()
        self._poller: Poller | None = None
        self._lease: Lease | None = None

    async def __call__(self, due_only: bool = True) -> Sequence[PollOutcome]:
        """Poll the sources that are due, or every source (``p``); Retry-After holds either way.
        ``PolledElsewhere`` when another process (a daemon) holds the polling lease."""
        return await (await self._open()).poll_once(due_only=due_only)

    async def poll_source(self, name: str) -> PollOutcome:
        """Poll one named source now, due or not (``PolledElsewhere`` as for a round)."""
        return await (await self._open()).poll_named(name)

    async def _open(self) -> Poller:
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
        return self._poller

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
                        source_poller=runner.poll_source if runner else None,
                        start_warnings=warnings, prepare_metrics_after=PREPARE_METRICS_AFTER)
    app.run()
    if not app.return_code:
        return ExitCode.OK
    # The app exits with STORE itself when the database cannot be opened; any other non-zero
    # code is Textual reporting an unhandled exception, which is a bug, not the database.
    return ExitCode.STORE if app.return_code == ExitCode.STORE else ExitCode.INTERNAL
