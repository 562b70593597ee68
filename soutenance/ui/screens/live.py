"""The live challenge: the mentor drives the questions while the screen may be shared.

The mentor draws or chooses each question, runs the same timer as a rehearsal (pause, add
time), fires follow-ups from the bank or typed on the spot, and keeps a panel of key points,
notes and marks. The panel is hidden when the mode starts, so the screen can be shared.
"""

from __future__ import annotations

import random
from enum import Enum
from pathlib import Path
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static, TextArea

from soutenance.banks.catalog import BankUnavailable, ProjectEntry
from soutenance.banks.editing import (
    BankDocument,
    CopyExists,
    EditError,
    FollowUpDraft,
    QuestionDraft,
    copy_to_user,
    is_bundled,
)
from soutenance.banks.model import Question, format_duration
from soutenance.i18n import t
from soutenance.session.draw import draw_questions
from soutenance.session.model import FollowUpAnswer, SessionKind
from soutenance.session.rehearsal import RehearsalRun, RunSettings
from soutenance.session.timer import AnswerTimer, Level, Thresholds, TimerState
from soutenance.store import Student
from soutenance.ui.screens.follow_up_picker import FollowUpPicker
from soutenance.ui.screens.mentor_follow_up import AdHocFollowUpModal
from soutenance.ui.screens.mentor_marks import MarksModal, apply_marks, marks_line
from soutenance.ui.screens.objectives import ObjectivesScreen
from soutenance.ui.screens.question_picker import (
    PickerFilters,
    QuestionHistory,
    QuestionPickerScreen,
    student_history,
)
from soutenance.ui.translated import Translated
from soutenance.ui.widgets.timer_display import TimerDisplay

ADD_SECONDS = 30
NOTES_SAVE_DELAY = 0.3


class LiveStage(Enum):
    WAITING = "waiting"
    """No question yet: draw or choose one."""
    ANSWERING = "answering"
    FOLLOW_UP = "follow_up"
    DONE = "done"
    """The answer is timed: tick key points, mark, then the next question."""


class KeyPointChecklist(Static):
    """Key points with a box each, wrapped to the panel's width: click a line to tick it.

    (A SelectionList cuts long lines in a narrow panel, and the mentor must read them whole.)
    """

    class Changed(Message):
        def __init__(self, checklist: KeyPointChecklist) -> None:
            super().__init__()
            self.checklist = checklist

        @property
        def control(self) -> KeyPointChecklist:
            return self.checklist

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.points: list[str] = []
        self.covered: set[int] = set()

    def load(self, points: list[str], covered: list[int]) -> None:
        self.points, self.covered = list(points), set(covered)
        self._show()

    @property
    def selected(self) -> list[int]:
        return sorted(self.covered)

    def toggle(self, index: int) -> None:
        if not 0 <= index < len(self.points):
            return
        self.covered ^= {index}
        self._show()
        self.post_message(self.Changed(self))

    def action_toggle(self, index: int) -> None:
        self.toggle(index)

    def _show(self) -> None:
        text = Text()
        for index, point in enumerate(self.points):
            heard = index in self.covered
            click = Style(meta={"@click": f"toggle({index})"})
            text.append("☑ " if heard else "☐ ", style=Style(color="green" if heard else None) + click)
            text.append(f"{index + 1}. ", style=Style(dim=True) + click)
            text.append(point, style=click)
            text.append("\n")
        text.rstrip()
        self.update(text)


