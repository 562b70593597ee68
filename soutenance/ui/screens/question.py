"""The question screen: the evaluator's question, the answer timer, then confidence, key points,
notes and follow-ups. It renders the run's stage and turns keys into intents on the run; the
rules (what comes after what, what is saved) live in soutenance.session.run."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from soutenance.banks.model import format_duration
from soutenance.i18n import t
from soutenance.session.model import AnswerStatus, SessionKind, Stage
from soutenance.session.reasons import reason_label
from soutenance.session.timer import Level, TimerState
from soutenance.ui.answer_recorder import AnswerRecorder, VoiceChanged
from soutenance.ui.screens.follow_up_picker import FollowUpPicker
from soutenance.ui.screens.run_screen import RunScreen
from soutenance.ui.translated import Translated
from soutenance.ui.widgets.level_meter import LevelMeter
from soutenance.ui.widgets.notes_saver import NotesSaver
from soutenance.ui.widgets.timer_display import TimerDisplay
from soutenance.ui.widgets.voice_view import SuggestedPoints, TranscriptView, VoiceFigures


class QuestionScreen(Translated, RunScreen):
    BINDINGS = [
        Binding("space", "primary", "key.done", id="done"),
        Binding("p", "pause", "key.pause", id="pause"),
        Binding("s", "skip", "key.skip", id="skip"),
        *[
            Binding(
                str(n),
                f"rate({n})",
                "key.confidence",
                key_display="1-5",
                show=n == 1,
                id=f"confidence-{n}",
            )
            for n in range(1, 6)
        ],
        Binding("r", "follow_up", "key.follow_up", id="follow-up"),
        Binding("n", "next", "key.next", id="next"),
        Binding("b", "previous", "key.previous", id="previous"),
        Binding("e", "write", "key.notes", id="write"),
        Binding("escape", "leave_notes", "key.leave_notes", id="leave-notes"),
        Binding("t", "end", "key.finish", id="finish"),
        Binding("x", "export_copy", "run.export_copy", id="export-copy"),
    ]

    def __init__(self, run, notice: str = "") -> None:  # noqa: ANN001 - a SessionRun
        super().__init__(run)
        self.notice = notice
        self.notes_saver = NotesSaver(self, self._save_notes)
        self._shown: tuple[int, str | None] | None = None
        """The question and follow-up on screen, to reload the widgets only when they change."""
        self.voice: AnswerRecorder | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="question-body"):
            yield Static(id="run-notice", markup=False)
            yield Static(id="role", markup=False)
            yield Static(id="progress", markup=False)
            yield Static(id="question-text", markup=False)
            yield Static(id="follow-up-text", markup=False)
            with Horizontal(id="timer-row"):
                yield TimerDisplay(self._reading, id="timer")
                with Vertical(id="timer-side"):  # the meter redraws with the timer's rows
                    yield Static(id="timer-status", markup=False)
                    yield LevelMeter(id="voice-meter")
            yield VoiceFigures(id="voice-figures")
            with Horizontal(id="confidence"):
                yield Static(t("q.confidence_prompt"), id="confidence-prompt", markup=False)
                for n in range(1, 6):
                    yield Button(str(n), id=f"confidence-{n}", classes="confidence")
            yield Static(t("q.key_points"), id="key-points-label", classes="label")
            yield SelectionList[int](id="key-points")
            yield Static(t("q.follow_up_points"), id="follow-up-points-label", classes="label")
            yield SelectionList[int](id="follow-up-points")
            yield SuggestedPoints(id="voice-suggested")
            on_disk = getattr(self.run.store, "persistent", True)
            yield Static(t("q.notes") if on_disk else t("store.memory_notes"), classes="label")
            with HorizontalGroup(id="notes-row"):
                yield TextArea(id="notes", soft_wrap=True)
                yield TranscriptView(id="voice-transcript")
        yield Footer()

    def on_mount(self) -> None:
        self.voice = AnswerRecorder(self, self.run)
        meter = self.query_one("#voice-meter", LevelMeter)
        meter.follow(self.voice.meter)
        meter.display = self.voice.on
        self.render_state()
        if self.run.stage is Stage.NOTES:
            self.action_write()

    @property
    def stage(self) -> Stage:
        return self.run.stage

    @property
    def follow_up(self):  # noqa: ANN201 - the run's current FollowUpAnswer, if any
        return self.run.follow_up

    # -- display ------------------------------------------------------------------------------

    def render_state(self) -> None:
        """Show the run as it is now: the question, the stage's parts, the focus."""
        run = self.run
        question, answer = run.question, run.answer
        if question is None or answer is None:
            return
        shown = (run.index, run.session.follow_up_id)
        if self._shown is None or self._shown[0] != run.index:
            self._load_question()
        if self._shown != shown:
            self._load_follow_up()
        self._shown = shown
        stage = run.stage
        self.set_class(stage is Stage.RATING, "-confidence")
        self.set_class(stage.reveals_key_points, "-revealed")
        follow_up = run.follow_up
        self.set_class(follow_up is not None, "-follow-up")
        self.set_class(
            stage.reveals_key_points and follow_up is not None and bool(follow_up.key_points),
            "-follow-up-review",
        )
        self.query_one("#progress", Static).update(self._progress_line())
        self._show_voice()
        self._show_notice()
        self._update_status()
        self.after_intent()
        if stage in (
            Stage.ANSWERING,
            Stage.PREPARING,
            Stage.RATING,
            Stage.FOLLOW_UP,
            Stage.SKIPPED,
        ):
            if not isinstance(self.focused, TextArea):
                self.set_focus(None)
        elif (
            stage is Stage.KEY_POINTS
            and question.key_points
            and not isinstance(self.focused, TextArea)
        ):
            points = self.query_one("#key-points", SelectionList)
            if points.highlighted is None:
                points.highlighted = 0  # space ticks the first point at once
            self.set_focus(points)

    def _show_notice(self) -> None:
        """A changed bank is said for the whole session; "resumed, paused" until it goes on."""
        run = self.run
        lines = [self.notice] if self.notice else []
        if run.resumed and run.paused:
            lines.append(t("run.resumed_paused"))
        notice = self.query_one("#run-notice", Static)
        notice.update("\n".join(lines))
        notice.display = bool(lines)

    def _show_voice(self) -> None:
        """Record what the run says to; show the voice of the answer (or follow-up) on screen."""
        voice, run = self.voice, self.run
        if voice is None or run.answer is None:
            return
        voice.sync()
        self.query_one("#voice-meter").display = voice.on
        answer, follow_up = run.answer, run.follow_up
        shown = follow_up or answer
        self.query_one("#voice-figures", VoiceFigures).show(shown.voice, voice.status(shown.id))
        self.query_one("#voice-transcript", TranscriptView).show(
            shown.voice, voice.status(shown.id)
        )
        if run.stage.reveals_key_points:  # suggestions name key points: not before the rating
            points = [(answer.voice, answer.key_points, "voice.keypoints.suggested")]
            if follow_up is not None:
                points.append((follow_up.voice, follow_up.key_points, "voice.keypoints.follow_up"))
            self.query_one("#voice-suggested", SuggestedPoints).show(*points)
        else:
            self.query_one("#voice-suggested", SuggestedPoints).show()

    def on_voice_changed(self, _event: VoiceChanged) -> None:
        self._show_voice()

    def on_unmount(self) -> None:
        if self.voice is not None:
            self.voice.close()

    def _load_question(self) -> None:
        run = self.run
        question, answer = run.question, run.answer
        assert question is not None and answer is not None
        self.query_one("#role", Static).update(t("q.role", role=run.session.evaluator_role))
        self.query_one("#question-text", Static).update(question.text)
        notes = self.query_one("#notes", TextArea)
        with notes.prevent(TextArea.Changed):
            notes.load_text(answer.notes or t("q.notes_template"))
        points = self.query_one("#key-points", SelectionList)
        with points.prevent(SelectionList.SelectedChanged):
            points.clear_options()
            points.add_options(
                Selection(Text(kp), i, i in answer.covered)
                for i, kp in enumerate(question.key_points)
            )

    def _load_follow_up(self) -> None:
        follow_up = self.run.follow_up
        self.query_one("#follow-up-text", Static).update(
            t("q.follow_up", text=follow_up.text) if follow_up else ""
        )
        points = self.query_one("#follow-up-points", SelectionList)
        with points.prevent(SelectionList.SelectedChanged):
            points.clear_options()
            if follow_up is not None:
                points.add_options(
                    Selection(Text(kp), i, i in follow_up.covered)
                    for i, kp in enumerate(follow_up.key_points)
                )

    def _progress_line(self) -> str:
        run = self.run
        question = run.question
        assert question is not None
        limit = format_duration(question.time_limit)
        if run.kind is SessionKind.MOCK and run.defense is not None:
            left = max(0.0, run.defense.remaining())
            return t("q.progress_mock", number=run.index + 1, difficulty=question.difficulty, limit=limit,
                     left=format_duration(left))  # fmt: skip
        line = t(
            "q.progress",
            number=run.index + 1,
            total=run.total,
            difficulty=question.difficulty,
            limit=limit,
        )
        if question.reason is not None:
            line += "\n" + t("q.reason", reason=reason_label(question.reason))
        return line

    def _reading(self) -> tuple[str, Level]:
        run = self.run
        run.sync_stage()
        if self.voice is not None:
            self.voice.sync()
        if run.kind is SessionKind.MOCK:  # the discussion's countdown moves while a question runs
            for progress in self.query("#progress").results(Static):
                progress.update(self._progress_line())
        timer = run.timer
        if timer is None:
            answer = run.answer
            if answer is None or answer.status is not AnswerStatus.ANSWERED:
                return format_duration(0), Level.NEUTRAL
            over = (answer.elapsed or 0.0) - answer.limit
            text = (
                f"+{format_duration(over)}" if over > 0 else format_duration(answer.elapsed or 0.0)
            )
            return text, Level.RED if over > 0 else Level.GREEN
        reading = timer.reading()
        self._update_status(reading.state, reading.paused)
        return reading.display, reading.level

    def _update_status(self, state: TimerState | None = None, paused: bool = False) -> None:
        found = self.query("#timer-status")
        if not found:
            return  # a last timer tick while the screen is being taken down
        status = found.first(Static)
        run, answer = self.run, self.run.answer
        timer = run.timer
        if answer is None:
            label = ""
        elif timer is not None and timer.state is not TimerState.STOPPED:
            state = state or timer.state
            label = (
                t("q.paused")
                if paused or run.paused
                else t("q.prep")
                if state is TimerState.PREP
                else t("q.running")
            )
        elif answer.status is AnswerStatus.SKIPPED:
            label = t("q.skipped_answer_now")
        elif answer.status is AnswerStatus.ANSWERED and answer.elapsed is not None:
            label = t(
                "q.stopped",
                elapsed=format_duration(answer.elapsed),
                limit=format_duration(answer.limit),
            )
            if answer.overtime > 0:
                label += " · " + t("q.overtime", overtime="+" + format_duration(answer.overtime))
        else:
            label = ""
        if str(status.render()) != label:
            status.update(label)

    # -- bindings -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        typing = isinstance(self.focused, TextArea)
        if action == "write":
            return not typing
        if action == "leave_notes":
            return typing
        if action == "export_copy":
            return bool(self.run.read_only)
        if typing:
            return False  # letters and space go to the notes; Escape leaves them
        intents = {
            "primary": self.run.allows("stop") or self.run.allows("answer_now"),
            "rate": self.run.allows("rate"),
            "previous": self.run.allows("previous"),
            "follow_up": self.run.allows("follow_up"),
        }
        return intents.get(action, self.run.allows(action))

    def action_primary(self) -> None:
        if self.run.allows("answer_now"):
            self.run.answer_now()
        else:
            self.run.stop()
        self.render_state()

    def action_pause(self) -> None:
        self.run.toggle_pause()
        self.render_state()

    def action_rate(self, value: int) -> None:
        self.run.rate(value)
        self.render_state()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("confidence"):
            self.action_rate(int(str(event.button.label)))

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        follow_up = event.selection_list.id == "follow-up-points"
        self.run.tick(event.selection_list.selected, follow_up=follow_up)
        self.after_intent()

    def action_skip(self) -> None:
        self.flush_notes()
        moved = self.run.skip()
        if not moved:
            self._offer_end()
        self.render_state()

    def action_follow_up(self) -> None:
        choices = self.run.untaken_follow_ups()
        question = self.run.question
        if not choices or question is None:
            self.notify(t("q.no_follow_up"))
            return

        def picked(index: int | None) -> None:
            if index is not None:
                chosen = question.follow_ups[index]
                self.run.start_follow_up(chosen.text, chosen.key_points)
                self.render_state()

        if len(choices) == 1:
            picked(choices[0])
        else:
            self.app.push_screen(
                FollowUpPicker([(i, question.follow_ups[i].text) for i in choices]), picked
            )

    def action_next(self) -> None:
        self.flush_notes()
        if self.run.next():
            self.render_state()
        elif self.run.stage is Stage.DEBRIEFING:
            time_left = self.run.defense is not None and self.run.defense.remaining() > 0
            self.notify(t("q.no_more_questions" if time_left else "q.time_up"), markup=False)
            self._go_to_debrief()
        else:
            self._offer_end()

    def action_previous(self) -> None:
        self.flush_notes()
        if self.run.previous():
            self.render_state()

    def action_write(self) -> None:
        notes = self.query_one("#notes", TextArea)
        # At once, not deferred: letters typed right after "e" must land in the notes.
        self.set_focus(notes)
        self.run.write_notes()
        if notes.text == t("q.notes_template"):
            notes.move_cursor((1, 0))  # under "What I answered:", where writing starts
        else:
            notes.move_cursor(notes.document.end)

    def action_leave_notes(self) -> None:
        self.flush_notes()
        self.run.leave_notes()
        self.set_focus(None)
        self.render_state()

    # -- the end ------------------------------------------------------------------------------

    def _offer_end(self) -> None:
        """The last question is behind: answer the skipped ones, end, or stay."""
        skipped = self.run.skipped_positions()
        if not skipped:
            self._finish()
            return
        from soutenance.ui.modals.choice import ChoiceModal

        def chosen(choice: str | None) -> None:
            if choice == "skipped":
                self.run.go_to(skipped[0])
                self.render_state()
            elif choice == "end":
                self._finish()

        message = t("run.skipped_left", count=len(skipped))
        choices = [
            (t("run.stay"), "stay"),
            (t("run.answer_skipped"), "skipped"),
            (t("run.end_yes"), "end"),
        ]
        self.app.push_screen(ChoiceModal(message, choices, default="stay"), chosen)

    def action_end(self) -> None:
        self.flush_notes()
        if self.run.kind is SessionKind.MOCK:
            self.ask_to_end(t("run.confirm_end_discussion"), self._end_discussion)
            return
        left = sum(1 for i in range(len(self.run.session.plan)) if self._unanswered(i))
        self.ask_to_end(t("run.confirm_end", count=left), self._finish)

    def _unanswered(self, index: int) -> bool:
        answer = self.run.session.answer_at(index)
        return answer is None or answer.status in (AnswerStatus.PENDING, AnswerStatus.SKIPPED)

    def _end_discussion(self) -> None:
        self.run.begin_debrief()
        self._go_to_debrief()

    def _go_to_debrief(self) -> None:
        from soutenance.ui.screens.mock import DebriefScreen

        self.hand_over(DebriefScreen(self.run))

    def _finish(self) -> None:
        from soutenance.ui.screens.summary import show_summary

        self.flush_notes()
        show_summary(self, self.run.finish(), discarded=self.run.discarded)

    def became_read_only(self) -> None:
        self.query_one("#notes", TextArea).read_only = True

    # -- notes, saved while typing ------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.notes_saver.changed(event.text_area.text)

    def flush_notes(self) -> None:
        """Save typed notes now; called by the debounce timer and before anything moves on."""
        self.notes_saver.flush()

    def _save_notes(self, text: str) -> None:
        self.run.set_notes(text)
        self.after_intent()

    def flush_typing(self) -> None:
        self.flush_notes()
