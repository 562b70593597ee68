"""A settings file with a bad value: the app says so once, in the user's language, and works."""

from __future__ import annotations

import json
from pathlib import Path

from soutenance import paths
from soutenance.clock import FakeClock
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.screens.question import QuestionScreen
from tests.ui.test_rehearsal import bank_dir, start


async def test_a_bad_amber_fraction_is_reported_and_a_rehearsal_still_starts(
    tmp_path: Path,
) -> None:
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        json.dumps({"amber_fraction": "beaucoup", "default_count": 3}), encoding="utf-8"
    )
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[bank_dir(tmp_path)], lang="fr", clock=clock, store=store)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:

        def toasts() -> list[str]:  # what the notifications say, whatever the screen's wrapping
            return [str(toast.render()) for toast in app.screen.query("Toast")]

        for _ in range(40):  # said once the first frame is drawn
            await pilot.pause(0.05)
            if toasts():
                break
        said = [text for text in toasts() if "amber_fraction : " in text]
        assert len(said) == 1
        assert "valeur par défaut" in said[0]
        screen = await start(app, pilot)
        assert isinstance(screen, QuestionScreen)
        assert screen.run.session.settings.amber_at == 0.25
    store.close()
