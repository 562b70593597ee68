"""Saving and loading sessions, answers, notes and follow-ups."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from soutenance.clock import FakeClock
from soutenance.session.model import (
    Answer,
    AnswerStatus,
    FollowUpAnswer,
    Marks,
    Objective,
    Reason,
    RunSettings,
    Session,
    SessionKind,
    Stage,
)
from soutenance.store import (
    LeaseLost,
    SessionEnded,
    SessionNotFound,
    SessionOpenElsewhere,
    StaleWrite,
    Store,
    open_store,
)
from soutenance.store.leases import STALE_AFTER_SECONDS
from tests.samples import sample_session


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
    session.answers[1].status = AnswerStatus.SKIPPED
    session.answers[1].reason = Reason(code="weak_last_time", params={"coverage": 0.25})
    session.answers[2].status = AnswerStatus.NOT_REACHED
    session.answers[2].elapsed = None
    session.answers[3].added_seconds = 30.0
    session.answers[0].follow_ups.append(FollowUpAnswer(text="Ad hoc?", ad_hoc=True, elapsed=None))
    session.debrief_strengths = "Clear plan"
    session.debrief_improvements = "Figures"
    session.feedback = "Well done"
    session.objectives[0].done = True
    session.settings = RunSettings(
        count=4, difficulties=[1, 2], tags=["seo"], seed=7, prep_seconds=10.0
    )
    session.cursor, session.stage, session.paused = 3, Stage.NOTES, True
    session.plan[1].hints = [["timeline", "date"], [], [], []]
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
        Answer(
            question_id="q",
            question_text="Q?",
            key_points=[],
            time_limit=60,
            answered_at=datetime(2026, 11, 2, 19, 5),
            elapsed=12.25,
        )
    )
    store.save_session(session)
    loaded = store.load_session(session.id)
    assert loaded.started_at == session.started_at
    assert loaded.answers[0].answered_at == datetime(
        2026, 11, 2, 19, 5, tzinfo=UTC
    )  # naive: taken as UTC
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
    store.save_session(
        session.model_copy(update={"answers": session.answers[:1], "objectives": []})
    )
    loaded = store.load_session(session.id)
    assert [a.id for a in loaded.answers] == [a.id for a in session.answers]
    assert [o.id for o in loaded.objectives] == [o.id for o in session.objectives]


def test_a_running_save_moves_each_answer_to_its_next_revision(store: Store) -> None:
    session = bare_session()
    store.start_session(session)
    answer = Answer(question_id="q1", question_text="Why?", key_points=["a", "b"], time_limit=90)
    session.answers.append(answer)
    store.write_run(session, None, answers=[answer])
    assert answer.revision == 1
    answer.elapsed, answer.covered, answer.marks = 95.5, [1], Marks(clarity=2)
    answer.follow_ups.append(FollowUpAnswer(text="And then?", key_points=["x"]))
    store.write_run(session, None, answers=[answer])
    assert answer.revision == 2
    assert store.load_session(session.id).answers == [answer]


def test_a_save_based_on_an_older_revision_is_refused_and_changes_nothing(store: Store) -> None:
    session = bare_session()
    answer = Answer(question_id="q1", question_text="Why?", time_limit=90, notes="first")
    session.answers.append(answer)
    store.start_session(session)
    mine = store.load_session(session.id)
    theirs = store.load_session(session.id)
    theirs.answers[0].notes = "written in the other window"
    store.write_run(theirs, None, answers=theirs.answers)
    mine.answers[0].notes = "stale text"
    with pytest.raises(StaleWrite):
        store.write_run(mine, None, answers=mine.answers)
    assert mine.answers[0].revision == 0  # as it was: the refused save took nothing
    assert store.load_session(session.id).answers[0].notes == "written in the other window"


def test_marks_outside_the_scales_are_refused_by_the_model() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 4"):
        Marks(clarity=5)
    with pytest.raises(ValidationError, match="Extra inputs"):
        Marks.model_validate({"charm": 3})


def test_the_lease_keeps_a_session_in_one_window(store: Store, clock: FakeClock) -> None:
    session = bare_session()
    store.start_session(session, holder="window-a")
    with pytest.raises(SessionOpenElsewhere) as found:
        store.open_session(session.id, "window-b")
    assert found.value.lease.holder == "window-a"
    taken = store.open_session(session.id, "window-b", take_over=True)
    taken.feedback = "from b"
    store.write_run(taken, "window-b")
    session.feedback = "from a, too late"
    with pytest.raises(LeaseLost):
        store.write_run(session, "window-a")
    assert store.load_session(session.id).feedback == "from b"


def test_a_silent_lease_is_taken_without_asking(store: Store, clock: FakeClock) -> None:
    session = bare_session()
    store.start_session(session, holder="window-a")
    clock.advance(STALE_AFTER_SECONDS + 1)
    assert store.open_session(session.id, "window-b").id == session.id
    assert store.lease(session.id).holder == "window-b"


def test_the_lease_of_a_process_that_died_is_taken_at_once(store: Store, clock: FakeClock) -> None:
    session = bare_session()
    store.start_session(session, holder="window-a")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store.db.write(lambda conn: conn.execute("UPDATE leases SET pid = ?", (dead.pid,)))
    assert store.open_session(session.id, "window-b").id == session.id


def test_nothing_writes_into_an_ended_session(store: Store, clock: FakeClock) -> None:
    session = bare_session()
    store.start_session(session, holder="window-a")
    session.ended_at = clock.now()
    store.write_run(session, "window-a")  # the save that ends it
    session.feedback = "after the end"
    with pytest.raises(SessionEnded):
        store.write_run(session, "window-a")
    assert store.load_session(session.id).feedback == ""


def test_deleting_a_session_takes_its_answers_and_lease_along(store: Store) -> None:
    session = sample_session(reviewed=True, objectives=2)
    store.start_session(session, holder="w")
    assert store.delete_session(session.id)
    counts = store.db.read(
        lambda c: [
            c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("answers", "follow_ups", "objectives", "leases")
        ]
    )
    assert counts == [0, 0, 0, 0]
    assert not store.delete_session(session.id)


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
    sessions[0].answers[0].status = AnswerStatus.SKIPPED
    for session in sessions:
        store.save_session(session)
    store.save_session(sample_session("Bob", seed=9))
    summaries = store.list_sessions("Alice")
    assert [s.id for s in summaries] == [s.id for s in reversed(sessions)]
    oldest = summaries[-1]
    assert oldest.answered == len(sessions[0].answers) - 1
    assert oldest.planned == len(sessions[0].plan)
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
    session = bare_session(objectives=[Objective(text=f"Objective {n}") for n in range(5)])
    store.save_session(session)
    assert store.load_session(session.id).objectives == session.objectives
