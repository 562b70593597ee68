"""Importing a JSON session export: validated whole, checked against what the store holds,
merged with the local copy, and written in one transaction.

Ids belong to their session: an import never writes a row whose id is another session's (or
another answer's) and never merges into a session of another student; each refusal names the id.

Merging, when the session is already here: soutenance.exports.merging.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from soutenance.exports.merging import MergeReport, merge_sessions
from soutenance.exports.reading import (
    DEFAULT_MAX_BYTES,
    ExportSource,
    InvalidExport,
    read_export_parts,
)
from soutenance.session.model import Session
from soutenance.store.migrations import name_key
from soutenance.store.roster import file_under_roster_name
from soutenance.store.rows import read_session, write_session_tree


@dataclass(frozen=True)
class ImportResult:
    session_id: str
    student: str
    created: bool
    """True when the session was new here; False when it merged into the local copy."""
    changed: bool
    """False when the import brought nothing new (e.g. the same file imported twice)."""
    student_created: bool
    report: MergeReport = field(default_factory=MergeReport)
    """Field by field: what the import updated, what it kept because ours is newer, conflicts."""


def import_session(
    store: Any,
    source: ExportSource,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    student: str | None = None,
) -> ImportResult:
    """Import one session export; raises InvalidExport (leaving the store untouched) if bad.

    `student` files the session under that name instead of the file's (the mentor's `--as`)."""
    incoming, carries = read_export_parts(source, max_bytes=max_bytes)
    if student is not None:
        incoming.student = student
    report = MergeReport()

    def work(conn: sqlite3.Connection) -> ImportResult:
        local = read_session(conn, incoming.id)
        if local is not None and name_key(local.student) != name_key(incoming.student):
            raise InvalidExport(
                "foreign_session",
                "foreign_session",
                id=incoming.id,
                owner=local.student,
                student=incoming.student,
            )
        _check_ownership(conn, incoming)
        private = "mentor_private" in carries
        if local is None:
            merged = incoming
        else:
            merged = merge_sessions(local, incoming, private=private, report=report)
        student_created = file_under_roster_name(conn, merged, store.clock.now())
        changed = merged != local
        if changed:
            write_session_tree(conn, merged)
            from soutenance.store.derived import refresh_answers  # loads fsrs: only when needed

            refresh_answers(conn, merged)
        return ImportResult(
            merged.id, merged.student, local is None, changed, student_created, report
        )

    return store.db.write(work)


def _owners(conn: sqlite3.Connection, query: str, ids: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in conn.execute(query.format(marks=marks), chunk):
            found[row[0]] = tuple(row[1:])
    return found


def _check_ownership(conn: sqlite3.Connection, session: Session) -> None:
    """Refuse an id that names a row of another session (or of another answer)."""

    def refuse(kind: str, item_id: str, where: str) -> None:
        raise InvalidExport("foreign_id", f"foreign_{kind}", path=where, id=item_id)

    answers = _owners(
        conn,
        "SELECT id, session_id FROM answers WHERE id IN ({marks})",
        [a.id for a in session.answers],
    )
    for i, answer in enumerate(session.answers):
        if answer.id in answers and answers[answer.id] != (session.id,):
            refuse("answer", answer.id, f"session.answers[{i}].id")
    follow_ups = _owners(
        conn,
        "SELECT f.id, a.session_id, f.answer_id FROM follow_ups f JOIN answers a ON a.id = f.answer_id "
        "WHERE f.id IN ({marks})",
        [f.id for a in session.answers for f in a.follow_ups],
    )
    for i, answer in enumerate(session.answers):
        for j, follow_up in enumerate(answer.follow_ups):
            if follow_up.id in follow_ups and follow_ups[follow_up.id] != (session.id, answer.id):
                refuse("follow_up", follow_up.id, f"session.answers[{i}].follow_ups[{j}].id")
    objectives = _owners(
        conn,
        "SELECT id, session_id FROM objectives WHERE id IN ({marks})",
        [o.id for o in session.objectives],
    )
    for i, objective in enumerate(session.objectives):
        if objective.id in objectives and objectives[objective.id] != (session.id,):
            refuse("objective", objective.id, f"session.objectives[{i}].id")
