"""The app's import says what the merge did, as `soutenance import` does: the session imported,
each field updated, or that nothing changed; and never "imported" of a store in memory only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from soutenance.clock import FakeClock
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.screens.review import ReviewScreen
from soutenance.ui.screens.roster import RosterScreen
from tests.ui.test_mentor_live import SIZE, bank_dir
from tests.ui.test_mentor_review import import_from_ui, rehearsal, write_export
from tests.ui.test_sessions_damaged import toast_text


async def import_and_read(app, pilot, path: Path) -> str:
    """Import `path` from the roster; the report's notice, then back to the roster."""
    await import_from_ui(app, pilot, path)
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    text = toast_text(app)
    app.clear_notifications()
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, RosterScreen)
    return text


async def test_each_import_reports_what_it_did(tmp_path: Path) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    session = rehearsal()
    first = write_export(tmp_path / "mail", session, "first.json")
    at = session.started_at + timedelta(days=1)
    session.answers[0].edit("notes", "J'ai chiffré le budget.", "student", at)
    corrected = write_export(tmp_path / "mail", session, "corrected.json")
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        added = await import_and_read(app, pilot, first)
        assert "importée : répétition de Camille, Projet d'essai" in added
        assert "nouvel·le étudiant·e dans la liste : Camille" in added
        assert "1 question(s) ne sont plus dans vos banques" in added
        updated = await import_and_read(app, pilot, corrected)
        assert "fusionnée avec la séance déjà ici" in updated
        assert (
            "mis à jour : notes de la question 1 « Pourquoi ce canal ? », par l'étudiant·e"
            in updated
        )
        unchanged = await import_and_read(app, pilot, corrected)
        assert "déjà importée, rien n'a changé" in unchanged and "mis à jour" not in unchanged
    assert store.load_session(session.id).answers[0].notes == "J'ai chiffré le budget."
    store.close()


async def test_an_import_into_memory_says_it_is_not_saved(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder-where-the-database-should-be"
    folder.mkdir()
    store = open_store(folder, clock=FakeClock())
    assert not store.persistent
    app = make_app(banks=[bank_dir(tmp_path)], lang="en", clock=FakeClock(), store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        said = await import_and_read(app, pilot, write_export(tmp_path / "mail", rehearsal()))
    assert "read into memory only, not saved" in said and "it will be lost when you quit" in said
    assert "imported:" not in said
