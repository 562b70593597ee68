"""Answer and presentation timers, driven by a fake clock."""

from __future__ import annotations

import pytest

from soutenance.banks.model import DefenseFormat
from soutenance.clock import FakeClock
from soutenance.session.timer import (
    AnswerTimer,
    Level,
    PhaseTimer,
    Stopwatch,
    Thresholds,
    TimerState,
    Verdict,
    countdown,
)


def test_counts_down_then_shows_overtime(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 90)
    assert timer.display() == "1:30"
    timer.start()
    clock.advance(24.5)
    assert timer.display() == "1:06"  # 65.5 s left, rounded up
    clock.advance(0.5)
    assert timer.display() == "1:05"
    clock.advance(65)
    assert timer.display() == "0:00"
    assert timer.remaining == 0
    clock.advance(12.4)
    assert timer.display() == "+0:12"
    assert timer.overtime == pytest.approx(12.4)
    assert timer.stop() == pytest.approx(102.4)
    clock.advance(30)
    assert timer.elapsed == pytest.approx(102.4)
    assert timer.display() == "+0:12"
    assert timer.state is TimerState.STOPPED


def test_elapsed_comes_from_clock_readings_not_ticks(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 60)
    timer.start()
    clock.advance(37.25)  # no reading in between: nothing is missed
    assert timer.elapsed == pytest.approx(37.25)


@pytest.mark.parametrize(
    ("elapsed", "level"),
    [
        (0, Level.GREEN),
        (89.9, Level.GREEN),
        (90, Level.AMBER),
        (119.9, Level.AMBER),
        (120, Level.RED),
        (200, Level.RED),
    ],
)
def test_levels_at_thresholds(clock: FakeClock, elapsed: float, level: Level) -> None:
    timer = AnswerTimer(clock, 120)  # amber in the last 25 % = 30 s
    timer.start()
    clock.advance(elapsed)
    assert timer.level() is level


def test_amber_floor_for_short_limits(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 40)  # 25 % = 10 s, but at least 15 s of warning
    timer.start()
    clock.advance(24.9)
    assert timer.level() is Level.GREEN
    clock.advance(0.1)
    assert timer.level() is Level.AMBER


def test_thresholds_are_configurable(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 100, amber_at=0.5, amber_floor=0)
    timer.start()
    clock.advance(49)
    assert timer.level() is Level.GREEN
    clock.advance(1)
    assert timer.level() is Level.AMBER
    assert Thresholds(amber_at=0.1, amber_floor=30).amber_window(600) == 60
    assert Thresholds(amber_floor=30).amber_window(20) == 20
    with pytest.raises(ValueError):
        Thresholds(amber_at=1.5)


def test_pause_is_not_counted(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 60)
    timer.start()
    clock.advance(10)
    timer.pause()
    assert timer.paused
    clock.advance(100)
    assert timer.elapsed == pytest.approx(10)
    timer.resume()
    clock.advance(5)
    assert timer.elapsed == pytest.approx(15)
    timer.pause()
    clock.advance(7)
    assert timer.stop() == pytest.approx(15)  # stopping while paused ends at the pause


def test_add_time_extends_the_limit(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 60)
    timer.start()
    clock.advance(70)
    assert timer.display() == "+0:10"
    assert timer.level() is Level.RED
    timer.add_time(30)
    assert timer.limit == 90
    assert timer.display() == "0:20"
    assert timer.level() is Level.AMBER
    with pytest.raises(ValueError):
        timer.add_time(0)


def test_prep_then_answer_starts_when_prep_ended(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 60, prep_seconds=20)
    start = clock.monotonic()
    timer.start()
    assert timer.state is TimerState.PREP
    clock.advance(5)
    assert timer.display() == "0:15"
    assert timer.level() is Level.NEUTRAL
    assert timer.elapsed == 0
    clock.advance(22)  # first reading 7 s after the preparation ended
    assert timer.state is TimerState.RUNNING
    assert timer.answer_started_at == pytest.approx(start + 20)
    assert timer.elapsed == pytest.approx(7)
    assert timer.display() == "0:53"


def test_pause_during_prep_delays_the_answer(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 60, prep_seconds=10)
    timer.start()
    clock.advance(4)
    timer.pause()
    clock.advance(50)
    assert timer.state is TimerState.PREP
    timer.resume()
    clock.advance(8)
    assert timer.state is TimerState.RUNNING
    assert timer.elapsed == pytest.approx(2)


