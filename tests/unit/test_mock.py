"""The mock-defense timeline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from soutenance.banks.model import DefenseFormat
from soutenance.clock import FakeClock
from soutenance.session.mock import MockDefense, Phase
from soutenance.session.model import Session, SessionKind
from soutenance.session.timer import Level, Verdict


@pytest.fixture
def mock(clock: FakeClock) -> MockDefense:
    return MockDefense(DefenseFormat(presentation=15, discussion=10, debrief=5), clock)


def test_timeline_and_phases(clock: FakeClock, mock: MockDefense) -> None:
    assert mock.phase is Phase.READY
    assert mock.timeline == [
        (Phase.PRESENTATION, 900),
        (Phase.DISCUSSION, 600),
        (Phase.DEBRIEF, 300),
    ]
    assert not mock.role_visible
    assert mock.start() is Phase.PRESENTATION
    assert mock.start() is Phase.PRESENTATION  # starting twice does nothing
    clock.advance(300)
    assert mock.remaining() == 600
    assert mock.level() is Level.NEUTRAL  # too short so far
    assert not mock.role_visible
    assert not mock.next_question_allowed()
    assert mock.advance() is Phase.DISCUSSION
    assert mock.role_visible
    assert mock.advance() is Phase.DEBRIEF
    assert not mock.role_visible
    assert mock.advance() is Phase.DONE
    assert mock.advance() is Phase.DONE
    assert mock.remaining() == 0


def test_presentation_verdict_is_recorded(clock: FakeClock, mock: MockDefense) -> None:
    mock.start()
    assert mock.presentation_verdict is None
    clock.advance(8 * 60)
    mock.advance()
    assert mock.presentation_seconds == 480
    assert mock.presentation_verdict is Verdict.TOO_SHORT
    clock.advance(60)
    assert mock.presentation_seconds == 480  # the presentation clock stopped


def test_discussion_draws_until_time_is_spent(clock: FakeClock, mock: MockDefense) -> None:
    mock.start()
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
    mock.start()
    mock.advance()
    clock.advance(100)
    mock.pause()
    assert mock.paused
    clock.advance(1000)
    mock.resume()
    assert mock.remaining() == 500
    assert mock.next_question_allowed()


def test_debrief_notes_go_into_the_session(clock: FakeClock, mock: MockDefense) -> None:
    mock.start()
    clock.advance(16 * 60)
    mock.advance()
    clock.advance(600)
    mock.advance()
    assert mock.phase is Phase.DEBRIEF
    assert mock.level() is Level.NEUTRAL
    mock.strengths = "Structure claire"
    mock.improvements = "Chiffrer le budget"
    session = Session(
        student="alice",
        path_id="cm",
        project_id="gestion-crise",
        project_title="Crise",
        language="fr",
        evaluator_role="Directrice",
        started_at=datetime(2026, 11, 2, tzinfo=UTC),
        kind=SessionKind.MOCK,
    )
    mock.record_into(session)
    assert session.presentation_seconds == 960
    assert (session.debrief_strengths, session.debrief_improvements) == (
        "Structure claire",
        "Chiffrer le budget",
    )


def test_zero_minute_debrief(clock: FakeClock) -> None:
    mock = MockDefense(DefenseFormat(presentation=5, discussion=5, debrief=0), clock)
    mock.start()
    mock.advance()
    assert mock.advance() is Phase.DEBRIEF
    assert mock.remaining() == 0