def start_live(screen: Screen, student: Student) -> None:
    """Open the live challenge for a student, on their project (asking which one if unknown)."""
    from soutenance.ui.screens.bank_browser import ProjectPicker

    catalog = screen.app.services.catalog  # type: ignore[attr-defined]
    found = catalog.find(student.project_ref) if student.project_ref else []
    if len(found) == 1:
        _launch(screen, student, found[0])
        return
    if not catalog.projects:
        screen.notify(t("mentor.live.no_project"), severity="error", markup=False)
        return
    own = [e for e in catalog.projects if e.summary.path_id in student.paths]
    entries = own + [e for e in catalog.projects if e not in own]

    def picked(ref: str | None) -> None:
        chosen = next((e for e in entries if e.ref == ref), None)
        if chosen is not None:
            _launch(screen, student, chosen)

    screen.app.push_screen(ProjectPicker(t("mentor.live.pick_project", student=student.name), entries), picked)


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
    settings = RunSettings(thresholds=Thresholds(amber_at=config.amber_fraction, amber_floor=config.amber_min_seconds))
    # Saved from the first question on (or with the objectives): a mode opened by mistake leaves nothing.
    run = RehearsalRun.start(
        student=student.name, bank=bank, questions=[], clock=services.clock, sink=None,
        kind=SessionKind.LIVE, settings=settings,
    )  # fmt: skip
    app.push_screen(LiveScreen(run, entry))


class LiveScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("d", "draw", "mentor.key.draw", id="draw"),
        Binding("c", "choose", "mentor.key.choose", id="choose"),
        Binding("space", "stop", "mentor.key.stop", id="stop"),
        Binding("p", "pause", "key.pause", id="pause"),
        Binding("plus", "add_time", "mentor.key.add_time", key_display="+", id="add-time"),
        Binding("f", "follow_up", "key.follow_up", id="follow-up"),
        Binding("a", "ad_hoc", "mentor.key.ad_hoc", id="ad-hoc"),
        Binding("b", "save_to_bank", "mentor.key.save_to_bank", id="save-to-bank"),
        Binding("h", "toggle_panel", "mentor.key.panel", id="panel"),
        # The same, while typing notes (where "h" is a letter): hide at once when sharing starts.
        Binding("f2", "panel_now", "mentor.key.panel", show=False, priority=True, id="panel-f2"),
        *[
            Binding(str(n), f"tick({n})", "mentor.key.tick", key_display="1-9", show=n == 1, id=f"tick-{n}")
            for n in range(1, 10)
        ],
        Binding("e", "write", "mentor.key.notes", id="write"),
        Binding("escape", "leave", "key.leave_notes", id="leave"),
        Binding("m", "marks", "mentor.key.marks", id="marks"),
        Binding("t", "end", "mentor.key.end", id="end"),
    ]

    def __init__(self, run: RehearsalRun, entry: ProjectEntry, seed: int | None = None) -> None:
        super().__init__()
        self.run = run
        self.entry = entry
        self.bank_file: Path = entry.file
        self.stage = LiveStage.WAITING
        self.timer: AnswerTimer | None = None
        self.follow_up: FollowUpAnswer | None = None
        self.panel_visible = False
        self.filters = PickerFilters()
        self.rng = random.Random(seed)
        self.saved_to_bank: set[str] = set()
        self._history: QuestionHistory | None = None
        self._notes_timer: Timer | None = None
        self._pending_notes: str | None = None
        self._warned = False

    @property
    def store(self) -> Any:
        return self.app.store  # type: ignore[attr-defined]

    @property
    def has_answer(self) -> bool:
        return self.stage is not LiveStage.WAITING

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="live"):
            with VerticalScroll(id="live-main"):
                yield Static(id="live-student", markup=False)
                yield Static(id="live-progress", markup=False)
                yield Static(id="live-question", markup=False)
                yield Static(id="live-follow-up", markup=False)
                with Horizontal(id="live-timer-row"):
                    yield TimerDisplay(self._reading, id="live-timer")
                    yield Static(id="live-status", markup=False)
            with VerticalScroll(id="mentor-panel"):
                yield Static(t("mentor.live.key_points"), classes="label")
                yield KeyPointChecklist(id="live-key-points")
                yield Static(t("mentor.live.follow_up_points"), id="live-follow-up-points-label", classes="label")
                yield KeyPointChecklist(id="live-follow-up-points")
                yield Static(id="live-bank-follow-ups")
                yield Static(t("mentor.live.notes"), classes="label")
                yield TextArea(id="mentor-notes", soft_wrap=True, compact=True)
                yield Static(id="live-marks")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = t("mentor.live.title")
        project = self.run.bank.project
        line = t("mentor.live.student", student=self.run.session.student, project=project.title)
        self.query_one("#live-student", Static).update(line)
        self.set_panel(False)
        self.show_question()

    # -- display ------------------------------------------------------------------------------

    def set_panel(self, visible: bool) -> None:
        self.panel_visible = visible
        self.set_class(visible, "-panel")
        if not visible and self.focused is not None and self.query_one("#mentor-panel") in self.focused.ancestors:
            self.flush_notes()
            self.set_focus(None)
        self.refresh_bindings()

    def show_question(self) -> None:
        """Show the current question (or the invitation to draw one) and fill the panel."""
        question_box = self.query_one("#live-question", Static)
        points = self.query_one("#live-key-points", KeyPointChecklist)
        notes = self.query_one("#mentor-notes", TextArea)
        points.load([], [])
        if not self.has_answer:
            self.query_one("#live-progress", Static).update(t("mentor.live.waiting"))
            question_box.update(t("mentor.live.first_question"))
            with notes.prevent(TextArea.Changed):
                notes.load_text("")
            self._refresh_details()
            return
        run = self.run
        question, answer = run.question, run.answer
        progress = t(
            "mentor.live.progress", number=run.index + 1, difficulty=question.difficulty,
            limit=format_duration(question.time_limit),
        )  # fmt: skip
        self.query_one("#live-progress", Static).update(progress)
        question_box.update(question.text)
        points.load(list(question.key_points), answer.covered)
        with notes.prevent(TextArea.Changed):
            notes.load_text(answer.mentor_notes)
        self._refresh_details()

    def _refresh_details(self) -> None:
        """The follow-up line, the follow-up's key points, the bank's follow-ups and the marks."""
        follow_up = self.follow_up
        line = self.query_one("#live-follow-up", Static)
        line.update(t("q.follow_up", text=follow_up.text) if follow_up else "")
        line.display = follow_up is not None
        fu_points = self.query_one("#live-follow-up-points", KeyPointChecklist)
        fu_points.load(follow_up.key_points if follow_up else [], follow_up.covered if follow_up else [])
        shown = follow_up is not None and bool(follow_up.key_points)
        fu_points.display = shown
        self.query_one("#live-follow-up-points-label").display = shown
        bank_list = Text()
        marks = Text()
        if self.has_answer:
            taken = {f.text for f in self.run.answer.follow_ups}
            if self.run.question.follow_ups:
                bank_list.append(t("mentor.live.bank_follow_ups") + "\n", style="underline")
                for item in self.run.question.follow_ups:
                    bank_list.append(("✓ " if item.text in taken else "↳ ") + item.text + "\n")
            for item in self.run.answer.follow_ups:
                if item.ad_hoc:
                    saved = " " + t("mentor.live.in_bank") if item.id in self.saved_to_bank else ""
                    bank_list.append(f"✎ {item.text}{saved}\n", style="italic")
            marks = Text(t("mentor.live.marks") + " ", style="bold") + marks_line(self.run.answer.marks)
        self.query_one("#live-bank-follow-ups", Static).update(bank_list)
        self.query_one("#live-marks", Static).update(marks)
        self._update_status()
        self.refresh_bindings()

    def _reading(self) -> tuple[str, Level]:
        if self.timer is not None:
            reading = self.timer.reading()
            self._update_status(reading.paused)
            return reading.display, reading.level
        if not self.has_answer or self.run.answer.elapsed is None:
            return "0:00", Level.NEUTRAL
        answer = self.run.answer
        over = (answer.elapsed or 0.0) - answer.time_limit
        text = f"+{format_duration(over)}" if over > 0 else format_duration(answer.elapsed or 0.0)
        return text, Level.RED if over > 0 else Level.GREEN

    def _update_status(self, paused: bool = False) -> None:
        found = self.query("#live-status")
        if not found:
            return  # a last timer tick while the screen is being taken down
        label = ""
        if self.timer is not None and self.timer.state is not TimerState.STOPPED:
            label = t("q.paused") if paused or self.timer.paused else t("q.running")
            if self.timer.added_seconds:
                label += " · " + t("mentor.live.added", seconds=int(self.timer.added_seconds))
        elif self.has_answer and self.run.answer.elapsed is not None:
            answer = self.run.answer
            label = t("q.stopped", elapsed=format_duration(answer.elapsed or 0), limit=format_duration(answer.time_limit))
        status = found.first(Static)
        if str(status.render()) != label:
            status.update(label)

    # -- bindings -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        typing = isinstance(self.focused, TextArea)
        if typing:  # letters and space go to the notes: only leaving them (or F2) is a key then
            return action in ("leave", "panel_now")
        stage = self.stage
        timing = stage in (LiveStage.ANSWERING, LiveStage.FOLLOW_UP)
        in_panel = self.focused is not None and self.query_one("#mentor-panel") in self.focused.ancestors
        allowed = {
            "draw": stage in (LiveStage.WAITING, LiveStage.DONE),
            "choose": stage in (LiveStage.WAITING, LiveStage.DONE),
            "stop": timing,
            "pause": timing,
            "add_time": timing,
            "follow_up": stage in (LiveStage.ANSWERING, LiveStage.DONE) and bool(self.run.untaken_follow_ups()),
            "ad_hoc": stage in (LiveStage.ANSWERING, LiveStage.DONE),
            "save_to_bank": self.has_answer and self._unsaved_ad_hoc() is not None,
            "tick": self.panel_visible and self.has_answer and self._can_tick(parameters),
            "write": self.panel_visible and self.has_answer and not typing,
            "leave": in_panel,
            "marks": self.has_answer,
        }
        return allowed.get(action, True)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    # -- questions ----------------------------------------------------------------------------

    def asked_ids(self) -> set[str]:
        return {answer.question_id for answer in self.run.session.answers}

    def action_draw(self) -> None:
        if self.stage not in (LiveStage.WAITING, LiveStage.DONE):
            return
        drawn = draw_questions(
            self.run.bank.questions, count=1, exclude_ids=self.asked_ids(), seed=self.rng.randrange(2**31)
        )
        if not drawn:
            self.notify(t("mentor.live.all_asked"), markup=False)
            return
        self.ask(drawn[0])

    def action_choose(self) -> None:
        if self.stage not in (LiveStage.WAITING, LiveStage.DONE):
            return
        run = self.run
        if self._history is None:  # what happened before this session does not change during it
            project = run.bank.project
            try:
                self._history = student_history(
                    self.store, run.session.student, project.path_id, project.id, run.bank.questions,
                    exclude_session=run.session.id,
                )  # fmt: skip
            except Exception:  # noqa: BLE001 - without history the list is still useful
                self._history = QuestionHistory()
        before = self._history
        history = QuestionHistory(before.asked, before.weak, frozenset(self.asked_ids()))

        def chosen(question_id: str | None) -> None:
            question = run.bank.question(question_id) if question_id else None
            if question is not None:
                self.ask(question)

        self.app.push_screen(
            QuestionPickerScreen(run.bank.questions, history, self.filters, seed=self.rng.randrange(2**31)), chosen
        )

    def ask(self, question: Question) -> None:
        """Put a question to the student: a new answer, and its timer running."""
        self.flush_notes()
        run = self.run
        if run.sink is None:
            run.sink = self.store
            run.save_session()
        run.add_question(question)
        if len(run.questions) > 1:
            run.go_next()
        run.answer  # noqa: B018 - recorded (and saved) as soon as it is asked
        self.follow_up = None
        self.timer = run.answer_timer()
        self.timer.start()
        self.stage = LiveStage.ANSWERING
        self.show_question()
        self._check_saved()

    # -- the timer ----------------------------------------------------------------------------

    def action_stop(self) -> None:
        if self.timer is None:
            return
        elapsed = self.timer.stop()
        self.timer = None
        if self.stage is LiveStage.FOLLOW_UP and self.follow_up is not None:
            self.run.record_follow_up(self.follow_up, elapsed, self.follow_up.covered)
        else:
            self.run.record_time(elapsed)
        self.stage = LiveStage.DONE
        self._refresh_details()
        self._check_saved()

    def action_pause(self) -> None:
        if self.timer is None:
            return
        self.timer.toggle_pause()
        self._update_status()

    def action_add_time(self) -> None:
        if self.timer is None:
            return
        self.timer.add_time(ADD_SECONDS)
        self.query_one("#live-timer", TimerDisplay).refresh_reading()
        self._update_status()

    # -- follow-ups ---------------------------------------------------------------------------

    def action_follow_up(self) -> None:
        choices = self.run.untaken_follow_ups() if self.has_answer else []
        if not choices or self.stage is LiveStage.FOLLOW_UP:
            self.notify(t("q.no_follow_up"), markup=False)
            return
        follow_ups = self.run.question.follow_ups

        def picked(index: int | None) -> None:
            if index is not None:
                self.start_follow_up(follow_ups[index].text, follow_ups[index].key_points)

        if len(choices) == 1:
            picked(choices[0])
        else:
            self.app.push_screen(FollowUpPicker([(i, follow_ups[i].text) for i in choices]), picked)

    def action_ad_hoc(self) -> None:
        if self.stage not in (LiveStage.ANSWERING, LiveStage.DONE):
            return

        def typed(result: tuple[str, list[str]] | None) -> None:
            if result is not None:
                self.start_follow_up(result[0], result[1], ad_hoc=True)

        self.app.push_screen(AdHocFollowUpModal(), typed)

    def start_follow_up(self, text: str, key_points: list[str], *, ad_hoc: bool = False) -> None:
        if self.stage is LiveStage.ANSWERING:
            self.action_stop()
        self.follow_up = self.run.start_follow_up(text, key_points, ad_hoc=ad_hoc)
        self.timer = AnswerTimer(self.run.clock, self.follow_up.time_limit, thresholds=self.run.settings.thresholds)
        self.timer.start()
        self.stage = LiveStage.FOLLOW_UP
        self._refresh_details()
        self._check_saved()

    def _unsaved_ad_hoc(self) -> FollowUpAnswer | None:
        """The follow-up that `save_to_bank` would save: the current one, else the last typed one."""
        if not self.has_answer:
            return None
        if self.follow_up is not None and self.follow_up.ad_hoc and self.follow_up.id not in self.saved_to_bank:
            return self.follow_up
        typed = [f for f in self.run.answer.follow_ups if f.ad_hoc and f.id not in self.saved_to_bank]
        return typed[-1] if typed else None

    def action_save_to_bank(self) -> None:
        self._save_to_bank()

    @work(exclusive=True, group="live-bank")
    async def _save_to_bank(self) -> None:
        follow_up = self._unsaved_ad_hoc()
        if follow_up is None:
            return
        question_id = self.run.question.id
        path = self.bank_file
        if is_bundled(path):
            from soutenance.ui.screens.question_form import ConfirmModal, copy_body

            modal = ConfirmModal(
                copy_body(self.run.bank.project.title), title=t("be.copy_title"), yes=t("be.copy"), no=t("be.cancel")
            )
            if not await self.app.push_screen_wait(modal):
                return
            try:
                path = copy_to_user(path)
            except CopyExists as exists:
                path = exists.path
            except EditError as error:
                self.notify(error.message, severity="error", markup=False)
                return
            self.bank_file = path
        try:
            document = BankDocument.open(path)
            draft = QuestionDraft.from_question(document.question(question_id))
            if all(item.text != follow_up.text for item in draft.follow_ups):
                draft.follow_ups.append(FollowUpDraft(follow_up.text, list(follow_up.key_points)))
                document.update_question(question_id, draft)
                document.save()
        except EditError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.saved_to_bank.add(follow_up.id)
        self.app.services.reload_catalog()  # type: ignore[attr-defined]
        self.notify(t("mentor.live.saved_to_bank", file=str(path)), markup=False)
        self._refresh_details()

    # -- the mentor panel ---------------------------------------------------------------------

    def action_toggle_panel(self) -> None:
        self.set_panel(not self.panel_visible)

    def action_panel_now(self) -> None:
        self.set_panel(not self.panel_visible)

    def _ticking(self) -> KeyPointChecklist:
        """The checklist the number keys tick: the follow-up's while it has key points."""
        follow_up_points = self.query_one("#live-follow-up-points", KeyPointChecklist)
        if self.follow_up is not None and follow_up_points.points:
            return follow_up_points
        return self.query_one("#live-key-points", KeyPointChecklist)

    def _can_tick(self, parameters: tuple[object, ...]) -> bool:
        number = parameters[0] if parameters else 1
        return isinstance(number, int) and len(self._ticking().points) >= number

    def action_tick(self, number: int) -> None:
        if self.panel_visible and self.has_answer:
            self._ticking().toggle(number - 1)

    def action_write(self) -> None:
        if self.panel_visible and self.has_answer:
            self.query_one("#mentor-notes", TextArea).focus()

    def action_leave(self) -> None:
        self.flush_notes()
        self.set_focus(None)

    def on_key_point_checklist_changed(self, event: KeyPointChecklist.Changed) -> None:
        if not self.has_answer:
            return
        selected = event.checklist.selected
        if event.checklist.id == "live-key-points":
            self.run.set_covered(selected)
        elif self.follow_up is not None:
            if self.follow_up.elapsed is None:
                self.follow_up.covered = sorted(set(selected))  # recorded when it is stopped
            else:
                self.run.record_follow_up(self.follow_up, self.follow_up.elapsed, selected)
        self._check_saved()

    def action_marks(self) -> None:
        if not self.has_answer:
            return
        answer = self.run.answer

        def marked(marks: dict[str, int] | None) -> None:
            if marks is None:
                return
            try:
                apply_marks(self.store, answer, marks)
            except Exception as error:  # noqa: BLE001 - say it; the marks stay on the answer
                self.notify(t("mentor.save_failed", error=str(error)), severity="warning", markup=False)
                answer.marks = dict(marks)
            self._refresh_details()

        self.app.push_screen(MarksModal(answer.marks, answer.question_text), marked)

    # -- mentor notes, saved while typing -----------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id != "mentor-notes" or not self.has_answer:
            return
        self._pending_notes = event.text_area.text
        if self._notes_timer is None:
            self._notes_timer = self.set_timer(NOTES_SAVE_DELAY, self.flush_notes)

    def flush_notes(self) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None
        if self._pending_notes is None or not self.has_answer:
            return
        answer, text = self.run.answer, self._pending_notes
        self._pending_notes = None
        answer.mentor_notes = text
        try:
            self.store.roster.set_mentor_notes(answer.id, text)
        except Exception as error:  # noqa: BLE001 - the notes stay in memory and are saved at the end
            self._warn(str(error))

    # -- the end ------------------------------------------------------------------------------

    def action_end(self) -> None:
        self.flush_notes()
        if self.timer is not None:
            self.action_stop()
        session = self.run.finish()
        self._check_saved()
        try:
            carried = self.store.roster.open_objectives(session.student)
        except Exception:  # noqa: BLE001 - nothing to carry over then
            carried = []
        self.app.switch_screen(ObjectivesScreen(session, carried))

    def on_unmount(self) -> None:
        self.flush_notes()

    def _check_saved(self) -> None:
        if self.run.save_error:
            self._warn(self.run.save_error)

    def _warn(self, error: str) -> None:
        if not self._warned:
            self._warned = True
            self.notify(t("q.save_failed", error=error), severity="warning", timeout=20, markup=False)
