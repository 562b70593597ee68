"""`soutenance import` says what each file's merge did — the session added, each field updated or
kept because ours is newer, every conflict with both texts — and `--as NAME` files the sessions
under a student of the roster. Files go between two real stores, the student's and the mentor's
(the command's own, in $SOUTENANCE_HOME)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.cli import cli
from soutenance.clock import FakeClock
from soutenance.exports.session_json import session_to_json_text
from soutenance.store import Store, open_store
from soutenance.usecases.review import SessionEdits
from tests.samples import sample_session


def invoke(*args: str | Path, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, ["--lang", lang, *map(str, args)], catch_exceptions=False)


class TwoSides:
    """The student's store and the mentor's (the one the command imports into), on one clock."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.clock = FakeClock()
        self.student = open_store(tmp_path / "student.sqlite3", clock=self.clock)
        session = sample_session("Zoé", questions=2)
        self.student.save_session(session)
        self.id = session.id
        self.first, self.second = (a.id for a in session.answers)
        self.sent = 0

    def send(self, *options: str, lang: str = "en") -> Result:
        """The student's current copy, exported and imported by the mentor."""
        self.sent += 1
        path = self.tmp_path / f"export-{self.sent}.json"
        text = session_to_json_text(self.student.load_session(self.id))
        path.write_text(text, encoding="utf-8")
        return invoke("import", path, *options, lang=lang)

    def edit(self, side: str, answer_id: str, field: str, value) -> None:
        self.clock.advance(600)
        if side == "student":
            SessionEdits(self.student, self.id, by="student", clock=self.clock).answer(
                answer_id, field, value
            )
            return
        mentor = self.mentor_store()
        try:
            SessionEdits(mentor, self.id, by="mentor", clock=self.clock).answer(
                answer_id, field, value
            )
        finally:
            mentor.close()

    def mentor_store(self) -> Store:
        return open_store(paths.database_path(), clock=self.clock)

    def close(self) -> None:
        self.student.close()


@pytest.fixture
def sides(tmp_path: Path):
    both = TwoSides(tmp_path)
    yield both
    both.close()


def report(result: Result) -> list[str]:
    """The lines of the merge, without the note on questions gone from the bundled banks (the
    sample's project has some)."""
    return [line for line in result.stdout.splitlines() if "no longer in your banks" not in line]


def dump() -> list[str]:
    store = open_store(paths.database_path(), mode="read")
    try:
        return list(store.db.conn.iterdump())
    finally:
        store.close()


def test_a_new_file_is_added_and_the_same_file_again_changes_nothing(sides: TwoSides) -> None:
    first = sides.send()
    assert first.exit_code == 0, first.output
    head, new_student = report(first)
    assert head.startswith(f"{sides.tmp_path / 'export-1.json'}: imported: rehearsal of Zoé, ")
    assert head.endswith(f"2/2 answered, session {sides.id[:12]})")
    assert new_student == "  new student in the roster: Zoé"
    before = dump()
    again = sides.send()
    assert again.exit_code == 0
    (line,) = report(again)
    assert ": already imported, nothing changed: rehearsal of Zoé" in line
    assert dump() == before


def test_edited_student_notes_are_reported_as_updated_and_the_newer_comment_as_kept(
    sides: TwoSides,
) -> None:
    sides.send()
    sides.edit("mentor", sides.first, "mentor_comment", "Chiffre le budget.")
    sides.edit("student", sides.first, "notes", "Notes corrigées après la séance")
    result = sides.send()
    assert result.exit_code == 0, result.output
    head, *details = report(result)
    assert ": merged into the session already here: rehearsal of Zoé" in head
    question = sides.student.load_session(sides.id).answers[0].question_text
    assert details == [
        f"  updated: notes of question 1 “{question}”, by the student (Nov 2, 2026, 6:20 PM)",
        f"  kept, newer here: comment of question 1 “{question}”, by the mentor (Nov 2, 2026, 6:10 PM)",
    ]
    mentor = sides.mentor_store()
    try:
        answer = mentor.load_session(sides.id).answers[0]
    finally:
        mentor.close()
    assert answer.notes == "Notes corrigées après la séance"
    assert answer.mentor_comment == "Chiffre le budget."


def test_a_conflict_shows_both_texts_on_one_line_each_escaped(sides: TwoSides) -> None:
    sides.send()
    sides.edit("mentor", sides.second, "notes", "Le mentor a noté\nsur deux lignes")
    sides.edit("student", sides.second, "notes", "Ma version\tavec une tabulation")
    result = sides.send()
    assert result.exit_code == 0, result.output
    (conflict,) = [line for line in report(result) if line.startswith("  conflict: ")]
    assert conflict.startswith("  conflict: notes of question 2 “")
    assert (
        "kept “Ma version\\tavec une tabulation” by the student (Nov 2, 2026, 6:20 PM)" in conflict
    )
    assert (
        "the other version “Le mentor a noté\\nsur deux lignes” by the mentor (Nov 2, 2026, 6:10 PM)"
        " stays in the review" in conflict
    )
    assert "\t" not in result.stdout


def test_a_conflict_on_key_points_reads_as_their_numbers(sides: TwoSides) -> None:
    sides.send()
    sides.edit("mentor", sides.first, "covered", [0, 2])
    sides.edit("student", sides.first, "covered", [1])
    (conflict,) = [line for line in report(sides.send()) if line.startswith("  conflict: ")]
    assert "kept key points 2 by the student" in conflict
    assert "the other version key points 1, 3 by the mentor" in conflict


def test_as_files_the_sessions_under_a_roster_student(sides: TwoSides) -> None:
    assert invoke("student", "add", "Zoé Martin").exit_code == 0
    result = sides.send("--as", "zoé  MARTIN")
    assert result.exit_code == 0, result.output
    (head,) = report(result)  # no new student in the roster
    assert ": imported: rehearsal of Zoé Martin, " in head
    mentor = sides.mentor_store()
    try:
        assert mentor.load_session(sides.id).student == "Zoé Martin"
        assert [s.name for s in mentor.roster.list_students(include_archived=True)] == [
            "Zoé Martin"
        ]
    finally:
        mentor.close()
    # Later copies from the student still carry their own spelling: --as again merges them.
    sides.edit("student", sides.first, "notes", "Deuxième envoi")
    again = sides.send("--as", "Zoé Martin")
    assert again.exit_code == 0 and "updated: notes of question 1" in again.stdout
    # Without --as, the file's name is not the roster's: refused, with the way out.
    without = sides.send()
    assert without.exit_code == 1
    (line,) = without.stderr.splitlines()
    assert "belongs to Zoé Martin, not to Zoé" in line and "--as NAME." in line


def test_as_an_unknown_name_is_one_line_and_imports_nothing(sides: TwoSides) -> None:
    assert invoke("student", "add", "Camille").exit_code == 0
    before = dump()
    result = sides.send("--as", "Zoe Martin")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: no student named 'Zoe Martin' in the roster (see `soutenance student list --all`)"
    ]
    assert dump() == before
