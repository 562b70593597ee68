"""The mock defense's presentation and debrief phases (the discussion uses the question screen)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Label, Static, TextArea

from soutenance.banks.model import format_duration
from soutenance.i18n import t
from soutenance.session.mock import MockDefense
from soutenance.session.model import Stage
from soutenance.session.run import SessionRun
from soutenance.session.timer import Level, Verdict
from soutenance.ui.screens.run_screen import RunScreen
from soutenance.ui.translated import Translated
from soutenance.ui.widgets.notes_saver import NotesSaver
from soutenance.ui.widgets.timer_display import TimerDisplay

VERDICT_KEYS = {
    Verdict.TOO_SHORT: "mock.too_short",
    Verdict.IN_WINDOW: "mock.in_window",
    Verdict.TOO_LONG: "mock.too_long",
}


def verdict_text(defense: MockDefense | None) -> str:
    verdict = defense.presentation_verdict if defense is not None else None
    return t(VERDICT_KEYS[verdict]) if verdict else ""


class PresentationScreen(Translated, RunScreen):
    BINDINGS = [
        Binding("space", "next_phase", "key.stop", id="next-phase"),
        Binding("p", "pause", "key.pause", id="pause"),
    ]

    def __init__(self, run: SessionRun) -> None:
        super().__init__(run)
        assert run.defense is not None
        self.defense = run.defense

    def compose(self) -> ComposeResult:
        state = self.defense.state
        yield Header()
        with Vertical(id="presentation"):
            yield Static(t("mock.presentation"), classes="title")
            yield Static(
                t("mock.presentation_help", low=state.presentation_min, high=state.presentation_max,
                  target=state.presentation_minutes),
                classes="hint",
            )  # fmt: skip
            yield TimerDisplay(self._reading, id="timer")
            yield Static(id="presentation-status", markup=False)
        yield Footer()

    def _reading(self) -> tuple[str, Level]:
        presentation = self.defense.presentation
        if self.run.paused:
            status = t("run.resumed_paused") if self.run.resumed else t("q.paused")
        else:
            status = t("mock.too_short_so_far") if presentation.too_short_so_far else ""
        for widget in self.query("#presentation-status").results(Static):
            widget.update(status)
        return presentation.display(), presentation.level()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.run.allows("end_presentation" if action == "next_phase" else action)

    def action_pause(self) -> None:
        self.run.toggle_pause()
        self.after_intent()

    def action_next_phase(self) -> None:
        elapsed = format_duration(self.defense.presentation.elapsed)
        self.ask_to_end(t("mock.confirm_end_presentation", elapsed=elapsed), self._end_presentation)

    def _end_presentation(self) -> None:
        from soutenance.ui.screens.question import QuestionScreen

        self.run.end_presentation()
        presentation = format_duration(self.defense.state.presentation_seconds)
        self.notify(
            t("mock.result", elapsed=presentation, verdict=verdict_text(self.defense)), markup=False
        )
        if self.run.stage is Stage.DEBRIEFING:
            self.hand_over(DebriefScreen(self.run))
        else:
            self.hand_over(QuestionScreen(self.run))


class DebriefScreen(Translated, RunScreen):
    """Out of role: no evaluator line here, on purpose."""

    BINDINGS = [
        Binding("ctrl+s", "finish", "key.finish", id="finish", priority=True),
        Binding("escape", "leave_notes", "key.leave_notes", id="leave-notes"),
    ]

    def __init__(self, run: SessionRun) -> None:
        super().__init__(run)
        self.savers = {
            "strengths": NotesSaver(self, lambda text: self._save("strengths", text)),
            "improvements": NotesSaver(self, lambda text: self._save("improvements", text)),
        }

    def compose(self) -> ComposeResult:
        session = self.run.session
        yield Header()
        with VerticalScroll(id="debrief"):
            yield Static(t("mock.debrief"), classes="title", id="debrief-title")
            yield Static(t("mock.debrief_help"), classes="hint")
            yield TimerDisplay(self._reading, id="timer")
            yield Label(t("mock.strengths"))
            yield TextArea(session.debrief_strengths, id="strengths")
            yield Label(t("mock.improvements"))
            yield TextArea(session.debrief_improvements, id="improvements")
        yield Footer()

    def on_mount(self) -> None:
        first = self.query_one("#strengths", TextArea)
        self.set_focus(first)  # what is typed as the debrief opens goes into the first box
        first.move_cursor(first.document.end)

    def _reading(self) -> tuple[str, Level]:
        defense = self.run.defense
        left = defense.remaining() if defense is not None else 0.0
        return format_duration(max(0.0, left)), Level.NEUTRAL

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        saver = self.savers.get(event.text_area.id or "")
        if saver is not None:
            saver.changed(event.text_area.text)

    def _save(self, box: str, text: str) -> None:
        self.run.set_debrief(**{box: text})
        self.after_intent()

    def flush(self) -> None:
        for saver in self.savers.values():
            saver.flush()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_notes":
            return isinstance(self.focused, TextArea)
        return True

    def action_leave_notes(self) -> None:
        self.flush()
        self.set_focus(None)

    def became_read_only(self) -> None:
        for box in self.query(TextArea).results(TextArea):
            box.read_only = True

    def action_finish(self) -> None:
        from soutenance.ui.screens.summary import show_summary

        self.flush()
        verdict = verdict_text(self.run.defense)
        show_summary(self, self.run.finish(), verdict, discarded=self.run.discarded)

    def flush_typing(self) -> None:
        self.flush()
