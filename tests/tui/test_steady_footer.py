"""The steady footer: rebuilt when the keys its screen offers change (a key enabled or
disabled), and not when the screen announces the same keys again."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from tests.tui.conftest import until
from tui.widgets.steady_footer import SteadyFooter


class Keys(Screen[None]):
    """A screen with two keys, one of which can be switched off."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("a", "apples", "Apples"),
                                             Binding("b", "bananas", "Bananas")]

    def compose(self) -> ComposeResult:
        yield SteadyFooter()

    bananas = True  # whether the bananas key is enabled

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Bananas disabled (shown, dimmed) when ``bananas`` is False."""
        return None if action == "bananas" and not self.bananas else True

    def action_apples(self) -> None:
        """Nothing: the keys are there to be shown."""

    def action_bananas(self) -> None:
        """Nothing: the keys are there to be shown."""


class FooterApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Keys())


def shown(app: App[None]) -> dict[str, bool]:
    """Each key the footer shows, by description: enabled (True) or dimmed (False)."""
    return {key.description: not key.has_class("-disabled") for key in app.screen.query(FooterKey)
            if key.description != "palette"}


async def test_the_same_keys_announced_again_keep_the_footer() -> None:
    """It should keep its key widgets when the screen announces unchanged bindings."""
    app = FooterApp()
    async with app.run_test() as pilot:
        await until(pilot, lambda: shown(app) == {"Apples": True, "Bananas": True})
        before = list(app.screen.query(FooterKey))
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert list(app.screen.query(FooterKey)) == before


async def test_a_key_switched_off_is_shown_switched_off() -> None:
    """It should rebuild when a key's state changes, showing it disabled."""
    app = FooterApp()
    async with app.run_test() as pilot:
        await until(pilot, lambda: shown(app) == {"Apples": True, "Bananas": True})
        screen = app.screen
        assert isinstance(screen, Keys)
        screen.bananas = False
        screen.refresh_bindings()
        await until(pilot, lambda: shown(app) == {"Apples": True, "Bananas": False})
