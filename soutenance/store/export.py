"""Exports of one session: JSON to send back and forth (docs/export-format.md), Markdown to read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from soutenance import __version__
from soutenance.session.model import Answer, FollowUpAnswer, Session
from soutenance.store.feedback import feedback_markdown
from soutenance.store.markdown import session_to_markdown

EXPORT_FORMAT = "soutenance-session"
EXPORT_VERSION = 1


def session_to_json(session: Session, *, exported_at: datetime | None = None) -> dict[str, Any]:
    """The session as a JSON-ready dict: the envelope, then every field of the session."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": (exported_at or datetime.now(UTC)).isoformat(),
        "generator": f"soutenance {__version__}",
        "session": {
            "id": session.id,
            "student": session.student,
            "path_id": session.path_id,
            "project_id": session.project_id,
            "project_title": session.project_title,
            "language": session.language,
            "evaluator_role": session.evaluator_role,
            "kind": str(session.kind),
            "started_at": _moment(session.started_at),
            "ended_at": _moment(session.ended_at),
            "seed": session.seed,
            "presentation_seconds": session.presentation_seconds,
            "answers": [_answer(a) for a in session.answers],
            "objectives": [
                {"id": o.id, "text": o.text, "done": o.done} for o in session.objectives
            ],
            "debrief_strengths": session.debrief_strengths,
            "debrief_improvements": session.debrief_improvements,
            "feedback": session.feedback,
        },
    }


def session_to_json_text(session: Session, *, exported_at: datetime | None = None) -> str:
    """The JSON export as text, indented and readable (accents kept as they are)."""
    data = session_to_json(session, exported_at=exported_at)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _answer(answer: Answer) -> dict[str, Any]:
    return {
        "id": answer.id,
        "position": answer.position,
        "question_id": answer.question_id,
        "question_text": answer.question_text,
        "key_points": list(answer.key_points),
        "time_limit": answer.time_limit,
        "elapsed": answer.elapsed,
        "skipped": answer.skipped,
        "confidence": answer.confidence,
        "covered": list(answer.covered),
        "notes": answer.notes,
        "reason": answer.reason,
        "follow_ups": [_follow_up(f) for f in answer.follow_ups],
        "mentor_notes": answer.mentor_notes,
        "mentor_comment": answer.mentor_comment,
        "marks": dict(answer.marks),
        "answered_at": _moment(answer.answered_at),
    }


def _follow_up(follow_up: FollowUpAnswer) -> dict[str, Any]:
    return {
        "id": follow_up.id,
        "text": follow_up.text,
        "key_points": list(follow_up.key_points),
        "time_limit": follow_up.time_limit,
        "elapsed": follow_up.elapsed,
        "covered": list(follow_up.covered),
        "notes": follow_up.notes,
        "ad_hoc": follow_up.ad_hoc,
    }


def _moment(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "feedback_markdown",
    "session_to_json",
    "session_to_json_text",
    "session_to_markdown",
]
