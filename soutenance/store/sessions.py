"""The Store: saving and loading sessions, and `open_store`, in the mode the caller needs."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from soutenance.clock import Clock, SystemClock
from soutenance.i18n import t
from soutenance.paths import database_path
from soutenance.session.model import Answer, FollowUpAnswer, Objective, Session, SessionKind
from soutenance.store.db import (
    CorruptDatabase,
    Database,
    StoreBusy,
    StoreError,
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
from soutenance.store.roster import Roster, Student, ensure_student, file_under_roster_name
from soutenance.store.rows import (
    ANSWERS,
    FOLLOW_UPS,
    OBJECTIVES,
    answer_from_row,
    parse_timestamp,
    read_session,
    timestamp,
    write_objectives,
    write_session_row,
    write_session_tree,
)
from soutenance.store.salvage import salvage_in_place, salvage_into_memory
from soutenance.voice.storage import delete_session_recordings

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
    damaged: str | None = None
    """The columns of a stored row that are no longer valid (listed all the same), or None."""


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
    max(CASE WHEN json_valid(s.plan) THEN json_array_length(s.plan) ELSE 0 END,
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
            file_under_roster_name(conn, session, self.clock.now())
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

    # -- edits of a stored session (the mentor's review, objectives) ---------------------------

    def edit_answer(self, answer_id: str, change: Callable[[Answer], object]) -> Answer:
        """Read one answer, let `change` edit it, and save it, in one transaction."""

        def work(conn: sqlite3.Connection) -> Answer:
            row = conn.execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone()
            if row is None:
                raise LookupError(f"No answer with id {answer_id}.")
            answer = answer_from_row(row)
            answer.follow_ups = [
                FollowUpAnswer.model_validate(FOLLOW_UPS.data(f))
                for f in conn.execute(
                    "SELECT * FROM follow_ups WHERE answer_id = ? ORDER BY position, rowid",
                    (answer_id,),
                )
            ]
            if change(answer) is not False:
                _write_answer_checked(conn, row["session_id"], answer, answer.revision)
            return answer

        return self.db.write(work)

    def edit_objective(self, objective_id: str, change: Callable[[Objective], object]) -> Objective:
        """Read one objective, let `change` edit it, and save it, in one transaction."""

        def work(conn: sqlite3.Connection) -> Objective:
            row = conn.execute("SELECT * FROM objectives WHERE id = ?", (objective_id,)).fetchone()
            if row is None:
                raise LookupError(f"No objective with id {objective_id}.")
            objective = Objective.model_validate(OBJECTIVES.data(row))
            if change(objective) is not False:
                OBJECTIVES.write(conn, objective, row["session_id"], row["position"])
            return objective

        return self.db.write(work)

    def edit_session(self, session_id: str, change: Callable[[Session], object]) -> Session:
        """Read a session, let `change` edit its own fields or objectives, and save them."""

        def work(conn: sqlite3.Connection) -> Session:
            session = read_session(conn, session_id)
            if session is None:
                raise SessionNotFound(session_id)
            if change(session) is not False:
                write_session_row(conn, session)
                write_objectives(conn, session.id, session.objectives)
            return session

        return self.db.write(work)

    # -- whole sessions -----------------------------------------------------------------------

    def save_session(self, session: Session) -> None:
        """Upsert the whole session (answers, follow-ups, objectives), creating its student."""

        def work(conn: sqlite3.Connection) -> None:
            file_under_roster_name(conn, session, self.clock.now())
            write_session_tree(conn, session)
            _derived().refresh_answers(conn, session)

        self.db.write(work)

    def delete_session(self, session_id: str) -> bool:
        """Delete a session with everything it holds, its recordings too; False when there was
        none."""

        def work(conn: sqlite3.Connection) -> bool:
            derived = _derived()
            scope = derived.session_scope(conn, session_id)
            deleted = conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0
            if scope is not None:
                derived.refresh(conn, *scope)
            return deleted

        deleted = self.db.write(work)
        if deleted:
            delete_session_recordings(session_id)
        return deleted

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
            student = Student(name=name)
            ensure_student(conn, student, self.clock.now())
            conn.execute(
                """INSERT INTO settings (key, value) VALUES ('last_student', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
                (student.name,),
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
        return [_summary(row) for row in rows]


def _summary(row: sqlite3.Row) -> SessionSummary:
    """A session's line in a list; a row that is no longer valid is listed all the same, with
    what is wrong in `damaged` (and harmless values in its place)."""
    damaged: list[str] = []

    def checked(column: str, convert: Any, fallback: Any) -> Any:
        try:
            return convert(row[column])
        except (TypeError, ValueError, OverflowError):
            damaged.append(column)
            return fallback

    total = row["total_time"]
    if not isinstance(total, int | float) or not math.isfinite(total):
        damaged.append("total_time")
        total = 0.0

    def text(column: str) -> str:
        value = str(row[column])
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # bytes that were not UTF-8 (see db.read_text)
            damaged.append(column)
            return value.encode("utf-8", "replace").decode("utf-8")
        return value

    return SessionSummary(
        id=text("id"),
        student=text("student"),
        path_id=text("path_id"),
        project_id=text("project_id"),
        project_title=text("project_title"),
        kind=checked("kind", SessionKind, SessionKind.REHEARSAL),
        started_at=checked("started_at", _moment, _UNKNOWN_MOMENT),
        ended_at=checked("ended_at", parse_timestamp, None),
        answered=row["answered"],
        planned=row["planned"],
        total_time=float(total),
        damaged=", ".join(damaged) or None,
    )


_UNKNOWN_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)


