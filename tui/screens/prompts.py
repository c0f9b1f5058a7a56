"""Small modal screens that ask one thing: a line of text, or one choice from a list; and one
that shows a link to copy when no browser can open it.

Snooze, tag, note, search and filter are prompts (a line, checked before the modal closes, so
a typo shows its error in place); assign and category are choices. Labels may hold config or
user text, so every option and message is Rich ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.widgets.cells import one_line

Check = Callable[[str], str | None]  # returns an error message, or None when the text is fine


class PromptScreen(ModalScreen[str | None]):
    """Ask for a line of text; optional presets below the input pick a ready answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt-cancel"),
    ]

    def __init__(self, title: str, *, value: str = "", placeholder: str = "",
                 presets: Sequence[tuple[str, str]] = (), check: Check | None = None,
                 select_on_focus: bool = True) -> None:
        super().__init__()
        self._select = select_on_focus  # False: the cursor waits at the end, to edit the text
        self._title, self._value, self._placeholder = title, value, placeholder
        self._presets, self._check = presets, check

    def compose(self) -> ComposeResult:
        """Title, input, presets, and a line for errors."""
        with Vertical(classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Input(self._value, placeholder=self._placeholder, id="prompt-input",
                        select_on_focus=self._select)
            if self._presets:
                yield OptionList(*[Option(Text(f"{value:<10} {label}"), id=value)
                                   for value, label in self._presets], id="prompt-presets")
            yield Static("", id="prompt-error", classes="dialog-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: check the text and close, or show what is wrong."""
        event.stop()
        self._submit(event.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A preset was picked."""
        event.stop()
        self._submit(event.option.id or "")

    def _submit(self, value: str) -> None:
        problem = self._check(value) if self._check else None
        if problem:
            self.query_one("#prompt-error", Static).update(Text(one_line(problem)))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        """Escape: close without an answer."""
        self.dismiss(None)


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of a few values; digits 1-9 pick directly."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choice-cancel"),
        *[Binding(str(n), f"pick({n})", show=False, id=f"choice-{n}") for n in range(1, 10)],
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._title, self._choices = title, list(choices)

    def compose(self) -> ComposeResult:
        """Title and the numbered choices."""
        with Vertical(classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            options = [Option(Text(f"{i}  {one_line(label)}" if i < 10 else f"   {label}"),
                              id=str(i - 1)) for i, (_, label) in enumerate(self._choices, 1)]
            yield OptionList(*options, id="choice-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a choice."""
        event.stop()
        self.dismiss(self._choices[int(event.option.id or 0)][0])

    def action_pick(self, number: int) -> None:
        """A digit picks the choice with that number."""
        if number <= len(self._choices):
            self.dismiss(self._choices[number - 1][0])

    def action_cancel(self) -> None:
        """Escape: close without a choice."""
        self.dismiss(None)


class LinkScreen(ModalScreen[None]):
    """A link on a line of its own, selected, for a terminal where no browser can open it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="link-close"),
    ]

    def __init__(self, url: str, reason: str) -> None:
        super().__init__()
        self._url, self._reason = url, reason

    def compose(self) -> ComposeResult:
        """Why, then the URL in a field whose text can be selected and copied."""
        with Vertical(classes="dialog"):
            yield Static(Text("Open this link yourself"), classes="dialog-title")
            yield Static(Text(one_line(self._reason)), id="link-reason")
            yield Input(self._url, id="link-url")
            yield Static(Text("Select it with the mouse (Shift+drag in most terminals) or "
                              "Ctrl+C; Esc or Enter closes."), classes="dialog-hint")

    def on_mount(self) -> None:
        """Select the whole URL, ready to copy."""
        field = self.query_one("#link-url", Input)
        field.focus()
        field.select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter closes."""
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        """Escape closes."""
        self.dismiss(None)
