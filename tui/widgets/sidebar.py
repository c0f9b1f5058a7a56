"""The sidebar: every view with its live count, numbered for the 1-9 and 0 keys.

Views of one group (the team views) sit under a heading of their own, a row that cannot be
chosen. It is an OptionList that never takes focus (the list keeps it, so every key stays a triage
key); views are chosen with the number keys, ``[`` and ``]``, or a click. Labels come from
config and search text, so they are Rich ``Text`` and never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from core.inbox.triage import SEARCH_COUNT_CAP
from core.inbox.views import View
from tui.messages import ViewChosen
from tui.widgets.cells import one_line

NUMBERED = 10  # keys 1-9 then 0 jump to the first ten views
LABEL_CELLS = 24  # before the first layout: the sidebar's .tcss width less its border
COUNT_CELLS = 4  # the widest count shown: "999", "12k", "1k+"
# Width bounds: narrower cuts "Needs reply"; wider than 40 cells, or than a quarter of the
# screen, takes the list's room for names that are rarely read in full.
MIN_WIDTH, MAX_WIDTH, MAX_SHARE = 18, 40, 0.25


class Sidebar(OptionList):
    """Views and their counts."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = False
        self.views: list[View] = []
        self._counts: dict[str, int] = {}
        self._drawn_width = 0  # the content width the prompts were last laid out for

    def set_views(self, views: Sequence[View], current: str) -> None:
        """Show these views (built-ins, sources, searches), highlighting ``current``."""
        self.views = list(views)
        self.styles.width = self.wanted_width(self.app.size.width)
        self.clear_options()
        options: list[Option] = []
        for i, view in enumerate(views):
            if view.group and (i == 0 or views[i - 1].group != view.group):
                options.append(Option(Text(one_line(view.group), "bold"), disabled=True))
            options.append(Option(self._prompt(i, view), id=view.key))
        self.add_options(options)
        self.highlight_view(current)

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Update the numbers beside the views that changed; every one when the room for them
        changed since they were drawn (a scrollbar came or went, which is no resize)."""
        relayout = self.scrollable_content_region.width != self._drawn_width
        for i, view in enumerate(self.views):
            changed = counts.get(view.key) != self._counts.get(view.key) and view.key in counts
            if changed:
                self._counts[view.key] = counts[view.key]
            if changed or relayout:
                self.replace_option_prompt(view.key, self._prompt(i, view))

    def on_resize(self) -> None:
        """Counts sit at the right edge, so a new width redraws every prompt."""
        for i, view in enumerate(self.views):
            self.replace_option_prompt(view.key, self._prompt(i, view))

    def wanted_width(self, screen_width: int) -> int:
        """Wide enough for the longest view name and its count, within the bounds above."""
        longest = max((cell_len(one_line(v.label)) for v in self.views), default=0)
        wanted = 2 + longest + 1 + COUNT_CELLS + 1  # number, name, gap, count, border
        return max(MIN_WIDTH, min(wanted, MAX_WIDTH, int(screen_width * MAX_SHARE)))

    def highlight_view(self, key: str) -> None:
        """Mark the view on screen."""
        if key in {v.key for v in self.views}:
            self.highlighted = self.get_option_index(key)  # headings take rows of their own

    def _prompt(self, index: int, view: View) -> Text:
        self._drawn_width = self.scrollable_content_region.width
        width = max(8, self._drawn_width or LABEL_CELLS)
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
