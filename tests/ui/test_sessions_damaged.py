"""A session whose stored rows were damaged by hand is named in a notice from the sessions list,
never a crash: opening it and exporting it both say it cannot be opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from soutenance.clock import FakeClock
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.screens.sessions import SessionsScreen
from tests.samples import sample_session
from tests.ui.test_mentor_live import SIZE, bank_dir


def toast_text(app) -> str:
    """The text of the notices on screen (run_test(notifications=True) draws them)."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


@pytest.mark.parametrize("key", ["enter", "j", "m"])
async def test_a_damaged_session_is_said_not_opened(tmp_path: Path, key: str) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    session = sample_session("Camille")
    store.save_session(session)
    store.db.write(
        lambda conn: conn.execute(
            "UPDATE answers SET covered = 'edited by hand' WHERE session_id = ?", (session.id,)
        )
    )
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.push_screen(SessionsScreen(None))
        await pilot.pause()
        assert app.screen.query_one("#sessions", DataTable).row_count == 1
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        assert "Impossible d'ouvrir cette séance" in toast_text(app)
    assert not list(tmp_path.rglob("*seo-audit*"))  # no export written
    store.close()
