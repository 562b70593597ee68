"""Answer and presentation timers: every figure comes from clock readings, never from counted ticks.

A UI tick may come late or be skipped; the next reading is still exact because elapsed time is
always ``clock.monotonic()`` now minus the start, less the paused intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from soutenance.banks.model import DefenseFormat
from soutenance.clock import Clock
from soutenance.i18n.formats import countdown
from soutenance.i18n.formats import duration as format_duration


class TimerState(StrEnum):
    IDLE = "idle"
    PREP = "prep"
    RUNNING = "running"
    STOPPED = "stopped"


class Level(StrEnum):
    """The colour of a timer; NEUTRAL while nothing is at stake yet (preparation, too early)."""

    NEUTRAL = "neutral"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Verdict(StrEnum):
    TOO_SHORT = "too_short"
    IN_WINDOW = "in_window"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Thresholds:
    """When a countdown turns amber: in the last ``amber_at`` of the limit, and at least
    ``amber_floor`` seconds before its end (capped at the whole limit). Red at and past the limit."""

    amber_at: float = 0.25
    amber_floor: float = 15.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.amber_at <= 1.0:
            raise ValueError("amber_at is a fraction of the limit, between 0 and 1")
        if self.amber_floor < 0:
            raise ValueError("amber_floor is a number of seconds, 0 or more")

    def amber_window(self, limit: float) -> float:
        """Seconds before the end of ``limit`` during which the level is amber."""
        return min(limit, max(self.amber_at * limit, self.amber_floor))

    def level(self, remaining: float, limit: float) -> Level:
        if remaining <= 0:
            return Level.RED
        if remaining <= self.amber_window(limit):
            return Level.AMBER
        return Level.GREEN


class Stopwatch:
    """Active seconds between start and stop, paused intervals left out.

    ``already`` is time spent before this stopwatch existed (a session resumed after a crash):
    it counts as if it had run before the start.
    """

    def __init__(self, clock: Clock, already: float = 0.0) -> None:
        self._clock = clock
        self.already = max(0.0, already)
        self._started_at: float | None = None
        self._stopped_at: float | None = None
        self._paused_at: float | None = None
        self._paused_total = 0.0

    @property
    def started(self) -> bool:
        return self._started_at is not None

    @property
    def stopped(self) -> bool:
        return self._stopped_at is not None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def running(self) -> bool:
        return self.started and not self.stopped and not self.paused

    def start(self, at: float | None = None) -> None:
        """Start once; later calls do nothing. ``at`` backdates the start (a monotonic reading)."""
        if self._started_at is None:
            self._started_at = self._clock.monotonic() if at is None else at

    def pause(self) -> None:
        if self.running:
            self._paused_at = self._clock.monotonic()

    def resume(self) -> None:
        if self._paused_at is not None and not self.stopped:
            self._paused_total += self._clock.monotonic() - self._paused_at
            self._paused_at = None

    def stop(self) -> float:
        """Stop (once) and return the active seconds; stopping while paused ends at the pause."""
        if self._started_at is None:
            self.start()
        if self._stopped_at is None:
            end = self._clock.monotonic()
            if self._paused_at is not None:
                self._paused_total += end - self._paused_at
                self._paused_at = None
            self._stopped_at = end
        return self.elapsed()

    def elapsed(self, now: float | None = None) -> float:
        """Active seconds at ``now`` (a monotonic reading; read from the clock when omitted)."""
        if self._started_at is None:
            return self.already
        if self._stopped_at is not None:
            end = self._stopped_at
        else:
            end = self._clock.monotonic() if now is None else now
        paused = self._paused_total
        if self._paused_at is not None:
            paused += max(0.0, end - self._paused_at)
        return self.already + max(0.0, end - self._started_at - paused)


@dataclass(frozen=True)
class TimerReading:
    """Everything a timer widget shows, taken from one clock reading."""

    state: TimerState
    paused: bool
    elapsed: float
    remaining: float
    limit: float
    display: str
    level: Level


class AnswerTimer:
    """The countdown of one answer, with an optional preparation time before it.

    PREP counts the preparation down, then the answer starts by itself at the exact moment the
    preparation ended. Past the limit the display turns to "+0:12" and the level stays red.
    """

    def __init__(
        self,
        clock: Clock,
        limit_seconds: float,
        *,
        prep_seconds: float = 0,
        amber_at: float | None = None,
        amber_floor: float | None = None,
        thresholds: Thresholds | None = None,
        already: float = 0.0,
    ) -> None:
        """``already``: seconds of this answer spent before (a resumed session); the preparation
        is then over, and the countdown goes on from there."""
        if limit_seconds <= 0:
            raise ValueError("the time limit must be positive")
        if prep_seconds < 0:
            raise ValueError("the preparation time cannot be negative")
        base = thresholds or Thresholds()
        self.thresholds = Thresholds(
            amber_at=base.amber_at if amber_at is None else amber_at,
            amber_floor=base.amber_floor if amber_floor is None else amber_floor,
        )
        self._clock = clock
        self._watch = Stopwatch(clock, already)
        self._base_limit = float(limit_seconds)
        self.added_seconds = 0.0
        self._prep = 0.0 if already > 0 else float(prep_seconds)
        self._state = TimerState.IDLE
        self.answer_started_at: float | None = None
        """The monotonic reading at which the answer (not the preparation) started."""

    # -- control -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the preparation, or the answer directly when there is none."""
        if self._state is not TimerState.IDLE:
            return
        now = self._clock.monotonic()
        self._watch.start(now)
        self._state = TimerState.PREP
        self._sync(now)

    def skip_prep(self) -> None:
        """The student is ready early: the answer starts now."""
        now = self._sync()
        if self._state is TimerState.PREP:
            self._prep = self._watch.elapsed(now)
            self._sync(now)

    def pause(self) -> None:
        self._sync()
        self._watch.pause()

    def resume(self) -> None:
        self._watch.resume()
        self._sync()

    def toggle_pause(self) -> None:
        if self.paused:
            self.resume()
        else:
            self.pause()

    def add_time(self, seconds: float) -> None:
        """Extend the limit (the mentor grants more time)."""
        if seconds <= 0:
            raise ValueError("added time must be positive")
        self.added_seconds += seconds

    def stop(self) -> float:
        """Stop and return the answer's elapsed seconds (0 when stopped during preparation)."""
        if self._state is TimerState.IDLE:
            self.start()
        self._sync()
        self._watch.stop()
        self._state = TimerState.STOPPED
        return self.elapsed

    # -- readings ------------------------------------------------------------------------------

    def _sync(self, now: float | None = None) -> float:
        """Take a reading and move from PREP to RUNNING when the preparation is over."""
        now = self._clock.monotonic() if now is None else now
        if self._state is TimerState.PREP:
            active = self._watch.elapsed(now)
            if active >= self._prep:
                self._state = TimerState.RUNNING
                self.answer_started_at = now - (active - self._prep)
        return now

    @property
    def limit(self) -> float:
        return self._base_limit + self.added_seconds

    @property
    def prep_seconds(self) -> float:
        return self._prep

    @property
    def state(self) -> TimerState:
        self._sync()
        return self._state

    @property
    def paused(self) -> bool:
        return self._watch.paused

    def _elapsed_at(self, now: float) -> float:
        return max(0.0, self._watch.elapsed(now) - self._prep)

    @property
    def elapsed(self) -> float:
        """Seconds spent answering, preparation and pauses left out."""
        return self._elapsed_at(self._sync())

    @property
    def remaining(self) -> float:
        """Seconds left before the limit; negative past it."""
        return self.limit - self.elapsed

    @property
    def overtime(self) -> float:
        return max(0.0, -self.remaining)

    @property
    def prep_remaining(self) -> float:
        if self._state is TimerState.IDLE:
            return self._prep
        return max(0.0, self._prep - self._watch.elapsed(self._sync()))

    def reading(self) -> TimerReading:
        """State, figures, text and colour from a single clock reading."""
        now = self._sync()
        state = self._state
        active = self._watch.elapsed(now)
        elapsed = max(0.0, active - self._prep)
        remaining = self.limit - elapsed
        if state is TimerState.PREP:
            display, level = countdown(self._prep - active), Level.NEUTRAL
        elif state is TimerState.IDLE:
            display, level = countdown(self.limit), Level.NEUTRAL
        else:
            display = countdown(remaining) if remaining >= 0 else "+" + format_duration(-remaining)
            level = self.thresholds.level(remaining, self.limit)
        return TimerReading(state, self.paused, elapsed, remaining, self.limit, display, level)

    def display(self) -> str:
        """Counting down ("1:05"), then past the limit ("+0:12"); the preparation countdown in PREP."""
        return self.reading().display

    def level(self) -> Level:
        """GREEN, AMBER near the end, RED at and past the limit; NEUTRAL before the answer starts."""
        return self.reading().level


