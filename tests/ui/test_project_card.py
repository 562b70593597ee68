"""The project card form, driven with Pilot at 80x24: from the rehearsal setup (the student) and
from the student's page (the mentor); the figures typed are in the questions drawn next."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from soutenance.clock import FakeClock
from soutenance.store import open_store
from soutenance.store.cards import get_card, set_fact
from soutenance.ui.app import make_app
from soutenance.ui.modals.choice import ChoiceModal
from soutenance.ui.screens.live import LiveScreen
from soutenance.ui.screens.project_card import ProjectCardScreen
from soutenance.ui.screens.question import QuestionScreen
from soutenance.ui.screens.rehearsal_setup import RehearsalSetupScreen
from soutenance.ui.screens.roster import RosterScreen
from soutenance.ui.screens.student import StudentScreen
from tests.ui.test_mentor_live import screen_text
from tests.ui.test_mentor_snapshots import footer_keys

SIZE = (80, 24)
REF = "community-manager/essai"
BANK = """project:
  id: essai
  title: Projet d'essai
  path: Community Manager
  language: fr
  evaluator_role: La directrice marketing
  facts:
    budget: "Budget total de la campagne [bold]en euros[/bold]"
    cible: Votre cible principale
questions:
  - id: q1
    text: "Avec {budget}, pourquoi ce canal ?"
    text_generic: "Avec votre budget, pourquoi ce canal ?"
    key_points: [Coût par contact, Alternative écartée]
