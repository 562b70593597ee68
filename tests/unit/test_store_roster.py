"""The mentor's roster: students, objectives, comments, marks and the summary of all students."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from soutenance.clock import FakeClock
from soutenance.session.model import Marks
from soutenance.store import Store, StudentExists, open_store
from soutenance.usecases.review import SessionEdits, tick_objective
from tests.samples import sample_session

START = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    return open_store(tmp_path / "soutenance.sqlite3", clock=clock)


def test_add_and_read_a_student(store: Store, clock: FakeClock) -> None:
    added = store.roster.add_student(
        "  Chloé Dupont ",
        paths=["community-manager", "digital-marketer"],
        project_ref="community-manager/gestion-crise",
        language="fr",
        defense_date=date(2027, 6, 14),
    )
    assert added.name == "Chloé Dupont"
    assert store.roster.get_student("Chloé Dupont") == replace(added, created_at=clock.now())
    assert store.roster.get_student("Nobody") is None


def test_names_are_unique_and_languages_checked(store: Store) -> None:
    store.roster.add_student("Alice")
    with pytest.raises(StudentExists):
        store.roster.add_student("Alice")
    with pytest.raises(ValueError, match="Language"):
        store.roster.add_student("Bob", language="de")
    with pytest.raises(ValueError, match="name"):
        store.roster.add_student("   ")


def test_edit_a_student_and_rename_carries_the_sessions(store: Store) -> None:
    session = sample_session("Alice")
    store.save_session(session)
    store.remember_student("Alice")
    alice = store.roster.get_student("Alice")
    store.roster.update_student(
        replace(alice, name="Alice Martin", defense_date=date(2027, 1, 5), paths=["x"])
    )
    renamed = store.roster.get_student("Alice Martin")
    assert renamed.id == alice.id and renamed.defense_date == date(2027, 1, 5)
    assert renamed.paths == ["x"]
    assert store.load_session(session.id).student == "Alice Martin"
    assert store.last_student() == "Alice Martin"
    store.roster.add_student("Bob")
    with pytest.raises(StudentExists):
        store.roster.update_student(replace(renamed, name="Bob"))


def test_archived_students_leave_the_lists_unless_asked(store: Store) -> None:
    for name in ("bob", "Alice", "Chloé"):
        store.roster.add_student(name)
    assert store.roster.archive_student("bob")
    assert [s.name for s in store.roster.list_students()] == ["Alice", "Chloé"]
    everyone = store.roster.list_students(include_archived=True)
    assert [(s.name, s.archived) for s in everyone][-1] == ("bob", True)
    assert [e.student.name for e in store.roster.summary()] == ["Alice", "Chloé"]
    store.roster.archive_student("bob", archived=False)
    assert len(store.roster.list_students()) == 3
    assert not store.roster.archive_student("nobody")


def test_open_objectives_come_from_the_latest_session_that_set_any(store: Store) -> None:
    older = sample_session("Alice", seed=1, started_at=START, objectives=2)
    newer = sample_session("Alice", seed=2, started_at=START + timedelta(days=7), objectives=3)
    latest_without = sample_session("Alice", seed=3, started_at=START + timedelta(days=8))
    for session in (older, newer, latest_without):
        store.save_session(session)
    assert store.roster.open_objectives("Alice") == newer.objectives
    ticked = tick_objective(store, newer.objectives[1].id, True, by="mentor", clock=store.clock)
    assert ticked.done and ticked.edits["done"].by == "mentor"
    assert [o.id for o in store.roster.open_objectives("Alice")] == [
        newer.objectives[0].id,
        newer.objectives[2].id,
    ]
    tick_objective(store, newer.objectives[1].id, False, by="student", clock=store.clock)
    assert len(store.roster.open_objectives("Alice")) == 3
    assert store.roster.open_objectives("Bob") == []


def test_objectives_added_by_the_mentor_go_last(store: Store) -> None:
    session = sample_session("Alice", objectives=1)
    store.save_session(session)
    edits = SessionEdits(store, session.id, by="mentor", clock=store.clock)
    added = edits.add_objective("Cite one figure per answer")
    loaded = store.load_session(session.id).objectives
    assert [o.text for o in loaded] == [session.objectives[0].text, added.text]
    assert loaded[1].edits["text"].by == "mentor"


def test_mentor_comment_notes_and_marks_sit_next_to_the_students_notes(store: Store) -> None:
    session = sample_session("Alice")
    store.save_session(session)
    answer_id = session.answers[0].id
    edits = SessionEdits(store, session.id, by="mentor", clock=store.clock)
    edits.comment(answer_id, "Good, but cite the source.")
    edits.answer(answer_id, "mentor_notes", "Looked at the floor.")
    edits.marks(answer_id, Marks(clarity=3))
    edits.marks(answer_id, Marks(clarity=4))
    edits.heard(answer_id, [2, 0, 2])
    answer = store.load_session(session.id).answers[0]
    assert answer.mentor_comment == "Good, but cite the source."
    assert answer.mentor_notes == "Looked at the floor."
    assert answer.marks.given() == {"clarity": 4}
    assert answer.covered == [0, 2] and answer.edits["covered"].by == "mentor"
    assert answer.notes == session.answers[0].notes
    assert answer.edits["marks"].mentor == 2  # two changes of the marks counted
    assert answer.revision == session.answers[0].revision + 5


def test_summary_has_last_session_next_defense_and_open_objectives(store: Store) -> None:
    store.roster.add_student("Alice", defense_date=date(2027, 6, 1))
    store.roster.add_student("Bob")
    store.roster.add_student("Chloé")
    last = START + timedelta(days=14)
    with_objectives = sample_session("Alice", seed=1, started_at=START, objectives=3)
    store.save_session(with_objectives)
    store.save_session(sample_session("Alice", seed=2, started_at=last))
    tick_objective(store, with_objectives.objectives[0].id, True, by="mentor", clock=store.clock)
    store.save_session(sample_session("Bob", seed=3, started_at=START, objectives=1))
    rows = {e.student.name: e for e in store.roster.summary()}
    assert rows["Alice"].last_session_at == last
    assert rows["Alice"].defense_date == date(2027, 6, 1)
    assert rows["Alice"].open_objectives == 2
    assert rows["Alice"].session_count == 2
    assert (rows["Bob"].open_objectives, rows["Bob"].session_count) == (1, 1)
    assert rows["Chloé"].last_session_at is None
    assert (rows["Chloé"].open_objectives, rows["Chloé"].session_count) == (0, 0)
    assert list(rows) == ["Alice", "Bob", "Chloé"]


def test_summary_is_one_query_whatever_the_number_of_students(store: Store) -> None:
    for n in range(20):
        store.save_session(sample_session(f"Student {n}", seed=n, objectives=1))
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        store.roster.summary()
    finally:
        store.db.conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1


def test_listing_by_student_and_by_question_use_indexes(store: Store) -> None:
    conn = store.db.conn
    plans = [
        " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", params))
        for query, params in (
            ("SELECT id FROM sessions WHERE student = ? ORDER BY started_at DESC", ("A",)),
            ("SELECT id FROM answers WHERE question_id = ?", ("q",)),
            (
                "SELECT a.id FROM sessions s CROSS JOIN answers a ON a.session_id = s.id"
                " WHERE s.student = ? AND a.question_id = ?",
                ("A", "q"),
            ),
        )
    ]
    assert "USING INDEX sessions_by_student" in plans[0]
    assert "USING INDEX answers_by_question" in plans[1]
    assert "answers_by_question (question_id=? AND session_id=?)" in plans[2]


def test_names_compare_without_case_or_extra_spaces(store: Store) -> None:
    store.roster.add_student("Camille")
    store.roster.add_student("Léa Dubois")
    for spelling in ("camille", "CAMILLE", "  Camille "):
        with pytest.raises(StudentExists) as refused:
            store.roster.add_student(spelling)
        assert refused.value.existing == "Camille"
    with pytest.raises(StudentExists, match="as 'Léa Dubois'"):
        store.roster.add_student("léa  dubois")
    assert store.roster.get_student("LÉA   DUBOIS").name == "Léa Dubois"
    assert [s.name for s in store.roster.similar_students("Lea Dubois")] == ["Léa Dubois"]
    assert store.roster.similar_students("Léa Dubois") == []
    # A session saved under another spelling is filed under the roster's name.
    session = sample_session("camille  ")
    store.save_session(session)
    assert store.load_session(session.id).student == "Camille"
    assert [s.name for s in store.roster.list_students()] == ["Camille", "Léa Dubois"]


def test_an_archived_name_says_it_is_archived(store: Store) -> None:
    store.roster.add_student("Bob")
    store.roster.archive_student("bob")
    with pytest.raises(StudentExists, match="in the roster, archived") as refused:
        store.roster.add_student("BOB")
    assert refused.value.archived


def test_two_students_merge_into_one_with_all_their_sessions(store: Store) -> None:
    store.roster.add_student("Camille", paths=["community-manager"])
    store.save_session(sample_session("Camille", seed=1))
    store.roster.add_student("Camille D.", paths=["digital-marketer"])
    store.save_session(sample_session("Camille D.", seed=2))
    store.save_session(sample_session("Camille D.", seed=3))
    assert store.roster.merge_students("camille d.", "Camille") == 2
    assert store.roster.get_student("Camille D.") is None
    assert len(store.list_sessions("Camille")) == 3
    assert store.roster.get_student("Camille").paths == ["community-manager", "digital-marketer"]
    with pytest.raises(ValueError):
        store.roster.merge_students("Camille", "camille")


def test_a_session_is_reassigned_to_another_student(store: Store) -> None:
    session = sample_session("Anonymous import")
    store.save_session(session)
    assert store.roster.reassign_session(session.id, "zoé") == "zoé"
    store.roster.add_student("Zoé Martin")
    assert store.roster.reassign_session(session.id, "ZOÉ  MARTIN") == "Zoé Martin"
    assert store.load_session(session.id).student == "Zoé Martin"


def test_rehearsals_waiting_for_review_are_counted_until_the_mentor_reviews_them(
    store: Store,
) -> None:
    from soutenance.session.model import SessionKind

    store.roster.add_student("Alice")
    waiting = sample_session("Alice", seed=1)
    store.save_session(waiting)
    store.save_session(sample_session("Alice", seed=2, ended=False))  # not finished: not sent yet
    store.save_session(
        sample_session("Alice", seed=3, kind=SessionKind.LIVE)
    )  # done with the mentor
    entry = next(e for e in store.roster.summary() if e.student.name == "Alice")
    assert entry.to_review == 1
    SessionEdits(store, waiting.id, by="mentor", clock=store.clock).heard(
        waiting.answers[0].id, [0]
    )
    entry = next(e for e in store.roster.summary() if e.student.name == "Alice")
    assert entry.to_review == 0
