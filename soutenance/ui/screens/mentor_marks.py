"""The mentor's marks on one answer: justification, clarity, posture, each 1..4 (docs/mentor.md)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from soutenance.i18n import t
from soutenance.session.model import MARK_SCALES, Marks
from soutenance.ui.translated import Translated

MARK_VALUES = (1, 2, 3, 4)


def marks_line(marks: Marks) -> Text:
    """The marks on one line, such as: Justification 3 · Clarity — · Posture 2."""
    given = marks.given()
    parts = [f"{t('mentor.scale.' + scale)} {given.get(scale, '—')}" for scale in MARK_SCALES]
    return Text(" · ".join(parts))


class MarksModal(Translated, ModalScreen[Marks | None]):
    """Three scales of four values: keys 1-4 mark the current scale and move to the next one."""

    BINDINGS = [
        *[
            Binding(
                str(n),
                f"mark({n})",
                "mentor.key.mark",
                key_display="1-4",
                show=n == 1,
                id=f"mark-{n}",
            )
            for n in MARK_VALUES
        ],
        Binding("0", "mark(0)", "mentor.key.clear_mark", id="clear-mark"),
        Binding("up", "move(-1)", "mentor.key.previous_scale", show=False, id="previous-scale"),
        Binding("down", "move(1)", "mentor.key.next_scale", show=False, id="next-scale"),
        Binding("enter", "save", "mentor.key.save_marks", id="save-marks"),
        Binding("escape", "cancel", "be.cancel", id="cancel"),
    ]

    def __init__(self, marks: Marks, title: str = "") -> None:
        super().__init__()
        self.marks = marks.given()
        self.heading = title
        self.row = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="marks-modal", classes="modal"):
            yield Static(Text(t("mentor.marks.title")), classes="title")
            if self.heading:
                yield Static(Text(self.heading), id="marks-question")
            for scale in MARK_SCALES:
                with Horizontal(classes="mark-row", id=f"row-{scale}"):
                    yield Static(Text(t("mentor.scale." + scale)), classes="mark-scale")
                    for value in MARK_VALUES:
                        label = f"{value} {t('mentor.mark.' + str(value))}"
                        button = Button(
                            label, id=f"mark-{scale}-{value}", classes="mark", compact=True
                        )
                        button.can_focus = False
                        yield button
            yield Static(Text(t("mentor.marks.hint")), classes="hint")
            with Horizontal(classes="confirm-buttons"):
                yield Button(t("mentor.marks.save"), id="marks-save", variant="primary")
                yield Button(t("be.cancel"), id="marks-cancel")

    def on_mount(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        for index, scale in enumerate(MARK_SCALES):
            self.query_one(f"#row-{scale}").set_class(index == self.row, "-current")
            for value in MARK_VALUES:
                button = self.query_one(f"#mark-{scale}-{value}", Button)
                button.variant = "primary" if self.marks.get(scale) == value else "default"

    def action_mark(self, value: int) -> None:
        scale = MARK_SCALES[self.row]
        if value == 0:
            self.marks.pop(scale, None)
        else:
            self.marks[scale] = value
            self.row = min(self.row + 1, len(MARK_SCALES) - 1)
        self._refresh()

    def action_move(self, step: int) -> None:
        self.row = (self.row + step) % len(MARK_SCALES)
        self._refresh()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        if button_id == "marks-save":
            self.action_save()
        elif button_id == "marks-cancel":
            self.action_cancel()
        elif button_id.startswith("mark-"):
            _, scale, value = button_id.split("-")
            self.row = MARK_SCALES.index(scale)
            if self.marks.get(scale) == int(value):  # a second click takes the mark back
                self.marks.pop(scale)
                self._refresh()
            else:
                self.action_mark(int(value))

    def action_save(self) -> None:
        self.dismiss(Marks.model_validate(self.marks))

    def action_cancel(self) -> None:
        self.dismiss(None)
