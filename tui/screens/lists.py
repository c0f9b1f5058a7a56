"""Putting a person on a list, or taking them off, from any screen: one key, one choice.

The choice offers the lists in use and the suggested ones (advocates, critics, journalists,
prospects), marking those the person is already on (choosing one of those takes them off),
plus "another list…" for a new name. The inbox, the influencers table and the profile all
come here, so the three behave alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.screen import Screen

from core.people.directory import SUGGESTED_LISTS, People, PersonError
from core.store.errors import DiskFull
from tui.screens.prompts import ChoiceScreen, PromptScreen
from tui.signals import ChangeOrigin, DataChanged, signals_of
from tui.widgets.cells import one_line

NEW_LIST = "\x00new"  # the choice that asks for a name (no list name can hold NUL)


async def choose_list(screen: Screen[Any], people: People, person_id: int, *, actor: str,
                      now: Callable[[], int], after: Callable[[], Awaitable[None]]) -> None:
    """Ask which list, toggle the person on it, say what happened, then run ``after``."""
    person = await people.person(person_id)
    on = set(person.lists) if person else set()
    names = sorted(set(await people.list_names()) | set(SUGGESTED_LISTS))
    choices = [(n, f"{n}  ✓ (take off)" if n in on else n) for n in names]
    choices.append((NEW_LIST, "another list…"))

    async def toggle(name: str) -> None:
        try:
            added = await people.toggle_list(person_id, name, actor=actor, now=now())
        except PersonError as error:
            screen.notify(str(error), severity="warning", markup=False)
            return
        except DiskFull as full:  # rolled back whole: said as the inbox says it
            screen.notify(full.notice, severity="error", markup=False, timeout=15)
            return
        who = person.name if person else "them"
        screen.notify(f"{'Added' if added else 'Took'} {who} {'to' if added else 'off'} "
                      f"{name}. u undoes.", markup=False)
        await after()
        signals_of(screen.app).data_changed.publish(DataChanged(ChangeOrigin.PEOPLE))

    async def chosen(name: str | None) -> None:
        if name == NEW_LIST:
            prompt = PromptScreen("New list", placeholder="e.g. journalists",
                                  check=_list_name_problem)
            screen.app.push_screen(prompt, named)
        elif name:
            await toggle(name)

    async def named(name: str | None) -> None:
        if name and name.strip():
            await toggle(name.strip())

    who = one_line(person.name) if person else "them"
    screen.app.push_screen(ChoiceScreen(f"Put {who} on a list (✓ takes them off)", choices),
                           chosen)


def _list_name_problem(text: str) -> str | None:
    if not text.strip():
        return "a list needs a name"
    return "a list name cannot contain a comma" if "," in text else None
