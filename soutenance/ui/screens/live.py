"""The live challenge: the mentor drives the questions while the screen may be shared.

The mentor draws or chooses each question, runs the same timer as a rehearsal (pause, add
time), fires follow-ups from the bank or typed on the spot, and keeps a panel of key points,
notes and marks. The panel is hidden when the mode starts, so the screen can be shared.

The screen turns keys into calls on a `LiveChallenge` (soutenance.session.live: stages, timing,
what is allowed when) and shows it in two widgets: `LiveQuestion`, the part that may be shared,
and `MentorPanel`, hidden until the mentor asks for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, TextArea

from soutenance.banks.catalog import BankUnavailable, ProjectEntry
from soutenance.banks.editing import EditError, add_follow_up, ensure_user_copy, is_bundled
from soutenance.banks.model import Bank, Question
from soutenance.i18n import t
from soutenance.session.live import LiveChallenge, QuestionHistory, live_session
from soutenance.session.model import FollowUpAnswer, Stage
from soutenance.session.run import SessionRun
from soutenance.session.timer import AnswerTimer, Thresholds
from soutenance.store import Student
from soutenance.store.cards import ProjectCard, card_values
from soutenance.ui.modals.choice import confirm
from soutenance.ui.screens.follow_up_picker import FollowUpPicker
from soutenance.ui.screens.mentor_follow_up import AdHocFollowUpModal
from soutenance.ui.screens.objectives import ObjectivesScreen
from soutenance.ui.screens.question_picker import (
    PickerFilters,
    QuestionPickerScreen,
    student_history,
)
from soutenance.ui.screens.run_screen import RunScreen
from soutenance.ui.services import app_of
from soutenance.ui.translated import Translated
from soutenance.ui.widgets.key_point_checklist import KeyPointChecklist
from soutenance.ui.widgets.live_question import LiveQuestion
from soutenance.ui.widgets.masked_typing import MaskedTyping
from soutenance.ui.widgets.mentor_panel import MentorPanel

__all__ = ["ADD_SECONDS", "KeyPointChecklist", "LiveScreen", "start_live"]

ADD_SECONDS = 30


def start_live(screen: Screen, student: Student) -> None:
    """Open the live challenge for a student, on their project (asking which one if unknown)."""
    from soutenance.ui.screens.project_card import ask_project

    title = t("mentor.live.pick_project", student=student.name)
    ask_project(screen, student, title, lambda entry: _launch(screen, student, entry))


def _launch(screen: Screen, student: Student, entry: ProjectEntry) -> None:
    app: Any = screen.app
    services = app.services
    try:
        bank = services.catalog.load(entry)
    except BankUnavailable as error:
        first = error.diagnostics[0] if error.diagnostics else "?"
        screen.notify(t("setup.bank_error", error=str(first)), severity="error", markup=False)
        return
    config = services.config
    thresholds = Thresholds(amber_at=config.amber_fraction, amber_floor=config.amber_min_seconds)
    session = live_session(student.name, bank, services.clock.now(), thresholds)
    run = SessionRun.start(session, services.clock, app.store)
    app.push_screen(LiveScreen(run, bank, services.seed))


class LiveScreen(Translated, RunScreen):
    BINDINGS = [
        Binding("d", "draw", "mentor.key.draw", id="draw"),
        Binding("c", "choose", "mentor.key.choose", id="choose"),
        Binding("space", "stop", "mentor.key.stop", id="stop"),
        Binding("p", "pause", "key.pause", id="pause"),
        Binding(
            "plus", "add_time", "mentor.key.add_time", key_display="+", id="add-time", show=False
        ),
        Binding("f", "follow_up", "key.follow_up", id="follow-up"),
        Binding("a", "ad_hoc", "mentor.key.ad_hoc", id="ad-hoc", show=False),
        Binding("b", "save_to_bank", "mentor.key.save_to_bank", id="save-to-bank", show=False),
        Binding("h", "toggle_panel", "mentor.key.panel", id="panel"),
        # The same, while typing notes (where "h" is a letter): hide at once when sharing starts.
        Binding("f2", "panel_now", "mentor.key.panel", show=False, priority=True, id="panel-f2"),
        *[
            Binding(
                str(n),
                f"tick({n})",
                "mentor.key.tick",
                key_display="1-9",
                show=False,
                id=f"tick-{n}",
            )
            for n in range(1, 10)
        ],
        *[
            Binding(
                f"alt+{n}",
                f"tick_follow_up({n})",
                "mentor.key.tick_follow_up",
                key_display="alt+1-9",
                show=False,
                id=f"tick-follow-up-{n}",
            )
            for n in range(1, 10)
        ],
        Binding("e", "write", "mentor.key.notes", id="write", show=False),
        Binding("escape", "leave", "key.leave_notes", id="leave"),
        Binding("m", "marks", "mentor.key.marks", id="marks"),
        Binding("t", "end", "mentor.key.end", id="end"),
        Binding("ctrl+f", "project_card", "card.key", id="project-card", show=False),
    ]

    def __init__(
        self, run: SessionRun, bank: Bank | None, seed: int | None = None, *, notice: str = ""
    ) -> None:
        super().__init__(run)
        self.challenge = LiveChallenge(run, bank, seed)
        self.bank = bank
        self.entry: ProjectEntry | None = None
        """The bank's project in the catalog (found at mount)."""
        self.bank_file: Path | None = None
        """The bank's file, where typed follow-ups are saved (found at mount)."""
        self.notice = notice
        self.panel_visible = False
        self.filters = PickerFilters()
        self._history: QuestionHistory | None = None
        self.question_view = LiveQuestion(self.challenge, id="live-main")
        self.panel = MentorPanel(self.challenge, id="mentor-panel")

    @property
    def stage(self) -> Stage:
        return self.run.stage

    @property
    def timer(self) -> AnswerTimer | None:
        return self.run.timer

    @property
    def follow_up(self) -> FollowUpAnswer | None:
        return self.run.follow_up

    @property
    def has_answer(self) -> bool:
        return self.run.answer is not None

    @property
    def store(self) -> Any:
        return app_of(self).store

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="live"):
            yield self.question_view
            yield self.panel
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = t("mentor.live.title")
        session = self.run.session
        ref = f"{session.path_id}/{session.project_id}"
        self.challenge.card = card_values(self.store, session.student, ref)
        found = app_of(self).services.catalog.find(ref) if self.bank is not None else []
        self.entry = found[0] if len(found) == 1 else None
        self.bank_file = self.entry.file if self.entry is not None else None
        if self.notice:
            self.notify(self.notice, markup=False, timeout=10)
        self._say_card()
        self.question_view.show_student()
        self.set_panel(False)
        self.show_question()

    def _say_card(self) -> None:
        """What is missing from the student's card, once, for the mentor to complete it."""
        from soutenance.ui.screens.project_card import card_hint

        hint = card_hint(self.store, self.run.session.student, self.entry) if self.entry else ""
        if hint:
            self.notify(hint, markup=False, timeout=8)

    # -- display ------------------------------------------------------------------------------

    def set_panel(self, visible: bool) -> None:
        """Show or hide the mentor panel; typing in its notes goes on, masked, when it hides."""
        typing_notes = self.focused is self.panel.notes
        masked = self.query_one(MaskedTyping)
        self.panel_visible = visible
        self.set_class(visible, "-panel")
        self.question_view.show_share_mode(visible)
        if not visible and typing_notes:
            self.flush_notes()
            masked.follow(self.panel.notes)
            self.add_class("-masked")
            self.set_focus(masked)  # the next letters reach the notes, never a shortcut
        elif visible and self.has_class("-masked"):
            self.remove_class("-masked")
            self.set_focus(self.panel.notes)
        elif not visible and self.panel.holds_focus():
            self.set_focus(None)
        self.keys = self.key_state()

    def on_masked_typing_stopped(self) -> None:
        self.remove_class("-masked")
        self.flush_notes()
        self.set_focus(None)
        self.keys = self.key_state()

    def show_question(self) -> None:
        """Show the current question (or the invitation to draw one) and fill the panel."""
        self.question_view.show_question()
        self.panel.load_answer()
        self._refresh_details()

    def _refresh_details(self) -> None:
        """The follow-up line and the timer's status, then the rest of the panel."""
        self.question_view.show_follow_up()
        self.panel.show_details()
        self.after_intent()

    # -- bindings -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if isinstance(self.focused, TextArea | MaskedTyping):
            # Letters and space go to the notes, even masked: no shortcut then, but leaving or F2.
            return action in ("leave", "panel_now")
        if action in ("tick", "tick_follow_up"):
            number = parameters[0] if parameters else 1
            return (
                self.panel_visible
                and self.has_answer
                and self.panel.can_tick(number, action == "tick_follow_up")
            )
        if action == "write":
            return self.panel_visible and self.has_answer
        if action == "leave":
            return self.panel.holds_focus()
        if action in ("draw", "choose"):
            return self.bank is not None and self.run.allows("ask")
        if action == "project_card":
            return self.entry is not None
        if action == "save_to_bank":
            return self.bank_file is not None and self.challenge.unsaved_ad_hoc() is not None
        return self.run.allows(action)

    def key_state(self) -> tuple:
        return (*super().key_state(), self.panel_visible, self.panel.holds_focus(),
                self.challenge.unsaved_ad_hoc() is not None)  # fmt: skip

    # -- questions ----------------------------------------------------------------------------

    def action_project_card(self) -> None:
        """The student's card, to fill in between questions: the next ones drawn carry it."""
        from soutenance.ui.screens.project_card import open_project_card

        def saved(card: ProjectCard | None) -> None:
            if card is not None:
                self.challenge.card = dict(card.facts)

        if self.entry is not None:
            open_project_card(self, self.run.session.student, self.entry, saved)

    def action_draw(self) -> None:
        if not self.check_action("draw", ()):
            return
        drawn = self.challenge.draw(self.history())
        if drawn is None:
            self.notify(t("mentor.live.all_asked"), markup=False)
            return
        self.ask(*drawn)

    def history(self) -> QuestionHistory:
        """The student's history on this project before this session (read once: it does not
        change during the session); none when the store cannot say."""
        if self._history is None and self.bank is not None:
            session = self.run.session
            try:  # the stored memory: a few rows whatever the history
                self._history = student_history(
                    self.store, session.student, session.path_id, session.project_id,
                    self.bank.questions, exclude_session=session.id,
                )  # fmt: skip
            except Exception:  # noqa: BLE001 - without history the draw still works
                self._history = QuestionHistory()
        return self._history or QuestionHistory()

    def action_choose(self) -> None:
        if not self.check_action("choose", ()) or self.bank is None:
            return
        self.mentor_only(self._choose)

    def _choose(self) -> None:
        run, bank = self.run, self.bank
        asked_now = frozenset(run.asked_ids())

        def read_history() -> QuestionHistory:  # by the picker, in a worker thread
            before = self.history()
            return QuestionHistory(before.asked, before.weak, asked_now)

        before = self._history
        history = (
            read_history
            if before is None
            else QuestionHistory(before.asked, before.weak, asked_now)
        )

        def chosen(question_id: str | None) -> None:
            question = bank.question(question_id) if question_id else None
            if question is not None:
                self.ask(question)

        picker = QuestionPickerScreen(
            bank.questions, history, self.filters, seed=self.challenge.seed()
        )
        self.app.push_screen(picker, chosen)

    def ask(self, question: Question, reason: tuple[str, dict] | None = None) -> None:
        """Put a question to the student: a new answer, and its timer running."""
        self.flush_notes()
        self.challenge.ask(question, reason)
        self.show_question()

    # -- the timer ----------------------------------------------------------------------------

    def action_stop(self) -> None:
        self.run.stop()
        self._refresh_details()

    def action_pause(self) -> None:
        self.run.toggle_pause()
        self.question_view.update_status()
        self.after_intent()

    def action_add_time(self) -> None:
        self.run.add_time(ADD_SECONDS)
        self.question_view.refresh_timer()
        self.after_intent()

    # -- follow-ups ---------------------------------------------------------------------------

    def action_follow_up(self) -> None:
        self.mentor_only(self._follow_up)

    def _follow_up(self) -> None:
        choices = self.run.untaken_follow_ups()
        question = self.run.question
        if not choices or question is None or self.stage is Stage.FOLLOW_UP:
            self.notify(t("q.no_follow_up"), markup=False)
            return
        follow_ups = question.follow_ups

        def picked(index: int | None) -> None:
            if index is not None:
                self.start_follow_up(follow_ups[index].text, follow_ups[index].key_points)

        if len(choices) == 1:
            picked(choices[0])
        else:
            self.app.push_screen(FollowUpPicker([(i, follow_ups[i].text) for i in choices]), picked)

    def action_ad_hoc(self) -> None:
        if self.run.allows("ad_hoc"):
            self.mentor_only(self._ad_hoc)

    def _ad_hoc(self) -> None:
        def typed(result: tuple[str, list[str]] | None) -> None:
            if result is not None:
                self.start_follow_up(result[0], result[1], ad_hoc=True)

        self.app.push_screen(AdHocFollowUpModal(), typed)

    def start_follow_up(self, text: str, key_points: list[str], *, ad_hoc: bool = False) -> None:
        self.run.start_follow_up(text, key_points, ad_hoc=ad_hoc)
        self._refresh_details()

    def action_save_to_bank(self) -> None:
        self._save_to_bank()

    @work(exclusive=True, group="live-bank")
    async def _save_to_bank(self) -> None:
        """Add the typed follow-up to the project's bank, in the user's copy if it is bundled."""
        follow_up = self.challenge.unsaved_ad_hoc()
        question = self.run.question
        if follow_up is None or question is None or self.bank_file is None or self.bank is None:
            return
        question_id = question.id
        try:
            if is_bundled(self.bank_file):
                from soutenance.ui.screens.question_form import ConfirmModal, copy_body

                body = copy_body(self.bank.project.title)
                modal = ConfirmModal(
                    body, title=t("be.copy_title"), yes=t("be.copy"), no=t("be.cancel")
                )
                if not await self.app.push_screen_wait(modal):
                    return
                self.bank_file = ensure_user_copy(self.bank_file)
            add_follow_up(self.bank_file, question_id, follow_up.text, follow_up.key_points)
        except EditError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.challenge.saved_to_bank.add(follow_up.id)
        app_of(self).services.reload_catalog()
        self.notify(t("mentor.live.saved_to_bank", file=str(self.bank_file)), markup=False)
        self._refresh_details()

    # -- the mentor panel ---------------------------------------------------------------------

    def action_toggle_panel(self) -> None:
        self.set_panel(not self.panel_visible)

    def action_panel_now(self) -> None:
        self.set_panel(not self.panel_visible)

    def action_tick(self, number: int) -> None:
        if self.panel_visible and self.has_answer:
            self.panel.tick(number)

    def action_tick_follow_up(self, number: int) -> None:
        if self.panel_visible and self.has_answer:
            self.panel.tick(number, follow_up=True)

    def action_write(self) -> None:
        if self.panel_visible and self.has_answer:
            self.panel.focus_notes()

    def action_leave(self) -> None:
        self.flush_notes()
        self.set_focus(None)

    def flush_notes(self) -> None:
        self.panel.flush_notes()

    def action_marks(self) -> None:
        self.mentor_only(self.panel.ask_marks)

    def mentor_only(self, then: Any) -> None:
        """What only the mentor may see opens with the panel shown: while it is hidden (the screen
        may be shared) it asks first, and shows the panel before going on."""
        if self.panel_visible:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.set_panel(True)
                then()

        message = t("mentor.live.show_panel_first")
        self.app.push_screen(
            confirm(message, yes=t("mentor.live.show_panel"), no=t("run.go_on")), answered
        )

    # -- the end ------------------------------------------------------------------------------

    def action_end(self) -> None:
        self.flush_notes()
        self.ask_to_end(t("mentor.live.confirm_end"), self._end)

    def _end(self) -> None:
        self.flush_notes()
        if self.timer is not None:
            self.action_stop()
        try:
            carried = self.store.roster.open_objectives(self.run.session.student)
        except Exception:  # noqa: BLE001 - nothing to carry over then
            carried = []
        self.hand_over(ObjectivesScreen(self.run, carried))

    def became_read_only(self) -> None:
        self.panel.notes.read_only = True

    def flush_typing(self) -> None:
        self.flush_notes()
