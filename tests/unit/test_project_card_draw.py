"""Drawn questions carry the student's own figures from the project card: in a rehearsal, a mock
defense and a live challenge; a fact not filled in gives the generic wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from soutenance.banks.catalog import build_catalog
from soutenance.clock import FakeClock
from soutenance.config import Config
from soutenance.session.live import LiveChallenge, live_session
from soutenance.session.run import SessionRun
from soutenance.session.timer import Thresholds
from soutenance.store import Store, open_store
from soutenance.store.cards import update_card
from soutenance.usecases.start import RehearsalRequest, start_session

REF = "responsable-marketing-et-communication/etude-marche"


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    return open_store(tmp_path / "soutenance.sqlite3", clock=clock)


@pytest.fixture
def catalog():
    return build_catalog(())


def start(store: Store, catalog, clock: FakeClock, student: str, *, mock: bool = False):
    entry = catalog.find(REF)[0]
    request = RehearsalRequest(entry, student=student, count=50, seed=3, mock=mock, focus="all")
    return start_session(request, catalog=catalog, config=Config(), clock=clock, store=store)


@pytest.mark.parametrize("mock", [False, True])
def test_a_drawn_session_holds_the_students_figures(store, catalog, clock, mock: bool) -> None:
    update_card(
        store, "Camille", REF, {"taille_marche": "85 millions d'euros par an", "repondants": "212"}
    )
    run = start(store, catalog, clock, "  camille ", mock=mock).run
    plan = {question.id: question.text for question in run.session.plan}
    bank = catalog.load(catalog.find(REF)[0])
    market = next(q for q in bank.questions if "{taille_marche}" in q.text)
    assert plan[market.id] == market.text.replace("{taille_marche}", "85 millions d'euros par an")
    respondents = next(q for q in bank.questions if q.text.startswith("Vos {repondants}"))
    assert plan[respondents.id].startswith("Vos 212 répondants")
    # The price was not filled in: the question asks for it instead of inventing one.
    price = next(q for q in bank.questions if "{prix_recommande}" in q.text)
    assert plan[price.id] == price.text_generic
    assert all("{" not in text for text in plan.values())
    # What was drawn is what was saved.
    saved = store.load_session(run.session.id)
    assert {q.id: q.text for q in saved.plan} == plan


def test_without_a_card_every_question_has_its_generic_wording(store, catalog, clock) -> None:
    update_card(store, "Noé", REF, {"taille_marche": "12 M€"})  # another student's card
    run = start(store, catalog, clock, "Camille").run
    bank = catalog.load(catalog.find(REF)[0])
    expected = {q.id: q.text_generic or q.text for q in bank.questions}
    assert {q.id: q.text for q in run.session.plan} == expected


def test_a_live_challenge_asks_with_the_card(store, catalog, clock) -> None:
    bank = catalog.load(catalog.find(REF)[0])
    market = next(q for q in bank.questions if "{taille_marche}" in q.text)
    session = live_session("Camille", bank, clock.now(), Thresholds(0.25, 15))
    run = SessionRun.start(session, clock, store)
    LiveChallenge(run, bank, seed=1, card={"taille_marche": "85 M€"}).ask(market)
    assert run.session.plan[-1].text.startswith("Vous estimez le marché à 85 M€.")
    LiveChallenge(run, bank, seed=1).ask(bank.questions[-1])
    assert run.session.plan[-1].text == bank.questions[-1].render({})
