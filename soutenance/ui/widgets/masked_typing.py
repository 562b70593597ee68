"""Typing that goes on while the mentor panel is hidden: the keys reach the hidden notes, the shared
screen shows only that someone is typing."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static, TextArea

from soutenance.i18n import t


class MaskedTyping(Static, can_focus=True):
    """Focused in place of a hidden text field: printable keys, Enter and Backspace go to `target`;
    Escape stops. Nothing typed is drawn here, only how many characters the field holds."""

    BINDINGS = [Binding("escape", "stop", "key.leave_notes", id="stop-masked")]

    class Stopped(Message):
        """The mentor stopped typing (Escape)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.target: TextArea | None = None

    def follow(self, target: TextArea) -> None:
        self.target = target
        self._show()

    def _show(self) -> None:
        count = len(self.target.text) if self.target is not None else 0
        self.update(t("mentor.live.masked_typing", count=count))

    def on_key(self, event: events.Key) -> None:
        target = self.target
        if target is None or event.key == "escape":
            return
        if event.key == "enter":
            target.insert("\n")
        elif event.key == "backspace":
            target.action_delete_left()
        elif event.is_printable and event.character:
            target.insert(event.character)
        else:
            return
        event.stop()
        event.prevent_default()
        self._show()

    def action_stop(self) -> None:
        self.post_message(self.Stopped())
