"""The session state machine: stages, clocks, what is saved, and an exact resume after a crash."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from soutenance.banks.model import DefenseFormat
from soutenance.clock import FakeClock
from soutenance.session.mock import mock_state
from soutenance.session.model import (
    AnswerStatus,
    FollowUpSnapshot,
    MockPhase,
    QuestionSnapshot,
    RunSettings,
    Session,
    SessionKind,
    Stage,
)
from soutenance.session.run import SessionRun
from soutenance.store import Store, open_store


def plan(count: int = 5) -> list[QuestionSnapshot]:
    return [
        QuestionSnapshot(
            id=f"q{n}",
            text=f"Question {n} ?",
            key_points=["a", "b", "c"],
            time_limit=60,
            follow_ups=[FollowUpSnapshot(text=f"Relance {n}", key_points=["x"])],
        )  # fmt: skip
        for n in range(count)
    ]


def new_session(
    kind: SessionKind = SessionKind.REHEARSAL, count: int = 5, prep: float = 0.0
) -> Session:
    return Session(
        student="Camille", path_id="community-manager", project_id="brief-creatif",
        project_title="Brief", language="fr", evaluator_role="La directrice",
        started_at=datetime(2026, 11, 2, 18, 0, tzinfo=UTC), kind=kind,
        settings=RunSettings(count=count, prep_seconds=prep, amber_at=0.3, seed=42),
        plan=plan(count) if kind is not SessionKind.LIVE else [],
        mock=mock_state(DefenseFormat(presentation=10, discussion=4, debrief=2)) if kind is SessionKind.MOCK else None,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    opened = open_store(tmp_path / "db.sqlite3", clock=clock)
    yield opened
    opened.close()


def crash_and_resume(run: SessionRun, store: Store, clock: FakeClock) -> SessionRun:
    """What a new window sees after this one was killed: only what reached the disk."""
    store.db.write(
        lambda conn: conn.execute("UPDATE leases SET heartbeat_at = 0")
    )  # it went silent
    session = store.open_session(run.session.id, "new-window")
    return SessionRun.resumed(session, clock, store, holder="new-window")


def test_a_rehearsal_goes_through_its_stages_in_order(store: Store, clock: FakeClock) -> None:
    run = SessionRun.start(new_session(), clock, store)
    assert (run.stage, run.index, run.total) == (Stage.ANSWERING, 0, 5)
    assert not run.allows("rate") and not run.allows("tick") and not run.allows("next")
    clock.advance(42)
    run.stop()
    assert run.stage is Stage.RATING and run.answer.elapsed == 42
    assert not run.allows("tick")  # the rating comes before any key point is shown
    run.rate(4)
    assert run.stage is Stage.KEY_POINTS
    run.tick([0, 2])
    run.write_notes()
    run.set_notes("Parce que")
    assert run.stage is Stage.NOTES
    run.leave_notes()
    run.start_follow_up("Relance 0", ["x"])
    assert run.stage is Stage.FOLLOW_UP
    clock.advance(15)
    run.stop()
    assert run.stage is Stage.KEY_POINTS and run.follow_up.elapsed == 15
    assert run.next()
    assert (run.index, run.stage) == (1, Stage.ANSWERING)
    stored = store.load_session(run.session.id)
    first = stored.answers[0]
    assert (first.status, first.elapsed, first.confidence, first.covered, first.notes) == (
        AnswerStatus.ANSWERED, 42, 4, [0, 2], "Parce que",
    )  # fmt: skip
    assert stored.answers[0].follow_ups[0].elapsed == 15
    assert (stored.cursor, stored.stage) == (1, Stage.ANSWERING)


def test_pauses_are_left_out_and_the_preparation_comes_first(
    store: Store, clock: FakeClock
) -> None:
    run = SessionRun.start(new_session(prep=10), clock, store)
    assert run.stage is Stage.PREPARING
    clock.advance(10)
    run.sync_stage()
    assert run.stage is Stage.ANSWERING
    clock.advance(5)
    run.toggle_pause()
    clock.advance(100)
    run.toggle_pause()
    clock.advance(5)
    run.stop()
    assert run.answer.elapsed == 10


def test_the_end_marks_unanswered_questions_as_skipped_or_not_reached(
    store: Store, clock: FakeClock
) -> None:
    run = SessionRun.start(new_session(), clock, store)
    clock.advance(30)
    run.stop()
    run.rate(3)
    run.next()
    clock.advance(2)  # question 2 shown and started, then the student ends the session
    session = run.finish()
    statuses = [a.status for a in session.answers]
    assert (
        statuses == [AnswerStatus.ANSWERED, AnswerStatus.SKIPPED] + [AnswerStatus.NOT_REACHED] * 3
    )
    assert session.stage is Stage.ENDED and session.ended_at == clock.now()
    assert [a.status for a in store.load_session(session.id).answers] == statuses
    assert store.lease(session.id) is None


def test_a_session_with_nothing_in_it_is_discarded_when_it_ends(
    store: Store, clock: FakeClock
) -> None:
    run = SessionRun.start(new_session(kind=SessionKind.LIVE), clock, store)
    assert run.stage is Stage.WAITING
    run.finish()
    assert run.discarded
    assert store.list_sessions() == []


def test_a_skipped_question_can_be_answered_later(store: Store, clock: FakeClock) -> None:
    run = SessionRun.start(new_session(count=2), clock, store)
    clock.advance(3)
    assert run.skip()
    assert run.index == 1 and run.session.answers[0].status is AnswerStatus.SKIPPED
    clock.advance(20)
    run.stop()
    run.rate(2)
    assert not run.next()  # the last one: the screen offers the skipped ones
    assert run.skipped_positions() == [0]
    run.go_to(0)
    assert run.stage is Stage.SKIPPED and run.allows("answer_now")
    clock.advance(60)  # looking at it counts for nothing
    run.answer_now()
    assert run.stage is Stage.ANSWERING
    clock.advance(40)
    run.stop()
    answer = run.session.answers[0]
    assert (answer.status, answer.elapsed) == (
        AnswerStatus.ANSWERED,
        43,
    )  # the 3 s before skipping count


@pytest.mark.parametrize("stage", ["answering", "rating", "key_points", "notes", "follow_up"])
def test_a_resume_puts_the_student_back_exactly_where_they_were(
    store: Store, clock: FakeClock, stage: str
) -> None:
    run = SessionRun.start(new_session(), clock, store)
    clock.advance(50)
    run.stop()
    run.rate(3)
    run.next()
    clock.advance(20)
    if stage != "answering":
        run.stop()
    if stage in ("key_points", "notes", "follow_up"):
        run.rate(5)
        run.tick([1])
    if stage == "notes":
        run.write_notes()
    if stage == "follow_up":
        run.start_follow_up("Relance 1", ["x"])
        clock.advance(7)
    run.set_notes("écrit avant le crash")
    clock.advance(0.6)
    run.checkpoint()
    clock.advance(0.9)  # lost with the window: less than a checkpoint

    again = crash_and_resume(run, store, clock)
    assert (again.index, again.total, again.stage.value) == (1, 5, stage)
    assert again.answer.notes == "écrit avant le crash"
    assert again.session.answers[0].confidence == 3
    if stage == "answering":
        assert again.paused and again.timer is not None
        assert again.timer.elapsed == pytest.approx(20.6)
        clock.advance(30)
        assert again.timer.elapsed == pytest.approx(20.6)  # paused until the student is ready
        again.toggle_pause()
        clock.advance(10)
        again.stop()
        assert again.answer.elapsed == pytest.approx(30.6)
        assert again.stage is Stage.RATING  # and the rating still comes before the key points
    elif stage == "rating":
        assert not again.allows("tick") and again.answer.confidence is None
    elif stage == "follow_up":
        assert again.timer.elapsed == pytest.approx(7.6)
        assert again.follow_up.text == "Relance 1"
    else:
        assert again.answer.covered == [1]
    assert again.session.settings == run.session.settings


def test_a_mock_defense_resumes_in_each_phase_with_its_clocks(
    store: Store, clock: FakeClock
) -> None:
    run = SessionRun.start(new_session(kind=SessionKind.MOCK), clock, store)
    assert run.stage is Stage.PRESENTING and run.total == 0
    clock.advance(300)
    run.checkpoint()
    run = crash_and_resume(run, store, clock)
    assert run.stage is Stage.PRESENTING and run.defense.presentation.elapsed == 300
    run.toggle_pause()
    clock.advance(300)
    run.end_presentation()
    assert run.session.mock.presentation_seconds == 600
    assert (run.stage, run.index) == (Stage.ANSWERING, 0)
    clock.advance(100)  # the discussion's countdown moves while the question runs
    assert run.defense.remaining() == pytest.approx(140)
    run.checkpoint()
    run = crash_and_resume(run, store, clock)
    assert run.defense.phase is MockPhase.DISCUSSION
    assert run.defense.remaining() == pytest.approx(140) and run.timer.elapsed == pytest.approx(100)
    run.toggle_pause()
    clock.advance(200)
    run.stop()
    run.rate(3)
    assert not run.next()  # the discussion's four minutes are spent: on to the debrief
    assert run.stage is Stage.DEBRIEFING
    run.set_debrief(strengths="Clair")
    run = crash_and_resume(run, store, clock)
    assert run.stage is Stage.DEBRIEFING and run.session.debrief_strengths == "Clair"
    session = run.finish()
    assert session.mock.phase is MockPhase.DONE
    assert [a.status for a in session.answers] == [AnswerStatus.ANSWERED]  # only what was asked


def test_a_second_window_takes_over_and_the_first_turns_read_only(
    store: Store, clock: FakeClock
) -> None:
    first = SessionRun.start(new_session(), clock, store)
    first.set_notes("window A")
    session = store.open_session(first.session.id, "window-b", take_over=True)
    second = SessionRun.resumed(session, clock, store, holder="window-b")
    second.set_notes("window B")
    first.set_notes("window A, later")
    assert first.read_only and "taken over" in first.read_only
    assert not first.allows("stop") and not first.allows("next")
    assert first.answer.notes == "window A, later"  # kept on screen, not on disk
    second.toggle_pause()
    second.stop()
    second.finish()
    first.finish()  # nothing writes into the ended session from the stale window
    stored = store.load_session(session.id)
    assert stored.answers[0].notes == "window B"
    assert stored.stage is Stage.ENDED


def test_a_live_challenge_records_the_questions_the_mentor_asks(
    store: Store, clock: FakeClock
) -> None:
    run = SessionRun.start(new_session(kind=SessionKind.LIVE), clock, store)
    run.ask(plan(3)[2])
    assert (run.stage, run.index, run.question.id) == (Stage.ANSWERING, 0, "q2")
    clock.advance(30)
    run.add_time(30)
    run.start_follow_up("Et si ?", ["y"], ad_hoc=True)  # stops the answer first
    assert run.session.answers[0].elapsed == 30 and run.session.answers[0].added_seconds == 30
    clock.advance(10)
    run.stop()
    assert run.stage is Stage.KEY_POINTS  # no confidence rating in a live challenge
    run.ask(plan(3)[0])
    assert run.asked_ids() == {"q2", "q0"}
    session = run.finish()
    assert not run.discarded and [a.question_id for a in session.answers] == ["q2", "q0"]
    assert [a.status for a in session.answers] == [AnswerStatus.ANSWERED, AnswerStatus.SKIPPED]
