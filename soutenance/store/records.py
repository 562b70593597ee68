"""Recorded answers as ``AnswerRecord`` lists, for the draw and the statistics.

One query per question asked of the store, each on an index: a student's answers go through
``sessions_by_student`` then ``answers_by_session``, a question's through ``answers_by_question``.
Answers never reached (the session ended first) are left out in SQL: they tell nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from soutenance.session.scheduling import AnswerRecord
from soutenance.session.stats import VoiceRecord
from soutenance.voice.answer import AnswerVoice

T = TypeVar("T")


class _Readable(Protocol):
    def read(self, work: Callable[[sqlite3.Connection], T]) -> T: ...


RECORD_COLUMNS = """a.question_id, coalesce(a.answered_at, s.started_at) AS at,
    CASE WHEN a.status = 'answered' THEN a.elapsed END, a.time_limit + a.added_seconds,
    a.confidence, a.status = 'skipped', a.key_points, a.covered, a.session_id, s.student,
    s.project_id, a.id"""
"""What ``to_records`` reads, from ``answers a`` joined to ``sessions s``."""

REACHED = "a.status IN ('answered', 'skipped')"


def _db(store: Any) -> _Readable:
    """The store's database (a ``Store``, or a ``Database`` itself)."""
    return getattr(store, "db", store)


def _project_clause(path_id: str | None, project_id: str | None) -> tuple[str, tuple]:
    clause, params = "", ()
    if path_id is not None:
        clause += " AND s.path_id = ?"
        params += (path_id,)
    if project_id is not None:
        clause += " AND s.project_id = ?"
        params += (project_id,)
    return clause, params


def student_records(
    store: Any, student: str, *, path_id: str | None = None, project_id: str | None = None
) -> list[AnswerRecord]:
    """The student's reached answers (of one project when given), oldest session first."""
    clause, params = _project_clause(path_id, project_id)
    # CROSS JOIN keeps SQLite on the student's sessions first (sessions_by_student), then each
    # session's answers (answers_by_session): rows of other students are never visited.
    query = f"""SELECT {RECORD_COLUMNS} FROM sessions s CROSS JOIN answers a ON a.session_id = s.id
        WHERE s.student = ?{clause} AND {REACHED} ORDER BY s.started_at, a.position"""
    return _records(store, query, (student, *params))


def question_records(
    store: Any, question_id: str, *, path_id: str | None = None, project_id: str | None = None
) -> list[AnswerRecord]:
    """Every student's reached answers to one question, oldest first.

    Question ids are only unique within a bank: give the project to leave other banks out."""
    clause, params = _project_clause(path_id, project_id)
    query = f"""SELECT {RECORD_COLUMNS} FROM answers a CROSS JOIN sessions s ON s.id = a.session_id
        WHERE a.question_id = ?{clause} AND {REACHED} ORDER BY s.started_at, a.position"""
    return _records(store, query, (question_id, *params))


def project_records(store: Any, path_id: str | None, project_id: str) -> list[AnswerRecord]:
    """Every student's reached answers on one project, oldest session first (the mentor's view)."""
    clause, params = _project_clause(path_id, project_id)
    query = f"""SELECT {RECORD_COLUMNS} FROM sessions s CROSS JOIN answers a ON a.session_id = s.id
        WHERE 1{clause} AND {REACHED} ORDER BY s.started_at, a.position"""
    return _records(store, query, params)


def _records(store: Any, query: str, params: tuple) -> list[AnswerRecord]:
    def fetch(conn: sqlite3.Connection) -> list[tuple]:
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: no Row object per answer
        return cursor.execute(query, params).fetchall()

    return to_records(_db(store).read(fetch))


