"""The status line: poll state, source health and the database in use, on one row.

Source names and error messages come from config and from servers, so the line is built as
Rich ``Text`` (no markup parsing) and flattened to one line.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from core.inbox import SourceHealth
from tui.widgets.cells import one_line


class StatusLine(Static):
    """One row at the bottom of the inbox."""

    def show(self, *, poll: str, health: list[SourceHealth], db_path: Path,
             selection: int) -> None:
        """Redraw from the current state."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(one_line(poll))
        if selection:
            text.append(" │ ")
            text.append("all in view selected" if selection < 0 else f"{selection} selected",
                        "bold")
        failing = [h.name for h in health if h.state == "failing"]
        silent = [h.name for h in health if h.state == "silent"]
        if failing:
            text.append(" │ ")
            text.append("✗ failing: " + one_line(", ".join(failing)), "bold")
        if silent:
            text.append(" │ ")
            text.append("… silent: " + one_line(", ".join(silent)))
        if not failing and not silent:
            text.append(" │ sources ok")
        text.append(" │ " + one_line(str(db_path)), "dim")
        self.update(text)
