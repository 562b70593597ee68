"""The mentor's screens at 80x24 in French and English: SVG snapshots with a frozen clock, and no
essential key cut off the footer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from soutenance.clock import FakeClock
from soutenance.store import open_store
from soutenance.ui.app import make_app
from tests.samples import sample_session
from tests.ui.test_mentor_live import bank_dir

SIZE = (80, 24)
ESSENTIAL = {
    "roster": {"o", "l", "a", "i", "esc"},
    "live-hidden": {"space", "h", "t"},
    "live-shown": {"space", "h", "m", "t"},
    "review": {"n", "e", "m", "j", "f", "esc"},
}


def make(tmp_path: Path, lang: str):
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    store.roster.add_student("Camille", paths=["community-manager"], project_ref="community-manager/essai",
                             defense_date=date(2026, 11, 12))  # fmt: skip
    store.roster.add_student("Léo", paths=["digital-marketer"], defense_date=date(2026, 10, 1))
    waiting = sample_session("Camille", seed=4)
    store.save_session(waiting)
    app = make_app(banks=[bank_dir(tmp_path)], lang=lang, clock=clock, store=store, seed=7)
    return app, waiting.id


async def reach(pilot, where: str, session_id: str) -> None:
    await pilot.press("t")
    await pilot.pause()
    if where == "review":
        from soutenance.ui.screens.review import ReviewScreen

        pilot.app.push_screen(ReviewScreen(session_id))
    elif where.startswith("live"):
        await pilot.press("o", "l", "d")
        await pilot.pause()
        pilot.app.services.clock.advance(12)
        if where == "live-shown":
            await pilot.press("h")
    await pilot.pause()


KEY_NAMES = {"space": "space", "escape": "esc", "delete": "del", "enter": "enter"}
"""Keys the footer names in the interface language ("espace", "échap"), by their English name."""


def footer_keys(app) -> tuple[set[str], set[str]]:
    """The keys the footer shows whole, and those cut (past the edge, or under the palette key)."""
    keys = list(app.screen.query(FooterKey))
    palette = [k for k in keys if k.action in ("command_palette", "app.command_palette")]
    edge = min((k.region.x for k in palette), default=SIZE[0])
    shown, cut = set(), set()
    for key in keys:
        if key in palette:
            continue
        visible = key.region.width > 0 and key.region.right <= edge
        (shown if visible else cut).add(KEY_NAMES.get(key.key, key.key_display))
    return shown, cut


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("where", ["roster", "live-hidden", "live-shown", "review"])
def test_mentor_screens_at_80x24(snap_compare, tmp_path: Path, lang: str, where: str) -> None:
    app, session_id = make(tmp_path, lang)

    async def before(pilot) -> None:
        await reach(pilot, where, session_id)
        shown, cut = footer_keys(pilot.app)
        assert ESSENTIAL[where] <= shown and not cut, (shown, cut)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
