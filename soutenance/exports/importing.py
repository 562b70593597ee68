"""Importing a JSON session export: validated whole, checked against what the store holds,
merged with the local copy, and written in one transaction.

Ids belong to their session: an import never writes a row whose id is another session's (or
another answer's) and never merges into a session of another student; each refusal names the id.

Merging, when the session is already here (same id):
- the student's own work stays local: notes, times, covered key points, confidence, debrief.
  The import only fills what is empty locally (an unanswered question, empty notes).
- the mentor's fields come from the import when it has them: comments, mentor notes, marks
  (per scale), feedback, objectives' texts; an objective done on either side stays done.
- answers, follow-ups and objectives that only one side has are kept; nothing is deleted.
Importing the same file twice therefore changes nothing the second time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from soutenance.exports.reading import DEFAULT_MAX_BYTES, ExportSource, InvalidExport, read_export
from soutenance.session.model import Answer, AnswerStatus, FollowUpAnswer, Marks, Objective, Session
from soutenance.store.roster import ensure_student, student_from_session
from soutenance.store.rows import read_session, write_session_tree
from soutenance.text import fold


@dataclass(frozen=True)
class ImportResult:
    session_id: str
    student: str
    created: bool
    """True when the session was new here; False when it merged into the local copy."""
    changed: bool
    """False when the import brought nothing new (e.g. the same file imported twice)."""
    student_created: bool


def import_session(store: Any, source: ExportSource, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ImportResult:
    """Import one session export; raises InvalidExport (leaving the store untouched) if bad."""
    incoming = read_export(source, max_bytes=max_bytes)

    def work(conn: sqlite3.Connection) -> ImportResult:
        local = read_session(conn, incoming.id)
        if local is not None and fold(local.student) != fold(incoming.student):
            raise InvalidExport(
                "foreign_session",
                f"session.id: the session {incoming.id} here belongs to {local.student}, "
                f"not to {incoming.student}; nothing was imported.",
            )
        _check_ownership(conn, incoming)
        merged = incoming if local is None else merge_sessions(local, incoming)
        student_created = ensure_student(conn, student_from_session(merged), store.clock.now())
        changed = merged != local
        if changed:
            write_session_tree(conn, merged)
            from soutenance.store.derived import refresh_answers  # loads fsrs: only when needed

            refresh_answers(conn, merged)
        return ImportResult(merged.id, merged.student, local is None, changed, student_created)

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
        raise InvalidExport(
            "foreign_id",
            f"{where}: the {kind} id {item_id} belongs to another session here; nothing was imported.",
        )

    answers = _owners(
        conn, "SELECT id, session_id FROM answers WHERE id IN ({marks})", [a.id for a in session.answers]
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
                refuse("follow-up", follow_up.id, f"session.answers[{i}].follow_ups[{j}].id")
    objectives = _owners(
        conn,
        "SELECT id, session_id FROM objectives WHERE id IN ({marks})",
        [o.id for o in session.objectives],
    )
    for i, objective in enumerate(session.objectives):
        if objective.id in objectives and objectives[objective.id] != (session.id,):
            refuse("objective", objective.id, f"session.objectives[{i}].id")


def merge_sessions(local: Session, incoming: Session) -> Session:
    """The local session updated with what the import adds (rules in the module docstring)."""
    merged = local.model_copy(deep=True)
    merged.ended_at = local.ended_at or incoming.ended_at
    if local.ended_at is None and incoming.ended_at is not None:
        merged.stage = incoming.stage
    if local.mock is None:
        merged.mock = incoming.mock
    merged.debrief_strengths = local.debrief_strengths or incoming.debrief_strengths
    merged.debrief_improvements = local.debrief_improvements or incoming.debrief_improvements
    merged.feedback = incoming.feedback or local.feedback
    merged.answers = _merge_by_id(local.answers, incoming.answers, _merge_answer)
    merged.objectives = _merge_by_id(local.objectives, incoming.objectives, _merge_objective)
    if len(incoming.plan) > len(local.plan):
        merged.plan = incoming.plan
    return merged


def _merge_answer(local: Answer, incoming: Answer) -> Answer:
    own = incoming if _unanswered(local) and not _unanswered(incoming) else local
    merged = local.model_copy(deep=True)
    for name in ("status", "elapsed", "confidence", "covered", "reason", "answered_at", "added_seconds"):
        setattr(merged, name, getattr(own, name))
    merged.notes = local.notes or incoming.notes
    merged.follow_ups = _merge_by_id(local.follow_ups, incoming.follow_ups, _merge_follow_up)
    merged.mentor_notes = incoming.mentor_notes or local.mentor_notes
    merged.mentor_comment = incoming.mentor_comment or local.mentor_comment
    merged.marks = Marks.model_validate({**local.marks.given(), **incoming.marks.given()})
    return merged


def _merge_follow_up(local: FollowUpAnswer, incoming: FollowUpAnswer) -> FollowUpAnswer:
    own = incoming if local.elapsed is None else local
    merged = local.model_copy(deep=True)
    merged.elapsed, merged.covered = own.elapsed, list(own.covered)
    merged.notes = local.notes or incoming.notes
    return merged


def _merge_objective(local: Objective, incoming: Objective) -> Objective:
    return local.model_copy(update={"text": incoming.text or local.text, "done": local.done or incoming.done})


def _merge_by_id(local: list, incoming: Iterable, merge: Any) -> list:
    """Local items in their order, each merged with its incoming twin, then incoming-only ones."""
    theirs = {item.id: item for item in incoming}
    ours = {item.id for item in local}
    merged = [merge(item, theirs[item.id]) if item.id in theirs else item for item in local]
    return merged + [item for item in theirs.values() if item.id not in ours]


def _unanswered(answer: Answer) -> bool:
    return answer.status in (AnswerStatus.PENDING, AnswerStatus.NOT_REACHED)
