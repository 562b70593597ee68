"""The mentor's side: students, objectives, and the mentor's comments, notes and marks on answers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

from soutenance.clock import Clock, SystemClock
from soutenance.session.model import Objective, Session, new_id
from soutenance.store.db import Database
from soutenance.store.migrations import name_key
from soutenance.store.rows import OBJECTIVES, parse_date, parse_timestamp, timestamp
from soutenance.text import fold

LANGUAGES = ("fr", "en")
T = TypeVar("T")


class StudentExists(ValueError):
    """The roster has this student already, maybe spelt otherwise ("camille" for "Camille")."""

    def __init__(self, name: str, existing: str | None = None, archived: bool = False) -> None:
        self.name = name
        self.existing = existing or name
        self.archived = archived
        where = "in the roster, archived" if archived else "already in the roster"
        spelt = f" (as {self.existing!r})" if self.existing != name else ""
        super().__init__(f"A student named {name!r} is {where}{spelt}.")


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
    to_review: int = 0
    """Sessions the student did alone, ended, that the mentor has not reviewed yet (no comment,
    no mark, no key point re-ticked, no feedback)."""

    @property
    def defense_date(self) -> date | None:
        return self.student.defense_date


# The student's latest session that has objectives at all: its open ones are the ones to work on.
_LATEST_WITH_OBJECTIVES = """SELECT s.id FROM sessions s WHERE s.student = {name}
    AND EXISTS (SELECT 1 FROM objectives x WHERE x.session_id = s.id)
    ORDER BY s.started_at DESC LIMIT 1"""

# A hand-damaged started_at ("garbage" sorts after every date) must not hide the real last one.
_SUMMARY = f"""SELECT st.*,
    (SELECT max(s.started_at) FROM sessions s WHERE s.student = st.name
        AND s.started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*') AS last_session_at,
    (SELECT count(*) FROM sessions s WHERE s.student = st.name) AS session_count,
    (SELECT count(*) FROM objectives o WHERE o.done = 0 AND o.session_id = (
        {_LATEST_WITH_OBJECTIVES.format(name="st.name")})) AS open_objectives,
    (SELECT count(*) FROM sessions s WHERE s.student = st.name AND s.kind != 'live'
        AND s.ended_at IS NOT NULL AND s.feedback = '' AND NOT EXISTS (
            SELECT 1 FROM answers a WHERE a.session_id = s.id AND (a.mentor_comment != ''
                OR EXISTS (SELECT 1 FROM json_each(a.edits) e
                    WHERE json_extract(e.value, '$.by') = 'mentor')))) AS to_review
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


def find_student_row(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    """The student whose name compares equal to `name` (case and spaces ignored)."""
    return conn.execute(
        "SELECT * FROM students WHERE name_key = ? ORDER BY archived, created_at LIMIT 1",
        (name_key(name),),
    ).fetchone()


def ensure_student(conn: sqlite3.Connection, student: Student, now: datetime | None = None) -> bool:
    """Add the student unless one of that name exists (however spelt); True when added.

    `student.name` becomes the roster's spelling when one exists: sessions are filed under it."""
    _check_student(student)
    student.name = " ".join(student.name.split())
    if (known := find_student_row(conn, student.name)) is not None:
        student.name = known["name"]
        return False
    created = student.created_at or now or datetime.now(UTC)
    conn.execute(
        """INSERT INTO students (id, name, name_key, paths, project_ref, language, defense_date,
            archived, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            student.id, student.name, name_key(student.name), json.dumps(student.paths),
            student.project_ref, student.language, _date_text(student.defense_date),
            int(student.archived), timestamp(created),
        ),
    )  # fmt: skip
    return True


def file_under_roster_name(conn: sqlite3.Connection, session: Session, now: datetime) -> bool:
    """Make sure the session's student is in the roster and the session carries the roster's
    spelling of the name; True when the student was added."""
    student = student_from_session(session)
    added = ensure_student(conn, student, now)
    session.student = student.name
    return added


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
            name=" ".join(name.split()), paths=list(paths or []), project_ref=project_ref,
            language=language, defense_date=defense_date, created_at=self.clock.now(),
        )  # fmt: skip

        def work(conn: sqlite3.Connection) -> None:
            if (known := find_student_row(conn, student.name)) is not None:
                raise StudentExists(student.name, known["name"], bool(known["archived"]))
            ensure_student(conn, student)

        self.db.write(work)
        return student

    def get_student(self, name: str) -> Student | None:
        """The student of that name, however spelt (case and spaces ignored)."""
        row = self.db.read(lambda conn: find_student_row(conn, name))
        return _student_from_row(row) if row else None

    def similar_students(self, name: str) -> list[Student]:
        """Other students whose name differs only by accents (and case): maybe the same person."""
        key, folded = name_key(name), fold(name)
        return [
            s
            for s in self.list_students(include_archived=True)
            if fold(s.name) == folded and name_key(s.name) != key
        ]

    def merge_students(self, source: str, target: str) -> int:
        """File every session of `source` under `target` and take `source` out of the roster;
        the paths of both are kept. Returns the number of sessions moved."""

        def work(conn: sqlite3.Connection) -> int:
            moving, staying = find_student_row(conn, source), find_student_row(conn, target)
            if moving is None or staying is None:
                raise LookupError(f"No student named {(source if moving is None else target)!r}.")
            if moving["id"] == staying["id"]:
                raise ValueError(f"{source!r} and {target!r} are the same student.")
            paths = list(dict.fromkeys(json.loads(staying["paths"]) + json.loads(moving["paths"])))
            moved = conn.execute(
                "UPDATE sessions SET student = ? WHERE student = ?",
                (staying["name"], moving["name"]),
            ).rowcount
            conn.execute(
                "UPDATE students SET paths = ? WHERE id = ?", (json.dumps(paths), staying["id"])
            )
            conn.execute(
                "UPDATE settings SET value = ? WHERE key = 'last_student' AND value = ?",
                (staying["name"], moving["name"]),
            )
            # The target's own project card wins; the facts only the source had go with it.
            conn.execute(
                "UPDATE OR IGNORE project_cards SET student_id = ? WHERE student_id = ?",
                (staying["id"], moving["id"]),
            )
            conn.execute("DELETE FROM students WHERE id = ?", (moving["id"],))
            _refresh_derived(conn)
            return moved

        return self.db.write(work)

    def reassign_session(self, session_id: str, name: str) -> str:
        """File one session under another student (added to the roster if new); the name used."""

        def work(conn: sqlite3.Connection) -> str:
            row = conn.execute(
                "SELECT path_id, project_id, language FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row is None:
                raise LookupError(f"No session with id {session_id}.")
            student = Student(
                name=name, paths=[row["path_id"]], project_ref=f"{row['path_id']}/{row['project_id']}",
                language=row["language"] if row["language"] in LANGUAGES else "fr",
            )  # fmt: skip
            ensure_student(conn, student, self.clock.now())
            conn.execute("UPDATE sessions SET student = ? WHERE id = ?", (student.name, session_id))
            _refresh_derived(conn)
            return student.name

        return self.db.write(work)

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
            student.name = " ".join(student.name.split())
            other = find_student_row(conn, student.name)
            if other is not None and other["id"] != student.id:
                raise StudentExists(student.name, other["name"], bool(other["archived"]))
            try:
                conn.execute(
                    """UPDATE students SET name = ?, name_key = ?, paths = ?, project_ref = ?,
                    language = ?, defense_date = ?, archived = ? WHERE id = ?""",
                    (
                        student.name, name_key(student.name), json.dumps(student.paths),
                        student.project_ref, student.language, _date_text(student.defense_date),
                        int(student.archived), student.id,
                    ),
                )  # fmt: skip
            except sqlite3.IntegrityError as exc:
                raise StudentExists(student.name) from exc
            conn.execute(
                "UPDATE settings SET value = ? WHERE key = 'last_student' AND value = ?",
                (student.name, old["name"]),
            )
            if student.name != old["name"]:
                _refresh_derived(conn)

        self.db.write(work)

    def archive_student(self, name: str, archived: bool = True) -> bool:
        return self._update(
            "UPDATE students SET archived = ? WHERE name_key = ?", (archived, name_key(name))
        )

    def summary(self, *, include_archived: bool = False) -> list[RosterEntry]:
        """Per student: last session, session count, open objectives; one query for all."""
        rows = self.db.read(lambda conn: conn.execute(_SUMMARY, (include_archived,)).fetchall())
        return [
            RosterEntry(
                student=_student_from_row(row),
                last_session_at=_lenient(parse_timestamp, row["last_session_at"]),
                session_count=row["session_count"],
                open_objectives=row["open_objectives"],
                to_review=row["to_review"],
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


def _lenient(parse: Callable[[str | None], T | None], text: object) -> T | None:
    """A date edited by hand into something else reads as unknown: the roster still opens."""
    try:
        return parse(text)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None


def _student_from_row(row: sqlite3.Row) -> Student:
    return Student(
        name=row["name"], paths=json.loads(row["paths"]), project_ref=row["project_ref"],
        language=row["language"], defense_date=_lenient(parse_date, row["defense_date"]),
        archived=bool(row["archived"]), created_at=_lenient(parse_timestamp, row["created_at"]),
        id=row["id"],
    )  # fmt: skip


def _refresh_derived(conn: sqlite3.Connection) -> None:
    """Move the stored memory and summaries with the sessions, in the same transaction."""
    from soutenance.store.derived import refresh_noted  # loads fsrs: only when answers move

    refresh_noted(conn)
