"""The reply editor's two dialogs: the template picker and the form for missing variables.

The picker filters ``[templates]`` as the person types, fuzzily over each template's name and
text (Textual's own matcher, the one the command palette uses). The form asks for each variable
a template needs and nothing supplies, one input per variable, and will not close with one
empty. Template text comes from the config and values from the person: shown as ``Text``, never
markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from core.config.model import ReplyTemplate
from tui.widgets.cells import one_line

PREVIEW_CHARS = 60  # of a template's text beside its name: one line of the 76-cell dialog


def rank_templates(query: str, templates: Sequence[ReplyTemplate]) -> list[ReplyTemplate]:
    """Templates matching ``query`` in name or text, best first (all, in order, when empty)."""
    if not query.strip():
        return list(templates)
    matcher = Matcher(query)
    scored = [(max(matcher.match(t.name) * 2, matcher.match(t.text)), i, t)
              for i, t in enumerate(templates)]  # a name match counts double: names are chosen
    return [t for score, _, t in sorted(scored, key=lambda s: (-s[0], s[1])) if score > 0]


class TemplatePicker(ModalScreen[ReplyTemplate | None]):
    """Type to filter, arrows to choose, Enter to insert, Esc to cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="template-cancel"),
        Binding("down", "move(1)", show=False, id="template-down"),
        Binding("up", "move(-1)", show=False, id="template-up"),
    ]

    def __init__(self, templates: Sequence[ReplyTemplate]) -> None:
        super().__init__()
        self._templates = list(templates)
        self._shown: list[ReplyTemplate] = list(templates)

    def compose(self) -> ComposeResult:
        """Title, search input, matching templates."""
        with Vertical(classes="dialog"):
            yield Static("Template (type to search names and text)", classes="dialog-title")
            yield Input(placeholder="thanks, refund, delay…", id="template-search")
            yield OptionList(id="template-list")
            yield Static("", id="template-empty", classes="dialog-error")

    def on_mount(self) -> None:
        """Show every template."""
        self._show("")

    def on_input_changed(self, event: Input.Changed) -> None:
        """Refilter as the person types."""
        event.stop()
        self._show(event.value)

    def _show(self, query: str) -> None:
        self._shown = rank_templates(query, self._templates)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(_label(t)) for t in self._shown])
        if self._shown:
            options.highlighted = 0
        empty = "" if self._templates else "No templates: add [templates] to the config."
        if self._templates and not self._shown:
            empty = "No template matches."
        self.query_one("#template-empty", Static).update(empty)

    def action_move(self, step: int) -> None:
        """Arrows move through the matches while typing."""
        options = self.query_one(OptionList)
        if self._shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self._shown) - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter takes the highlighted match."""
        event.stop()
        highlighted = self.query_one(OptionList).highlighted
        if self._shown and highlighted is not None:
            self.dismiss(self._shown[highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a match."""
        event.stop()
        self.dismiss(self._shown[event.option_index])

    def action_cancel(self) -> None:
        """Close without a template."""
        self.dismiss(None)


def _label(template: ReplyTemplate) -> Text:
    text = Text(f"{one_line(template.name)}  ", style="bold")
    text.append(one_line(template.text)[:PREVIEW_CHARS], style="dim")
    return text


class VariablesForm(ModalScreen[dict[str, str] | None]):
    """Ask for the values a template needs; Enter moves on, and on the last one submits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="variables-cancel"),
    ]

    def __init__(self, template: str, names: Sequence[str]) -> None:
        super().__init__()
        self._template, self._names = template, list(names)

    def compose(self) -> ComposeResult:
        """One labelled input per variable."""
        with Vertical(classes="dialog"):
            yield Static(Text(f"Template {one_line(self._template)!r} needs:"),
                         classes="dialog-title")
            for name in self._names:
                yield Static(Text(f"{{{name}}}"))
                yield Input(placeholder=name, id=f"var-{name}", classes="variable")
            yield Static("", id="variables-error", classes="dialog-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: the next empty input, or done when all are filled."""
        event.stop()
        values = {name: self.query_one(f"#var-{name}", Input).value.strip()
                  for name in self._names}
        empty = [name for name, value in values.items() if not value]
        if not empty:
            self.dismiss(values)
            return
        self.query_one("#variables-error", Static).update(
            Text(f"{{{empty[0]}}} needs a value"))
        self.query_one(f"#var-{empty[0]}", Input).focus()

    def action_cancel(self) -> None:
        """Close; nothing is inserted."""
        self.dismiss(None)
