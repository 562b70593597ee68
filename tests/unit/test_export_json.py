"""The JSON export: its envelope, every field from the model, its schema, and a lossless way back
in — for today's version and for files written by version 1."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from soutenance.exports.importing import import_session
from soutenance.exports.reading import read_export
from soutenance.exports.session_json import (
    export_schema_text,
    session_to_json,
    session_to_json_text,
)
from soutenance.session.model import (
    Answer,
    AnswerStatus,
    FollowUpAnswer,
    MockPhase,
    Reason,
    Session,
    SessionKind,
    Stage,
)
from soutenance.store import open_store
from tests.samples import sample_session

EXPORTED_AT = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
DOCS = Path(__file__).parents[2] / "docs"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "exports"


def reviewed_session() -> Session:
    session = sample_session(reviewed=True, objectives=2, kind=SessionKind.LIVE)
    session.answers[1].status = AnswerStatus.SKIPPED
    session.answers[1].reason = Reason.model_validate("Hors sujet")
    session.answers[2].follow_ups.append(
        FollowUpAnswer(text="Ad hoc", notes="multi\nline", ad_hoc=True, time_limit=45)
    )
    session.debrief_strengths, session.debrief_improvements = "Calme", "Chiffres"
    session.feedback = "Retour global"
    session.objectives[1].done = True
    return session


def test_the_envelope_names_format_version_and_export_time() -> None:
    data = session_to_json(sample_session(), exported_at=EXPORTED_AT)
    assert data["format"] == "soutenance-session"
    assert data["version"] == 2
    assert data["exported_at"] == "2026-11-03T09:30:00Z"
    assert data["generator"].startswith("soutenance ")


def test_every_field_of_the_model_is_exported() -> None:
    session = reviewed_session()
    data = session_to_json(session, exported_at=EXPORTED_AT, private=True)["session"]
    assert set(data) == set(Session.model_fields)
    assert set(data["answers"][0]) == set(Answer.model_fields)
    assert set(data["answers"][2]["follow_ups"][-1]) == set(FollowUpAnswer.model_fields)
    assert data["kind"] == "live"
    assert data["answers"][1]["status"] == "skipped"
    assert data["answers"][1]["reason"] == {"code": "legacy", "params": {"text": "Hors sujet"}}
    assert data["answers"][0]["marks"] == session.answers[0].marks.model_dump()
    assert data["objectives"][1] | {"edits": None, "conflicts": None} == {
        "id": session.objectives[1].id, "text": session.objectives[1].text, "done": True,
        "edits": None, "conflicts": None,
    }  # fmt: skip


def test_exports_leave_out_the_mentors_private_notes_and_marks_unless_asked() -> None:
    session = reviewed_session()
    shared = session_to_json(session, exported_at=EXPORTED_AT)
    assert shared["carries"] == ["student_work", "mentor_comments"]
    answers = shared["session"]["answers"]
    assert all(a["mentor_notes"] == "" and a["marks"] == {} for a in answers)
    assert answers[0]["mentor_comment"] == session.answers[0].mentor_comment  # for the student
    assert "Hesitated" not in json.dumps(shared)
    full = session_to_json(session, exported_at=EXPORTED_AT, private=True)
    assert full["carries"] == ["student_work", "mentor_comments", "mentor_private"]
    assert full["session"]["answers"][0]["mentor_notes"] == "Hesitated at the start."


def test_the_published_schema_is_the_one_the_model_generates() -> None:
    published = (DOCS / "session-export.schema.json").read_text(encoding="utf-8")
    assert published == export_schema_text(), (
        "run: python -m soutenance.exports.session_json > docs/session-export.schema.json"
    )


def test_the_export_is_plain_json_text_with_accents_kept() -> None:
    session = sample_session("Chloé")
    text = session_to_json_text(session, exported_at=EXPORTED_AT)
    assert "Chloé" in text
    assert json.loads(text) == session_to_json(session, exported_at=EXPORTED_AT)


def test_export_then_import_gives_back_the_identical_session(tmp_path: Path) -> None:
    session = reviewed_session()
    path = tmp_path / "export.json"
    path.write_text(session_to_json_text(session, private=True), encoding="utf-8")
    store = open_store(tmp_path / "other.sqlite3")
    result = import_session(store, path)
    assert result.created
    assert store.load_session(session.id) == session


def test_a_version_1_export_of_a_mock_defense_still_imports() -> None:
    session = read_export(FIXTURES / "v1-mock.json")
    assert (session.student, session.kind, session.stage) == (
        "Chloé Durand",
        SessionKind.MOCK,
        Stage.ENDED,
    )
    assert session.mock is not None and session.mock.phase is MockPhase.DONE
    assert session.presentation_seconds == 694.0
    statuses = [a.status for a in session.answers]
    assert statuses == [
        AnswerStatus.ANSWERED,
        AnswerStatus.SKIPPED,
        AnswerStatus.ANSWERED,
        AnswerStatus.ANSWERED,
    ]
    assert session.answers[1].reason is not None and session.answers[1].reason.params == {
        "text": "Pas vue en cours"
    }
    assert session.answers[0].marks.given()  # reviewed: the mentor's marks came along
    assert [q.id for q in session.plan] == [a.question_id for a in session.answers]
    assert session.answers[2].follow_ups[-1].notes == "multi\nligne"


def test_a_version_1_unfinished_export_keeps_its_unanswered_question_pending() -> None:
    session = read_export(FIXTURES / "v1-unfinished.json")
    assert session.ended_at is None
    assert [a.status for a in session.answers][-1] is AnswerStatus.PENDING
