"""The mock-defense timeline, over the state a session keeps (so that it can be resumed)."""

from __future__ import annotations

import pytest

from soutenance.banks.model import DefenseFormat
from soutenance.clock import FakeClock
from soutenance.session.mock import MockDefense, mock_state
from soutenance.session.model import MockPhase as Phase
from soutenance.session.timer import Level, Verdict


@pytest.fixture
def mock(clock: FakeClock) -> MockDefense:
    defense = MockDefense(
        mock_state(DefenseFormat(presentation=15, discussion=10, debrief=5)), clock
    )
    defense.run()
    return defense


def test_timeline_and_phases(clock: FakeClock, mock: MockDefense) -> None:
    assert mock.phase is Phase.PRESENTATION
    assert mock.timeline == [
        (Phase.PRESENTATION, 900),
        (Phase.DISCUSSION, 600),
        (Phase.DEBRIEF, 300),
    ]
    assert not mock.role_visible
    clock.advance(300)
    assert mock.remaining() == 600
    assert mock.level() is Level.NEUTRAL  # too short so far
    assert not mock.next_question_allowed()
    assert mock.advance() is Phase.DISCUSSION
    assert mock.role_visible
    assert mock.advance() is Phase.DEBRIEF
    assert not mock.role_visible
    assert mock.advance() is Phase.DONE
    assert mock.advance() is Phase.DONE
    assert mock.remaining() == 0


def test_the_format_is_kept_in_the_state(clock: FakeClock) -> None:
    state = mock_state(DefenseFormat(presentation=12, discussion=8, debrief=0, presentation_min=10))
    assert (state.presentation_minutes, state.presentation_min, state.presentation_max) == (
        12,
        10,
        16,
    )
    assert (state.discussion_minutes, state.debrief_minutes) == (8, 0)


def test_presentation_verdict_is_recorded(clock: FakeClock, mock: MockDefense) -> None:
    assert mock.presentation_verdict is None
    clock.advance(8 * 60)
    mock.advance()
    assert mock.state.presentation_seconds == 480
    assert mock.presentation_verdict is Verdict.TOO_SHORT
    clock.advance(60)
    assert mock.record().presentation_seconds == 480  # the presentation clock stopped


def test_discussion_draws_until_time_is_spent(clock: FakeClock, mock: MockDefense) -> None:
    clock.advance(15 * 60)
    mock.advance()
    assert mock.presentation_verdict is Verdict.IN_WINDOW
    assert mock.next_question_allowed()
    clock.advance(540)
    assert mock.level() is Level.AMBER
    assert mock.next_question_allowed()
    assert not mock.next_question_allowed(needed=90)  # 60 s left, a 90 s question would not fit
    assert not mock.next_question_allowed(clock.monotonic() + 60)
    clock.advance(60)
    assert mock.remaining() == 0
    assert mock.level() is Level.RED
    assert not mock.next_question_allowed()
    assert mock.role_visible  # the phase lasts until the evaluator moves on


def test_pause_in_discussion(clock: FakeClock, mock: MockDefense) -> None:
    mock.advance()
    clock.advance(100)
    mock.pause()
    assert mock.paused
    clock.advance(1000)
    mock.resume()
    assert mock.remaining() == 500
    assert mock.next_question_allowed()


def test_a_resumed_mock_goes_on_from_the_seconds_kept(clock: FakeClock, mock: MockDefense) -> None:
    clock.advance(14 * 60)
    mock.advance()
    clock.advance(200)
    state = mock.record()
    assert (state.phase, state.presentation_seconds, state.discussion_seconds) == (
        Phase.DISCUSSION,
        840,
        200,
    )
    again = MockDefense(state.model_copy(), clock)
    again.run(paused=True)
    clock.advance(500)  # the window was closed: nothing counts until the student is back
    assert again.remaining() == 400
    again.resume()
    clock.advance(100)
    assert again.remaining() == 300
    assert again.presentation_verdict is Verdict.IN_WINDOW


def test_zero_minute_debrief(clock: FakeClock) -> None:
    mock = MockDefense(mock_state(DefenseFormat(presentation=5, discussion=5, debrief=0)), clock)
    mock.run()
    mock.advance()
    assert mock.advance() is Phase.DEBRIEF
    assert mock.remaining() == 0
