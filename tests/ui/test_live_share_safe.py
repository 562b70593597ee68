"""The live challenge with the mentor panel hidden is safe to share: every key of the screen, at
every stage, is pressed, and nothing only the mentor may see ever reaches the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from soutenance.clock import FakeClock
from soutenance.i18n import catalog
from soutenance.session.model import Stage
from soutenance.ui.modals.choice import ChoiceModal
from soutenance.ui.screens.live import LiveScreen
from tests.ui.test_mentor_live import BANK, SIZE, make, open_live, screen_text

KEY_POINTS = [
    "Cible précise",
    "Budget",
    "Calendrier",
    "Liste",
    "Formats",
    "Indicateurs",
    "Priorités",
]
NOTES = "Hésite beaucoup sur le calendrier"


def mentor_only(lang: str) -> list[str]:
    """Texts that must never be drawn while the panel is hidden."""
    words = catalog(lang)
    labels = ["mentor.live.key_points", "mentor.live.notes", "mentor.marks.title", "mentor.adhoc.key_points",
              "mentor.live.bank_follow_ups", "mentor.live.marks"]  # fmt: skip
    return [*KEY_POINTS, NOTES, "Et si le budget baisse", *(words[key][:25] for key in labels),
            words["q.reason"].split("{")[0].strip()]  # fmt: skip


KEYS = [
    "d",
    "c",
    "space",
    "p",
    "plus",
    "f",
    "a",
    "b",
    *"123456789",
    "alt+1",
    "alt+2",
    "e",
    "escape",
    "m",
    "t",
    "x",
]


async def walk(pilot, app, screen: LiveScreen, forbidden: list[str]) -> None:
    for key in KEYS:
        await pilot.press(key)
        await pilot.pause()
        shown = screen_text(app)
        leaked = [text for text in forbidden if text in shown]
        assert not leaked, f"{key!r} at {screen.stage}: {leaked}"
        if isinstance(app.screen, ChoiceModal):  # "show the panel?", "end?": the default says no
            await pilot.press("escape")
            await pilot.pause()
        assert app.screen is screen, f"{key!r} opened {app.screen!r} over the shared screen"
        assert not screen.panel_visible


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_no_key_shows_anything_mentor_only_while_the_panel_is_hidden(
    tmp_path: Path, lang: str
) -> None:
    assert "Cible précise" in BANK
    clock = FakeClock()
    app, store = make(tmp_path, clock, lang=lang)
    store.roster.add_student("Camille", project_ref="community-manager/essai")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_live(app, pilot)
        forbidden = mentor_only(lang)
        await walk(pilot, app, screen, forbidden)  # waiting: nothing asked yet
        await pilot.press("d")
        await pilot.press("h", "e", *NOTES, "escape", "h")  # notes written with the panel shown
        assert screen.stage is Stage.ANSWERING and not screen.panel_visible
        await walk(pilot, app, screen, forbidden)  # answering
        assert screen.stage in (Stage.KEY_POINTS, Stage.ANSWERING)
        if screen.stage is Stage.ANSWERING:
            await pilot.press("space")
        first = screen.run.answer
        await walk(pilot, app, screen, forbidden)  # answered: key points to tick, marks to give
        assert first.mentor_notes == NOTES
    store.close()


async def test_hiding_the_panel_while_typing_keeps_the_typing_in_the_notes(tmp_path: Path) -> None:
    clock = FakeClock()
    app, store = make(tmp_path, clock)
    store.roster.add_student("Camille", project_ref="community-manager/essai")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_live(app, pilot)
        await pilot.press("d", "h", "e", *"début ")
        await pilot.press("f2")
        await pilot.press(*"t d space p ", "backspace", "enter", *"fin")
        await pilot.pause()
        assert screen.stage is Stage.ANSWERING  # no "t" ended it, no space stopped it
        assert "début" not in screen_text(app)
        screen.flush_notes()
        assert screen.run.answer.mentor_notes == "début t d space p\nfin"
        await pilot.press("f2")  # shown again: the focus is back in the notes
        assert app.focused is screen.panel.notes
    store.close()
