"""The mentor's panel of the live challenge: key points, the bank's follow-ups, notes, marks.

It shows the challenge it is given and records what the mentor enters there: key points
ticked (with the number keys or the mouse), notes saved while typing, and marks.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static, TextArea

from soutenance.i18n import t
from soutenance.session.live import LiveChallenge
from soutenance.session.model import Marks
from soutenance.session.reasons import reason_label
from soutenance.ui.screens.mentor_marks import MarksModal, marks_line
from soutenance.ui.widgets.key_point_checklist import KeyPointChecklist
from soutenance.ui.widgets.notes_saver import NotesSaver


class MentorPanel(VerticalScroll):
    """What only the mentor sees, beside the question: hidden while the screen is shared.

    The screen calls `load_answer` when a question is asked and `show_details` when anything
    else changed (a follow-up put or stopped, a follow-up saved to the bank). Its `notes_saver`
    also gives the screen's one warning when saving fails.
    """

    def __init__(self, challenge: LiveChallenge, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.challenge = challenge
        self.notes_saver = NotesSaver(self, self._save_notes)

    def compose(self) -> ComposeResult:
        yield Static(id="live-reason", markup=False)
        yield Static(t("mentor.live.key_points"), classes="label")
        yield KeyPointChecklist(id="live-key-points")
        yield Static(
            t("mentor.live.follow_up_points"), id="live-follow-up-points-label", classes="label"
        )
        yield KeyPointChecklist(id="live-follow-up-points")
        yield Static(id="live-bank-follow-ups")
        yield Static(t("mentor.live.notes"), classes="label")
        yield TextArea(id="mentor-notes", soft_wrap=True, compact=True)
        yield Static(id="live-marks")

    @property
    def key_points(self) -> KeyPointChecklist:
        return self.query_one("#live-key-points", KeyPointChecklist)

    @property
    def follow_up_points(self) -> KeyPointChecklist:
        return self.query_one("#live-follow-up-points", KeyPointChecklist)

    @property
    def notes(self) -> TextArea:
        return self.query_one("#mentor-notes", TextArea)

    def load_answer(self) -> None:
        """The key points and notes of the question just asked (empty before the first one)."""
        run = self.challenge.run
        answer, question = run.answer, run.question
        notes = self.notes
        if answer is None or question is None:
            self.key_points.load([], [])
            text = ""
        else:
            self.key_points.load(list(question.key_points), answer.covered)
            text = answer.mentor_notes
        with notes.prevent(TextArea.Changed):
            notes.load_text(text)

    def show_details(self) -> None:
        """The follow-up's key points, the bank's follow-ups (✓ once asked), typed ones, and the marks."""
        run = self.challenge.run
        reason = run.question.reason if run.question is not None else None
        shown_reason = self.query_one("#live-reason", Static)
        shown_reason.update(t("q.reason", reason=reason_label(reason)) if reason else "")
        shown_reason.display = reason is not None
        follow_up = run.follow_up
        fu_points = self.follow_up_points
        fu_points.load(
            follow_up.key_points if follow_up else [], follow_up.covered if follow_up else []
        )
        shown = follow_up is not None and bool(follow_up.key_points)
        fu_points.display = shown
        self.query_one("#live-follow-up-points-label").display = shown
        bank_list = Text()
        marks = Text()
        answer, question = run.answer, run.question
        if answer is not None and question is not None:
            saved = self.challenge.saved_to_bank
            taken = {f.text for f in answer.follow_ups}
            if question.follow_ups:
                bank_list.append(t("mentor.live.bank_follow_ups") + "\n", style="underline")
                for item in question.follow_ups:
                    bank_list.append(("✓ " if item.text in taken else "↳ ") + item.text + "\n")
            for item in answer.follow_ups:
                if item.ad_hoc:
                    in_bank = " " + t("mentor.live.in_bank") if item.id in saved else ""
                    bank_list.append(f"✎ {item.text}{in_bank}\n", style="italic")
            marks = Text(t("mentor.live.marks") + " ", style="bold") + marks_line(answer.marks)
        self.query_one("#live-bank-follow-ups", Static).update(bank_list)
        self.query_one("#live-marks", Static).update(marks)

    # -- what the mentor enters: ticks, marks, notes ------------------------------------------

    def ticking(self, follow_up: bool = False) -> KeyPointChecklist:
        """The checklist 1-9 tick (the question's), or Alt+1-9 (the follow-up's)."""
        return self.follow_up_points if follow_up else self.key_points

    def can_tick(self, number: object, follow_up: bool = False) -> bool:
        return isinstance(number, int) and len(self.ticking(follow_up).points) >= number

    def tick(self, number: int, *, follow_up: bool = False) -> None:
        """Tick (or untick) key point `number` (from 1); it is recorded like a click."""
        self.ticking(follow_up).toggle(number - 1)

    def focus_notes(self) -> None:
        self.screen.set_focus(self.notes)  # at once: what is typed next is the notes

    def holds_focus(self) -> bool:
        """The focus is inside the panel (in the notes, say): hiding it must take the focus away."""
        focused = self.screen.focused
        return focused is not None and self in focused.ancestors

    def ask_marks(self) -> None:
        """Ask for the current answer's marks, store them (a failure is said), and show them."""
        run = self.challenge.run
        answer = run.answer
        if answer is None:
            return

        def marked(marks: Marks | None) -> None:
            if marks is not None:
                run.set_marks(marks)
                self.check_saved()
                self.show_details()

        self.app.push_screen(MarksModal(answer.marks, answer.question_text), marked)

    def on_key_point_checklist_changed(self, event: KeyPointChecklist.Changed) -> None:
        """A key point ticked (by key or click): recorded on the answer, or the follow-up."""
        self.challenge.run.tick(
            event.checklist.selected, follow_up=event.checklist.id != "live-key-points"
        )
        self.check_saved()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "mentor-notes" and self.challenge.run.answer is not None:
            self.notes_saver.changed(event.text_area.text)

    def flush_notes(self) -> None:
        self.notes_saver.flush()

    def _save_notes(self, text: str) -> None:
        self.challenge.run.set_mentor_notes(text)
        self.check_saved()

    def check_saved(self) -> None:
        """Warn (once) if the run could not save what was just recorded."""
        self.notes_saver.check_saved(self.challenge.run)
