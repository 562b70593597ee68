"""Typing an ad-hoc follow-up during a live challenge: its text, and optionally its key points."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from soutenance.i18n import t
from soutenance.ui.translated import Translated

AdHoc = tuple[str, list[str]]


class AdHocFollowUpModal(Translated, ModalScreen[AdHoc | None]):
    """Dismisses with (text, key points), or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "ask", "mentor.key.ask", id="ask", priority=True),
        Binding("escape", "cancel", "be.cancel", id="cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="ad-hoc", classes="modal"):
            yield Static(Text(t("mentor.adhoc.title")), classes="title")
            yield Label(t("mentor.adhoc.text"))
            yield Input(id="ad-hoc-text")
            yield Label(t("mentor.adhoc.key_points"))
            yield TextArea(id="ad-hoc-key-points", compact=True, tab_behavior="focus")
            yield Static(id="ad-hoc-error", classes="field-error")
            with Horizontal(classes="confirm-buttons"):
                yield Button(t("mentor.adhoc.ask"), id="ad-hoc-ask", variant="primary")
                yield Button(t("be.cancel"), id="ad-hoc-cancel")

    def on_mount(self) -> None:
        self.query_one("#ad-hoc-text", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_ask()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ad-hoc-ask":
            self.action_ask()
        else:
            self.action_cancel()

    def action_ask(self) -> None:
        text = self.query_one("#ad-hoc-text", Input).value.strip()
        if not text:
            self.query_one("#ad-hoc-error", Static).update(Text(t("mentor.adhoc.need_text")))
            return
        lines = self.query_one("#ad-hoc-key-points", TextArea).text.splitlines()
        self.dismiss((text, [line.strip() for line in lines if line.strip()]))

    def action_cancel(self) -> None:
        self.dismiss(None)
