"""The mock defense ("soutenance blanche"): presentation, discussion in role, then debrief.

Phases follow a project's ``DefenseFormat``, copied into the session's ``MockState`` when the
mock starts, so that a resumed mock keeps its format and the seconds already spent in each phase.
The evaluator's role is shown during the discussion only; the debrief drops it.
"""

from __future__ import annotations

from soutenance.banks.model import DefenseFormat
from soutenance.clock import Clock
from soutenance.session.model import MockPhase, MockState
from soutenance.session.timer import Level, PhaseTimer, Stopwatch, Thresholds, Verdict

TIMELINE = (MockPhase.PRESENTATION, MockPhase.DISCUSSION, MockPhase.DEBRIEF)
_ORDER = (*TIMELINE, MockPhase.DONE)


def mock_state(defense_format: DefenseFormat) -> MockState:
    """A mock's timeline at its start, with the project's format."""
    low, high = defense_format.presentation_window
    return MockState(
        presentation_minutes=defense_format.presentation,
        presentation_min=low,
        presentation_max=high,
        discussion_minutes=defense_format.discussion,
        debrief_minutes=defense_format.debrief,
    )


class MockDefense:
    """The clocks of one mock defense over its stored state; ``record()`` writes them back."""

    def __init__(
        self, state: MockState, clock: Clock, thresholds: Thresholds | None = None
    ) -> None:
        self.state = state
        self.thresholds = thresholds or Thresholds()
        self.presentation = PhaseTimer(
            clock,
            minimum_seconds=state.presentation_min * 60,
            maximum_seconds=state.presentation_max * 60,
            target_seconds=state.presentation_minutes * 60,
            thresholds=self.thresholds,
            already=state.presentation_seconds,
        )
        self._watches = {
            MockPhase.PRESENTATION: self.presentation.watch,
            MockPhase.DISCUSSION: Stopwatch(clock, state.discussion_seconds),
            MockPhase.DEBRIEF: Stopwatch(clock, state.debrief_seconds),
        }

    @property
    def phase(self) -> MockPhase:
        return self.state.phase

    def planned_seconds(self, phase: MockPhase | None = None) -> float:
        """Planned length of a phase (the target for the presentation)."""
        minutes = {
            MockPhase.PRESENTATION: self.state.presentation_minutes,
            MockPhase.DISCUSSION: self.state.discussion_minutes,
            MockPhase.DEBRIEF: self.state.debrief_minutes,
        }.get(phase or self.phase, 0)
        return minutes * 60.0

    @property
    def timeline(self) -> list[tuple[MockPhase, float]]:
        return [(phase, self.planned_seconds(phase)) for phase in TIMELINE]

    def run(self, *, paused: bool = False) -> None:
        """Start (or restart after a resume) the current phase's clock."""
        watch = self._watches.get(self.phase)
        if watch is not None:
            watch.start()
            if paused:
                watch.pause()

    def advance(self) -> MockPhase:
        """End the current phase and start the next one."""
        if self.phase is MockPhase.DONE:
            return self.phase
        self._watches[self.phase].stop()
        self.record()
        self.state.phase = _ORDER[_ORDER.index(self.phase) + 1]
        self.run()
        return self.phase

    def pause(self) -> None:
        if self.phase in self._watches:
            self._watches[self.phase].pause()

    def resume(self) -> None:
        if self.phase in self._watches:
            self._watches[self.phase].resume()

    @property
    def paused(self) -> bool:
        return self.phase in self._watches and self._watches[self.phase].paused

    def phase_elapsed(self, now: float | None = None) -> float:
        watch = self._watches.get(self.phase)
        return watch.elapsed(now) if watch else 0.0

    def remaining(self, now: float | None = None) -> float:
        """Seconds left in the current phase (negative when over; 0 outside the timeline)."""
        if self.phase not in self._watches:
            return 0.0
        return self.planned_seconds() - self.phase_elapsed(now)

    def next_question_allowed(self, now: float | None = None, *, needed: float = 0.0) -> bool:
        """In the discussion, while more than ``needed`` seconds of it are left."""
        return self.phase is MockPhase.DISCUSSION and self.remaining(now) > needed

    @property
    def role_visible(self) -> bool:
        """The evaluator plays the project's role during the discussion only."""
        return self.phase is MockPhase.DISCUSSION

    def level(self) -> Level:
        if self.phase is MockPhase.PRESENTATION:
            return self.presentation.level()
        if self.phase is MockPhase.DISCUSSION:
            return self.thresholds.level(self.remaining(), self.planned_seconds())
        return Level.NEUTRAL

    @property
    def presentation_verdict(self) -> Verdict | None:
        """Known once the presentation is over."""
        if self.phase is MockPhase.PRESENTATION:
            return None
        return self.presentation.verdict(self.state.presentation_seconds)

    def record(self) -> MockState:
        """Write every phase's seconds so far into the state (what a save keeps)."""
        state = self.state
        state.presentation_seconds = self._watches[MockPhase.PRESENTATION].elapsed()
        state.discussion_seconds = self._watches[MockPhase.DISCUSSION].elapsed()
        state.debrief_seconds = self._watches[MockPhase.DEBRIEF].elapsed()
        return state
