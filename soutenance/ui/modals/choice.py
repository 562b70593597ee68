"""A question with a few answers, the safe one focused: Enter or Escape never ends anything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from soutenance.ui.translated import Translated

T = TypeVar("T")


class ChoiceModal(Translated, ModalScreen[T], Generic[T]):
    """`message` with one button per `(label, value)`; dismisses with the value chosen.

    The `default` is focused (Enter takes it) and Escape gives it too: the default is always the
    choice that loses nothing ("go on", "stay", "cancel"). The message is text, never markup.
    """

    BINDINGS = [Binding("escape", "default", "app.back", id="default")]

    def __init__(
        self, message: str, choices: Sequence[tuple[str, T]], *, default: T, title: str = ""
    ) -> None:
        super().__init__()
        self.message, self.heading = message, title
        self.choices = list(choices)
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal choice-modal"):
            if self.heading:
                yield Static(Text(self.heading), classes="title")
            yield Static(Text(self.message), id="choice-message")
            with Horizontal(classes="choice-buttons"):
                for index, (label, value) in enumerate(self.choices):
                    variant = "primary" if value == self.default else "default"
                    yield Button(label, id=f"choice-{index}", variant=variant)

    def on_mount(self) -> None:
        index = next(i for i, (_, value) in enumerate(self.choices) if value == self.default)
        self.query_one(f"#choice-{index}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "choice-0").removeprefix("choice-"))
        self.dismiss(self.choices[index][1])

    def action_default(self) -> None:
        self.dismiss(self.default)


def confirm(message: str, *, yes: str, no: str, title: str = "") -> ChoiceModal[bool]:
    """A yes/no question whose default is no (go on, keep, cancel)."""
    return ChoiceModal(message, [(no, False), (yes, True)], default=False, title=title)
