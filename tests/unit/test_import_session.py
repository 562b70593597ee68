"""Importing session exports: validation, one transaction, idempotence and the merging rules."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from soutenance.exports.importing import import_session
from soutenance.exports.reading import InvalidExport
from soutenance.exports.session_json import session_to_json
from soutenance.session.model import AnswerStatus, Marks
from soutenance.store import Store, open_store
from tests.samples import sample_session


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "soutenance.sqlite3")


def dump(store: Store) -> list[str]:
    return list(store.db.conn.iterdump())


def test_import_creates_the_session_and_its_student(store: Store) -> None:
    session = sample_session("Zoé", reviewed=True, objectives=2)
    result = import_session(store, session_to_json(session, private=True))
    assert (result.session_id, result.student) == (session.id, "Zoé")
    assert result.created and result.changed and result.student_created
    assert store.load_session(session.id) == session
    zoe = store.roster.get_student("Zoé")
    assert zoe.project_ref == "digital-marketer/seo-audit" and zoe.paths == ["digital-marketer"]


def test_importing_the_same_file_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(session_to_json(sample_session(reviewed=True, objectives=2))))
    import_session(store, path)
    before = dump(store)
    again = import_session(store, path)
    assert not again.created and not again.changed and not again.student_created
    assert dump(store) == before
    assert len(store.list_sessions()) == 1


def test_import_accepts_raw_bytes_and_a_string_path(store: Store, tmp_path: Path) -> None:
    data = json.dumps(session_to_json(sample_session(seed=1))).encode()
    assert import_session(store, data).created
    path = tmp_path / "e.json"
    path.write_bytes(json.dumps(session_to_json(sample_session(seed=2))).encode("utf-8-sig"))
    assert import_session(store, str(path)).created


def test_questions_unknown_to_the_banks_import_fine(store: Store) -> None:
    session = sample_session()
    session.answers[0].question_id = "deleted-from-every-bank"
    import_session(store, session_to_json(session))
    loaded = store.load_session(session.id).answers[0]
    assert loaded.question_text == session.answers[0].question_text


def test_a_reviewed_export_brings_mentor_fields_next_to_the_local_notes(store: Store) -> None:
    local = sample_session("Alice", objectives=2)
    store.save_session(local)
    reviewed = copy.deepcopy(local)
    for answer in reviewed.answers:
        answer.mentor_comment = f"Comment on {answer.question_id}"
        answer.marks = Marks(clarity=3, posture=2)
    reviewed.objectives[0].done = True
    reviewed.feedback = "Global feedback"
    # Meanwhile the student edited notes locally after exporting.
    edited = store.load_session(local.id)
    edited.answers[0].notes = "edited after the export"
    store.write_run(edited, None, answers=edited.answers[:1])

    result = import_session(store, session_to_json(reviewed, private=True))

    assert result.changed and not result.created
    merged = store.load_session(local.id)
    assert merged.answers[0].notes == "edited after the export"
    assert [a.mentor_comment for a in merged.answers] == [
        f"Comment on {a.question_id}" for a in local.answers
    ]
    assert merged.answers[1].marks == Marks(clarity=3, posture=2)
    assert merged.objectives[0].done and not merged.objectives[1].done
    assert merged.feedback == "Global feedback"


def test_empty_mentor_fields_in_an_import_do_not_erase_local_ones(store: Store) -> None:
    local = sample_session(reviewed=True)
    store.save_session(local)
    plain = copy.deepcopy(local)
    for answer in plain.answers:
        answer.mentor_comment, answer.mentor_notes, answer.marks = "", "", Marks()
    result = import_session(store, session_to_json(plain))
    assert not result.changed
    assert store.load_session(local.id) == local


def test_local_answers_keep_the_students_work_and_gaps_are_filled(store: Store) -> None:
    local = sample_session(questions=3)
    local.answers[2].elapsed, local.answers[2].covered, local.answers[2].notes = None, [], ""
    local.answers[2].status = AnswerStatus.PENDING
    store.save_session(local)
    incoming = copy.deepcopy(local)
    incoming.answers[0].notes = "older notes from the export"
    incoming.answers[0].elapsed = 1.0
    incoming.answers[2].elapsed, incoming.answers[2].covered = 77.0, [1]
    incoming.answers[2].status = AnswerStatus.ANSWERED
    incoming.answers[2].notes = "answered on the other machine"
    extra = sample_session(seed=9, questions=1).answers[0].model_copy(update={"position": 3})
    incoming.answers.append(extra)
    import_session(store, session_to_json(incoming))
    merged = store.load_session(local.id)
    assert merged.answers[0] == local.answers[0]
    assert (merged.answers[2].elapsed, merged.answers[2].covered) == (77.0, [1])
    assert merged.answers[2].notes == "answered on the other machine"
    assert merged.answers[3] == extra


def good_export() -> dict:
    return session_to_json(sample_session(reviewed=True))


def break_export(kind: str, tmp_path: Path) -> object:
    text = json.dumps(good_export())
    path = tmp_path / f"{kind}.json"
    if kind == "not_json":
        path.write_text("# Séance du 2 novembre\n\nCe n'est pas du JSON.")
    elif kind == "truncated":
        path.write_text(text[: len(text) // 2])
    elif kind == "truncated_in_a_string":
        path.write_text(text[: text.index("Point 1") + 3])
    elif kind == "empty":
        path.write_text("")
    elif kind == "wrong_format":
        path.write_text(json.dumps({"format": "soutenance-bank", "version": 1}))
    elif kind == "not_an_object":
        path.write_text("[1, 2, 3]")
    elif kind == "unknown_version":
        path.write_text(json.dumps({**good_export(), "version": 3}))
    elif kind == "missing_field":
        data = good_export()
        del data["session"]["answers"][1]["question_text"]
        path.write_text(json.dumps(data))
    elif kind == "bad_field":
        data = good_export()
        data["session"]["answers"][0]["marks"] = {"clarity": 9}
        path.write_text(json.dumps(data))
    elif kind == "missing_file":
        return tmp_path / "nowhere.json"
    return path


@pytest.mark.parametrize(
    ("kind", "reason", "words"),
    [
        ("not_json", "not_json", "not valid JSON"),
        ("truncated", "truncated", "truncated"),
        ("truncated_in_a_string", "truncated", "truncated"),
        ("empty", "not_json", "empty"),
        ("wrong_format", "wrong_format", "not a soutenance session export"),
        ("not_an_object", "wrong_format", "not a soutenance session export"),
        ("unknown_version", "unknown_version", "version 3"),
        ("missing_field", "missing_field", "session.answers[1].question_text"),
        ("bad_field", "bad_field", "session.answers[0].marks"),
        ("missing_file", "unreadable", "Cannot read"),
    ],
)
def test_a_bad_import_says_why_in_one_line_and_changes_nothing(
    store: Store, tmp_path: Path, kind: str, reason: str, words: str
) -> None:
    store.save_session(sample_session("Existing", seed=5))
    before = dump(store)
    with pytest.raises(InvalidExport) as caught:
        import_session(store, break_export(kind, tmp_path))
    assert caught.value.reason == reason
    message = str(caught.value)
    assert words in message and "\n" not in message
    assert dump(store) == before


@pytest.mark.parametrize("reason", ["kp\udfff", {"code": "due", "params": {"days": "\x1b[2J"}}])
def test_a_hostile_reason_for_a_draw_is_refused_before_anything_is_written(
    store: Store, reason: object
) -> None:
    # A lone surrogate in a drawn question's reason once passed validation and broke the write.
    data = good_export()
    data["session"]["plan"][0]["reason"] = reason
    with pytest.raises(InvalidExport) as caught:
        import_session(store, data)
    assert caught.value.reason == "bad_field" and "session.plan[0].reason" in str(caught.value)
    assert store.list_sessions() == []


@pytest.mark.parametrize(
    ("change", "french"),
    [
        ({"elapsed": "long"}, "session.answers[0].elapsed : doit être un nombre."),
        ({"elapsed": -1.0}, "session.answers[0].elapsed : doit valoir au moins 0."),
        ({"status": "zzz"}, "session.answers[0].status : doit être l'une des valeurs 'pending',"),
        (
            {"notes": "a\x01"},
            "session.answers[0].notes : contient le caractère de contrôle U+0001.",
        ),
        ({"notes": "a\udfff"}, "session.answers[0].notes : contient un demi-caractère isolé"),
        ({"id": "a/b"}, "session.answers[0].id : n'est pas un identifiant valide ici."),
        ({"question_text": None}, "session.answers[0].question_text : doit être un texte."),
    ],
)
def test_a_refused_field_is_said_in_the_readers_language(
    store: Store, change: dict, french: str
) -> None:
    data = good_export()
    data["session"]["answers"][0].update(change)
    with pytest.raises(InvalidExport) as caught:
        import_session(store, data)
    assert caught.value.message("fr").startswith(french)
    assert caught.value.message("en") == str(caught.value)
    assert str(caught.value).startswith("session.answers[0].")


@pytest.mark.parametrize(
    "kind",
    ["not_json", "truncated", "empty", "wrong_format", "unknown_version", "missing_field",
     "bad_field", "missing_file"],
)  # fmt: skip
def test_every_refusal_has_its_own_french_words(store: Store, tmp_path: Path, kind: str) -> None:
    with pytest.raises(InvalidExport) as caught:
        import_session(store, break_export(kind, tmp_path))
    french, english = caught.value.message("fr"), caught.value.message("en")
    assert french != english and "import." not in french and "{" not in french
    assert "importé" not in french  # the command and the app say it once, in their own words


def test_nothing_is_half_imported_when_the_database_refuses(store: Store, monkeypatch) -> None:
    import soutenance.exports.importing as importer

    def fail_after_a_while(conn, session):
        conn.execute("INSERT INTO students (id, name, created_at) VALUES ('id', 'Ghost', 'x')")
        raise RuntimeError("disk gone")

    monkeypatch.setattr(importer, "write_session_tree", fail_after_a_while)
    before = dump(store)
    with pytest.raises(RuntimeError):
        import_session(store, good_export())
    assert dump(store) == before
