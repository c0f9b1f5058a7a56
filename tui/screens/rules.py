"""The Rules screen: the config's triage rules in order, one edited with a live preview of what
it would change, then applied to new mentions only or to past ones too.

The list shows each rule's hit count, last firing, whether later rules still run after it, and
the file it lives in (the config's rules first, then those of a ``rules.toml`` beside it; each
is saved back to its own file). The editor holds the rule's TOML as written in the file (its
comments too). A moment after each change the text is read by the config's own parser
(``core.rules.parse``): a mistake shows with its line and nothing is lost (an edit stays in the
screen until it is applied); a good rule shows how many stored mentions it matches and the
change on the newest of them (``core.rules.preview``, the dry run of ``--rules-check``). Ctrl+S
saves the rule into its file (``core.rules.rulefile``: the other rules and every comment kept,
written atomically) and then applies it to past mentions as one undoable batch if asked;
pollers reread the file, so mentions arriving from then on get it either way. Adding, deleting
and moving a rule are saved at once. Everything comes from core; no SQL here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Static, TextArea

from core.config.errors import ConfigError
from core.inbox.triage import UndoRefused
from core.rules.headless import change_words
from core.rules.model import Outcome, Rule
from core.rules.parse import one_rule
from core.rules.preview import Preview, apply_to_past, preview
from core.rules.rulefile import (
    NEW_RULE,
    RuleFileError,
    RuleFiles,
    RulesFile,
    add_rule,
    delete_rule,
    move_rule,
    read_rule_files,
    replace_rule,
    save,
)
from core.rules.stored import rule_stats
from core.rules.undo import undo_apply
from core.store import Store
from tui.commands import ScreenCommands
from tui.keys import RULES_KEYS, bindings
from tui.screens.prompts import ChoiceScreen
from tui.signals import ChangeOrigin, DataChanged, signals_of
from tui.widgets.cells import one_line, short_time

DEBOUNCE = 0.3  # seconds after the last keystroke before the rule is read and previewed
LIST_COLUMNS = (("#", 3), ("Rule", 24), ("Hits", 7), ("Last fired", 10), ("Then", 9),
                ("File", 14))
PREVIEW_COLUMNS = (("Mention", 34), ("What would change", 60))


class RulesScreen(Screen[None]):
    """The rules, one of them in an editor, and its preview."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(RULES_KEYS)  # type: ignore[assignment]
    COMMANDS: ClassVar = {ScreenCommands}
    KEY_SPECS = RULES_KEYS  # the palette offers these as "Rules: …"
    AREA = "Rules"
    DEFAULT_CSS = """
    #rules-table { height: auto; max-height: 8; }
    #rule-editor { height: 9; }
    #rule-status { height: auto; max-height: 4; padding: 0 1; }
    #rule-preview { height: 1fr; }
    """

    class Previewed(Message):
        """The edited rule was read: how many stored mentions it matches, or its problem."""

        def __init__(self, matching: int | None, problem: str | None) -> None:
            super().__init__()
            self.matching, self.problem = matching, problem

    def __init__(self, store: Store, path: Path | None, *, clock: Callable[[], float],
                 tz: tzinfo, me: str) -> None:
        super().__init__()
        self.store, self.path, self._clock, self._tz, self.me = store, path, clock, tz, me
        self.file: RuleFiles | None = None
        self.drafts: dict[int, str] = {}  # rule index -> text edited here, not yet applied
        self.adding = False  # the last row is a new rule, not in the file yet
        self.stats: dict[str, tuple[int, int | None]] = {}
        self._debounce: Timer | None = None

    @classmethod
    def of(cls, app: App[Any]) -> RulesScreen:
        """The screen for the listenpost app: its store, config file, clock and person."""
        config = getattr(app, "config", None)
        return cls(getattr(app, "store"), getattr(config, "path", None),  # noqa: B009
                   clock=getattr(app, "clock"), tz=getattr(app, "tz"),  # noqa: B009
                   me=getattr(app, "me")())  # noqa: B009

    def compose(self) -> ComposeResult:
        """Title, the rules, the editor, what the edit would do, the keys."""
        yield Static(id="rules-title")
        yield DataTable(id="rules-table", cursor_type="row")
        yield TextArea(id="rule-editor", tab_behavior="focus", show_line_numbers=True)
        yield Static(id="rule-status")
        yield DataTable(id="rule-preview", cursor_type="row")
        yield Footer(compact=True)

    @property
    def table(self) -> DataTable[Text]:
        """The list of rules."""
        return cast("DataTable[Text]", self.query_one("#rules-table", DataTable))

    @property
    def editor(self) -> TextArea:
        """The current rule's text."""
        return self.query_one("#rule-editor", TextArea)

    def now(self) -> int:
        """The injected clock in whole seconds."""
        return int(self._clock())

    async def on_mount(self) -> None:
        """Read the rules; follow the app's announcements."""
        preview_table = cast("DataTable[Text]", self.query_one("#rule-preview", DataTable))
        for label, width in PREVIEW_COLUMNS:
            preview_table.add_column(label, width=width)
        for label, width in LIST_COLUMNS:
            self.table.add_column(label, width=width)
        self.table.focus()
        await self.reload()
        signals_of(self.app).data_changed.subscribe(self, self._on_data_changed)

    async def _on_data_changed(self, change: DataChanged) -> None:
        if self.is_current:
            await self._refresh_stats()
            self._schedule_preview()  # new mentions may match the rule being edited

    async def on_screen_resume(self) -> None:
        """Shown again: the file and the counts may have changed meanwhile."""
        await self.reload()

    # -- reading ---------------------------------------------------------------------------

    async def reload(self, *, cursor: int | None = None) -> None:
        """Reread the file and the counts; the cursor stays on its row (or goes to ``cursor``)."""
        keep = self.table.cursor_row if cursor is None else cursor
        title = self.query_one("#rules-title", Static)
        if self.path is None:
            self.file = None
            title.update(Text("Rules: no config file. Start listenpost with --config FILE "
                              "(its [[rules]] are edited here).", "bold"))
            return
        try:
            self.file = read_rule_files(self.path)
        except (ConfigError, RuleFileError, OSError, UnicodeDecodeError) as error:
            self.file = None
            title.update(Text(f"Rules: {self.path} cannot be edited here: {error}", "bold"))
            return
        count = len(self.file.rules)
        where = " then ".join(str(found.path) for found in self.file.files)
        title.update(Text(f"Rules · {count}, run in this order · {where}", "bold",
                          no_wrap=True, overflow="ellipsis"))
        await self._refresh_stats(keep)

    async def _refresh_stats(self, cursor: int | None = None) -> None:
        self.stats = await rule_stats(self.store)
        keep = self.table.cursor_row if cursor is None else cursor
        self.table.clear()
        for index in range(self._row_count()):
            self.table.add_row(*self._cells(index), key=str(index))
        if self._row_count():
            self.table.move_cursor(row=max(0, min(keep, self._row_count() - 1)))
        else:
            self._load_editor(None)

    def _row_count(self) -> int:
        return (len(self.file.rules) if self.file else 0) + self.adding

    def _cells(self, index: int) -> list[Text]:
        assert self.file is not None
        rule = self.file.rules[index] if index < len(self.file.rules) else None
        edited = " *" if index in self.drafts else ""
        if rule is None:
            return [Text(str(index + 1)), Text("(new, not saved yet)"), Text("–"), Text("–"),
                    Text("–"), Text(self.file.last.path.name)]
        hits, last = self.stats.get(rule.name, (0, None))
        fired = short_time(last, self.now(), self._tz) if last else "never"
        return [Text(str(index + 1)), Text(one_line(rule.name) + edited), Text(f"{hits:,}"),
                Text(fired), Text("stop" if rule.stop else "go on"),
                Text(self.file.file_of(index).path.name)]

    def _text_of(self, index: int) -> str:
        if index in self.drafts:
            return self.drafts[index]
        assert self.file is not None
        return self.file.rule_text(index)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The cursor moved to another rule: show its text (and any edit kept for it)."""
        if event.data_table.id == "rules-table":
            self._load_editor(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a rule: edit it."""
        if event.data_table.id == "rules-table":
            self.action_edit()

    def _load_editor(self, index: int | None) -> None:
        text = "" if index is None or self.file is None else self._text_of(index)
        if self.editor.text != text:
            self.editor.load_text(text)
        self._schedule_preview()

    # -- the preview -----------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """An edit: keep it, mark the rule edited, preview it once typing pauses."""
        index = self.table.cursor_row
        if self.file is None or not 0 <= index < self._row_count():
            return
        text = event.text_area.text
        saved = self.file.rule_text(index) if index < len(self.file.rules) else None
        if text != saved:
            self.drafts[index] = text
        else:
            self.drafts.pop(index, None)
        self.table.update_cell_at(Coordinate(index, 1), self._cells(index)[1])
        self._schedule_preview()

    def _schedule_preview(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, self._start_preview)

    def _start_preview(self) -> None:
        self._preview(self.table.cursor_row, self.editor.text)

    @work(exclusive=True, group="rule-preview")
    async def _preview(self, index: int, text: str) -> None:
        if self.file is None or not text.strip():
            self._show_status(Text("No rule here: a adds one."))
            self._show_outcomes(())
            return
        try:
            rule = one_rule(text, taken=self._other_names(index))
        except ConfigError as error:
            problem = problem_words(error)
            self._show_status(Text(problem, "bold"))
            self._show_outcomes(())
            self.post_message(self.Previewed(None, problem))
            return
        found = await preview(self.store.db, rule)
        self._show_status(preview_words(found))
        self._show_outcomes(found.outcomes)
        self.post_message(self.Previewed(found.matching, None))

    def _other_names(self, index: int) -> list[str]:
        assert self.file is not None
        return [r.name for i, r in enumerate(self.file.rules) if i != index]

    def _show_status(self, text: Text) -> None:
        self.query_one("#rule-status", Static).update(text)

    def _show_outcomes(self, outcomes: tuple[Outcome, ...]) -> None:
        table = cast("DataTable[Text]", self.query_one("#rule-preview", DataTable))
        table.clear()
        for outcome in outcomes:
            s = outcome.subject
            table.add_row(Text(f"#{s.id} " + one_line(s.title or s.text)),
                          Text(outcome_words(outcome)), key=str(s.id))

    # -- actions ---------------------------------------------------------------------------

    def action_edit(self) -> None:
        """Edit the rule under the cursor."""
        if self.file is not None and self._row_count():
            self.editor.focus()

    async def action_back(self) -> None:
        """Leave the editor (its text is kept); from the list, back to the inbox."""
        if self.editor.has_focus:
            self.table.focus()
        else:
            await self.app.run_action("app.switch_mode('inbox')")

    def action_cursor_down(self) -> None:
        """Next rule."""
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous rule."""
        self.table.action_cursor_up()

    async def action_add(self) -> None:
        """Start a new rule at the end of the list; it is saved when applied."""
        if self.file is None:
            return
        index = len(self.file.rules)
        if not self.adding:
            self.adding = True
            names = {r.name for r in self.file.rules}
            name = next(f"new rule {n}" for n in range(1, len(names) + 2)
                        if f"new rule {n}" not in names)
            self.drafts[index] = NEW_RULE.format(name=name)
        await self._refresh_stats(index)
        self.editor.focus()

    def action_apply(self) -> None:
        """Save the edited rule, then apply it to new mentions only or past ones too."""
        index, text = self.table.cursor_row, self.editor.text
        if self.file is None or not 0 <= index < self._row_count():
            return
        try:
            rule = one_rule(text, taken=self._other_names(index))
        except ConfigError as error:
            self.notify(problem_words(error), severity="error", markup=False)
            return
        choices = [("new", "New mentions only: save it; mentions that arrive from now on get it"),
                   ("past", "Past ones too: save it, and apply it now to the stored mentions "
                            "it matches (u undoes)")]
        self.app.push_screen(ChoiceScreen(f"Apply {rule.name!r}", choices),
                             lambda choice: self._apply(choice, index, text, rule))

    def _apply(self, choice: str | None, index: int, text: str, rule: Rule) -> None:
        if choice is not None:
            self.run_worker(self._save_and_apply(choice == "past", index, text, rule))

    async def _save_and_apply(self, past: bool, index: int, text: str, rule: Rule) -> None:
        assert self.file is not None
        target = self.file.file_of(index)
        names = [r.name for r in target.rules]
        if index < len(self.file.rules):
            local = self.file.locate(index)[1]
            new_text, names[local] = replace_rule(target, local, text), rule.name
        else:
            new_text = add_rule(target, text)
            names.append(rule.name)
        if not self._saved(target, new_text, names):
            return
        self.table.focus()
        self.drafts.pop(index, None)
        self.adding = False
        where = target.path.name
        if past:
            summary = await apply_to_past(self.store, rule, now=self.now(), by=self.me)
            kept = f"; kept what people set on {summary.kept:,}" if summary.kept else ""
            self.notify(f"Saved {rule.name!r} to {where} and applied it to past mentions: "
                        f"{summary.changed:,} changed{kept}. u undoes it.", markup=False)
            signals_of(self.app).data_changed.publish(DataChanged(ChangeOrigin.ELSEWHERE))
        else:
            self.notify(f"Saved {rule.name!r} to {where}: mentions arriving from now on get "
                        "it; past ones are unchanged.", markup=False)
        await self.reload(cursor=index)

    def _saved(self, target: RulesFile, new_text: str, names: list[str]) -> bool:
        """Write ``target`` (one of the rules' files); False (and the reason shown) when it
        could not be."""
        assert self.file is not None
        try:
            saved = save(target, new_text, names)
            self.file = RuleFiles(tuple(saved if f.path == saved.path else f
                                        for f in self.file.files))
        except (RuleFileError, ConfigError, OSError) as error:
            self.notify(f"Nothing saved: {error}", severity="error", markup=False)
            return False
        return True

    def action_delete(self) -> None:
        """Delete the rule under the cursor from its file, once confirmed."""
        index = self.table.cursor_row
        if self.file is None or not 0 <= index < self._row_count():
            return
        if index >= len(self.file.rules):
            self.run_worker(self._drop_new())
            return
        name = self.file.rules[index].name
        choices = [("delete", f"Delete {name!r} from {self.file.file_of(index).path.name}"),
                   ("keep", "Keep it")]
        self.app.push_screen(ChoiceScreen(f"Delete the rule {name!r}?", choices),
                             lambda choice: self._delete(choice, index))

    def _delete(self, choice: str | None, index: int) -> None:
        if choice == "delete":
            self.run_worker(self._delete_rule(index))

    async def _delete_rule(self, index: int) -> None:
        assert self.file is not None
        target, local = self.file.locate(index)
        names = [r.name for i, r in enumerate(target.rules) if i != local]
        if self._saved(target, delete_rule(target, local), names):
            self.drafts = {(i - (i > index)): t for i, t in self.drafts.items() if i != index}
            self.notify("Rule deleted.", markup=False)
            await self.reload(cursor=index)

    async def _drop_new(self) -> None:
        assert self.file is not None
        self.adding = False
        self.drafts.pop(len(self.file.rules), None)
        await self.reload()

    async def action_move(self, step: int) -> None:
        """Move the rule under the cursor up or down: order decides which runs first."""
        index = self.table.cursor_row
        if self.file is None or not 0 <= index + step < len(self.file.rules):
            return
        if index >= len(self.file.rules):
            self.notify("Save the new rule first (Ctrl+S): then it can move.", markup=False)
            return
        target, local = self.file.locate(index)
        if self.file.file_of(index + step) is not target:
            self.notify(f"{target.path.name}'s rules run {'after' if step < 0 else 'before'} "
                        f"those of {self.file.file_of(index + step).path.name}: a rule moves "
                        "within its own file.", markup=False)
            return
        names = [r.name for r in target.rules]
        names[local], names[local + step] = names[local + step], names[local]
        if self._saved(target, move_rule(target, local, step), names):
            mine, theirs = self.drafts.pop(index, None), self.drafts.pop(index + step, None)
            self.drafts.update({k: v for k, v in ((index + step, mine), (index, theirs))
                                if v is not None})
            await self.reload(cursor=index + step)

    async def action_undo(self) -> None:
        """Take back one's own last apply of a rule to past mentions, unless others changed
        those mentions since (said in the inbox undo's words)."""
        undone = await undo_apply(self.store, actor=self.me, now=self.now())
        if undone is None:
            self.notify(f"No apply to past mentions by {self.me} to undo.", markup=False)
            return
        if isinstance(undone, UndoRefused):
            self.notify(undone.words(self._tz), severity="warning", markup=False)
            return
        self.notify(f"Undid the apply: {undone.mentions:,} mentions as they were (what "
                    "people changed since is kept).", markup=False)
        signals_of(self.app).data_changed.publish(DataChanged(ChangeOrigin.ELSEWHERE))
        await self._refresh_stats()


def problem_words(error: ConfigError) -> str:
    """Every problem of a rule's text, one a line, each with its line number."""
    return "\n".join(f"line {p.line}: {p.message}" if p.line else p.message
                     for p in error.problems)


def preview_words(found: Preview) -> Text:
    """How many stored mentions the rule matches, and how many of those listed would change."""
    listed = len(found.outcomes)
    more = f" (the newest {listed} listed)" if found.matching > listed else ""
    return Text(f"Matches {found.matching:,} stored mentions{more}; {found.changing} of the "
                f"listed would change. Ctrl+S applies.")


def outcome_words(outcome: Outcome) -> str:
    """One mention's change: each field's, and what a person set that stays."""
    parts = [change_words(name, before, after)
             for name, (before, after) in outcome.changes.items()]
    if outcome.kept:
        parts.append("kept as set by hand: " + ", ".join(outcome.kept))
    return "; ".join(parts) or "no change (already so)"
