"""`soutenance student add|list|edit|archive` and `soutenance import`, through the real click group."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.cli import cli
from soutenance.exports.session_json import session_to_json_text
from soutenance.session.model import Answer, Session
from soutenance.store import open_store
from tests.samples import sample_session


def invoke(*args: str | Path) -> Result:
    args = ("--lang", "en", *args)  # the messages checked below are the English ones
    return CliRunner().invoke(
        cli, [str(a) for a in args], catch_exceptions=False, prog_name="soutenance"
    )


def read(work):
    """What `work(store)` returns, on a store opened for the occasion and closed after."""
    store = open_store(paths.database_path())
    try:
        return work(store)
    finally:
        store.close()


def dump() -> list[str]:
    return read(lambda store: list(store.db.conn.iterdump()))


# --------------------------------------------------------------------------- student


def test_add_then_list_as_text_and_json() -> None:
    result = invoke(
        "student", "add", "Zoé Martin", "--project", "digital-marketer/seo-audit", "--language", "en",
        "--defense-date", "2026-06-30",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "added Zoé Martin\n"
    assert invoke("student", "add", "Sam", "--path", "community-manager").exit_code == 0

    text = invoke("student", "list").stdout.splitlines()
    assert [line.split("  ")[0] for line in text] == ["Sam", "Zoé Martin"]
    assert "digital-marketer/seo-audit" in text[1] and "Jun 30, 2026" in text[1]

    listed = json.loads(invoke("student", "list", "--format", "json").stdout)
    zoe = next(s for s in listed if s["name"] == "Zoé Martin")
    assert zoe == {
        "name": "Zoé Martin", "paths": ["digital-marketer"], "project": "digital-marketer/seo-audit",
        "language": "en", "defense_date": "2026-06-30", "archived": False, "last_session": None,
        "sessions": 0, "open_objectives": 0,
    }  # fmt: skip


def test_add_refuses_a_duplicate_a_bad_date_and_a_bad_project() -> None:
    assert invoke("student", "add", "Sam").exit_code == 0
    duplicate = invoke("student", "add", "Sam")
    assert duplicate.exit_code == 1 and "already in the roster" in duplicate.stderr
    bad_date = invoke("student", "add", "Lou", "--defense-date", "30/06/2026")
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.stderr
    bad_project = invoke("student", "add", "Lou", "--project", "seo audit")
    assert bad_project.exit_code == 2 and "PATH_ID/PROJECT_ID" in bad_project.stderr
    bad_language = invoke("student", "add", "Lou", "--language", "de")
    assert bad_language.exit_code == 2
    assert [s.name for s in read(lambda s: s.roster.list_students())] == ["Sam"]


def test_an_unknown_project_is_kept_with_a_note() -> None:
    result = invoke("student", "add", "Lou", "--project", "some-path/not-yet-written")
    assert result.exit_code == 0
    assert "no project some-path/not-yet-written in the banks yet" in result.stderr
    assert read(lambda s: s.roster.get_student("Lou").paths) == ["some-path"]


def test_edit_changes_only_what_is_given_and_renames() -> None:
    invoke(
        "student",
        "add",
        "Sam",
        "--project",
        "community-manager/brief-creatif",
        "--defense-date",
        "2026-05-01",
    )
    result = invoke("student", "edit", "Sam", "--name", "Sam Leroy", "--language", "en")
    assert result.exit_code == 0, result.output
    sam = read(lambda s: s.roster.get_student("Sam Leroy"))
    assert (sam.language, sam.project_ref, sam.defense_date) == (
        "en",
        "community-manager/brief-creatif",
        date(2026, 5, 1),
    )
    assert invoke("student", "edit", "Sam Leroy", "--defense-date", "none").exit_code == 0
    assert read(lambda s: s.roster.get_student("Sam Leroy").defense_date) is None
    unknown = invoke("student", "edit", "Nobody", "--language", "fr")
    assert unknown.exit_code == 1 and "no student named 'Nobody'" in unknown.stderr


def test_archive_hides_from_the_list_and_undo_brings_back() -> None:
    invoke("student", "add", "Sam")
    invoke("student", "add", "Lou")
    assert invoke("student", "archive", "Sam").stdout == "archived Sam\n"
    assert [
        s["name"] for s in json.loads(invoke("student", "list", "--format", "json").stdout)
    ] == ["Lou"]
    everyone = invoke("student", "list", "--all").stdout
    assert "Sam" in everyone and "(archived)" in everyone
    assert invoke("student", "archive", "Sam", "--undo").stdout == "restored Sam\n"
    assert len(json.loads(invoke("student", "list", "--format", "json").stdout)) == 2
    missing = invoke("student", "archive", "Nobody")
    assert missing.exit_code == 1


# --------------------------------------------------------------------------- import


def export_file(tmp_path: Path, session: Session, name: str = "s.json") -> Path:
    path = tmp_path / name
    path.write_text(session_to_json_text(session), encoding="utf-8")
    return path


def test_import_prints_what_came_in_and_twice_changes_nothing(tmp_path: Path) -> None:
    session = sample_session("Zoé", questions=3)
    path = export_file(tmp_path, session)
    first = invoke("import", path)
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0].startswith(f"{path}: imported: rehearsal of Zoé, Audit a website's SEO")
    assert "3/3 answered" in lines[0]
    assert "new student in the roster: Zoé" in lines[1]
    before = dump()
    second = invoke("import", path)
    assert second.exit_code == 0
    assert "already imported, nothing changed" in second.stdout
    assert dump() == before


def test_import_of_a_reviewed_file_merges_the_comments(tmp_path: Path) -> None:
    session = sample_session("Zoé", questions=2)
    invoke("import", export_file(tmp_path, session, "mine.json"))
    reviewed = copy.deepcopy(session)
    for number, answer in enumerate(reviewed.answers, start=1):
        answer.mentor_comment = f"Comment {number}"
    reviewed.answers[0].notes = "changed by someone else"  # the student's own notes stay theirs
    result = invoke("import", export_file(tmp_path, reviewed, "reviewed.json"))
    assert "merged into the session already here" in result.stdout
    back = read(lambda s: s.load_session(session.id))
    assert back.answers[0].notes == session.answers[0].notes
    assert back.answers[0].mentor_comment == reviewed.answers[0].mentor_comment
    assert len(read(lambda s: s.list_sessions())) == 1
    exported = json.loads(invoke("export", session.id, "--format", "json").stdout)["session"]
    assert [a["mentor_comment"] for a in exported["answers"]] == [
        a.mentor_comment for a in reviewed.answers
    ]
    assert [a["notes"] for a in exported["answers"]] == [a.notes for a in session.answers]


def test_import_keeps_questions_missing_from_the_banks(tmp_path: Path) -> None:
    session = Session(
        student="Lou", path_id="community-manager", project_id="brief-creatif", project_title="Brief",
        language="fr", evaluator_role="x", started_at=sample_session().started_at,
        answers=[Answer(question_id="gone-for-good", question_text="Une question disparue ?", key_points=["A"], time_limit=60, elapsed=30, status="answered")],
    )  # fmt: skip
    result = invoke("import", export_file(tmp_path, session))
    assert result.exit_code == 0
    assert (
        "1 question(s) no longer in your banks: kept with the text stored in the export"
        in result.stdout
    )
    assert (
        read(lambda s: s.load_session(session.id).answers[0].question_text)
        == "Une question disparue ?"
    )


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = json.loads(session_to_json_text(sample_session("Zoé")))
    future = dict(good, version=3)
    damaged = json.loads(json.dumps(good))
    damaged["session"]["answers"][2]["confidence"] = "high"
    files = {
        "not an export": ({"hello": "world"}, "not a soutenance session export"),
        "unknown version": (future, "format version 3"),
        "damaged": (damaged, "session.answers[2].confidence: should be a whole number"),
    }
    made = {}
    for name, (data, message) in files.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        made[name] = (path, message)
    text = json.dumps(good)
    (tmp_path / "cut.json").write_text(text[:200], encoding="utf-8")
    made["truncated"] = (tmp_path / "cut.json", "truncated")
    (tmp_path / "img.json").write_bytes(b"\xff\xd8\xff\xe0 not json")
    made["not json"] = (tmp_path / "img.json", "not JSON text")
    made["missing"] = (tmp_path / "absent.json", "Cannot read")
    made["folder"] = (tmp_path, "is not a regular file")
    return made


@pytest.mark.parametrize(
    "case",
    ["not an export", "unknown version", "damaged", "truncated", "not json", "missing", "folder"],
)
def test_each_bad_import_is_one_clear_line_exit_1_and_nothing_imported(
    tmp_path: Path, case: str
) -> None:
    path, message = _bad_files(tmp_path)[case]
    before = dump()
    result = invoke("import", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    error_lines = result.stderr.splitlines()
    assert len(error_lines) == 1
    assert error_lines[0].startswith(f"soutenance import: {path}: ")
    assert message in error_lines[0] and error_lines[0].endswith("Nothing was imported.")
    assert dump() == before
    assert (
        read(lambda s: s.list_sessions()) == []
        and read(lambda s: s.roster.list_students(include_archived=True)) == []
    )


def test_a_bad_file_among_good_ones_fails_alone(tmp_path: Path) -> None:
    good = export_file(tmp_path, sample_session("Zoé"))
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    result = invoke("import", good, bad)
    assert result.exit_code == 1
    assert "imported" in result.stdout and "bad.json" in result.stderr
    assert len(read(lambda s: s.list_sessions())) == 1


def test_export_leaves_the_mentors_private_notes_out_unless_asked() -> None:
    session = sample_session("Ana", reviewed=True)
    with open_store(paths.database_path()) as store:
        store.save_session(session)

    shared = json.loads(invoke("export", session.id, "--format", "json").stdout)
    assert shared["carries"] == ["student_work", "mentor_comments"]
    assert {a["mentor_notes"] for a in shared["session"]["answers"]} == {""}
    assert all(a["mentor_comment"] for a in shared["session"]["answers"])
    markdown = invoke("export", session.id).stdout
    assert "Hesitated at the start." not in markdown

    kept = json.loads(invoke("export", session.id, "--format", "json", "--with-private").stdout)
    assert kept["carries"] == ["student_work", "mentor_comments", "mentor_private"]
    assert {a["mentor_notes"] for a in kept["session"]["answers"]} == {"Hesitated at the start."}
    assert "Hesitated at the start." in invoke("export", session.id, "--with-private").stdout
