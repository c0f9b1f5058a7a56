"""The command palette (Ctrl+P): the current screen's actions, plus what works everywhere.

Commands come from the same key tables as the bindings (``tui.keys``), so nothing can be bound
to a key yet missing from the palette, and each command shows its current key as help. A screen
offers its actions by naming its ``KEY_SPECS`` and ``AREA`` ("Inbox: Mark done") and may add
entries of its own with ``palette_extras`` (the inbox's "View: Negative"); ``AppCommands`` holds
only the app's keys (poll, help, quit), which work on every screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import APP_KEYS, KeySpec, key_label

Command = tuple[str, str, Callable[[], object]]


class _KeyCommands(Provider):
    """Shared search and discovery over a list of (name, help, run) commands."""

    def _commands(self) -> list[Command]:
        raise NotImplementedError

    def _from_specs(self, specs: Iterable[KeySpec], area: str) -> list[Command]:
        keys = getattr(self.app, "keys_in_use", {})
        return [(f"{area}: {spec.description}", f"key: {key_label(keys.get(spec.id, spec.key))}",
                 partial(self.screen.run_action, spec.action))
                for spec in specs if spec.palette]

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


class ScreenCommands(_KeyCommands):
    """The actions of the screen the palette was opened on."""

    def _commands(self) -> list[Command]:
        specs: Sequence[KeySpec] = getattr(self.screen, "KEY_SPECS", ())
        found = self._from_specs(specs, getattr(self.screen, "AREA", "Screen"))
        extras = getattr(self.screen, "palette_extras", None)
        keys = getattr(self.app, "keys_in_use", {})
        if extras is not None:
            for name, key_id, action in extras():
                key = key_label(keys.get(key_id, "")) if key_id else ""
                found.append((name, f"key: {key}" if key else "",
                              partial(self.screen.run_action, action)))
        return found


class AppCommands(_KeyCommands):
    """What works on every screen: poll, help, quit."""

    def _commands(self) -> list[Command]:
        return self._from_specs(APP_KEYS, "App")
