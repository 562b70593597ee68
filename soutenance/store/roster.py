"""The mentor's side: students, objectives, and the mentor's comments, notes and marks on answers."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from soutenance.clock import Clock, SystemClock
from soutenance.session.model import Objective, Session, new_id
from soutenance.store.db import Database
from soutenance.store.rows import OBJECTIVES, parse_date, parse_timestamp, timestamp

LANGUAGES = ("fr", "en")


class StudentExists(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"A student named {name!r} is already in the roster.")


@dataclass
class Student:
    name: str
    paths: list[str] = field(default_factory=list)
    project_ref: str | None = None
    """The current project as "path-id/project-id"."""
    language: str = "fr"
    defense_date: date | None = None
    archived: bool = False
    created_at: datetime | None = None
    id: str = field(default_factory=new_id)


@dataclass(frozen=True)
class RosterEntry:
    student: Student
    last_session_at: datetime | None
    session_count: int
    open_objectives: int

    @property
    def defense_date(self) -> date | None:
        return self.student.defense_date


# The student's latest session that has objectives at all: its open ones are the ones to work on.
_LATEST_WITH_OBJECTIVES = """SELECT s.id FROM sessions s WHERE s.student = {name}
    AND EXISTS (SELECT 1 FROM objectives x WHERE x.session_id = s.id)
    ORDER BY s.started_at DESC LIMIT 1"""

_SUMMARY = f"""SELECT st.*,
    (SELECT max(s.started_at) FROM sessions s WHERE s.student = st.name) AS last_session_at,
    (SELECT count(*) FROM sessions s WHERE s.student = st.name) AS session_count,
    (SELECT count(*) FROM objectives o WHERE o.done = 0 AND o.session_id = (
        {_LATEST_WITH_OBJECTIVES.format(name="st.name")})) AS open_objectives
    FROM students st WHERE ? OR st.archived = 0
    ORDER BY st.archived, st.name COLLATE NOCASE"""


def student_from_session(session: Session) -> Student:
    """The roster entry a session implies for a student not known yet."""
    return Student(
        name=session.student,
        paths=[session.path_id],
        project_ref=f"{session.path_id}/{session.project_id}",
        language=session.language if session.language in LANGUAGES else "fr",
    )


def ensure_student(conn: sqlite3.Connection, student: Student, now: datetime | None = None) -> bool:
    """Add the student unless one of that name exists; True when added."""
    _check_student(student)
    created = student.created_at or now or datetime.now(UTC)
    cursor = conn.execute(
        """INSERT INTO students (id, name, paths, project_ref, language, defense_date, archived,
            created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING""",
        (
            student.id, student.name, json.dumps(student.paths), student.project_ref,
            student.language, _date_text(student.defense_date), int(student.archived),
            timestamp(created),
        ),
    )  # fmt: skip
    return cursor.rowcount == 1


class Roster:
    """Students and mentor feedback, in the same database as the sessions."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()

    def add_student(
        self,
        name: str,
        *,
        paths: list[str] | None = None,
        project_ref: str | None = None,
        language: str = "fr",
        defense_date: date | None = None,
    ) -> Student:
        student = Student(
            name=name.strip(), paths=list(paths or []), project_ref=project_ref,
            language=language, defense_date=defense_date, created_at=self.clock.now(),
        )  # fmt: skip
        if not self.db.write(lambda conn: ensure_student(conn, student)):
            raise StudentExists(student.name)
        return student

    def get_student(self, name: str) -> Student | None:
        row = self.db.read(
            lambda conn: conn.execute("SELECT * FROM students WHERE name = ?", (name,)).fetchone()
        )
        return _student_from_row(row) if row else None

    def list_students(self, *, include_archived: bool = False) -> list[Student]:
        rows = self.db.read(
            lambda conn: conn.execute(
                """SELECT * FROM students WHERE ? OR archived = 0
                ORDER BY archived, name COLLATE NOCASE""",
                (include_archived,),
            ).fetchall()
        )
        return [_student_from_row(row) for row in rows]

    def update_student(self, student: Student) -> None:
        """Save edited fields, found by id; a new name carries the student's sessions along."""
        _check_student(student)

        def work(conn: sqlite3.Connection) -> None:
            old = conn.execute("SELECT name FROM students WHERE id = ?", (student.id,)).fetchone()
            if old is None:
                raise LookupError(f"No student with id {student.id}.")
            try:
                conn.execute(
                    """UPDATE students SET name = ?, paths = ?, project_ref = ?, language = ?,
                    defense_date = ?, archived = ? WHERE id = ?""",
                    (
                        student.name, json.dumps(student.paths), student.project_ref,
                        student.language, _date_text(student.defense_date),
                        int(student.archived), student.id,
                    ),
                )  # fmt: skip
            except sqlite3.IntegrityError as exc:
                raise StudentExists(student.name) from exc
            conn.execute(
                "UPDATE settings SET value = ? WHERE key = 'last_student' AND value = ?",
                (student.name, old["name"]),
            )

        self.db.write(work)

    def archive_student(self, name: str, archived: bool = True) -> bool:
        return self._update("UPDATE students SET archived = ? WHERE name = ?", (archived, name))

    def summary(self, *, include_archived: bool = False) -> list[RosterEntry]:
        """Per student: last session, session count, open objectives; one query for all."""
        rows = self.db.read(lambda conn: conn.execute(_SUMMARY, (include_archived,)).fetchall())
        return [
            RosterEntry(
                student=_student_from_row(row),
                last_session_at=parse_timestamp(row["last_session_at"]),
                session_count=row["session_count"],
                open_objectives=row["open_objectives"],
            )
            for row in rows
        ]

    def open_objectives(self, student: str) -> list[Objective]:
        """The objectives not done yet, from the student's latest session that set any."""
        query = f"""SELECT * FROM objectives WHERE done = 0 AND session_id = (
            {_LATEST_WITH_OBJECTIVES.format(name="?")}) ORDER BY position, rowid"""
        rows = self.db.read(lambda conn: conn.execute(query, (student,)).fetchall())
        return [Objective.model_validate(OBJECTIVES.data(row)) for row in rows]

    def _update(self, query: str, params: tuple) -> bool:
        return self.db.write(lambda conn: conn.execute(query, params).rowcount > 0)


def _check_student(student: Student) -> None:
    if not student.name.strip():
        raise ValueError("A student needs a name.")
    if student.language not in LANGUAGES:
        raise ValueError(f"Language must be one of {LANGUAGES}, got {student.language!r}.")


def _date_text(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _student_from_row(row: sqlite3.Row) -> Student:
    return Student(
        name=row["name"], paths=json.loads(row["paths"]), project_ref=row["project_ref"],
        language=row["language"], defense_date=parse_date(row["defense_date"]),
        archived=bool(row["archived"]), created_at=parse_timestamp(row["created_at"]),
        id=row["id"],
    )  # fmt: skip
