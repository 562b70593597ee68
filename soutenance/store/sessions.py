"""The Store: saving and loading sessions, and `open_store`, which never leaves the app without one."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from soutenance.clock import Clock, SystemClock
from soutenance.paths import database_path
from soutenance.session.model import Answer, Session, SessionKind
from soutenance.store.db import (
    CorruptDatabase,
    Database,
    StoreBusy,
    StoreUnavailable,
    open_database,
    open_memory_database,
)
from soutenance.store.leases import (
    Lease,
    SessionOpenElsewhere,
    StaleWrite,
    check_holder,
    read_lease,
    take_lease,
)
from soutenance.store.roster import Roster, Student, ensure_student, student_from_session
from soutenance.store.rows import (
    ANSWERS,
    FOLLOW_UPS,
    answer_from_row,
    parse_timestamp,
    read_session,
    timestamp,
    write_objectives,
    write_session_row,
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
    planned: int
    total_time: float


@dataclass(frozen=True)
class QuestionAttempt:
    session_id: str
    student: str
    started_at: datetime
    answer: Answer


_SUMMARY_COLUMNS = """s.id, s.student, s.path_id, s.project_id, s.project_title, s.kind,
    s.started_at, s.ended_at,
    (SELECT count(*) FROM answers a WHERE a.session_id = s.id AND a.status = 'answered')
        AS answered,
    max(json_array_length(s.plan),
        (SELECT count(*) FROM answers a WHERE a.session_id = s.id)) AS planned,
    (SELECT coalesce(sum(a.elapsed), 0.0) FROM answers a WHERE a.session_id = s.id)
        AS total_time"""

_ANSWER_UPDATE = (
    "UPDATE answers SET "
    + ", ".join(f"{c} = ?" for c in ANSWERS.columns if c != "id")
    + " WHERE id = ? AND revision = ?"
)


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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- a running session --------------------------------------------------------------------

    def start_session(self, session: Session, holder: str | None = None) -> None:
        """Save a new session whole (creating its student) and hand its lease to `holder`."""

        def work(conn: sqlite3.Connection) -> None:
            ensure_student(conn, student_from_session(session), self.clock.now())
            write_session_tree(conn, session)
            _derived().refresh_answers(conn, session)
            if holder is not None:
                take_lease(conn, session.id, holder, self.clock.now())

        self.db.write(work)

    def open_session(self, session_id: str, holder: str, *, take_over: bool = False) -> Session:
        """Load a session to go on with it, taking its lease.

        Raises SessionOpenElsewhere when another live window holds it, unless `take_over`.
        """

        def work(conn: sqlite3.Connection) -> Session:
            session = read_session(conn, session_id)
            if session is None:
                raise SessionNotFound(session_id)
            lease = read_lease(conn, session_id)
            now = self.clock.now()
            if (
                lease is not None
                and lease.holder != holder
                and not lease.gone(now.timestamp())
                and not take_over
                and session.ended_at is None
            ):
                raise SessionOpenElsewhere(lease)
            if session.ended_at is None:
                take_lease(conn, session_id, holder, now)
            return session

        return self.db.write(work)

    def lease(self, session_id: str) -> Lease | None:
        return self.db.read(lambda conn: read_lease(conn, session_id))

    def write_run(
        self,
        session: Session,
        holder: str | None,
        *,
        answers: Sequence[Answer] = (),
        session_row: bool = True,
        objectives: bool = False,
    ) -> None:
        """One save of a running session, all or nothing: its own row, the given answers (each
        checked against the revision it was read at), its objectives; and the lease's heartbeat.

        With a `holder`, refused (LeaseLost, SessionEnded, StaleWrite) unless this window holds
        the session and it is still open; nothing is written then.
        """
        expected = [answer.revision for answer in answers]

        def work(conn: sqlite3.Connection) -> None:
            if holder is not None:
                check_holder(conn, session.id, holder, self.clock.now())
            if session_row:
                write_session_row(conn, session)
            for answer, revision in zip(answers, expected, strict=True):
                _write_answer_checked(conn, session.id, answer, revision)
            _derived().refresh_answers(conn, session, [answer.question_id for answer in answers])
            if objectives:
                write_objectives(conn, session.id, session.objectives)

        try:
            self.db.write(work)
        except BaseException:
            for answer, revision in zip(answers, expected, strict=True):
                answer.revision = revision
            raise

    def release(self, session_id: str, holder: str) -> None:
        self.db.write(
            lambda conn: conn.execute(
                "DELETE FROM leases WHERE session_id = ? AND holder = ?", (session_id, holder)
            )
        )

    # -- whole sessions -----------------------------------------------------------------------

    def save_session(self, session: Session) -> None:
        """Upsert the whole session (answers, follow-ups, objectives), creating its student."""

        def work(conn: sqlite3.Connection) -> None:
            ensure_student(conn, student_from_session(session), self.clock.now())
            write_session_tree(conn, session)
            _derived().refresh_answers(conn, session)

        self.db.write(work)

    def delete_session(self, session_id: str) -> bool:
        """Delete a session with everything it holds; False when there was none."""

        def work(conn: sqlite3.Connection) -> bool:
            derived = _derived()
            scope = derived.session_scope(conn, session_id)
            deleted = conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0
            if scope is not None:
                derived.refresh(conn, *scope)
            return deleted

        return self.db.write(work)

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
        """Every answer given to one question, oldest first (without follow-ups)."""
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
                answer=answer_from_row(row),
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
                planned=r["planned"],
                total_time=r["total_time"],
            )  # fmt: skip
            for r in rows
        ]


def _derived():  # noqa: ANN202 - the module
    """The derived rows' module, imported on the first save (it loads fsrs: not at start-up)."""
    from soutenance.store import derived

    return derived


def _write_answer_checked(
    conn: sqlite3.Connection, session_id: str, answer: Answer, revision: int
) -> None:
    """Save `answer` read at `revision`: its revision moves on, or StaleWrite if it moved already."""
    answer.revision = revision + 1
    values = ANSWERS.values(answer, session_id)
    by_column = dict(zip(ANSWERS.columns, values, strict=True))
    update = [by_column[c] for c in ANSWERS.columns if c != "id"]
    if conn.execute(_ANSWER_UPDATE, (*update, answer.id, revision)).rowcount == 0:
        found = conn.execute("SELECT revision FROM answers WHERE id = ?", (answer.id,)).fetchone()
        if found is not None:
            raise StaleWrite(answer.id, revision, found["revision"])
        conn.execute(ANSWERS.upsert_sql, values)
    for position, follow_up in enumerate(answer.follow_ups):
        FOLLOW_UPS.write(conn, follow_up, answer.id, position)


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


__all__ = ["QuestionAttempt", "SessionNotFound", "SessionSummary", "Store", "open_store", "timestamp"]
