"""Importing a JSON session export: validated, merged with the local copy, in one transaction.

Merging, when the session is already here (same id):
- the student's own work stays local: notes, times, covered key points, confidence, debrief.
  The import only fills what is empty locally (an unanswered question, empty notes).
- the mentor's fields come from the import when it has them: comments, mentor notes, marks
  (per scale), feedback, objectives' texts; an objective done on either side stays done.
- answers, follow-ups and objectives that only one side has are kept; nothing is deleted.
Importing the same file twice therefore changes nothing the second time.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from soutenance.session.model import Answer, FollowUpAnswer, Objective, Session
from soutenance.store.roster import ensure_student, student_from_session
from soutenance.store.session_rows import read_session, write_session_tree
from soutenance.store.sessions import Store
from soutenance.store.validation import InvalidExport, parse_json, session_from_export

ExportSource = Mapping[str, Any] | bytes | str | os.PathLike[str]


@dataclass(frozen=True)
class ImportResult:
    session_id: str
    student: str
    created: bool
    """True when the session was new here; False when it merged into the local copy."""
    changed: bool
    """False when the import brought nothing new (e.g. the same file imported twice)."""
    student_created: bool


def read_export(source: ExportSource) -> Session:
    """The session in an export given as parsed JSON, raw bytes, or a file path."""
    if isinstance(source, Mapping):
        return session_from_export(source)
    if isinstance(source, bytes):
        return session_from_export(parse_json(source))
    path = Path(source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidExport("unreadable", f"Cannot read {path}: {exc.strerror or exc}.") from exc
    return session_from_export(parse_json(raw))


def import_session(store: Store, source: ExportSource) -> ImportResult:
    """Import one session export; raises InvalidExport (leaving the store untouched) if bad."""
    incoming = read_export(source)

    def work(conn: sqlite3.Connection) -> ImportResult:
        local = read_session(conn, incoming.id)
        merged = incoming if local is None else merge_sessions(local, incoming)
        student_created = ensure_student(conn, student_from_session(merged), store.clock.now())
        changed = merged != local
        if changed:
            write_session_tree(conn, merged)
        return ImportResult(merged.id, merged.student, local is None, changed, student_created)

    return store.db.write(work)


def merge_sessions(local: Session, incoming: Session) -> Session:
    """The local session updated with what the import adds (rules in the module docstring)."""
    return replace(
        local,
        ended_at=local.ended_at or incoming.ended_at,
        presentation_seconds=_first_set(local.presentation_seconds, incoming.presentation_seconds),
        debrief_strengths=local.debrief_strengths or incoming.debrief_strengths,
        debrief_improvements=local.debrief_improvements or incoming.debrief_improvements,
        feedback=incoming.feedback or local.feedback,
        answers=_merge_by_id(local.answers, incoming.answers, _merge_answer),
        objectives=_merge_by_id(local.objectives, incoming.objectives, _merge_objective),
    )


def _merge_answer(local: Answer, incoming: Answer) -> Answer:
    own = incoming if _unanswered(local) and not _unanswered(incoming) else local
    return replace(
        local,
        elapsed=own.elapsed,
        skipped=own.skipped,
        confidence=own.confidence,
        covered=list(own.covered),
        reason=own.reason,
        answered_at=own.answered_at,
        notes=local.notes or incoming.notes,
        follow_ups=_merge_by_id(local.follow_ups, incoming.follow_ups, _merge_follow_up),
        mentor_notes=incoming.mentor_notes or local.mentor_notes,
        mentor_comment=incoming.mentor_comment or local.mentor_comment,
        marks={**local.marks, **incoming.marks},
    )


def _merge_follow_up(local: FollowUpAnswer, incoming: FollowUpAnswer) -> FollowUpAnswer:
    own = incoming if local.elapsed is None else local
    return replace(
        local,
        elapsed=own.elapsed,
        covered=list(own.covered),
        notes=local.notes or incoming.notes,
    )


def _merge_objective(local: Objective, incoming: Objective) -> Objective:
    return replace(local, text=incoming.text or local.text, done=local.done or incoming.done)


def _merge_by_id(local: list, incoming: list, merge) -> list:
    """Local items in their order, each merged with its incoming twin, then incoming-only ones."""
    theirs = {item.id: item for item in incoming}
    ours = {item.id for item in local}
    merged = [merge(item, theirs[item.id]) if item.id in theirs else item for item in local]
    return merged + [item for item in incoming if item.id not in ours]


def _unanswered(answer: Answer) -> bool:
    return answer.elapsed is None and not answer.skipped


def _first_set(first: float | None, second: float | None) -> float | None:
    return first if first is not None else second
