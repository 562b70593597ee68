"""A rehearsal goes to the mentor and back, twice, with edits on both sides in between: every field
ends at its newest version, nothing newer is ever overwritten by an older copy, and a field both
sides changed apart is reported as a conflict with both versions kept."""

from __future__ import annotations

from pathlib import Path

from soutenance.clock import FakeClock
from soutenance.exports.importing import import_session
from soutenance.exports.session_json import session_to_json_text
from soutenance.session.model import Marks
from soutenance.session.run import SessionRun
from soutenance.store import Store, open_store
from soutenance.usecases.review import SessionEdits
from tests.unit.test_run import new_session


def send(
    session_id: str,
    sender: Store,
    receiver: Store,
    tmp_path: Path,
    name: str,
    *,
    private: bool = False,
):
    path = tmp_path / f"{name}.json"
    path.write_text(
        session_to_json_text(sender.load_session(session_id), private=private), encoding="utf-8"
    )
    return import_session(receiver, path)


def test_edits_on_both_sides_end_at_their_newest_versions(tmp_path: Path, clock: FakeClock) -> None:
    student = open_store(tmp_path / "student.sqlite3", clock=clock)
    mentor = open_store(tmp_path / "mentor.sqlite3", clock=clock)

    # The student rehearses two questions alone.
    run = SessionRun.start(new_session(count=2), clock, student)
    session_id = run.session.id
    for notes, ticks in (("Première version", [0]), ("Sur le budget", [1])):
        clock.advance(40)
        run.stop()
        run.rate(3)
        run.tick(ticks)
        run.set_notes(notes)
        run.next()
    run.finish()
    first_id, second_id = (a.id for a in student.load_session(session_id).answers)

    # Sent to the mentor, who comments, re-ticks what they heard, marks, and writes feedback.
    assert send(session_id, student, mentor, tmp_path, "1").created
    clock.advance(3600)
    review = SessionEdits(mentor, session_id, by="mentor", clock=clock)
    review.comment(first_id, "Chiffre le budget.")
    review.heard(first_id, [0, 2])
    review.marks(first_id, Marks(clarity=3))
    review.answer(first_id, "mentor_notes", "Hésite beaucoup.")
    review.feedback("Bonne séance.")

    # Back to the student (without the mentor's private notes and marks).
    result = send(session_id, mentor, student, tmp_path, "2")
    assert {(c.where, c.field) for c in result.report.of("updated")} >= {
        ("question 1", "mentor_comment"), ("question 1", "covered"), ("session", "feedback"),
    }  # fmt: skip
    on_student_side = student.load_session(session_id)
    assert on_student_side.answers[0].covered == [0, 2]
    assert (
        on_student_side.answers[0].mentor_notes == ""
        and not on_student_side.answers[0].marks.given()
    )

    # Meanwhile both go on: the mentor rewrites the comment, the student corrects their notes
    # and, not having seen it, re-ticks the second answer which the mentor re-ticked too.
    clock.advance(600)
    review.comment(first_id, "Chiffre le budget, et cite ta source.")
    review.heard(second_id, [0, 1])
    clock.advance(600)
    mine = SessionEdits(student, session_id, by="student", clock=clock)
    mine.answer(first_id, "notes", "Première version, corrigée")
    clock.advance(60)
    mine.answer(second_id, "covered", [1, 2])

    # The student's new copy goes to the mentor: the corrected notes come in, the newer comment
    # stays, and the second answer's ticks are a conflict: the newest wins, both are kept.
    result = send(session_id, student, mentor, tmp_path, "3")
    updated = {(c.where, c.field) for c in result.report.of("updated")}
    kept = {(c.where, c.field) for c in result.report.of("kept")}
    conflicts = {(c.where, c.field) for c in result.report.of("conflict")}
    assert ("question 1", "notes") in updated
    assert ("question 1", "mentor_comment") in kept
    assert conflicts == {("question 2", "covered")}
    final = mentor.load_session(session_id)
    first, second = final.answers
    assert first.notes == "Première version, corrigée"
    assert first.mentor_comment == "Chiffre le budget, et cite ta source."
    assert first.covered == [0, 2]
    assert (
        first.marks.given() == {"clarity": 3} and first.mentor_notes == "Hésite beaucoup."
    )  # never erased
    assert final.feedback == "Bonne séance."
    assert second.covered == [1, 2]  # the student's change came last
    (conflict,) = second.conflicts
    assert (conflict.field, conflict.value, conflict.by) == ("covered", [0, 1], "mentor")

    # Importing the same file again changes nothing and reports nothing new.
    again = send(session_id, student, mentor, tmp_path, "3")
    assert not again.changed and not again.report.of("updated") and not again.report.of("conflict")
    student.close()
    mentor.close()
