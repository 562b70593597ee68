"""The mock defense's presentation and debrief phases (the discussion uses the question screen)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static, TextArea

from soutenance.banks.model import format_duration
from soutenance.i18n import t
from soutenance.session.mock import MockDefense, Phase
from soutenance.session.rehearsal import RehearsalRun
from soutenance.session.timer import Level, Verdict
from soutenance.ui.flows import MockFlow
from soutenance.ui.translated import Translated
from soutenance.ui.widgets.timer_display import TimerDisplay

VERDICT_KEYS = {Verdict.TOO_SHORT: "mock.too_short", Verdict.IN_WINDOW: "mock.in_window", Verdict.TOO_LONG: "mock.too_long"}


def verdict_text(defense: MockDefense) -> str:
    verdict = defense.presentation_verdict
    return t(VERDICT_KEYS[verdict]) if verdict else ""


class PresentationScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("space", "next_phase", "key.stop", id="next-phase"),
        Binding("p", "pause", "key.pause", id="pause"),
    ]

    def __init__(self, run: RehearsalRun, flow: MockFlow) -> None:
        super().__init__()
        self.run = run
        self.flow = flow
        self.defense = flow.defense

    def compose(self) -> ComposeResult:
        low, high = self.defense.format.presentation_window
        yield Header()
        with Vertical(id="presentation"):
            yield Static(t("mock.presentation"), classes="title")
            yield Static(
                t("mock.presentation_help", low=low, high=high, target=self.defense.format.presentation),
                classes="hint",
            )
            yield TimerDisplay(self._reading, id="timer")
            yield Static(id="presentation-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.defense.start()

    def _reading(self) -> tuple[str, Level]:
        presentation = self.defense.presentation
        status = t("q.paused") if presentation.paused else t("mock.too_short_so_far") if presentation.too_short_so_far else ""
        for widget in self.query("#presentation-status").results(Static):
            widget.update(status)
        return presentation.display(), presentation.level()

    def action_pause(self) -> None:
        if self.defense.paused:
            self.defense.resume()
        else:
            self.defense.pause()

    def action_next_phase(self) -> None:
        from soutenance.ui.screens.question import QuestionScreen

        self.defense.advance()
        self.run.session.presentation_seconds = self.defense.presentation_seconds
        self.notify(t("mock.result", elapsed=format_duration(self.defense.presentation_seconds or 0), verdict=verdict_text(self.defense)))
        self.app.switch_screen(QuestionScreen(self.run, self.flow))


class DebriefScreen(Translated, Screen[None]):
    """Out of role: no evaluator line here, on purpose."""

    BINDINGS = [
        Binding("ctrl+s", "finish", "key.finish", id="finish", priority=True),
        Binding("escape", "leave_notes", "key.leave_notes", id="leave-notes"),
    ]

    def __init__(self, run: RehearsalRun, defense: MockDefense) -> None:
        super().__init__()
        self.run = run
        self.defense = defense

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="debrief"):
            yield Static(t("mock.debrief"), classes="title", id="debrief-title")
            yield Static(t("mock.debrief_help"), classes="hint")
            yield TimerDisplay(self._reading, id="timer")
            yield Label(t("mock.strengths"))
            yield TextArea(self.run.session.debrief_strengths, id="strengths")
            yield Label(t("mock.improvements"))
            yield TextArea(self.run.session.debrief_improvements, id="improvements")
        yield Footer()

    def _reading(self) -> tuple[str, Level]:
        return format_duration(max(0.0, self.defense.remaining())), Level.NEUTRAL

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        session = self.run.session
        if event.text_area.id == "strengths":
            self.defense.strengths = event.text_area.text
        else:
            self.defense.improvements = event.text_area.text
        self.defense.record_into(session)
        self.run.save_session()

    def action_leave_notes(self) -> None:
        self.set_focus(None)

    def action_finish(self) -> None:
        from soutenance.ui.screens.summary import SummaryScreen

        if self.defense.phase is Phase.DEBRIEF:
            self.defense.advance()
        self.defense.record_into(self.run.session)
        self.app.switch_screen(SummaryScreen(self.run.finish(), verdict_text(self.defense)))
