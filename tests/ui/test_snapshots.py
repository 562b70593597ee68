"""SVG snapshots of the main screens at 80x24, with a frozen clock and a fixed draw."""

from __future__ import annotations

from pathlib import Path

import pytest

from soutenance.clock import FakeClock
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.start import RehearsalRequest, build_screen

SIZE = (80, 24)


@pytest.fixture
def frozen_app(tmp_path: Path):
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(lang="fr", clock=clock, store=store)
    yield app
    store.close()


async def _open_question(pilot) -> None:
    app = pilot.app
    entry = app.services.catalog.find("community-manager/brief-creatif")[0]
    app.push_screen(build_screen(app, RehearsalRequest(entry, student="Camille", count=3, seed=7)))
    await pilot.pause()
    app.services.clock.advance(65)
    app.screen.query_one("#timer").refresh_reading()
    await pilot.pause()


def test_home_snapshot(snap_compare, frozen_app) -> None:
    assert snap_compare(frozen_app, terminal_size=SIZE)


def test_question_snapshot(snap_compare, frozen_app) -> None:
    assert snap_compare(frozen_app, terminal_size=SIZE, run_before=_open_question)


def test_review_snapshot(snap_compare, frozen_app) -> None:
    async def answered(pilot) -> None:
        await _open_question(pilot)
        await pilot.press("space", "3")
        await pilot.pause()

    assert snap_compare(frozen_app, terminal_size=SIZE, run_before=answered)


def test_summary_snapshot(snap_compare, frozen_app) -> None:
    async def finished(pilot) -> None:
        await _open_question(pilot)
        await pilot.press("space", "4", "t", "tab", "enter")
        await pilot.pause()

    assert snap_compare(frozen_app, terminal_size=SIZE, run_before=finished)
