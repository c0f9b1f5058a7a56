"""The metrics screen: a period's numbers beside the previous period's, its charts, its alerts.

A period is picked with ``d`` ``w`` ``M`` (today, this week, this month), ``c`` (typed dates)
and the arrows (earlier, later). Every figure comes from ``core.metrics`` (aggregates in SQL),
computed in an exclusive worker so a slow period never blocks the keys and a newer request
replaces an older one. The worker paints in two steps when the second is slow: the overview
from the rollups (headline, charts, share of voice, Kaushik's rates), announced as
``ScreenRefreshed`` of "metrics:overview", then the tables that read mentions and text,
announced as "metrics" (both announced after one paint when, on a period change, the tables
follow within the target; the first count shows its overview at once).
A period's complete figures are kept until the data changes, so flipping back to it
(``d`` after ``w``) shows it without counting, announced with origin "cached"; figures already
shown when the screen comes back on top (built ahead by the app, or left and re-entered) are
announced with origin "resume". Alerts show as a banner; Enter opens the mentions behind the
current one in the inbox (the app routes ``MentionsRequested``; this screen never names
another).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from core.config import Config
from core.inbox.views import Filters
from core.metrics import format as fmt
from core.metrics.document import headlines, kaushik_rows, kaushik_unit, team_rows
from core.metrics.panel import Alert, MetricsReport, details, overview, request_for_config
from core.metrics.periods import Period, following, parse_period, period_of, previous
from core.store import Store
from tui.commands import ScreenCommands
from tui.keys import METRICS_KEYS, bindings
from tui.messages import MentionsRequested, ScreenRefreshed
from tui.screens.prompts import PromptScreen
from tui.signals import DataChanged, signals_of
from tui.widgets.charts import SeriesChart, share_bars
from tui.widgets.figures import side_by_side, text_table
from tui.widgets.steady_footer import SteadyFooter

# Seconds the overview of a period change waits for the rest before it is painted alone: the
# period-change target.
# A paint of this screen costs 30-40 ms of CPU at 120x40 (more when the tables change its
# height), so tables that follow within it are shown sooner by one paint than by two; slower
# ones (a month on a slow disk) leave the overview painted alone meanwhile.
PAINT_ONCE_WITHIN = 0.15
KEEP_PERIODS = 8  # complete reports kept for flipping back (a few kB each)


class MetricsScreen(Screen[None]):
    """What happened in a period, for the manager who would otherwise open a spreadsheet."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(METRICS_KEYS)  # type: ignore[assignment]
    COMMANDS: ClassVar = {ScreenCommands}
    KEY_SPECS = METRICS_KEYS  # the palette offers these as "Metrics: …"
    AREA = "Metrics"
    DEFAULT_CSS = """
    MetricsScreen { layout: vertical; }
    #metrics-period { height: 1; padding: 0 1; background: $panel; color: $text;
                      text-style: bold; }
    #metrics-alert { height: auto; max-height: 3; padding: 0 1; background: $error 25%;
                     color: $text; display: none; }
    #metrics-alert.-shown { display: block; }
    #metrics-headline { height: auto; padding: 0 1; }
    #metrics-body { height: 1fr; padding: 0 1; }
    #metrics-body > Static { height: auto; margin-bottom: 1; }
    """

    def __init__(self, store: Store, config: Config, *, clock: Callable[[], float],
                 tz: tzinfo) -> None:
        super().__init__()
        self._store, self._config, self._clock, self._tz = store, config, clock, tz
        self.period = period_of("day", self.now(), tz)
        self.report: MetricsReport | None = None
        self.alerts: list[Alert] = []  # the last complete report's, kept while an overview shows
        self.per_followers = False  # Kaushik's rates per 1,000 followers instead of per post
        self._alert = 0
        self._stale = False
        # Complete reports by period, counted since the data last changed: flipping back to a
        # period shows it at once. Emptied on every data change (own writes, other processes'
        # as the app's data_version watch sees them, and the clock's periodic tick).
        self._counted: dict[Period, MetricsReport] = {}
        self._generation = 0  # data changes seen: a count started before one is not kept
        # Styled as it is registered, by the app's current stylesheet: marking its styles current
        # spares the two full reparses of every stylesheet Textual runs when a new mode starts
        # (a new screen's counter of CSS updates starts at -1), 0.1-0.2 s of CPU. A theme change
        # later still restyles it. Private API: checked by tests/test_private_apis.py.
        self._css_update_count = self.app._css_update_count

    def now(self) -> int:
        return int(self._clock())

    def compose(self) -> ComposeResult:
        yield Static("", id="metrics-period", markup=False)
        yield Static("", id="metrics-alert", markup=False)
        yield Static("", id="metrics-headline", markup=False)
        with VerticalScroll(id="metrics-body"):
            yield SeriesChart("Volume", id="chart-volume")
            yield SeriesChart("Sentiment", id="chart-sentiment")
            for name in ("voice", "kaushik", "tops", "terms", "team"):
                yield Static("", id=f"metrics-{name}", markup=False)
        yield SteadyFooter(compact=True)

    def on_mount(self) -> None:
        """Compute the first period; recompute when the data changes."""
        signals_of(self.app).data_changed.subscribe(self, self._on_data_changed)
        self.load(self.period)

    def _on_data_changed(self, change: DataChanged) -> None:
        self._counted.clear()
        self._generation += 1
        if self.is_current:
            self.load(self.period, origin=change.origin.value)
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        """Back on top: catch up if anything changed meanwhile, else announce the figures
        already shown (counted while the screen was built ahead, or before it was left)."""
        if self._stale:
            self._stale = False
            self.load(self.period, origin="resume")
        elif self.is_current and self.report is not None and self.report.complete \
                and self.report.period == self.period:
            self.call_after_refresh(self._announce_shown, "resume")

    def _announce_shown(self, origin: str) -> None:
        self.post_message(ScreenRefreshed("metrics:overview", origin))
        self.post_message(ScreenRefreshed("metrics", origin))

    # -- actions -------------------------------------------------------------------------------

    def action_period(self, kind: str) -> None:
        """Today, this week or this month."""
        self.load(period_of(kind, self.now(), self._tz))

    def action_shift(self, steps: int) -> None:
        """The period before or after the one shown."""
        move = previous if steps < 0 else following
        self.load(move(self.period, self._tz))

    def action_custom_period(self) -> None:
        """Ask for dates: 2026-11-01..2026-11-07."""
        def check(text: str) -> str | None:
            try:
                parse_period(text.strip(), self.now(), self._tz)
            except ValueError as error:
                return str(error)
            return None

        prompt = PromptScreen("Period (2026-11-01..2026-11-07, or day, week, month)", check=check)
        self.app.push_screen(prompt, self._custom_chosen)

    def _custom_chosen(self, text: str | None) -> None:
        if text:
            self.load(parse_period(text.strip(), self.now(), self._tz))

    def action_per_followers(self) -> None:
        """Kaushik's rates per post, or per 1,000 followers of the posting account."""
        self.per_followers = not self.per_followers
        if self.report is not None:
            self.query_one("#metrics-kaushik", Static).update(_kaushik(self._shown(self.report)))

    def _shown(self, report: MetricsReport) -> MetricsReport:
        return replace(report, per_followers=self.per_followers)

    def action_next_alert(self) -> None:
        """Show the next alert in the banner."""
        if self.alerts:
            self._alert = (self._alert + 1) % len(self.alerts)
            self._show_alert()

    def action_open_alert(self) -> None:
        """Ask the app to show the alert's mentions in the inbox."""
        if not self.alerts:
            self.notify("No alerts in this period.", markup=False)
            return
        alert = self.alerts[self._alert]
        self.app.post_message(MentionsRequested(_filters_of(alert), alert.title))

    # -- computing and showing -----------------------------------------------------------------

    def load(self, period: Period, origin: str = "period") -> None:
        """Compute ``period`` in the background; the newest request wins."""
        self.period = period
        counted = self._counted.get(period)
        if counted is not None:
            self.workers.cancel_group(self, "metrics")  # an older period still counting loses
            self._show(counted)
            self._announce_shown("cached")
            return
        self.query_one("#metrics-period", Static).update(Text(f"Metrics: {period.label} · "
                                                              "computing…"))
        self._compute(period, origin)

    @work(exclusive=True, group="metrics")
    async def _compute(self, period: Period, origin: str) -> None:
        now, db, generation = self.now(), self._store.db, self._generation
        request = await request_for_config(self._store, self._config, period, now, self._tz,
                                           health=False)
        first = await overview(db, request)
        rest = asyncio.ensure_future(self._details(first, period, now))
        # The first count paints its overview at once: the screen is empty until then.
        wait = PAINT_ONCE_WITHIN if self.report is not None else 0.0
        try:
            done, _ = await asyncio.wait({rest}, timeout=wait)
            if not done:  # the rest takes a while: show the overview meanwhile
                self._show(first)
                self.post_message(ScreenRefreshed("metrics:overview", origin))
            report = await rest
            self._show(report)
            if generation == self._generation:
                self._keep(report)
        finally:
            rest.cancel()  # a newer request replaced this one: stop counting for it
        if done:  # painted once, overview and all
            self.post_message(ScreenRefreshed("metrics:overview", origin))
        self.post_message(ScreenRefreshed("metrics", origin))

    def _keep(self, report: MetricsReport) -> None:
        self._counted.pop(report.period, None)
        self._counted[report.period] = report
        while len(self._counted) > KEEP_PERIODS:
            del self._counted[next(iter(self._counted))]  # the least recently counted

    async def _details(self, first: MetricsReport, period: Period, now: int) -> MetricsReport:
        request = await request_for_config(self._store, self._config, period, now, self._tz)
        return await details(self._store.db, request, first)

    def _show(self, report: MetricsReport) -> None:
        """Paint ``report``; an overview leaves the alerts as they were and the tables it
        does not hold saying they are being counted."""
        self.report = report
        self.query_one("#metrics-period", Static).update(Text(
            f"Metrics: {report.period.label}  (against {report.before.label})"
            + ("" if report.complete else " · counting…")))
        self.query_one("#metrics-headline", Static).update(_headline(report))
        self._show_charts(report)
        width = self.size.width - 4
        self.query_one("#metrics-voice", Static).update(_titled(
            "Share of voice", share_bars(report.share_of_voice(),
                                         report.share_of_voice(before=True), width)))
        self.query_one("#metrics-kaushik", Static).update(_kaushik(self._shown(report)))
        if not report.complete:
            for name in ("tops", "terms", "team"):
                self.query_one(f"#metrics-{name}", Static).update(COUNTING)
            return
        self.alerts, self._alert = report.alerts, 0
        self._show_alert()
        self.query_one("#metrics-tops", Static).update(_tops(report))
        self.query_one("#metrics-terms", Static).update(_terms(report))
        self.query_one("#metrics-team", Static).update(_team(report))

    def _show_alert(self) -> None:
        banner = self.query_one("#metrics-alert", Static)
        alerts = self.alerts
        banner.set_class(bool(alerts), "-shown")
        if alerts:
            banner.update(_banner(alerts[self._alert], self._alert, len(alerts)))

    def _show_charts(self, report: MetricsReport) -> None:
        hourly = report.period.kind == "day"
        pattern = "%H:%M" if hourly else "%d %b"
        names = [datetime.fromtimestamp(b.start, self._tz).strftime(pattern)
                 for b in report.series]
        first, last = (names[0], names[-1]) if names else ("", "")
        peak = max((b.total for b in report.series), default=0)
        self.query_one("#chart-volume", SeriesChart).show(
            [b.total for b in report.series], first, last, f"peak {peak} per "
            f"{'hour' if hourly else 'day'}, {report.totals.total} in all")
        moods = [b.sentiment or 0.0 for b in report.series]
        self.query_one("#chart-sentiment", SeriesChart).show(
            [m + 1 for m in moods], first, last,  # +1: the sparkline's floor is the lowest value
            f"average {fmt.figure('sentiment_average', report.totals.sentiment)}"
            f" (−1 to +1), lowest {min(moods, default=0):+.2f}")