class PhaseTimer:
    """A timed phase with an allowed window, such as the mock-defense presentation.

    While running: NEUTRAL under the minimum ("too short so far"), GREEN up to the target, AMBER
    approaching the maximum, RED at and past it. Once stopped the level follows the verdict:
    AMBER when too short, GREEN in the window, RED when too long.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        minimum_seconds: float,
        maximum_seconds: float,
        target_seconds: float | None = None,
        thresholds: Thresholds | None = None,
        already: float = 0.0,
    ) -> None:
        if not 0 <= minimum_seconds <= maximum_seconds:
            raise ValueError("the window needs 0 <= minimum <= maximum")
        target = (
            (minimum_seconds + maximum_seconds) / 2 if target_seconds is None else target_seconds
        )
        self.minimum = float(minimum_seconds)
        self.maximum = float(maximum_seconds)
        self.target = min(max(float(target), self.minimum), self.maximum)
        self.thresholds = thresholds or Thresholds()
        self._clock = clock
        self.watch = Stopwatch(clock, already)

    @classmethod
    def for_presentation(
        cls, defense_format: DefenseFormat, clock: Clock, thresholds: Thresholds | None = None
    ) -> PhaseTimer:
        low, high = defense_format.presentation_window
        return cls(
            clock,
            minimum_seconds=low * 60,
            maximum_seconds=high * 60,
            target_seconds=defense_format.presentation * 60,
            thresholds=thresholds,
        )

    def start(self) -> None:
        self.watch.start()

    def pause(self) -> None:
        self.watch.pause()

    def resume(self) -> None:
        self.watch.resume()

    def stop(self) -> float:
        return self.watch.stop()

    @property
    def state(self) -> TimerState:
        if self.watch.stopped:
            return TimerState.STOPPED
        return TimerState.RUNNING if self.watch.started else TimerState.IDLE

    @property
    def paused(self) -> bool:
        return self.watch.paused

    @property
    def elapsed(self) -> float:
        return self.watch.elapsed()

    @property
    def remaining(self) -> float:
        """Seconds left before the target (negative past it)."""
        return self.target - self.elapsed

    @property
    def amber_from(self) -> float:
        """Elapsed seconds from which the level is amber: the target, or near the maximum when
        the target is the maximum itself."""
        if self.target < self.maximum:
            return self.target
        return self.maximum - self.thresholds.amber_window(self.maximum - self.minimum)

    def verdict(self, elapsed: float | None = None) -> Verdict:
        """Final once stopped; provisional while running."""
        seconds = self.elapsed if elapsed is None else elapsed
        if seconds < self.minimum:
            return Verdict.TOO_SHORT
        if seconds > self.maximum:
            return Verdict.TOO_LONG
        return Verdict.IN_WINDOW

    @property
    def too_short_so_far(self) -> bool:
        return self.elapsed < self.minimum

    def level(self) -> Level:
        seconds = self.elapsed
        if self.state is TimerState.STOPPED:
            return {
                Verdict.TOO_SHORT: Level.AMBER,
                Verdict.IN_WINDOW: Level.GREEN,
                Verdict.TOO_LONG: Level.RED,
            }[self.verdict(seconds)]
        if self.state is TimerState.IDLE or seconds < self.minimum:
            return Level.NEUTRAL
        if seconds >= self.maximum:
            return Level.RED
        return Level.AMBER if seconds >= self.amber_from else Level.GREEN

    def display(self) -> str:
        """Elapsed time counting up, "12:34"."""
        return format_duration(self.elapsed)
