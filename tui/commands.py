"""Every inbox action and every view in the command palette (Ctrl+P), area-prefixed.

The commands come from the same key table as the bindings (``tui.keys``), so nothing can be
bound to a key yet missing from the palette; each command shows its current key as help.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import ALL_KEYS, key_label


class InboxCommands(Provider):
    """Inbox actions ("Inbox: Mark done") and views ("View: Negative")."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        keys = getattr(self.app, "keys_in_use", {})
        found: list[tuple[str, str, Callable[[], object]]] = []
        for spec in ALL_KEYS:
            if spec.palette:
                area = "App" if spec.action.startswith("app.") else "Inbox"
                run = partial(self.screen.run_action, spec.action)
                found.append((f"{area}: {spec.description}",
                              f"key: {key_label(keys.get(spec.id, spec.key))}", run))
        for index, view in enumerate(getattr(self.screen, "views", [])):
            key = key_label(keys.get(f"view-{(index + 1) % 10}", "")) if index < 10 else ""
            run = partial(self.screen.run_action, f"show_view({view.key!r})")
            found.append((f"View: {view.label}", f"key: {key}" if key else "", run))
        return found

    async def discover(self) -> Hits:
        """Everything, for an empty palette."""
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy matches for what was typed."""
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)