COUNTING = Text("…", style="dim")  # a table the overview does not hold yet


def _filters_of(alert: Alert) -> Filters:
    if alert.kind == "source":
        return Filters(source=alert.sources[0] if alert.sources else None)
    return Filters(since=alert.start, until=alert.end,
                   sentiment="negative" if alert.negative else None)


def _banner(alert: Alert, index: int, count: int) -> Text:
    text = Text("⚠ ", style="bold")
    text.append(f"Alert {index + 1} of {count}: ", style="bold")
    text.append(alert.title)
    if alert.terms:
        text.append(f" — terms: {', '.join(alert.terms)}")
    text.append("  (Enter: open its mentions · n: next)", style="dim")
    return text


def _headline(report: MetricsReport) -> Text:
    text = Text()
    for h in headlines(report):
        text.append(f"{h.name} ", style="dim")
        text.append(fmt.figure(h.key, h.value), style="bold")
        text.append(f" ({fmt.signed_change(h.change)})  " if h.previous is not None else "  ",
                    style="dim")
    return text


def _titled(title: str, body: Text) -> Text:
    return Text(title + "\n", style="bold").append_text(body)


def _kaushik(report: MetricsReport) -> Text:
    if not report.kaushik:
        return Text("Owned posts: none published in this period.", style="dim")
    return text_table(f"Owned posts, {kaushik_unit(report)} (previous; F switches)",
                      ["platform", "posts", "convers.", "amplif.", "applause"],
                      kaushik_rows(report))


def _tops(report: MetricsReport) -> Text:
    return side_by_side([text_table(what.capitalize(), [what[:-1], "n"],
                                    [[name[:20], str(n)] for name, n in report.top.get(what, [])])
                         for what in ("sources", "authors", "languages")])


def _terms(report: MetricsReport) -> Text:
    if not report.terms:
        return Text("Emerging terms: nothing rising against the previous period.", style="dim")
    return text_table("Emerging terms and authors", ["term", "n", "rise"],
                  [[t.term, str(t.count), f"{t.score:g}×"] for t in report.terms[:6]])


def _team(report: MetricsReport) -> Text:
    return text_table("Team", ["who", "handled", "median", "90%"], team_rows(report))
