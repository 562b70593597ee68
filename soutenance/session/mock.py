"""The mock defense ("soutenance blanche"): presentation, discussion in role, then debrief.

Phases follow a project's ``DefenseFormat``. The evaluator's role is shown during the discussion
only; the debrief drops it and collects the strengths and areas for improvement.
"""

from __future__ import annotations

from enum import StrEnum

from soutenance.banks.model import DefenseFormat
from soutenance.clock import Clock
from soutenance.session.model import Session
from soutenance.session.timer import Level, PhaseTimer, Stopwatch, Thresholds, Verdict


class Phase(StrEnum):
    READY = "ready"
    PRESENTATION = "presentation"
    DISCUSSION = "discussion"
    DEBRIEF = "debrief"
    DONE = "done"


TIMELINE = (Phase.PRESENTATION, Phase.DISCUSSION, Phase.DEBRIEF)
_ORDER = (Phase.READY, *TIMELINE, Phase.DONE)


class MockDefense:
    """The timeline of one mock defense, driven by ``advance()``; times come from the clock."""

    def __init__(
        self, defense_format: DefenseFormat, clock: Clock, thresholds: Thresholds | None = None
    ) -> None:
        self.format = defense_format
        self.thresholds = thresholds or Thresholds()
        self.presentation = PhaseTimer.for_presentation(defense_format, clock, self.thresholds)
        self._watches = {
            Phase.PRESENTATION: self.presentation.watch,
            Phase.DISCUSSION: Stopwatch(clock),
            Phase.DEBRIEF: Stopwatch(clock),
        }
        self.phase = Phase.READY
        self.strengths = ""
        """Debrief notes: "points forts"."""
        self.improvements = ""
        """Debrief notes: "axes d'amélioration"."""

    def planned_seconds(self, phase: Phase | None = None) -> float:
        """Planned length of a phase (the target for the presentation)."""
        phase = phase or self.phase
        minutes = {
            Phase.PRESENTATION: self.format.presentation,
            Phase.DISCUSSION: self.format.discussion,
            Phase.DEBRIEF: self.format.debrief,
        }.get(phase, 0)
        return minutes * 60.0

    @property
    def timeline(self) -> list[tuple[Phase, float]]:
        return [(phase, self.planned_seconds(phase)) for phase in TIMELINE]

    def start(self) -> Phase:
        """Begin the presentation (does nothing once started)."""
        return self.advance() if self.phase is Phase.READY else self.phase

    def advance(self) -> Phase:
        """End the current phase and start the next one."""
        if self.phase is Phase.DONE:
            return self.phase
        if self.phase in self._watches:
            self._watches[self.phase].stop()
        self.phase = _ORDER[_ORDER.index(self.phase) + 1]
        if self.phase in self._watches:
            self._watches[self.phase].start()
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
        """In the discussion, while more than ``needed`` seconds of it are left.

        ``now`` is a monotonic reading (the clock is read when omitted)."""
        return self.phase is Phase.DISCUSSION and self.remaining(now) > needed

    @property
    def role_visible(self) -> bool:
        """The evaluator plays the project's role during the discussion only."""
        return self.phase is Phase.DISCUSSION

    def level(self) -> Level:
        if self.phase is Phase.PRESENTATION:
            return self.presentation.level()
        if self.phase is Phase.DISCUSSION:
            return self.thresholds.level(self.remaining(), self.planned_seconds())
        return Level.NEUTRAL

    @property
    def presentation_seconds(self) -> float | None:
        return None if self.phase is Phase.READY else self.presentation.elapsed

    @property
    def presentation_verdict(self) -> Verdict | None:
        """Known once the presentation is over."""
        if self.phase in (Phase.READY, Phase.PRESENTATION):
            return None
        return self.presentation.verdict()

    def record_into(self, session: Session) -> None:
        """Copy the presentation time and debrief notes into the session."""
        session.presentation_seconds = self.presentation_seconds
        session.debrief_strengths = self.strengths
        session.debrief_improvements = self.improvements
