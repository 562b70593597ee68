"""The question screen: the evaluator's question, the answer timer, then confidence, key points, notes."""

from __future__ import annotations

from enum import Enum

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from soutenance.banks.model import format_duration
from soutenance.i18n import t
from soutenance.session.model import FollowUpAnswer
from soutenance.session.rehearsal import RehearsalRun
from soutenance.session.timer import AnswerTimer, Level, TimerState
from soutenance.ui.flows import Flow
from soutenance.ui.screens.follow_up_picker import FollowUpPicker
from soutenance.ui.translated import Translated
from soutenance.ui.widgets.notes_saver import NotesSaver
from soutenance.ui.widgets.timer_display import TimerDisplay


class Stage(Enum):
    ANSWERING = "answering"
    CONFIDENCE = "confidence"
    REVIEW = "review"
    FOLLOW_UP = "follow_up"


class QuestionScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("space", "done", "key.done", id="done"),
        Binding("p", "pause", "key.pause", id="pause"),
        Binding("s", "skip", "key.skip", id="skip"),
        *[
            Binding(str(n), f"confidence({n})", "key.confidence", key_display="1-5", show=n == 1, id=f"confidence-{n}")
            for n in range(1, 6)
        ],
        Binding("r", "follow_up", "key.follow_up", id="follow-up"),
        Binding("n", "next", "key.next", id="next"),
        Binding("b", "previous", "key.previous", id="previous"),
        Binding("e", "write", "key.notes", id="write"),
        Binding("escape", "leave_notes", "key.leave_notes", id="leave-notes"),
        Binding("t", "finish", "key.finish", id="finish"),
    ]

    def __init__(self, run: RehearsalRun, flow: Flow) -> None:
        super().__init__()
        self.run = run
        self.flow = flow
        self.stage = Stage.ANSWERING
        self.timer: AnswerTimer | None = None
        self.follow_up: FollowUpAnswer | None = None
        self.notes_saver = NotesSaver(self, self._save_notes)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="question-body"):
            yield Static(id="role", markup=False)
            yield Static(id="progress", markup=False)
            yield Static(id="question-text", markup=False)
            yield Static(id="follow-up-text", markup=False)
            with Horizontal(id="timer-row"):
                yield TimerDisplay(self._reading, id="timer")
                yield Static(id="timer-status", markup=False)
            with Horizontal(id="confidence"):
                yield Static(t("q.confidence_prompt"), id="confidence-prompt", markup=False)
                for n in range(1, 6):
                    yield Button(str(n), id=f"confidence-{n}", classes="confidence")
            yield Static(t("q.key_points"), id="key-points-label", classes="label")
            yield SelectionList[int](id="key-points")
            yield Static(t("q.follow_up_points"), id="follow-up-points-label", classes="label")
            yield SelectionList[int](id="follow-up-points")
            yield Static(t("q.notes"), classes="label")
            yield TextArea(id="notes", soft_wrap=True)
        yield Footer()

    def on_mount(self) -> None:
        self.show_question()

    # -- display ------------------------------------------------------------------------------

    def show_question(self) -> None:
        run = self.run
        question, answer = run.question, run.answer
        self.follow_up = None
        self.query_one("#role", Static).update(self.flow.role_line(run))
        self.query_one("#progress", Static).update(self.flow.progress_line(run))
        self.query_one("#question-text", Static).update(question.text)
        notes = self.query_one("#notes", TextArea)
        with notes.prevent(TextArea.Changed):
            notes.load_text(answer.notes or t("q.notes_template"))
        points = self.query_one("#key-points", SelectionList)
        points.clear_options()
        points.add_options(Selection(Text(kp), i, i in answer.covered) for i, kp in enumerate(question.key_points))
        if answer.elapsed is None and not answer.skipped:
            self.timer = run.answer_timer()
            self.timer.start()
            self.set_stage(Stage.ANSWERING)
        else:
            self.timer = None
            self.set_stage(Stage.REVIEW)

    def set_stage(self, stage: Stage) -> None:
        self.stage = stage
        self.set_class(stage is Stage.CONFIDENCE, "-confidence")
        revealed = stage is Stage.REVIEW or (stage is Stage.FOLLOW_UP and self.follow_up is not None)
        self.set_class(revealed, "-revealed")
        self.set_class(self.follow_up is not None, "-follow-up")
        self.set_class(stage is Stage.REVIEW and self.follow_up is not None and bool(self.follow_up.key_points), "-follow-up-review")
        if self.follow_up is not None:
            self.query_one("#follow-up-text", Static).update(t("q.follow_up", text=self.follow_up.text))
        self._update_status()
        self.refresh_bindings()
        if stage in (Stage.ANSWERING, Stage.CONFIDENCE, Stage.FOLLOW_UP):
            self.set_focus(None)
        elif stage is Stage.REVIEW and self.run.question.key_points:
            self.query_one("#key-points", SelectionList).focus()

    def _reading(self) -> tuple[str, Level]:
        if self.timer is None:
            elapsed = self.run.answer.elapsed or 0.0
            limit = self.run.answer.time_limit
            over = elapsed - limit
            text = f"+{format_duration(over)}" if over > 0 else format_duration(elapsed)
            return text, (Level.RED if over > 0 else Level.GREEN) if self.run.answer.elapsed is not None else Level.NEUTRAL
        reading = self.timer.reading()
        self._update_status(reading.state, reading.paused)
        return reading.display, reading.level

    def _update_status(self, state: TimerState | None = None, paused: bool = False) -> None:
        found = self.query("#timer-status")
        if not found:
            return  # a last timer tick while the screen is being taken down
        status = found.first(Static)
        answer = self.run.answer
        if self.timer is not None and self.timer.state is not TimerState.STOPPED:
            state = state or self.timer.state
            label = t("q.paused") if paused or self.timer.paused else t("q.prep") if state is TimerState.PREP else t("q.running")
        elif answer.skipped:
            label = t("q.skipped")
        elif answer.elapsed is not None:
            label = t("q.stopped", elapsed=format_duration(answer.elapsed), limit=format_duration(answer.time_limit))
            if answer.overtime > 0:
                label += " · " + t("q.overtime", overtime="+" + format_duration(answer.overtime))
        else:
            label = ""
        if str(status.render()) != label:
            status.update(label)

    # -- bindings -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        stage = self.stage
        allowed = {
            "done": stage in (Stage.ANSWERING, Stage.FOLLOW_UP),
            "pause": stage in (Stage.ANSWERING, Stage.FOLLOW_UP),
            "skip": stage is Stage.ANSWERING,
            "confidence": stage is Stage.CONFIDENCE,
            "follow_up": stage is Stage.REVIEW and bool(self.run.untaken_follow_ups()) and not self.run.answer.skipped,
            "next": stage is Stage.REVIEW,
            "previous": self.run.index > 0 and stage in (Stage.REVIEW, Stage.ANSWERING),
            "write": not isinstance(self.focused, TextArea),
            "leave_notes": isinstance(self.focused, TextArea),
        }
        return allowed.get(action, True)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_done(self) -> None:
        if self.timer is None:
            return
        elapsed = self.timer.stop()
        if self.stage is Stage.FOLLOW_UP and self.follow_up is not None:
            self.run.record_follow_up(self.follow_up, elapsed)
            self.timer = None
            self._load_follow_up_points()
            self.set_stage(Stage.REVIEW)
        else:
            self.run.record_time(elapsed)
            self.timer = None
            self.set_stage(Stage.CONFIDENCE)
        self._check_saved()

    def action_pause(self) -> None:
        if self.timer is None:
            return
        self.timer.toggle_pause()
        self._update_status()

    def action_confidence(self, value: int) -> None:
        if self.stage is not Stage.CONFIDENCE:
            return
        self.run.set_confidence(value)
        self.set_stage(Stage.REVIEW)
        self._check_saved()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("confidence"):
            self.action_confidence(int(str(event.button.label)))

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        if event.selection_list.id == "key-points":
            self.run.set_covered(event.selection_list.selected)
        elif self.follow_up is not None and self.follow_up.elapsed is not None:
            self.run.record_follow_up(self.follow_up, self.follow_up.elapsed, event.selection_list.selected)
        self._check_saved()

    def action_skip(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.timer = None
        self.run.skip()
        self.action_next()

    def action_follow_up(self) -> None:
        choices = self.run.untaken_follow_ups()
        if not choices:
            self.notify(t("q.no_follow_up"))
            return
        if len(choices) == 1:
            self._start_follow_up(choices[0])
        else:
            options = [(i, self.run.question.follow_ups[i].text) for i in choices]
            self.app.push_screen(FollowUpPicker(options), self._start_follow_up)

    def _start_follow_up(self, index: int | None) -> None:
        if index is None:
            return
        chosen = self.run.question.follow_ups[index]
        self.follow_up = self.run.start_follow_up(chosen.text, chosen.key_points)
        self.timer = AnswerTimer(self.run.clock, self.follow_up.time_limit, thresholds=self.run.settings.thresholds)
        self.timer.start()
        self.set_stage(Stage.FOLLOW_UP)

    def _load_follow_up_points(self) -> None:
        points = self.query_one("#follow-up-points", SelectionList)
        points.clear_options()
        if self.follow_up is not None:
            points.add_options(Selection(Text(kp), i, False) for i, kp in enumerate(self.follow_up.key_points))

    def action_next(self) -> None:
        self.flush_notes()
        if not self.flow.next_question(self):
            self.action_finish()
            return
        self.show_question()

    def action_previous(self) -> None:
        if self.stage is Stage.ANSWERING and self.timer is not None:
            self.timer.pause()
        self.flush_notes()
        if self.run.go_previous():
            self.show_question()

    def action_write(self) -> None:
        notes = self.query_one("#notes", TextArea)
        notes.focus()
        if notes.text == t("q.notes_template"):
            notes.move_cursor((1, 0))  # under "What I answered:", where writing starts
        else:
            notes.move_cursor(notes.document.end)

    def action_leave_notes(self) -> None:
        self.flush_notes()
        self.set_focus(None)

    def action_finish(self) -> None:
        self.flush_notes()
        if self.timer is not None and self.timer.state is not TimerState.STOPPED:
            elapsed = self.timer.stop()
            if self.stage is Stage.FOLLOW_UP and self.follow_up is not None:
                self.run.record_follow_up(self.follow_up, elapsed)
            else:
                self.run.record_time(elapsed)
            self.timer = None
        self.flow.finish(self)

    # -- notes, saved while typing ------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.notes_saver.changed(event.text_area.text)

    def flush_notes(self) -> None:
        """Save typed notes now; called by the debounce timer and before anything moves on."""
        self.notes_saver.flush()

    def _save_notes(self, text: str) -> None:
        self.run.set_notes(text)
        self._check_saved()

    def on_unmount(self) -> None:
        self.flush_notes()

    def _check_saved(self) -> None:
        self.notes_saver.check_saved(self.run)