def to_records(rows: Iterable[Sequence[Any]]) -> list[AnswerRecord]:
    """Records from rows starting with ``RECORD_COLUMNS`` (plain tuples; more columns ignored)."""
    parse = datetime.fromisoformat
    # The same key points and the same covered indices come back again and again: parse once.
    points_of: dict[str, tuple[str, ...]] = {"[]": ()}
    indices_of: dict[str, tuple[int, ...]] = {"[]": ()}
    records = []
    for row in rows:
        (
            question_id, at, elapsed, time_limit, confidence, skipped, key_points, covered,
            session_id, student, project_id, answer_id,
        ) = row[:12]  # fmt: skip
        points = points_of.get(key_points)
        if points is None:
            points = points_of[key_points] = tuple(json.loads(key_points))
        indices = indices_of.get(covered)
        if indices is None:
            indices = indices_of[covered] = tuple(sorted(set(json.loads(covered))))
        moment = parse(at)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        records.append(
            AnswerRecord(
                question_id,
                moment,
                None if skipped or not points else len(indices) / len(points),
                elapsed,
                time_limit,
                confidence,
                bool(skipped),
                student,
                session_id,
                project_id,
                points,
                indices,
                answer_id,
            )
        )
    return records


@dataclass(frozen=True)
class ProjectActivity:
    """A project a student rehearsed, as the store knows it (the bank may have changed since)."""

    path_id: str
    project_id: str
    project_title: str
    sessions: int
    answers: int
    last_session_at: datetime | None

    @property
    def ref(self) -> str:
        return f"{self.path_id}/{self.project_id}"


@dataclass(frozen=True)
class StudentActivity:
    """A student who has sessions: how many, how many answers, when last."""

    student: str
    sessions: int
    answers: int
    last_session_at: datetime | None


def student_projects(store: Any, student: str) -> list[ProjectActivity]:
    """The projects a student has sessions on, most recent first."""
    query = f"""SELECT s.path_id, s.project_id, max(s.project_title) AS title,
            count(DISTINCT s.id) AS sessions,
            sum(CASE WHEN {REACHED} THEN 1 ELSE 0 END) AS answers, max(s.started_at) AS last
        FROM sessions s LEFT JOIN answers a ON a.session_id = s.id
        WHERE s.student = ? GROUP BY s.path_id, s.project_id ORDER BY last DESC"""
    rows = _db(store).read(lambda conn: conn.execute(query, (student,)).fetchall())
    return [
        ProjectActivity(row[0], row[1], row[2], row[3], row[4], _moment(row[5])) for row in rows
    ]


def students_with_sessions(
    store: Any, *, path_id: str | None = None, project_id: str | None = None
) -> list[StudentActivity]:
    """Students with at least one session (on the project when given), by name."""
    clause, params = _project_clause(path_id, project_id)
    query = f"""SELECT s.student, count(DISTINCT s.id), sum(CASE WHEN {REACHED} THEN 1 ELSE 0 END),
            max(s.started_at)
        FROM sessions s LEFT JOIN answers a ON a.session_id = s.id
        WHERE 1{clause} GROUP BY s.student ORDER BY s.student COLLATE NOCASE"""
    rows = _db(store).read(lambda conn: conn.execute(query, params).fetchall())
    return [StudentActivity(row[0], row[1], row[2], _moment(row[3])) for row in rows]


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def student_voice_records(
    store: Any, student: str, *, path_id: str | None = None, project_id: str | None = None
) -> list[VoiceRecord]:
    """The student's answers that were recorded, oldest session first, for the voice trends; a
    stored voice that no longer reads (edited by hand) is left out rather than failing a report."""
    clause, params = _project_clause(path_id, project_id)
    query = f"""SELECT s.id, coalesce(a.answered_at, s.started_at), a.voice
        FROM sessions s CROSS JOIN answers a ON a.session_id = s.id
        WHERE s.student = ?{clause} AND a.status = 'answered' AND a.voice IS NOT NULL
        ORDER BY s.started_at, a.position"""
    rows = _db(store).read(lambda conn: conn.execute(query, (student, *params)).fetchall())
    records = []
    for session_id, at, text in rows:
        try:
            voice = AnswerVoice.from_json(json.loads(text))
        except ValueError:
            continue
        moment = datetime.fromisoformat(at)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        records.append(VoiceRecord(session_id, moment, voice))
    return records
