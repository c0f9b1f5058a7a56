"""The result table: one row per figure, listenpost beside its peer or floor, and the ratio.

The ratio is always listenpost / peer, so for times and memory below 1 is better and for
rates (mentions per second) above 1 is better; each row's unit says which it is. A row that
could not be measured says "skipped: <reason>" instead of a number, and is still printed, so a
run always shows every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True)
class Row:
    """One figure of the table."""

    group: str  # "poll", "floor", "scale": what --only selects
    figure: str
    unit: str  # "s", "MB", "mentions/s", …
    ours: float | None = None
    theirs: float | None = None
    peer: str = ""  # "newsboat", "reader", "floor", or "" when the figure stands alone
    skipped: str | None = None  # why the listenpost side (or the whole row) has no number
    peer_skipped: str | None = None  # why the peer side has no number

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.theirs:
            return None
        return self.ours / self.theirs


def fmt(value: float | None, unit: str = "") -> str:
    """A number at a precision fit for its size: 0.0123, 1.23, 12.3, 1,234."""
    if value is None:
        return "—"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 0.1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def cells(row: Row) -> list[str]:
    """The four printed cells of a row: figure, listenpost, peer or floor, ratio."""
    ours = f"skipped: {row.skipped}" if row.skipped else fmt(row.ours, row.unit)
    if row.peer_skipped:
        theirs = f"{row.peer}: skipped: {row.peer_skipped}"
    elif row.peer:
        theirs = f"{row.peer}: {fmt(row.theirs, row.unit)}"
    else:
        theirs = ""
    ratio = fmt(row.ratio) + "x" if row.ratio is not None else ""
    return [f"[{row.group}] {row.figure}", ours, theirs, ratio]


HEADER = ["figure", "listenpost", "peer or floor", "ratio"]


def text_table(rows: list[Row]) -> str:
    """The table for a terminal: aligned columns."""
    table = [HEADER, *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    """The same table as Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|---|---:|---:|---:|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + " |" for r in rows]
    return "\n".join(lines)


def write_results(path: Path, *, command: str, date: str, machine: dict[str, str],
                  rows: list[Row], notes: list[str]) -> None:
    """bench/RESULTS.md: the command, date and machine, the table, then the run's notes."""
    out = ["# Benchmark results", "", f"Command: `{command}`", "", f"Date: {date}", "",
           "## Machine", ""]
    out += [f"- {key}: {value}" for key, value in machine.items()]
    out += ["", "## Figures", "", RATIO_NOTE, "", markdown_table(rows), ""]
    if notes:
        out += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    path.write_text("\n".join(out))


RATIO_NOTE = (
    "Ratio = listenpost / peer (or floor). For seconds and MB below 1x is better; for "
    "mentions/s above 1x is better. Times are medians of alternated runs (see Notes)."
)