def _moment(text: Any) -> datetime:
    moment = parse_timestamp(text)
    if moment is None:
        raise ValueError("no date")
    return moment


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


OpenMode = Literal["app", "write", "read"]


def open_store(
    path: Path | str | None = None, *, clock: Clock | None = None, mode: OpenMode = "app"
) -> Store:
    """Open the store at `path` (default: the data dir's database).

    - "app" (the interface) always gives a Store: in memory when the file cannot be used.
    - "write" (a one-shot command that saves) raises StoreError instead, and syncs each commit.
    - "read" (a command that only reads) opens the file read-only, so that a file nobody may
      write still shows; it raises StoreError when the file cannot be read.
    A damaged database is salvaged (soutenance.store.salvage): in "read" mode into memory, the
    file untouched; otherwise copied aside and replaced by what could be read. `store.warning`
    says so, translated.
    """
    path = Path(path) if path is not None else database_path()
    if mode == "read":
        return _open_for_reading(path, clock)
    durable = mode == "write"
    try:
        return Store(open_database(path, durable=durable), clock=clock)
    except CorruptDatabase as corrupt:
        try:
            rescued = salvage_in_place(path)
            db = open_database(path, durable=durable)
        except (OSError, sqlite3.Error, StoreError) as exc:
            reason = f"it is damaged ({corrupt.reason}) and could not be repaired ({exc})"
            if durable:
                raise StoreUnavailable(path, reason) from exc
            return _in_memory(str(StoreUnavailable(path, reason)), clock)
        warning = t(
            "store.salvaged", path=str(path), reason=corrupt.reason, sessions=rescued.sessions,
            moved=str(rescued.original),
        )  # fmt: skip
        return Store(db, clock=clock, warning=warning, moved_aside=rescued.original)
    except (StoreUnavailable, StoreBusy) as unavailable:
        if durable:
            raise
        return _in_memory(str(unavailable), clock)


def _open_for_reading(path: Path, clock: Clock | None) -> Store:
    try:
        return Store(open_database(path, read_only=True), clock=clock)
    except CorruptDatabase as corrupt:
        try:
            db, rescued = salvage_into_memory(path)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(path, f"it is damaged ({corrupt.reason}): {exc}") from exc
        warning = t(
            "store.salvaged_read", path=str(path), reason=corrupt.reason, sessions=rescued.sessions
        )
        return Store(db, clock=clock, warning=warning)


def _in_memory(problem: str, clock: Clock | None) -> Store:
    warning = MEMORY_WARNING.format(problem=problem)
    return Store(open_memory_database(), clock=clock, warning=warning)


__all__ = [
    "QuestionAttempt",
    "SessionNotFound",
    "SessionSummary",
    "Store",
    "open_store",
    "timestamp",
]