"""

HINT = {"fr": "Remplissez votre fiche projet", "en": "Fill in your project card"}


def make(tmp_path: Path, lang: str = "fr"):
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "essai.yaml").write_text(BANK, encoding="utf-8")
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    app = make_app(banks=[folder], lang=lang, clock=clock, store=store)
    return app, store


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_setup(app, pilot) -> RehearsalSetupScreen:
    entry = app.services.catalog.find(REF)[0]
    app.push_screen(RehearsalSetupScreen(entry, mock=False))
    await pilot.pause()
    return app.screen


async def open_form(app, pilot) -> ProjectCardScreen:
    """The card form opened with Ctrl+F from the rehearsal setup of Camille."""
    await pilot.pause()
    await open_setup(app, pilot)
    await pilot.press("ctrl+f")
    await pilot.pause()
    assert isinstance(app.screen, ProjectCardScreen)
    return app.screen


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_student_fills_the_card_and_the_next_question_has_the_figure(
    tmp_path: Path, lang: str
) -> None:
    app, store = make(tmp_path, lang)
    app.services.config.student = "Camille"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        setup = await open_setup(app, pilot)
        assert HINT[lang] in text_of(setup, "#card-hint")
        shown, cut = footer_keys(app)
        assert "^f" in shown and not cut, (shown, cut)

        await pilot.press("ctrl+f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProjectCardScreen)
        # The label comes from the bank: shown as written, never as markup.
        label = form.query(".card-label").first()
        assert str(label.render()) == "Budget total de la campagne [bold]en euros[/bold]"
        shown, cut = footer_keys(app)
        assert {"^s", "esc"} <= shown and not cut, (shown, cut)
        assert app.focused is form.query_one("#fact-budget", Input)
        await pilot.press(*"40000", "space", *"euros")
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.screen is setup
        assert get_card(store, "camille", REF).facts == {"budget": "40000 euros"}
        assert "1/2" in text_of(setup, "#card-hint")  # the target is still to fill in
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert text_of(app.screen, "#question-text") == "Avec 40000 euros, pourquoi ce canal ?"


async def test_the_hint_follows_the_name_typed_and_a_full_card_says_nothing(tmp_path: Path) -> None:
    app, store = make(tmp_path)
    set_fact(store, "Noé", REF, "budget", "12 000 €")
    set_fact(store, "Noé", REF, "cible", "Les 25-34 ans")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        setup = await open_setup(app, pilot)
        name = setup.query_one("#student", Input)
        assert text_of(setup, "#card-hint") == ""  # no name yet: nobody's card
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.screen is setup  # a card belongs to a name: none typed yet
        name.value = "Camille"
        await pilot.pause()
        assert HINT["fr"] in text_of(setup, "#card-hint")
        name.value = "noé"
        await pilot.pause()
        assert text_of(setup, "#card-hint") == ""


async def test_cancel_asks_before_losing_what_was_typed(tmp_path: Path) -> None:
    app, store = make(tmp_path)
    set_fact(store, "Camille", REF, "budget", "12 000 €")
    app.services.config.student = "Camille"
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot)
        assert form.query_one("#fact-budget", Input).value == "12 000 €"
        await pilot.press("end", "backspace")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")  # the safe answer: keep editing
        await pilot.pause()
        assert app.screen is form
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("tab", "enter")  # discard
        await pilot.pause()
        assert isinstance(app.screen, RehearsalSetupScreen)
        assert get_card(store, "Camille", REF).facts == {"budget": "12 000 €"}


async def test_a_refused_value_is_said_on_the_form_and_nothing_is_saved(tmp_path: Path) -> None:
    app, store = make(tmp_path, "en")
    app.services.config.student = "Camille"
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#fact-budget", Input).value = "40 000\x1b[2J"  # pasted with an escape
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "control characters" in text_of(form, "#card-error")
        assert get_card(store, "Camille", REF).facts == {}


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_mentor_fills_a_students_card_from_their_page(tmp_path: Path, lang: str) -> None:
    app, store = make(tmp_path, lang)
    store.roster.add_student("Camille", paths=["community-manager"], project_ref=REF)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert isinstance(app.screen, RosterScreen)
        assert app.screen.query_one("#roster", DataTable).row_count == 1
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, StudentScreen)
        assert not footer_keys(app)[1]
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProjectCardScreen)
        assert app.screen.sub_title == "Camille"
        await pilot.press("tab", *"Les", "space", *"TPE")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StudentScreen)
    assert get_card(store, "Camille", REF).facts == {"cible": "Les TPE"}


async def test_a_student_without_a_project_is_asked_which_one(tmp_path: Path) -> None:
    app, store = make(tmp_path)
    store.roster.add_student("Sam", paths=["community-manager"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        picker = app.screen  # it names the student
        assert "Sam" in str(picker.query_one(".title", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProjectCardScreen)
        assert app.screen.ref == REF


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_mentor_completes_the_card_during_a_live_challenge(
    tmp_path: Path, lang: str
) -> None:
    app, store = make(tmp_path, lang)
    store.roster.add_student("Camille", paths=["community-manager"], project_ref=REF)
    set_fact(store, "Camille", REF, "cible", "[red]Les TPE[/red]")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", "o")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, StudentScreen)
        # The card's value is data: its brackets are shown, not read as a colour.
        assert "cible: [red]Les TPE[/red]" in text_of(page, "#student-card")
        await pilot.press("l")
        await pilot.pause()
        live = app.screen
        assert isinstance(live, LiveScreen)
        # The card's missing fact, said to the mentor.
        assert any("1/2" in n.message for n in app._notifications)
        assert not footer_keys(app)[1]
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, ProjectCardScreen)
        await pilot.press(*"12k", "ctrl+s")
        await pilot.pause()
        assert app.screen is live
        await pilot.press("d")
        await pilot.pause()
        assert live.run.session.plan[-1].text == "Avec 12k, pourquoi ce canal ?"
        assert "Avec 12k, pourquoi ce canal ?" in screen_text(app)
    assert get_card(store, "Camille", REF).facts == {
        "budget": "12k",
        "cible": "[red]Les TPE[/red]",
    }


async def test_a_student_page_without_a_card_says_how_to_fill_it(tmp_path: Path) -> None:
    app, store = make(tmp_path, "en")
    store.roster.add_student("Camille", paths=["community-manager"], project_ref=REF)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", "o")
        await pilot.pause()
        assert "Project card: empty (p to fill it in)" in text_of(app.screen, "#student-card")
