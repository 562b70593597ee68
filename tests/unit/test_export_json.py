"""The JSON export: its envelope, every field, and a lossless way back in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from soutenance.session.model import FollowUpAnswer, SessionKind
from soutenance.store import import_session, open_store, session_to_json, session_to_json_text
from soutenance.store.samples import sample_session

EXPORTED_AT = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)


def reviewed_session():
    session = sample_session(reviewed=True, objectives=2, kind=SessionKind.LIVE)
    session.answers[1].skipped, session.answers[1].elapsed = True, None
    session.answers[1].reason = "Hors sujet"
    session.answers[2].follow_ups.append(
        FollowUpAnswer("Ad hoc", notes="multi\nline", ad_hoc=True, time_limit=45)
    )
    session.debrief_strengths, session.debrief_improvements = "Calme", "Chiffres"
    session.feedback = "Retour global"
    session.objectives[1].done = True
    return session


def test_the_envelope_names_format_version_and_export_time() -> None:
    data = session_to_json(sample_session(), exported_at=EXPORTED_AT)
    assert data["format"] == "soutenance-session"
    assert data["version"] == 1
    assert data["exported_at"] == "2026-11-03T09:30:00+00:00"
    assert data["generator"].startswith("soutenance ")


def test_every_field_is_exported() -> None:
    session = reviewed_session()
    data = session_to_json(session, exported_at=EXPORTED_AT)["session"]
    assert set(data) == {
        "id", "student", "path_id", "project_id", "project_title", "language",
        "evaluator_role", "kind", "started_at", "ended_at", "seed", "presentation_seconds",
        "answers", "objectives", "debrief_strengths", "debrief_improvements", "feedback",
    }  # fmt: skip
    assert data["kind"] == "live"
    assert data["started_at"] == session.started_at.isoformat()
    answer = data["answers"][0]
    assert set(answer) == {
        "id", "position", "question_id", "question_text", "key_points", "time_limit",
        "elapsed", "skipped", "confidence", "covered", "notes", "reason", "follow_ups",
        "mentor_notes", "mentor_comment", "marks", "answered_at",
    }  # fmt: skip
    assert answer["key_points"] == session.answers[0].key_points
    assert answer["notes"] == session.answers[0].notes
    assert answer["mentor_comment"] == session.answers[0].mentor_comment
    assert answer["marks"] == session.answers[0].marks
    assert set(answer["follow_ups"][0]) == {
        "id", "text", "key_points", "time_limit", "elapsed", "covered", "notes", "ad_hoc",
    }  # fmt: skip
    assert data["objectives"][1] == {
        "id": session.objectives[1].id,
        "text": session.objectives[1].text,
        "done": True,
    }


def test_the_export_is_plain_json_text_with_accents_kept() -> None:
    session = sample_session("Chloé")
    text = session_to_json_text(session, exported_at=EXPORTED_AT)
    assert "Chloé" in text
    assert json.loads(text) == session_to_json(session, exported_at=EXPORTED_AT)


def test_export_then_import_gives_back_the_identical_session(tmp_path: Path) -> None:
    session = reviewed_session()
    path = tmp_path / "export.json"
    path.write_text(session_to_json_text(session), encoding="utf-8")
    store = open_store(tmp_path / "other.sqlite3")
    result = import_session(store, path)
    assert result.created and result.changed
    assert store.load_session(session.id) == session
