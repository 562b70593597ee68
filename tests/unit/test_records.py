"""Recorded answers read back from the store as AnswerRecords, through indexed queries."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from soutenance.clock import FakeClock
from soutenance.session.model import Answer, Session, SessionKind
from soutenance.store import Store, open_store
from soutenance.store.records import (
    project_records,
    question_records,
    student_projects,
    student_records,
    students_with_sessions,
)

T0 = datetime(2026, 10, 1, 18, tzinfo=UTC)
KP = ["Budget", "Planning", "Risques", "KPI"]


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    store = open_store(tmp_path / "soutenance.sqlite3", clock=clock)
    yield store
    store.close()


def session(student: str, day: int, project: str = "crise", path: str = "cm", **changes) -> Session:
    return Session(
        student=student, path_id=path, project_id=project, project_title=project.title(), language="fr", evaluator_role="DRH",
        started_at=T0 + timedelta(days=day), **changes,
    )  # fmt: skip


def answer(qid: str, position: int = 0, **changes) -> Answer:
    fields = dict(question_id=qid, question_text="?", key_points=list(KP), time_limit=90,
                  position=position, elapsed=60.0, confidence=3, covered=[0, 2])  # fmt: skip
    fields.update(changes)
    return Answer(**fields)


def fill(store: Store) -> None:
    first = session("alice", 0)
    first.answers = [
        answer("q1", 0, answered_at=T0 + timedelta(minutes=1)),
        answer("q2", 1, skipped=True, elapsed=None, covered=[]),
        answer("q3", 2, elapsed=None),  # never reached: the session ended first
        answer("q4", 3, answered_at=None, covered=[1, 1, 3]),  # no time of its own
    ]
    second = session("alice", 3, kind=SessionKind.MOCK)
    second.answers = [answer("q1", 0, covered=[0, 1, 2, 3], elapsed=100.0, confidence=5)]
    other_project = session("alice", 4, project="brief")
    other_project.answers = [answer("q1", 0)]
    other_path = session("alice", 5, path="dm")
    other_path.answers = [answer("q1", 0)]
    bob = session("bob", 1)
    bob.answers = [answer("q1", 0, covered=[3], confidence=1), answer("old", 1, key_points=[])]
    for item in (first, second, other_project, other_path, bob):
        store.save_session(item)


def test_student_records_of_one_project_oldest_first(store: Store) -> None:
    fill(store)
    records = student_records(store, "alice", path_id="cm", project_id="crise")
    assert [(r.question_id, r.session_id != "") for r in records] == [
        ("q1", True), ("q2", True), ("q4", True), ("q1", True),
    ]  # fmt: skip
    q1, q2, q4, again = records
    assert q1.answered_at == T0 + timedelta(minutes=1)
    assert q1.coverage == 0.5 and q1.covered == (0, 2) and q1.key_points == tuple(KP)
    assert (q1.elapsed, q1.time_limit, q1.confidence, q1.skipped) == (60.0, 90, 3, False)
    assert (q1.student, q1.project_id) == ("alice", "crise")
    assert q2.skipped and q2.coverage is None and q2.elapsed is None
    assert q4.answered_at == T0  # the session's start stands in for the missing time
    assert q4.covered == (1, 3) and q4.coverage == 0.5  # repeated indices count once
    assert again.coverage == 1.0 and again.overtime == 10.0  # a mock defense counts too
    assert all(r.answered_at.tzinfo is not None for r in records)


def test_student_records_across_projects_and_paths(store: Store) -> None:
    fill(store)
    assert len(student_records(store, "alice")) == 6
    assert len(student_records(store, "alice", project_id="crise")) == 5  # both paths
    assert len(student_records(store, "alice", path_id="dm")) == 1
    assert student_records(store, "nobody") == []


def test_question_records_across_students(store: Store) -> None:
    fill(store)
    records = question_records(store, "q1", path_id="cm", project_id="crise")
    assert [r.student for r in records] == ["alice", "bob", "alice"]
    assert [r.covered for r in records] == [(0, 2), (3,), (0, 1, 2, 3)]
    assert len(question_records(store, "q1")) == 5
    assert question_records(store, "q3") == []  # never reached


def test_project_records_and_activity(store: Store) -> None:
    fill(store)
    records = project_records(store, "cm", "crise")
    assert sorted({r.student for r in records}) == ["alice", "bob"]
    assert len(records) == 6
    old = next(r for r in records if r.question_id == "old")
    assert old.coverage is None and old.key_points == ()  # a question without key points
    projects = student_projects(store, "alice")
    assert [(p.ref, p.sessions, p.answers) for p in projects] == [
        ("dm/crise", 1, 1), ("cm/brief", 1, 1), ("cm/crise", 2, 4),
    ]  # fmt: skip
    assert projects[0].last_session_at == T0 + timedelta(days=5)
    everyone = students_with_sessions(store)
    assert [(s.student, s.sessions, s.answers) for s in everyone] == [
        ("alice", 4, 6),
        ("bob", 1, 2),
    ]
    assert [s.student for s in students_with_sessions(store, project_id="brief")] == ["alice"]
    assert students_with_sessions(open_store(":memory:")) == []


def _plans(store: Store, run) -> list[str]:
    """The query plan of every SELECT that ``run`` sends to the store."""
    sent: list[str] = []
    conn = store.db.conn
    conn.set_trace_callback(lambda statement: sent.append(statement))
    try:
        run()
    finally:
        conn.set_trace_callback(None)
    details = []
    for statement in sent:
        if statement.lstrip().upper().startswith("SELECT"):
            rows = conn.execute("EXPLAIN QUERY PLAN " + statement).fetchall()
            details += [row[3] for row in rows]
    return details


def test_queries_go_through_the_indexes(store: Store) -> None:
    fill(store)
    student_plan = " | ".join(
        _plans(store, lambda: student_records(store, "alice", path_id="cm", project_id="crise"))
    )
    assert "sessions_by_student" in student_plan and "answers_by_session" in student_plan
    assert "SCAN a" not in student_plan and "SCAN answers" not in student_plan
    question_plan = " | ".join(
        _plans(store, lambda: question_records(store, "q1", project_id="crise"))
    )
    assert "answers_by_question" in question_plan
    assert "SCAN s" not in question_plan and "SCAN sessions" not in question_plan


def test_a_closed_store_raises_and_callers_decide(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db.sqlite3")
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        student_records(store, "alice")
