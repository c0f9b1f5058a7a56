"""The triage inbox over the store, free of any user interface.

Owns the views and filters as SQL predicates (``views``), reading snooze times the way people
type them (``snooze``), and windows of the list, sidebar counts, triage actions and their undo
(``triage``). The TUI's inbox screen and any other face call this; none writes SQL of its own.
"""
