"""At 80x24, in French and in English, no screen's footer cuts a key off: what does not fit is in
the command palette (Ctrl+P), never half-drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from soutenance.clock import FakeClock
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.start import RehearsalRequest, build_screen
from tests.ui.test_mentor_snapshots import footer_keys


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_no_footer_cuts_a_key_at_80_columns(tmp_path: Path, lang: str) -> None:
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(lang=lang, clock=clock, store=store)
    app.services.config.student = "Camille"
    seen: dict[str, set[str]] = {}

    def check(name: str) -> None:
        shown, cut = footer_keys(app)
        assert not cut, f"{name}: {sorted(cut)} cut off"
        seen[name] = shown

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        check("home")
        await pilot.press("r")
        await pilot.pause()
        check("setup")
        await pilot.press("escape")
        entry = app.services.catalog.find("community-manager/brief-creatif")[0]
        app.push_screen(
            build_screen(app, RehearsalRequest(entry, student="Camille", count=3, seed=7))
        )
        await pilot.pause()
        for step, keys in (
            ("answering", ()),
            ("rating", ("space",)),
            ("key points", ("3",)),
            ("notes", ("e",)),
        ):
            await pilot.press(*keys)
            await pilot.pause()
            check(step)
        await pilot.press("escape", "t", "tab", "enter")
        await pilot.pause()
        check("summary")
        for key, name in (("h", "sessions"), ("e", "banks"), ("s", "stats")):
            await pilot.press("escape", key)
            await pilot.pause()
            check(name)
        await pilot.press("escape", "m", "ctrl+s")
        await pilot.pause()
        check("presentation")
        await pilot.press("space", "tab", "enter")
        await pilot.pause()
        check("mock question")
        await pilot.press("t", "tab", "enter")
        await pilot.pause()
        check("debrief")
    store.close()
    assert {"space", "p", "s", "t"} <= seen["answering"] and {"r", "m", "h", "t", "s"} <= seen[
        "home"
    ]
