"""Keys as data: every inbox binding with its id, default key, action and description.

The same table makes the Textual bindings, the help screen, the command palette entries and
the keymap users write in ``[keys]`` of the config (``done = "d"``). Ids are stable names a
config can rely on. The table imports no Textual, so the config loader checks ``[keys]`` ids
against it on every run, ``--check-config`` included, and names the closest valid id.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One action a person can take, and the key that takes it by default."""

    id: str
    key: str  # Textual key names, comma-separated for alternatives
    action: str  # the action method on the inbox screen (or app., for app actions)
    description: str
    show: bool = False  # shown in the footer; the footer has room for a few at 80 columns
    short: str = ""  # the footer's word for it (the footer is one row at 80 columns)
    palette: bool = True  # also a command in the palette


MOVE = (
    KeySpec("cursor-down", "j,down", "cursor_down", "Next mention", palette=False),
    KeySpec("cursor-up", "k,up", "cursor_up", "Previous mention", palette=False),
    KeySpec("top", "g,home", "top", "First mention"),
    KeySpec("bottom", "G,end", "bottom", "Last mention"),
    KeySpec("page-down", "pagedown,space", "next_page", "Page down", palette=False),
    KeySpec("page-up", "pageup,b", "prev_page", "Page up", palette=False),
    KeySpec("next-view", "right_square_bracket", "next_view", "Next view in the sidebar"),
    KeySpec("prev-view", "left_square_bracket", "prev_view", "Previous view in the sidebar"),
)

TRIAGE = (
    KeySpec("open", "enter", "open", "Open: the detail pane full screen (again to close)"),
    KeySpec("open-link", "o", "open_link", "Open the link ([ui] browser, $BROWSER; else show it)"),
    KeySpec("copy-link", "y", "copy_link", "Send the link to the terminal's clipboard (OSC 52)"),
    KeySpec("done", "e", "done", "Mark done", show=True, short="Done"),
    KeySpec("reopen", "N", "reopen", "Back to new (ends a snooze)"),
    KeySpec("star", "asterisk", "star", "Star or unstar"),
    KeySpec("snooze", "s", "snooze", "Snooze until a time", show=True, short="Snooze"),
    KeySpec("assign", "a", "assign", "Assign to a team member", show=True, short="Assign"),
    KeySpec("take", "A", "take", "Assign to me"),
    KeySpec("category", "c", "category", "Set the category"),
    KeySpec("tag", "t", "tag", "Add a tag"),
    KeySpec("note", "n", "note", "Add a note"),
    KeySpec("remove-tag", "T", "remove_tag", "Remove a tag"),
    KeySpec("edit-note", "E", "edit_note", "Edit a note"),
    KeySpec("outcome", "dollar_sign", "outcome", "Record an outcome (economic value)"),
    KeySpec("author-list", "l", "author_list", "Put the author on a list, or take them off"),
    KeySpec("select", "x", "select", "Select or unselect", show=True, short="Select"),
    KeySpec("select-all", "X", "select_all", "Select everything in the view"),
    KeySpec("clear-selection", "escape", "clear_selection",
            "Clear the selection (in the reader: close it; with ? on: hide why)"),
    KeySpec("undo", "u", "undo", "Undo my last action (a bulk one as a whole)", show=True,
            short="Undo"),
    KeySpec("reply", "r", "reply", "Reply: open the mention's draft"),
    KeySpec("replied-elsewhere", "R", "replied_elsewhere",
            "Mark replied elsewhere (it leaves Needs reply)"),
)

READ = (
    KeySpec("detail-down", "J,shift+down", "detail_down", "Scroll the detail pane down"),
    KeySpec("detail-up", "K,shift+up", "detail_up", "Scroll the detail pane up"),
    KeySpec("explain", "question_mark", "explain",
            "Why: the category's reason and the priority's parts with their weights "
            "(again or Esc hides it)"),  # the detail pane says so: the footer is full
    # q closes the reader; outside it the key falls through to quit (the action skips).
    KeySpec("close-reader", "q", "close_reader", "Close the reader (Esc too)", palette=False),
)

FIND = (
    KeySpec("search", "slash", "search", "Full-text search (the result is a view)", show=True,
            short="Search"),
    KeySpec("filter", "f", "filter", "Filter by source, sentiment, category, language…"),
    KeySpec("clear-filter", "F", "clear_filter", "Clear the filter"),
    KeySpec("order", "O", "toggle_order", "Order: most urgent / newest / oldest first"),
    KeySpec("toggle-sidebar", "backslash", "toggle_sidebar", "Hide or show the sidebar"),
    *(KeySpec(f"view-{n}", str(n), f"view({n})", f"Jump to view {n}", palette=False)
      for n in range(10)),
)

