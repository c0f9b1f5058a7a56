"""Charts drawn in the terminal: a labelled sparkline for a series over time, and horizontal
bars for shares (share of voice, this period over the previous one).

Both are plain Textual widgets on theme variables, so they read in the dark and light themes;
labels are ``rich.text.Text`` (never markup), since names can come from the config or outside.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

BAR = "█"
HALF = "▌"  # half a cell: shares are drawn to half-cell precision


class SeriesChart(Vertical):
    """A title with the series' range, a sparkline, and the first and last bucket's names."""

    DEFAULT_CSS = """
    SeriesChart { height: auto; margin-bottom: 1; }
    SeriesChart > .chart-title { height: 1; color: $text; text-style: bold; }
    SeriesChart > Sparkline { height: 3; }
    SeriesChart > .chart-axis { height: 1; color: $text-muted; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title

    def compose(self) -> ComposeResult:
        yield Static(self._title, classes="chart-title", markup=False)
        yield Sparkline([], summary_function=max)
        yield Static("", classes="chart-axis", markup=False)

    def show(self, values: Sequence[float], first: str, last: str, summary: str) -> None:
        """Draw ``values`` (one per bucket) with the buckets' first and last names."""
        self.query_one(Sparkline).data = list(values) or [0.0]
        self.query_one(".chart-title", Static).update(Text(f"{self._title}  {summary}"))
        axis = Table.grid(expand=True)  # laid out at render time: right edge whatever the width
        axis.add_column(justify="left")
        axis.add_column(justify="right")
        axis.add_row(Text(first), Text(last))
        self.query_one(".chart-axis", Static).update(axis)


def share_bars(now: dict[str, float], before: dict[str, float], width: int) -> Text:
    """One row per name: its bar this period, its share, and the previous period's share."""
    names = list(dict.fromkeys([*now, *before]))
    if not names:
        return Text("No mentions name the brand or a competitor in this period.", style="dim")
    label_w = min(max(len(n) for n in names), 18)
    bar_w = max(width - label_w - 22, 10)
    text = Text()
    for name in names:
        share = now.get(name, 0.0)
        cells = share * bar_w
        bar = BAR * int(cells) + (HALF if cells - int(cells) >= 0.5 else "")
        text.append(f"{name[:label_w]:<{label_w}} ")
        text.append(f"{bar:<{bar_w}}", style="bold")
        was = before.get(name)
        text.append(f" {share * 100:5.1f}%")
        text.append(f"  was {was * 100:.0f}%\n" if was is not None else "  new\n", style="dim")
    return text
