"""The live challenge's main column, the part that may be shared: the question and its timer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from soutenance.banks.model import format_duration
from soutenance.i18n import t
from soutenance.session.live import LiveChallenge
from soutenance.session.timer import Level
from soutenance.ui.widgets.masked_typing import MaskedTyping
from soutenance.ui.widgets.timer_display import TimerDisplay


class LiveQuestion(VerticalScroll):
    """Student and project, progress, the question, the follow-up put, and the timer with its status.

    It shows the `challenge` it is given; the screen calls `show_question` when a question is
    asked and `show_follow_up` when anything else changed.
    """

    def __init__(self, challenge: LiveChallenge, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.challenge = challenge

    def compose(self) -> ComposeResult:
        yield Static(id="share-mode", markup=False)
        yield Static(id="live-student", markup=False)
        yield Static(id="live-role", markup=False)
        yield Static(id="live-progress", markup=False)
        yield Static(id="live-question", markup=False)
        yield Static(id="live-follow-up", markup=False)
        with Horizontal(id="live-timer-row"):
            yield TimerDisplay(self._reading, id="live-timer")
            yield Static(id="live-status", markup=False)
        yield MaskedTyping(id="masked-typing")

    def show_student(self) -> None:
        session = self.challenge.run.session
        line = t("mentor.live.student", student=session.student, project=session.project_title)
        self.query_one("#live-student", Static).update(line)
        self.query_one("#live-role", Static).update(t("q.role", role=session.evaluator_role))

    def show_share_mode(self, panel_visible: bool) -> None:
        """Which mode is on, always in view: safe to share, or the mentor panel showing."""
        mode = self.query_one("#share-mode", Static)
        mode.update(t("mentor.live.panel_shown" if panel_visible else "mentor.live.shareable"))
        mode.set_class(panel_visible, "-private")

    def show_question(self) -> None:
        """The current question (or the invitation to draw one)."""
        progress = self.query_one("#live-progress", Static)
        question_box = self.query_one("#live-question", Static)
        run = self.challenge.run
        question = run.question
        if question is None or run.answer is None:
            progress.update(t("mentor.live.waiting"))
            question_box.update(t("mentor.live.first_question"))
            return
        limit = format_duration(question.time_limit)
        progress.update(
            t(
                "mentor.live.progress",
                number=run.index + 1,
                difficulty=question.difficulty,
                limit=limit,
            )
        )
        question_box.update(question.text)

    def show_follow_up(self) -> None:
        """The follow-up line (hidden without one), and the timer's status."""
        follow_up = self.challenge.run.follow_up
        line = self.query_one("#live-follow-up", Static)
        line.update(t("q.follow_up", text=follow_up.text) if follow_up else "")
        line.display = follow_up is not None
        self.update_status()

    def refresh_timer(self) -> None:
        """Show the timer's figures now (after time was added), not at the next tick."""
        self.query_one("#live-timer", TimerDisplay).refresh_reading()
        self.update_status()

    def _reading(self) -> tuple[str, Level]:
        timer = self.challenge.run.timer
        if timer is not None:
            reading = timer.reading()
            self.update_status(reading.paused)
            return reading.display, reading.level
        return self.challenge.stopped_reading()

    def update_status(self, paused: bool = False) -> None:
        found = self.query("#live-status")
        if not found:
            return  # a last timer tick while the screen is being taken down
        label = self.challenge.status(paused)
        status = found.first(Static)
        if str(status.render()) != label:
            status.update(label)
