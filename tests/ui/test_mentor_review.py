"""Review of a rehearsal done alone: import from the UI, comments, exports, and the way back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from soutenance.clock import FakeClock
from soutenance.exports.session_json import session_to_json_text
from soutenance.session.model import Answer, FollowUpAnswer, Session
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.screens.mentor_import import ImportModal
from soutenance.ui.screens.review import ReviewScreen
from soutenance.ui.screens.roster import RosterScreen
from tests.ui.test_mentor_live import SIZE, bank_dir, on_screen, screen_text
from tests.ui.waiting import settled


def rehearsal() -> Session:
    """What a student rehearsed alone: one question of the bank, one since deleted from it."""
    return Session(
        student="Camille", path_id="community-manager", project_id="essai", project_title="Projet d'essai",
        language="fr", evaluator_role="La directrice marketing",
        started_at=datetime(2026, 10, 30, 20, 0, tzinfo=UTC), ended_at=datetime(2026, 10, 30, 20, 30, tzinfo=UTC),
        answers=[
            Answer(
                question_id="q1", question_text="Pourquoi ce canal ?", key_points=["Cible précise", "Budget", "Calendrier"], time_limit=60,
                elapsed=75, confidence=4, covered=[0, 1], notes="J'ai parlé de la [bold]cible[/bold].",
                follow_ups=[FollowUpAnswer(text="Et si le budget baisse ?", key_points=["Priorités"], elapsed=20, covered=[0])],
                id="a1",
            ),
            Answer(
                question_id="retired-question", question_text="Une question retirée des banques ?", key_points=["Point A", "Point B"], time_limit=90,
                position=1, elapsed=50, confidence=2, covered=[1], notes="Pas sûr.", id="a2",
            ),
        ],
        id="session-camille-1",
    )  # fmt: skip


def write_export(folder: Path, session: Session, name: str = "camille.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(session_to_json_text(session), encoding="utf-8")
    return path


async def import_from_ui(app, pilot, path: Path | str) -> None:
    await settled(pilot)
    await pilot.press("i")
    assert isinstance(app.screen, ImportModal)
    app.screen.query_one("#import-path").value = str(path)
    await pilot.press("enter")
    await settled(pilot)


def dump(store) -> list[str]:
    return list(store.db.conn.iterdump())


async def test_import_review_export_and_back_to_the_student(
    tmp_path: Path, soutenance_home: Path
) -> None:
    clock = FakeClock()
    original = write_export(tmp_path / "mail", rehearsal())

    # The mentor's side.
    mentor_store = open_store(tmp_path / "mentor.sqlite3", clock=clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=mentor_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await import_from_ui(app, pilot, original)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert mentor_store.roster.get_student("Camille") is not None
        text = screen_text(app)
        assert "Pourquoi ce canal ?" in text and "1:15 / 1:00" in text and "confiance 4/5" in text
        assert (
            str(review.query_one("#review-notes", Static).render())
            == "J'ai parlé de la [bold]cible[/bold]."
        )
        assert on_screen(app, "#review-notes")
        assert not review.query_one("#review-missing").display
        await pilot.press("e", *"Bien, chiffre le budget.", "escape")
        await pilot.press("m", "2", "3", "enter")

        await pilot.press("n")
        assert review.query_one(
            "#review-missing"
        ).display  # no longer in the banks: the stored text
        assert "Une question retirée des banques ?" in screen_text(app)
        await pilot.press("e", *"Relis ton cours.", "escape")

        await pilot.press("j", "w", "f")
        exports = soutenance_home / "exports"
        reviewed_file = next(exports.glob("*camille*.json"))
        reviewed = json.loads(reviewed_file.read_text(encoding="utf-8"))["session"]
        assert [a["mentor_comment"] for a in reviewed["answers"]] == [
            "Bien, chiffre le budget.",
            "Relis ton cours.",
        ]
        assert reviewed["answers"][0]["marks"] == {}  # marks are the mentor's own unless asked for
        await pilot.press("v", "j")  # asked for: the file carries them
        with_private = json.loads(reviewed_file.read_text(encoding="utf-8"))
        assert with_private["carries"][-1] == "mentor_private"
        assert with_private["session"]["answers"][0]["marks"] == {"justification": 2, "clarity": 3}
        await pilot.press("v")
        markdown = next(
            p for p in exports.glob("*camille*.md") if not p.name.endswith("-feedback.md")
        )
        assert "Bien, chiffre le budget." in markdown.read_text(encoding="utf-8")
        feedback = next(exports.glob("*-feedback.md")).read_text(encoding="utf-8")
        assert feedback.index("## Points forts") < feedback.index("## Points à améliorer")
        assert "Relis ton cours." in feedback and "Question 2" in feedback

        # The student sends the same file again: nothing changes, the comments stay.
        await pilot.press("escape")
        assert isinstance(app.screen, RosterScreen)
        before = dump(mentor_store)
        await import_from_ui(app, pilot, original)
        assert dump(mentor_store) == before
        assert len(mentor_store.list_sessions()) == 1
    mentor_store.close()

    # The student's side: the reviewed file comes back; the comments sit next to their own notes.
    student_store = open_store(tmp_path / "student.sqlite3", clock=clock)
    student_store.save_session(rehearsal())
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=student_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await import_from_ui(app, pilot, reviewed_file)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        notes = review.query_one("#review-notes", Static)
        comment = review.query_one("#review-comment", TextArea)
        assert str(notes.render()) == "J'ai parlé de la [bold]cible[/bold]."
        assert comment.text == "Bien, chiffre le budget."
        assert abs(notes.region.y - comment.region.y) <= 1  # side by side
        assert notes.region.right <= comment.region.x
        assert len(student_store.list_sessions()) == 1
        again = student_store.load_session("session-camille-1")
        assert again.answers[0].notes == "J'ai parlé de la [bold]cible[/bold]."
        assert again.answers[1].mentor_comment == "Relis ton cours."
        before = dump(student_store)
        await pilot.press("escape")
        await import_from_ui(app, pilot, reviewed_file)
        assert dump(student_store) == before
    student_store.close()


def not_an_export(folder: Path) -> Path:
    path = folder / "notes.json"
    path.write_text(json.dumps({"questions": []}), encoding="utf-8")
    return path


def unknown_version(folder: Path) -> Path:
    data = json.loads(session_to_json_text(rehearsal()))
    data["version"] = 99
    path = folder / "future.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def truncated(folder: Path) -> Path:
    text = session_to_json_text(rehearsal())
    path = folder / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return path


def not_json(folder: Path) -> Path:
    path = folder / "photo.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return path


def damaged_second_answer(folder: Path) -> Path:
    data = json.loads(session_to_json_text(rehearsal()))
    data["session"]["answers"][1]["elapsed"] = "long"
    path = folder / "damaged.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def missing(folder: Path) -> Path:
    return folder / "nowhere.json"


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (not_an_export, "n'est pas un export de session soutenance"),
        (unknown_version, "format plus récent"),
        (truncated, "tronqué"),
        (not_json, "ce n'est pas du JSON"),
        (damaged_second_answer, "abîmé : session.answers[1].elapsed"),
        (missing, "Fichier introuvable"),
    ],
)
async def test_each_bad_import_says_why_and_imports_nothing(
    tmp_path: Path, make_file, message: str
) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    path = make_file(tmp_path)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    before = dump(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await import_from_ui(app, pilot, path)
        modal = app.screen
        assert isinstance(modal, ImportModal)  # still open, with the reason
        error = str(modal.query_one("#import-error", Static).render())
        assert message in error
        if make_file is not missing:
            assert error.endswith("Rien n'a été importé.")
        assert on_screen(app, "#import-error")
        await pilot.press("escape")
        assert isinstance(app.screen, RosterScreen)
    assert dump(store) == before
    assert store.list_sessions() == [] and store.roster.list_students(include_archived=True) == []
    store.close()


async def test_english_import_messages(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="en", clock=clock, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await import_from_ui(app, pilot, truncated(tmp_path))
        error = str(app.screen.query_one("#import-error", Static).render())
        assert error == (
            "This export is truncated: the file ends in the middle. Ask for it again. Nothing was imported."
        )
    store.close()
