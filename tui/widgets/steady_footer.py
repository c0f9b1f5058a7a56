"""A key footer that is rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes every key in it whenever its screen announces that its bindings
were updated, and a screen announces that on every resume, focus change and mount: four times
while the metrics screen first appears, 20-40 ms of CPU each, for the same keys. This footer
compares what it would show (each key, its action, description, state and tooltip) with what it
shows, and recomposes only when they differ.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str, bool], ...]


def keys_shown(screen: Screen[object]) -> Shown:
    """What a footer over ``screen`` shows: per active binding, its key, action, description,
    whether it is enabled, its tooltip and whether it is shown at all."""
    return tuple((key, binding.action, binding.description, enabled, tooltip, binding.show)
                 for key, (_, binding, enabled, tooltip) in screen.active_bindings.items())


class SteadyFooter(Footer):
    """A ``Footer`` that skips the rebuild when its screen's keys are what it already shows."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: Shown | None = None  # the keys of the last rebuild; None: never built

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild (as ``Footer`` does) unless the keys shown are the same."""
        rebuilds = screen.app.app_focus and self.is_attached and screen is self.screen
        if not rebuilds:
            super().bindings_changed(screen)  # marks the bindings ready, rebuilds nothing
            return
        shown = keys_shown(screen)
        if shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)
