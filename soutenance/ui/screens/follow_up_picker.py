"""A small modal to choose which follow-up to take."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from soutenance.i18n import t
from soutenance.ui.translated import Translated


class FollowUpPicker(Translated, ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "app.back", id="back")]

    def __init__(self, options: list[tuple[int, str]]) -> None:
        super().__init__()
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="picker", classes="modal"):
            yield Static(t("q.pick_follow_up"), classes="title")
            yield OptionList(
                *[Option(Text(text), id=str(index)) for index, text in self.options],
                id="follow-ups",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