# One id for every top-level screen's way back, so one [keys] line remaps them all.
BACK_TO_INBOX = KeySpec("back-to-inbox", "escape,i", "app.switch_mode('inbox')",
                        "Back to the inbox", show=True, short="Inbox")

METRICS = (
    KeySpec("period-day", "d", "period('day')", "Metrics for today", show=True, short="Day"),
    KeySpec("period-week", "w", "period('week')", "Metrics for this week", show=True,
            short="Week"),
    KeySpec("period-month", "M", "period('month')", "Metrics for this month", show=True,
            short="Month"),
    KeySpec("period-custom", "c", "custom_period", "Metrics for dates you type"),
    KeySpec("period-earlier", "left,h", "shift(-1)", "The period before"),
    KeySpec("period-later", "right,l", "shift(1)", "The period after"),
    KeySpec("alert-open", "enter", "open_alert", "Open the mentions behind the alert, in the inbox",
            show=True, short="Open alert"),
    KeySpec("alert-next", "n", "next_alert", "Next alert"),
    KeySpec("kaushik-per-followers", "F", "per_followers",
            "Kaushik's rates per post, or per 1,000 followers"),
    BACK_TO_INBOX,
)

APP = (
    KeySpec("metrics", "m", "app.switch_mode('metrics')",
            "Metrics: Kaushik's rates, volume, sentiment, share of voice, alerts"),
    KeySpec("poll", "p", "app.poll_now", "Poll every source now (Retry-After still holds)",
            show=True, short="Poll"),
    KeySpec("sources", "S", "app.switch_mode('sources')", "Sources: health, errors, poll one"),
    # F1, or h where a screen does not use it (metrics: h is the period before).
    KeySpec("help", "f1,h", "app.help", "Help: every key", show=True, short="Help"),
    KeySpec("influencers", "i", "app.switch_mode('influencers')",
            "Influencers: people by relevance-first influence"),
    KeySpec("quit", "q", "app.quit", "Quit"),
    KeySpec("rules", "W", "app.switch_mode('rules')",
            "Rules: edit a triage rule, preview what it would change, then apply it"),
)

SOURCES = (
    KeySpec("poll-source", "r", "poll_source", "Poll this source now", show=True,
            short="Poll this"),
    BACK_TO_INBOX,
    KeySpec("source-down", "j", "cursor_down", "Next source", palette=False),
    KeySpec("source-up", "k", "cursor_up", "Previous source", palette=False),
)

# The reply editor's keys: none that the text area uses for editing (ctrl+d deletes there).
REPLY = (
    KeySpec("reply-send", "ctrl+s", "send", "Send the reply (or copy it to post by hand)",
            show=True, short="Send"),
    KeySpec("reply-template", "ctrl+t", "template", "Insert a template", show=True,
            short="Template"),
    KeySpec("reply-delete", "ctrl+g", "delete_draft", "Delete the draft (asks; u undoes)",
            show=True, short="Delete"),
    KeySpec("reply-close", "escape", "close", "Close; the draft is kept", show=True,
            short="Close"),
    KeySpec("reply-send-back", "ctrl+b", "send_back",
            "Send a reply waiting for approval back to its writer, with a note"),
)

INBOX_KEYS: tuple[KeySpec, ...] = (*MOVE, *TRIAGE, *FIND, *READ)
REPLY_KEYS: tuple[KeySpec, ...] = REPLY
APP_KEYS: tuple[KeySpec, ...] = APP
SOURCES_KEYS: tuple[KeySpec, ...] = SOURCES
METRICS_KEYS: tuple[KeySpec, ...] = METRICS
# Every action once (screens share some, such as the way back to the inbox).
ALL_KEYS: tuple[KeySpec, ...] = tuple({spec.id: spec for spec in (
    *INBOX_KEYS, *SOURCES_KEYS, *APP_KEYS, *REPLY_KEYS, *METRICS_KEYS)}.values())
DEFAULT_KEYS: dict[str, str] = {spec.id: spec.key for spec in ALL_KEYS}

