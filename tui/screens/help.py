"""The help screen: every key the inbox knows, as remapped by the config, with what it does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import (
    APP,
    FIND,
    METRICS,
    MOVE,
    PEOPLE_KEYS,
    PROFILE_KEYS,
    READ,
    REPLY,
    RULES_KEYS,
    SOURCES,
    TRIAGE,
    KeySpec,
    key_label,
)

GROUPS: tuple[tuple[str, tuple[KeySpec, ...]], ...] = (
    ("Move", MOVE), ("Triage (the selection, else the current mention)", TRIAGE),
    ("Find", FIND),
    ("Read (in the reader, Enter, the move keys scroll the text: j k, Space PgDn, PgUp b, g G)",
     READ),
    ("On the Sources screen", SOURCES), ("App", APP), ("Reply editor (r)", REPLY),
    ("Metrics", METRICS), ("Influencers (i)", PEOPLE_KEYS), ("A person's profile", PROFILE_KEYS),
    ("Rules (W; in the rule's editor only Ctrl+S and Esc are keys)", RULES_KEYS),
)


def help_text(keys_in_use: Mapping[str, str]) -> Text:
    """The help page: one line per binding, keys as remapped."""
    text = Text()
    for title, specs in GROUPS:
        text.append(f"{title}\n", "bold")
        for spec in specs:
            keys = key_label(keys_in_use.get(spec.id, spec.key))
            text.append(f"  {keys:<14}", "bold")
            text.append(f"{spec.description}  ")
            text.append(f"[{spec.id}]\n", "dim")
        text.append("\n")
    text.append("Ctrl+P opens the command palette: every action is there too.\n")
    text.append("Remap any key in [keys] of the config: the id in brackets = \"key\".", "dim")
    return text


class HelpScreen(ModalScreen[None]):
    """A scrolling list of every key; Escape, q, F1 or h closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,h", "close", "Close", id="help-close"),
    ]

    def __init__(self, keys_in_use: Mapping[str, str]) -> None:
        super().__init__()
        self._keys = keys_in_use

    def compose(self) -> ComposeResult:
        """The text in a scrolling dialog."""
        with VerticalScroll(classes="dialog", id="help-dialog"):
            yield Static(help_text(self._keys), id="help-text")

    def action_close(self) -> None:
        """Back to the inbox."""
        self.dismiss(None)
