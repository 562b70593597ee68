"""Rows derived from the answers, kept current: each student's memory of each question
(``memory_state``) and the figures the mentor's views read (``summaries``).

The triggers of migration 3 note in ``derived_dirty`` every change to the answers these rows
depend on, whoever writes (the app, an import, a deletion, a renamed student, a hand edit).
``refresh`` brings the noted rows of a scope up to date: the store calls it in the same
transaction as each save, import and deletion, and readers call ``ensure_current`` first, so a
derived row is never read stale. ``DERIVED_VERSION`` names how the rows are computed: when it
changes (the ratings, the FSRS parameters, a new figure), every row is dropped and noted again,
then rebuilt scope by scope on first use (``rebuild``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from soutenance.banks.model import Question
from soutenance.session.stats import ProjectView
from soutenance.store.answer_facts import Key, apply_changes, rebuild_facts
from soutenance.store.memory_state import StoredMemory, refresh_memory
from soutenance.store.summaries import (
    BULK,
    Change,
    project_view,
    rebuild_students,
    refresh_summaries,
)

DERIVED_VERSION = 1
"""Bump whenever the derived rows would come out different from the same answers."""

_VERSION_KEY = "derived_version"
_TABLES = (
    "question_memory",
    "question_summary",
    "student_summary",
    "derived_scopes",
    "derived_dirty",
)


def _version(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (_VERSION_KEY,)).fetchone()
    return row[0] if row is not None else None


def rebuild(conn: sqlite3.Connection) -> None:
    """Drop every derived row and note every answer's key: each scope is rebuilt on first use."""
    for table in _TABLES:
        conn.execute(f"DELETE FROM {table}")
    conn.execute(
        """INSERT OR IGNORE INTO derived_dirty (path_id, project_id, student, question_id, answer_id)
        SELECT DISTINCT s.path_id, s.project_id, s.student, a.question_id, ''
        FROM answers a JOIN sessions s ON s.id = a.session_id
        WHERE a.status IN ('answered', 'skipped')"""
    )
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value",
        (_VERSION_KEY, str(DERIVED_VERSION)),
    )


def _scope(path_id: str, project_id: str, student: str | None,
           question_ids: Iterable[str] | None) -> tuple[str, tuple]:  # fmt: skip
    clause, params = "path_id = ? AND project_id = ?", (path_id, project_id)
    if student is not None:
        clause += " AND student = ?"
        params += (student,)
    if question_ids is not None:
        clause += " AND question_id IN (SELECT value FROM json_each(?))"
        params += (json.dumps(sorted(set(question_ids))),)
    return clause, params


def is_current(
    conn: sqlite3.Connection, path_id: str, project_id: str, student: str | None = None
) -> bool:
    """Whether the scope's derived rows can be read as they are."""
    if _version(conn) != str(DERIVED_VERSION):
        return False
    clause, params = _scope(path_id, project_id, student, None)
    return (
        conn.execute(f"SELECT 1 FROM derived_dirty WHERE {clause} LIMIT 1", params).fetchone()
        is None
    )