# The influencers table and a person's profile (core.people); remappable like the rest.
PEOPLE_KEYS: tuple[KeySpec, ...] = (
    KeySpec("people-down", "j,down", "cursor_down", "Next person", palette=False),
    KeySpec("people-up", "k,up", "cursor_up", "Previous person", palette=False),
    KeySpec("people-page-down", "pagedown,space", "next_page", "Page down", palette=False),
    KeySpec("people-page-up", "pageup,b", "prev_page", "Page up", palette=False),
    KeySpec("people-top", "g,home", "top", "First person"),
    KeySpec("people-bottom", "G,end", "bottom", "Last person"),
    KeySpec("people-explain", "question_mark", "explain", "Why this score: its parts and weights",
            show=True, short="Why"),
    KeySpec("people-sort", "o", "sort", "Sort by score, posts, engagement or last seen",
            show=True, short="Sort"),
    KeySpec("people-filter", "f", "filter", "Filter by platform, list or stance", show=True,
            short="Filter"),
    KeySpec("people-clear-filter", "F", "clear_filter", "Clear the filter"),
    KeySpec("people-list", "l", "list", "Add to or remove from a list", show=True, short="List"),
    KeySpec("people-open", "enter", "open", "Open the person's profile", show=True,
            short="Profile"),
    KeySpec("people-mark", "x", "mark", "Mark to merge into another person"),
    KeySpec("people-merge", "M", "merge", "Merge the marked person into this one"),
    KeySpec("people-undo", "u", "undo", "Undo my last list change, mute, note or tag"),
    KeySpec("people-back", "escape", "app.switch_mode('inbox')", "Back to the inbox"),
)
PROFILE_KEYS: tuple[KeySpec, ...] = (
    KeySpec("profile-note", "n", "note", "Add a note about them", show=True, short="Note"),
    KeySpec("profile-tag", "t", "tag", "Tag them", show=True, short="Tag"),
    KeySpec("profile-list", "l", "list", "Add to or remove from a list", show=True, short="List"),
    KeySpec("profile-mute", "m", "mute", "Mute or unmute (muted: their mentions skip New)",
            show=True, short="Mute"),
    KeySpec("profile-split", "S", "split", "Split a merged person into their identities"),
    KeySpec("profile-undo", "u", "undo", "Undo my last list change, mute, note or tag",
            show=True, short="Undo"),
    KeySpec("profile-close", "escape,q", "close", "Back to the influencers", show=True,
            short="Back"),
)
DEFAULT_KEYS.update({spec.id: spec.key for spec in (*PEOPLE_KEYS, *PROFILE_KEYS)})

# The Rules screen (tui.screens.rules). Keys typed into the rule's editor are text, so the
# editing keys are on the list, and the editor's own are ctrl+s and Esc.
RULES_KEYS: tuple[KeySpec, ...] = (
    KeySpec("rule-edit", "enter", "edit", "Edit the rule under the cursor", show=True,
            short="Edit"),
    KeySpec("rule-apply", "ctrl+s", "apply",
            "Apply the rule: save it, then to new mentions only or past ones too", show=True,
            short="Apply"),
    KeySpec("rule-add", "a", "add", "Add a rule", show=True, short="Add"),
    KeySpec("rule-delete", "d", "delete", "Delete the rule (asks first)"),
    KeySpec("rule-up", "K", "move(-1)", "Move the rule up: it runs earlier"),
    KeySpec("rule-down", "J", "move(1)", "Move the rule down: it runs later"),
    KeySpec("rule-undo", "u", "undo", "Undo the last apply to past mentions", show=True,
            short="Undo"),
    KeySpec("rule-next", "j", "cursor_down", "Next rule", palette=False),
    KeySpec("rule-previous", "k", "cursor_up", "Previous rule", palette=False),
    KeySpec("rules-back", "escape", "back",
            "Leave the editor (the edit is kept); from the list, back to the inbox", show=True,
            short="Back"),
)
DEFAULT_KEYS.update({spec.id: spec.key for spec in RULES_KEYS})


def bindings(specs: Iterable[KeySpec]) -> list[Binding]:
    """Textual bindings carrying their ids, so a keymap can remap them."""
    from textual.binding import Binding  # here: the key table itself stays free of Textual

    return [Binding(s.key, s.action, s.short or s.description, show=s.show, id=s.id,
                    tooltip=s.description) for s in specs]


@dataclass(frozen=True, slots=True)
class Keymap:
    """A validated ``[keys]`` table: what Textual's ``set_keymap`` takes, and what was wrong."""

    keymap: dict[str, str]
    problems: tuple[str, ...]


def keymap_from_config(keys: Mapping[str, str]) -> Keymap:
    """Check config ``[keys]`` (id -> key) against the known ids; an ``inbox.`` prefix is fine."""
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for raw_id, key in keys.items():
        binding_id = raw_id.removeprefix("inbox.")
        if binding_id in DEFAULT_KEYS:
            keymap[binding_id] = key
            continue
        close = difflib.get_close_matches(binding_id, DEFAULT_KEYS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(f"[keys] {raw_id!r} is not a key id{hint}")
    return Keymap(keymap, tuple(problems))


def key_label(key: str) -> str:
    """How a Textual key name reads in help: ``question_mark`` -> ``?``."""
    names = {"question_mark": "?", "slash": "/", "asterisk": "*", "space": "Space",
             "left_square_bracket": "[", "right_square_bracket": "]", "escape": "Esc",
             "pagedown": "PgDn", "pageup": "PgUp", "enter": "Enter", "backslash": "\\",
             "dollar_sign": "$", "f1": "F1"}
    return " ".join(names.get(k.strip(), k.strip()) for k in key.split(","))