def test_skip_prep_and_stop_during_prep(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 60, prep_seconds=30)
    timer.start()
    clock.advance(3)
    timer.skip_prep()
    assert timer.state is TimerState.RUNNING
    clock.advance(4)
    assert timer.elapsed == pytest.approx(4)

    other = AnswerTimer(clock, 60, prep_seconds=30)
    other.start()
    clock.advance(10)
    assert other.stop() == 0
    assert other.state is TimerState.STOPPED


def test_reading_is_consistent(clock: FakeClock) -> None:
    timer = AnswerTimer(clock, 30)
    timer.start()
    clock.advance(20)
    reading = timer.reading()
    assert (reading.state, reading.display, reading.level) == (
        TimerState.RUNNING,
        "0:10",
        Level.AMBER,
    )
    assert reading.elapsed + reading.remaining == pytest.approx(reading.limit)


def test_invalid_limits() -> None:
    with pytest.raises(ValueError):
        AnswerTimer(FakeClock(), 0)
    with pytest.raises(ValueError):
        AnswerTimer(FakeClock(), 10, prep_seconds=-1)


def test_countdown_formatting() -> None:
    assert countdown(0) == "0:00"
    assert countdown(0.01) == "0:01"
    assert countdown(65.0000000001) == "1:05"
    assert countdown(-3) == "0:00"


def test_stopwatch_stop_is_idempotent(clock: FakeClock) -> None:
    watch = Stopwatch(clock)
    watch.start()
    clock.advance(3)
    assert watch.stop() == pytest.approx(3)
    clock.advance(3)
    assert watch.stop() == pytest.approx(3)


# -- presentation -------------------------------------------------------------------------------


def _presentation(clock: FakeClock) -> PhaseTimer:
    # 15 minutes planned, window 10..20 minutes
    return PhaseTimer.for_presentation(DefenseFormat(presentation=15), clock)


def test_presentation_levels_while_running(clock: FakeClock) -> None:
    timer = _presentation(clock)
    assert timer.level() is Level.NEUTRAL
    timer.start()
    clock.advance(9 * 60)
    assert timer.level() is Level.NEUTRAL
    assert timer.too_short_so_far
    assert timer.verdict() is Verdict.TOO_SHORT
    clock.advance(60)
    assert timer.level() is Level.GREEN
    clock.advance(5 * 60)
    assert timer.level() is Level.AMBER
    clock.advance(5 * 60)
    assert timer.level() is Level.RED
    assert timer.display() == "20:00"


@pytest.mark.parametrize(
    ("minutes", "verdict", "level"),
    [
        (8, Verdict.TOO_SHORT, Level.AMBER),
        (10, Verdict.IN_WINDOW, Level.GREEN),
        (15, Verdict.IN_WINDOW, Level.GREEN),
        (20, Verdict.IN_WINDOW, Level.GREEN),
        (21, Verdict.TOO_LONG, Level.RED),
    ],
)
def test_presentation_verdicts(
    clock: FakeClock, minutes: int, verdict: Verdict, level: Level
) -> None:
    timer = _presentation(clock)
    timer.start()
    clock.advance(minutes * 60)
    timer.stop()
    assert timer.verdict() is verdict
    assert timer.level() is level


def test_presentation_window_from_format(clock: FakeClock) -> None:
    timer = PhaseTimer.for_presentation(
        DefenseFormat(presentation=20, presentation_min=18, presentation_max=20), clock
    )
    assert (timer.minimum, timer.target, timer.maximum) == (1080, 1200, 1200)
    assert timer.amber_from == 1200 - 30  # target is the maximum: amber near the end
    timer.start()
    clock.advance(1100)
    assert timer.level() is Level.GREEN
    clock.advance(70)
    assert timer.level() is Level.AMBER


def test_presentation_pause(clock: FakeClock) -> None:
    timer = _presentation(clock)
    timer.start()
    clock.advance(60)
    timer.pause()
    clock.advance(600)
    timer.resume()
    clock.advance(60)
    assert timer.elapsed == pytest.approx(120)


def test_toggle_pause_stops_and_restarts_the_count() -> None:
    clock = FakeClock()
    timer = AnswerTimer(clock, 60)
    timer.start()
    clock.advance(10)
    timer.toggle_pause()
    clock.advance(100)
    assert timer.paused and timer.elapsed == 10
    timer.toggle_pause()
    clock.advance(5)
    assert not timer.paused and timer.elapsed == 15
