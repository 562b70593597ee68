"""The interface language: bindings translated without Textual's private API, Textual's own
palette commands in the user's language, and the one question on a first start elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from soutenance import paths
from soutenance.i18n import catalog
from soutenance.ui.app import make_app
from soutenance.ui.modals.choice import ChoiceModal
from soutenance.ui.modals.keys import KeysModal
from soutenance.ui.screens.home import HomeScreen

SIZE = (80, 24)


def english_only_words() -> set[str]:
    """Words of 5+ letters in the English catalog and nowhere in the French one."""

    def words(language: str) -> set[str]:
        found: set[str] = set()
        for text in catalog(language).values():
            found.update(w.lower() for w in text.replace("…", " ").split() if w.isalpha())
        return found

    return {w for w in words("en") - words("fr") if len(w) >= 5}


def test_each_language_gets_its_own_screen_class_and_the_declared_bindings_stay_keys() -> None:
    before = [b.description for b in HomeScreen.BINDINGS]
    for language, quit_word in (("fr", "Quitter"), ("en", "Quit")):
        app = make_app(lang=language)
        screen = HomeScreen()
        assert isinstance(screen, HomeScreen) and type(screen).__name__ == "HomeScreen"
        assert type(app).__name__ == "SoutenanceApp"
        app_quit = [b.description for b in type(app).BINDINGS if b.action == "quit"]
        assert app_quit == [quit_word]
    assert [b.description for b in HomeScreen.BINDINGS] == before  # the class is untouched


async def test_textual_commands_and_the_keys_panel_speak_french() -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Thème", "Quitter", "Touches", "Capture d'écran"} <= titles
        assert not {"Theme", "Quit", "Keys", "Screenshot"} & titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "Chercher une commande…"
        await pilot.press("escape")
        await pilot.pause()
        app.action_show_keys()
        await pilot.pause()
        assert isinstance(app.screen, KeysModal)
        shown = " ".join(description for _, description in app.screen.keys)
        assert "Quitter" in shown and "Lire le cours" not in shown
        leaked = set(shown.lower().split()) & english_only_words()
        assert not leaked, leaked


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine whose locale names neither French nor English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "SOUTENANCE_LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setattr("locale.getlocale", lambda *a: ("de_DE", "UTF-8"))


async def test_a_first_start_elsewhere_asks_once_and_remembers(elsewhere: None) -> None:
    app = make_app(ask_language=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("tab", "enter")  # Français is focused (the default): English is next
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        described = {b.description for b in type(app.screen).BINDINGS}
        assert {"Rehearse", "Sessions", "Mentor"} <= described
    saved = json.loads(Path(paths.config_path()).read_text(encoding="utf-8"))
    assert saved["language"] == "en"
    again = make_app(ask_language=True)
    assert not again.services.ask_language and again.services.language == "en"


async def test_a_french_or_english_locale_is_never_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    app = make_app(ask_language=True)
    assert not app.services.ask_language and app.services.language == "en"
