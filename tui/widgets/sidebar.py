"""The sidebar: every view with its live count, numbered for the 1-9 and 0 keys.

It is an OptionList that never takes focus (the list keeps it, so every key stays a triage
key); views are chosen with the number keys, ``[`` and ``]``, or a click. Labels come from
config and search text, so they are Rich ``Text`` and never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import set_cell_size
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from core.inbox.triage import SEARCH_COUNT_CAP
from core.inbox.views import View
from tui.messages import ViewChosen
from tui.widgets.cells import one_line

NUMBERED = 10  # keys 1-9 then 0 jump to the first ten views
LABEL_CELLS = 24  # before the first layout: the sidebar's .tcss width less its border


class Sidebar(OptionList):
    """Views and their counts."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = False
        self.views: list[View] = []
        self._counts: dict[str, int] = {}

    def set_views(self, views: Sequence[View], current: str) -> None:
        """Show these views (built-ins, sources, searches), highlighting ``current``."""
        self.views = list(views)
        self.clear_options()
        self.add_options([Option(self._prompt(i, v), id=v.key) for i, v in enumerate(views)])
        self.highlight_view(current)

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Update the numbers beside the views that changed."""
        for i, view in enumerate(self.views):
            if counts.get(view.key) != self._counts.get(view.key) and view.key in counts:
                self._counts[view.key] = counts[view.key]
                self.replace_option_prompt(view.key, self._prompt(i, view))

    def on_resize(self) -> None:
        """Counts sit at the right edge, so a new width redraws every prompt."""
        for i, view in enumerate(self.views):
            self.replace_option_prompt(view.key, self._prompt(i, view))

    def highlight_view(self, key: str) -> None:
        """Mark the view on screen."""
        keys = [v.key for v in self.views]
        if key in keys:
            self.highlighted = keys.index(key)

    def _prompt(self, index: int, view: View) -> Text:
        width = max(8, self.scrollable_content_region.width or LABEL_CELLS)
        number = str((index + 1) % NUMBERED) if index < NUMBERED else " "
        count = self._counts.get(view.key)
        shown = "" if count is None else (f"{count:,}" if count < 1000 else f"{count // 1000}k")
        if view.fts is not None and count is not None and count >= SEARCH_COUNT_CAP:
            shown += "+"  # a search's count stops at the cap: "1k+", not a false "1k"
        label = set_cell_size(one_line(view.label), max(1, width - len(shown) - 3))
        return Text.assemble((number + " ", "dim"), label, " ", (shown, "bold"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a view: tell the screen."""
        event.stop()
        if event.option.id:
            self.post_message(ViewChosen(event.option.id))
