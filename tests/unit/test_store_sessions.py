"""Saving and loading sessions, answers, notes and follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from soutenance.clock import FakeClock
from soutenance.session.model import Answer, FollowUpAnswer, Objective, Session, SessionKind
from soutenance.store import SessionNotFound, Store, open_store
from soutenance.store.samples import sample_session


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    return open_store(tmp_path / "soutenance.sqlite3", clock=clock)


def bare_session(student: str = "Alice", **changes) -> Session:
    fields = dict(
        student=student, path_id="digital-marketer", project_id="seo-audit",
        project_title="SEO audit", language="fr", evaluator_role="Jury",
        started_at=datetime(2026, 11, 2, 18, 0, tzinfo=UTC),
    )  # fmt: skip
    fields.update(changes)
    return Session(**fields)


def test_a_full_session_round_trips_field_for_field(store: Store) -> None:
    session = sample_session(reviewed=True, objectives=3, kind=SessionKind.MOCK)
    session.answers[1].skipped = True
    session.answers[1].elapsed = None
    session.answers[1].reason = "Pas préparé"
    session.answers[2].follow_ups.append(FollowUpAnswer("Ad hoc?", ad_hoc=True, elapsed=None))
    session.debrief_strengths = "Clear plan"
    session.debrief_improvements = "Figures"
    session.feedback = "Well done"
    session.objectives[0].done = True
    store.save_session(session)
    assert store.load_session(session.id) == session


def test_it_survives_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    session = sample_session(reviewed=True)
    first = open_store(path)
    first.save_session(session)
    first.close()
    assert open_store(path).load_session(session.id) == session


def test_times_in_other_zones_and_naive_times_come_back_equal(store: Store) -> None:
    paris = timezone(timedelta(hours=1))
    session = bare_session(started_at=datetime(2026, 11, 2, 19, 0, 0, 123456, tzinfo=paris))
    session.answers.append(
        Answer("q", "Q?", [], 60, answered_at=datetime(2026, 11, 2, 19, 5), elapsed=12.25)
    )
    store.save_session(session)
    loaded = store.load_session(session.id)
    assert loaded.started_at == session.started_at
    assert loaded.answers[0].answered_at == datetime(2026, 11, 2, 19, 5)
    assert loaded.answers[0].elapsed == 12.25


def test_saving_again_updates_and_never_duplicates(store: Store) -> None:
    session = sample_session()
    store.save_session(session)
    session.answers[0].notes = "rewritten"
    session.project_title = "New title"
    store.save_session(session)
    loaded = store.load_session(session.id)
    assert loaded.answers[0].notes == "rewritten"
    assert loaded.project_title == "New title"
    assert len(loaded.answers) == len(session.answers)
    assert len(store.list_sessions()) == 1


def test_saving_a_session_without_some_answers_deletes_nothing(store: Store) -> None:
    session = sample_session(questions=3, objectives=2)
    store.save_session(session)
    store.save_session(replace(session, answers=session.answers[:1], objectives=[]))
    loaded = store.load_session(session.id)
    assert [a.id for a in loaded.answers] == [a.id for a in session.answers]
    assert [o.id for o in loaded.objectives] == [o.id for o in session.objectives]


def test_save_answer_adds_then_updates_one_answer(store: Store) -> None:
    session = bare_session()
    store.save_session(session)
    answer = Answer("q1", "Why?", ["a", "b"], 90, position=0)
    store.save_answer(session.id, answer)
    answer.elapsed, answer.covered, answer.marks = 95.5, [1], {"clarity": 2}
    answer.follow_ups.append(FollowUpAnswer("And then?", key_points=["x"]))
    store.save_answer(session.id, answer)
    assert store.load_session(session.id).answers == [answer]


def test_marks_outside_the_scales_are_refused(store: Store) -> None:
    session = bare_session()
    store.save_session(session)
    with pytest.raises(ValueError, match="1..4"):
        store.save_answer(session.id, Answer("q", "Q", [], 60, marks={"clarity": 5}))
    with pytest.raises(ValueError, match="unknown mark scale"):
        store.save_answer(session.id, Answer("q", "Q", [], 60, marks={"charm": 3}))
    assert store.load_session(session.id).answers == []


def test_save_notes_writes_only_the_notes(store: Store) -> None:
    session = sample_session()
    store.save_session(session)
    answer = session.answers[0]
    assert store.save_notes(answer.id, "line 1\nline 2 *é*")
    loaded = store.load_session(session.id).answers[0]
    assert loaded.notes == "line 1\nline 2 *é*"
    assert replace(loaded, notes=answer.notes) == answer
    assert not store.save_notes("no-such-answer", "lost?")


def test_follow_ups_append_in_order_and_their_notes_save(store: Store) -> None:
    session = sample_session(questions=1)
    store.save_session(session)
    answer_id = session.answers[0].id
    added = FollowUpAnswer("Second follow-up", ad_hoc=True)
    store.save_follow_up(answer_id, added)
    added.elapsed = 30.0
    store.save_follow_up(answer_id, added)  # an update keeps its place
    assert store.save_follow_up_notes(added.id, "quick note")
    follow_ups = store.load_session(session.id).answers[0].follow_ups
    assert [f.text for f in follow_ups] == [session.answers[0].follow_ups[0].text, added.text]
    assert follow_ups[1] == replace(added, notes="quick note")


def test_end_session_stamps_the_clock_time(store: Store, clock: FakeClock) -> None:
    session = sample_session(ended=False)
    store.save_session(session)
    assert [s.id for s in store.unfinished_sessions()] == [session.id]
    clock.advance(600)
    assert store.end_session(session.id)
    assert store.load_session(session.id).ended_at == clock.now()
    assert store.unfinished_sessions() == []


def test_unknown_session_raises_session_not_found(store: Store) -> None:
    with pytest.raises(SessionNotFound):
        store.load_session("nope")
    assert store.latest_session() is None
    assert store.latest_session("Nobody") is None


def test_latest_session_is_by_start_time_and_per_student(store: Store) -> None:
    start = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    alice_old = sample_session("Alice", seed=1, started_at=start)
    alice_new = sample_session("Alice", seed=2, started_at=start + timedelta(days=2))
    bob = sample_session("Bob", seed=3, started_at=start + timedelta(days=1))
    for session in (alice_new, bob, alice_old):
        store.save_session(session)
    assert store.latest_session() == alice_new
    assert store.latest_session("Bob") == bob


def test_list_sessions_gives_light_summaries_newest_first(store: Store) -> None:
    start = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    sessions = [
        sample_session("Alice", seed=n, started_at=start + timedelta(days=n)) for n in range(5)
    ]
    sessions[0].answers[0].skipped = True
    for session in sessions:
        store.save_session(session)
    store.save_session(sample_session("Bob", seed=9))
    summaries = store.list_sessions("Alice")
    assert [s.id for s in summaries] == [s.id for s in reversed(sessions)]
    oldest = summaries[-1]
    assert oldest.answered == len(sessions[0].answers) - 1
    assert oldest.total_time == pytest.approx(sessions[0].total_time)
    assert (oldest.student, oldest.project_id, oldest.kind) == ("Alice", "seo-audit", "rehearsal")
    assert oldest.started_at == start
    assert [s.id for s in store.list_sessions("Alice", limit=2, offset=1)] == [
        sessions[3].id,
        sessions[2].id,
    ]
    assert len(store.list_sessions()) == 6
    assert len(store.list_sessions(limit=None)) == 6


def test_unfinished_sessions_can_be_filtered_by_student(store: Store) -> None:
    store.save_session(sample_session("Alice", seed=1, ended=False))
    store.save_session(sample_session("Bob", seed=2, ended=False))
    store.save_session(sample_session("Bob", seed=3))
    assert [s.student for s in store.unfinished_sessions("Bob")] == ["Bob"]
    assert len(store.unfinished_sessions()) == 2


def test_question_history_lists_every_answer_to_one_question(store: Store) -> None:
    start = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    for n, student in enumerate(["Alice", "Bob", "Alice"]):
        store.save_session(sample_session(student, seed=n, started_at=start + timedelta(days=n)))
    history = store.question_history("risk")
    assert [(h.student, h.started_at) for h in history] == [
        ("Alice", start),
        ("Bob", start + timedelta(days=1)),
        ("Alice", start + timedelta(days=2)),
    ]
    assert all(h.answer.question_id == "risk" for h in history)
    assert len(store.question_history("risk", student="Bob")) == 1
    assert store.has_answers("risk") and not store.has_answers("never-asked")


def test_the_profile_name_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    assert store.last_student() is None
    store.remember_student("Alice")
    store.remember_student("Chloé")
    store.close()
    reopened = open_store(path)
    assert reopened.last_student() == "Chloé"
    assert {s.name for s in reopened.roster.list_students()} == {"Alice", "Chloé"}


def test_saving_a_session_adds_its_student_to_the_roster(store: Store) -> None:
    store.save_session(sample_session("Dana"))
    dana = store.roster.get_student("Dana")
    assert dana is not None
    assert dana.project_ref == "digital-marketer/seo-audit"
    assert dana.language == "en"


def test_the_memory_fallback_store_works_the_same(tmp_path: Path) -> None:
    from soutenance.store.db import open_memory_database

    store = Store(open_memory_database())
    session = sample_session(reviewed=True, objectives=1)
    store.save_session(session)
    assert store.load_session(session.id) == session
    assert not store.persistent


def test_objectives_in_a_session_keep_their_order(store: Store) -> None:
    session = bare_session(objectives=[Objective(f"Objective {n}") for n in range(5)])
    store.save_session(session)
    assert store.load_session(session.id).objectives == session.objectives
