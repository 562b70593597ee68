"""The Store: saving and loading sessions, and `open_store`, which never leaves the app without one."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from soutenance.clock import Clock, SystemClock
from soutenance.paths import database_path
from soutenance.session.model import Answer, FollowUpAnswer, Session, SessionKind
from soutenance.store.db import (
    CorruptDatabase,
    Database,
    StoreBusy,
    StoreUnavailable,
    open_database,
    open_memory_database,
)
from soutenance.store.roster import Roster, Student, ensure_student, student_from_session
from soutenance.store.session_rows import (
    answer_from_row,
    parse_timestamp,
    read_session,
    timestamp,
    write_answer,
    write_follow_up,
    write_session_tree,
)

MEMORY_WARNING = (
    "{problem} Your work is kept in memory only and will be lost when you quit: "
    "export your sessions before leaving."
)


class SessionNotFound(LookupError):
    def __init__(self, session_id: str) -> None:
        super().__init__(f"No session with id {session_id}.")


@dataclass(frozen=True)
class SessionSummary:
    id: str
    student: str
    path_id: str
    project_id: str
    project_title: str
    kind: SessionKind
    started_at: datetime
    ended_at: datetime | None
    answered: int
    total_time: float


@dataclass(frozen=True)
class QuestionAttempt:
    session_id: str
    student: str
    started_at: datetime
    answer: Answer


_SUMMARY_COLUMNS = """s.id, s.student, s.path_id, s.project_id, s.project_title, s.kind,
    s.started_at, s.ended_at,
    (SELECT count(*) FROM answers a WHERE a.session_id = s.id
        AND a.skipped = 0 AND a.elapsed IS NOT NULL) AS answered,
    (SELECT coalesce(sum(a.elapsed), 0.0) FROM answers a WHERE a.session_id = s.id) AS total_time"""


class Store:
    """Sessions, answers and notes, plus the mentor's roster (`store.roster`)."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock | None = None,
        warning: str | None = None,
        moved_aside: Path | None = None,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.warning = warning
        """A message for the user when the store is not what they expect (memory, recovered)."""
        self.moved_aside = moved_aside
        self.roster = Roster(db, self.clock)

    @property
    def persistent(self) -> bool:
        return self.db.persistent

    def close(self) -> None:
        self.db.close()

    def save_session(self, session: Session) -> None:
        """Upsert the whole session (answers, follow-ups, marks, objectives), creating its student."""

        def work(conn: sqlite3.Connection) -> None:
            ensure_student(conn, student_from_session(session), self.clock.now())
            write_session_tree(conn, session)

        self.db.write(work)

    def save_answer(self, session_id: str, answer: Answer) -> None:
        """Upsert one answer with its follow-ups and marks; the session must be saved already."""
        self.db.write(lambda conn: write_answer(conn, session_id, answer))

    def save_notes(self, answer_id: str, text: str) -> bool:
        """The fast path while typing: one short UPDATE. False when the answer is not saved yet."""
        return self._update("UPDATE answers SET notes = ? WHERE id = ?", (text, answer_id))

    def save_follow_up(
        self, answer_id: str, follow_up: FollowUpAnswer, position: int | None = None
    ) -> None:
        """Upsert a follow-up; a new one without a position goes after the answer's others."""

        def work(conn: sqlite3.Connection) -> None:
            at = position
            if at is None:
                row = conn.execute(
                    """SELECT coalesce((SELECT position FROM follow_ups WHERE id = ?),
                    (SELECT coalesce(max(position) + 1, 0) FROM follow_ups WHERE answer_id = ?))""",
                    (follow_up.id, answer_id),
                ).fetchone()
                at = row[0]
            write_follow_up(conn, answer_id, follow_up, at)

        self.db.write(work)

    def save_follow_up_notes(self, follow_up_id: str, text: str) -> bool:
        return self._update("UPDATE follow_ups SET notes = ? WHERE id = ?", (text, follow_up_id))

    def end_session(self, session_id: str, ended_at: datetime | None = None) -> bool:
        moment = timestamp(ended_at or self.clock.now())
        return self._update("UPDATE sessions SET ended_at = ? WHERE id = ?", (moment, session_id))

    def load_session(self, session_id: str) -> Session:
        session = self.db.read(lambda conn: read_session(conn, session_id))
        if session is None:
            raise SessionNotFound(session_id)
        return session

    def latest_session(self, student: str | None = None) -> Session | None:
        def work(conn: sqlite3.Connection) -> Session | None:
            row = conn.execute(
                """SELECT id FROM sessions WHERE ? IS NULL OR student = ?
                ORDER BY started_at DESC LIMIT 1""",
                (student, student),
            ).fetchone()
            return read_session(conn, row["id"]) if row else None

        return self.db.read(work)

    def list_sessions(
        self, student: str | None = None, *, limit: int | None = 50, offset: int = 0
    ) -> list[SessionSummary]:
        """Light summaries, newest first; `limit=None` lists them all."""
        limit = -1 if limit is None else limit
        where = "s.student = ?" if student is not None else "1"
        query = f"""SELECT {_SUMMARY_COLUMNS} FROM sessions s WHERE {where}
            ORDER BY s.started_at DESC LIMIT ? OFFSET ?"""
        params = (student, limit, offset) if student is not None else (limit, offset)
        return self._summaries(query, params)

    def unfinished_sessions(self, student: str | None = None) -> list[SessionSummary]:
        """Sessions never ended, newest first: the ones the app offers to resume."""
        where = "AND s.student = ?" if student is not None else ""
        query = f"""SELECT {_SUMMARY_COLUMNS} FROM sessions s WHERE s.ended_at IS NULL {where}
            ORDER BY s.started_at DESC"""
        return self._summaries(query, (student,) if student is not None else ())

    def question_history(
        self, question_id: str, student: str | None = None
    ) -> list[QuestionAttempt]:
        """Every answer given to one question, oldest first (without follow-ups and marks)."""
        columns = "a.*, s.student, s.started_at AS session_started_at"
        if student is None:
            query = f"""SELECT {columns} FROM answers a JOIN sessions s ON s.id = a.session_id
                WHERE a.question_id = ? ORDER BY s.started_at"""
            params: tuple = (question_id,)
        else:
            # CROSS JOIN keeps SQLite on the student's sessions first: far fewer rows to visit.
            query = f"""SELECT {columns} FROM sessions s CROSS JOIN answers a
                ON a.session_id = s.id WHERE s.student = ? AND a.question_id = ?
                ORDER BY s.started_at"""
            params = (student, question_id)
        rows = self.db.read(lambda conn: conn.execute(query, params).fetchall())
        return [
            QuestionAttempt(
                session_id=row["session_id"],
                student=row["student"],
                started_at=parse_timestamp(row["session_started_at"]),
                answer=answer_from_row(row, [], {}),
            )
            for row in rows
        ]

    def has_answers(self, question_id: str) -> bool:
        """Whether any session answered this question: a cheap check before deleting it."""
        row = self.db.read(
            lambda conn: conn.execute(
                "SELECT EXISTS (SELECT 1 FROM answers WHERE question_id = ?)", (question_id,)
            ).fetchone()
        )
        return bool(row[0])

    def remember_student(self, name: str) -> None:
        """Remember the profile name for next time, adding the student if new."""

        def work(conn: sqlite3.Connection) -> None:
            ensure_student(conn, Student(name=name), self.clock.now())
            conn.execute(
                """INSERT INTO settings (key, value) VALUES ('last_student', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
                (name,),
            )

        self.db.write(work)

    def last_student(self) -> str | None:
        row = self.db.read(
            lambda conn: conn.execute(
                "SELECT value FROM settings WHERE key = 'last_student'"
            ).fetchone()
        )
        return row["value"] if row else None

    def _update(self, query: str, params: tuple) -> bool:
        return self.db.write(lambda conn: conn.execute(query, params).rowcount > 0)

    def _summaries(self, query: str, params: tuple) -> list[SessionSummary]:
        rows = self.db.read(lambda conn: conn.execute(query, params).fetchall())
        return [
            SessionSummary(
                id=r["id"],
                student=r["student"],
                path_id=r["path_id"],
                project_id=r["project_id"],
                project_title=r["project_title"],
                kind=SessionKind(r["kind"]),
                started_at=parse_timestamp(r["started_at"]),
                ended_at=parse_timestamp(r["ended_at"]),
                answered=r["answered"],
                total_time=r["total_time"],
            )  # fmt: skip
            for r in rows
        ]


def open_store(path: Path | str | None = None, *, clock: Clock | None = None) -> Store:
    """Open the store at `path` (default: the data dir's database), whatever happens.

    A corrupt file is moved aside and a fresh database started; a database that cannot be
    written falls back to memory. Either way `store.warning` says so.
    """
    path = Path(path) if path is not None else database_path()
    try:
        return Store(open_database(path), clock=clock)
    except CorruptDatabase as corrupt:
        if corrupt.moved_to is None:
            return _in_memory(str(corrupt), clock)
        try:
            db = open_database(path)
        except (CorruptDatabase, StoreUnavailable, StoreBusy) as exc:
            return _in_memory(f"{corrupt} {exc}", clock)
        return Store(db, clock=clock, warning=str(corrupt), moved_aside=corrupt.moved_to)
    except (StoreUnavailable, StoreBusy) as unavailable:
        return _in_memory(str(unavailable), clock)


def _in_memory(problem: str, clock: Clock | None) -> Store:
    warning = MEMORY_WARNING.format(problem=problem)
    return Store(open_memory_database(), clock=clock, warning=warning)