def refresh(
    conn: sqlite3.Connection,
    path_id: str,
    project_id: str,
    student: str | None = None,
    question_ids: Iterable[str] | None = None,
) -> int:
    """Bring the noted rows of a scope (a project, a student's project, some of its questions)
    up to date, in the caller's write transaction. Returns the keys refreshed.

    An answer noted here may also have left another key (a renamed student, a moved session):
    every key its change touched is refreshed with it, whatever the scope."""
    if _version(conn) != str(DERIVED_VERSION):
        rebuild(conn)
    clause, params = _scope(path_id, project_id, student, question_ids)
    rows = {tuple(r) for r in conn.execute(f"SELECT * FROM derived_dirty WHERE {clause}", params)}
    if not rows:
        return 0
    ids = sorted({row[4] for row in rows if row[4]})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        query = f"SELECT * FROM derived_dirty WHERE answer_id IN ({marks})"
        rows.update(tuple(r) for r in conn.execute(query, chunk))
    old, new = apply_changes(conn, ids)
    marked: dict[Key, set[str]] = {}
    for *key, answer_id in rows:
        marked.setdefault(tuple(key), set()).add(answer_id)  # type: ignore[arg-type]
    changes: dict[Key, Change] = {}
    for side, facts in enumerate((old, new)):
        for fact in facts.values():
            changes.setdefault(fact.key, ([], []))[side].append(fact)
            marked.setdefault(fact.key, set()).add(fact.record.answer_id)
    projects: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for key in marked:
        projects.setdefault(key[:2], set()).add(key[2:])
    for (path, project), keys in projects.items():
        full = {k for k in keys if "" in marked[(path, project, *k)]}
        moved = {k: changes.get((path, project, *k), ([], [])) for k in keys if k not in full}
        rebuild_facts(conn, path, project, full)
        marks = {k: marked[(path, project, *k)] for k in keys}
        refresh_memory(conn, path, project, marks, full, moved)
        refresh_summaries(conn, path, project, moved, full)
        if len({qid for _, qid in full}) > BULK:
            rebuild_students(conn, path, project)  # as cheap as the bulk read, and exact
    conn.executemany(
        "DELETE FROM derived_dirty WHERE path_id = ? AND project_id = ? AND student = ? "
        "AND question_id = ? AND answer_id = ?",
        list(rows),
    )
    return len(marked)


def refresh_noted(conn: sqlite3.Connection) -> None:
    """Refresh every noted scope, in the caller's write transaction: after a change that moves
    answers between students (a merge, a reassigned session, a renamed student)."""
    scopes = conn.execute("SELECT DISTINCT path_id, project_id FROM derived_dirty").fetchall()
    for path_id, project_id in scopes:
        refresh(conn, path_id, project_id)


Scope = tuple[str, str, str, list[str]]
"""(path id, project id, student, question ids): what ``refresh`` takes after ``conn``."""


def session_scope(conn: sqlite3.Connection, session_id: str) -> Scope | None:
    """The scope of a stored session's answers: read it before deleting the session, refresh
    it after."""
    row = conn.execute(
        "SELECT student, path_id, project_id FROM sessions WHERE id = ?", (session_id,)
    ).fetchone()
    if row is None:
        return None
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT question_id FROM answers WHERE session_id = ?", (session_id,)
        )
    ]
    return row[1], row[2], row[0], ids


def refresh_answers(
    conn: sqlite3.Connection, session: Any, question_ids: Iterable[str] | None = None
) -> None:
    """Refresh what saving ``session`` (a ``Session``) changed: the keys of ``question_ids``,
    by default of all its answers. The cheap call every save makes."""
    ids = [a.question_id for a in session.answers] if question_ids is None else list(question_ids)
    if ids:
        refresh(conn, session.path_id, session.project_id, session.student, ids)


def ensure_current(db: Any, path_id: str, project_id: str, student: str | None = None) -> None:
    """Refresh the scope first when something in it is noted (``db`` is a ``Database``)."""
    if not db.read(lambda conn: is_current(conn, path_id, project_id, student)):
        db.write_derived(lambda conn: refresh(conn, path_id, project_id, student))


def student_memory(store: Any, student: str, path_id: str, project_id: str) -> StoredMemory:
    """A student's states on a project for the draw, the plan and the picker, current."""
    db = getattr(store, "db", store)
    ensure_current(db, path_id, project_id, student)
    return StoredMemory(db, student, path_id, project_id)


def project_summary(
    store: Any, path_id: str, project_id: str, questions: Sequence[Question] | None, **options: Any
) -> ProjectView:
    """The mentor's view of a project, current; ``options`` (student, limit, order) as for
    ``summaries.project_view``."""
    db = getattr(store, "db", store)
    ensure_current(db, path_id, project_id)
    return db.read(lambda conn: project_view(conn, path_id, project_id, questions, **options))
