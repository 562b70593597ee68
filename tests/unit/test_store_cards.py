"""Project cards in the store: the student's own figures, per project, found however the name is
spelt, bounded, and kept through a rename, a merge and a reopening."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from soutenance import i18n
from soutenance.clock import FakeClock
from soutenance.store import Store, open_store
from soutenance.store.cards import (
    MAX_VALUE_LENGTH,
    CardError,
    card_values,
    cards_for_student,
    clear_fact,
    get_card,
    set_fact,
    update_card,
)
from soutenance.store.db import expected_columns
from soutenance.store.migrations import LATEST_VERSION, MIGRATIONS, PROJECT_CARDS

REF = "responsable-marketing-et-communication/etude-marche"


@pytest.fixture(autouse=True)
def english() -> None:
    """The store's messages are the user's: read here in English."""
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    return open_store(tmp_path / "soutenance.sqlite3", clock=clock)


def test_a_card_round_trips_through_a_reopened_database(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "soutenance.sqlite3"
    with open_store(path, clock=clock) as store:
        set_fact(store, "Camille", REF, "taille_marche", "  85 millions d'euros par an ")
        clock.advance(60)
        card = set_fact(store, "Camille", REF, "repondants", "212")
    assert card.facts == {"repondants": "212", "taille_marche": "85 millions d'euros par an"}
    assert card.updated_at == clock.now()
    with open_store(path, clock=clock, mode="read") as store:
        again = get_card(store, "Camille", REF)
    assert again == card
    assert store.roster is not None


def test_the_card_is_found_however_the_name_is_spelt(store: Store) -> None:
    store.roster.add_student("Léa Dubois")
    set_fact(store, "  léa   DUBOIS ", REF, "repondants", "150")
    card = get_card(store, "LÉA DUBOIS", REF)
    assert (card.student, card.facts) == ("Léa Dubois", {"repondants": "150"})
    assert get_card(store, "Lea Dubois", REF).facts == {}  # accents are kept: another person
    assert [s.name for s in store.roster.list_students()] == ["Léa Dubois"]


def test_a_student_rehearsing_alone_is_added_to_the_roster(store: Store) -> None:
    assert store.roster.get_student("Sam") is None
    assert get_card(store, "Sam", REF).facts == {}
    set_fact(store, "Sam", REF, "repondants", "90")
    assert store.roster.get_student("Sam") is not None


def test_cards_are_per_project_and_per_student(store: Store) -> None:
    other = "digital-marketer/seo-audit"
    set_fact(store, "Camille", REF, "repondants", "212")
    set_fact(store, "Camille", other, "issue_count", "37")
    set_fact(store, "Noé", REF, "repondants", "40")
    cards = cards_for_student(store, "camille")
    assert [(c.project_ref, c.facts) for c in cards] == [
        (other, {"issue_count": "37"}),
        (REF, {"repondants": "212"}),
    ]
    assert cards_for_student(store, "Personne") == []
    assert get_card(store, "Noé", REF).facts == {"repondants": "40"}


def test_clearing_and_empty_values_remove_the_fact(store: Store) -> None:
    update_card(store, "Camille", REF, {"repondants": "212", "taille_marche": "85 M€"})
    assert clear_fact(store, "Camille", REF, "repondants").facts == {"taille_marche": "85 M€"}
    assert update_card(store, "Camille", REF, {"taille_marche": "   "}).facts == {}
    assert get_card(store, "Camille", REF).updated_at is None


@pytest.mark.parametrize(
    ("fact", "value", "message"),
    [
        ("repondants", "x" * (MAX_VALUE_LENGTH + 1), "too long"),
        ("repondants", "212\x1b[2J", "control"),
        ("repondants", "deux\nlignes", "control"),
        ("Répondants", "212", "not a fact name"),
        ("../x", "212", "not a fact name"),
    ],
)
def test_refused_values_write_nothing(store: Store, fact: str, value: str, message: str) -> None:
    set_fact(store, "Camille", REF, "taille_marche", "85 M€")
    with pytest.raises(CardError, match=message):
        update_card(store, "Camille", REF, {"taille_marche": "90 M€", fact: value})
    assert get_card(store, "Camille", REF).facts == {"taille_marche": "85 M€"}


def test_the_longest_value_allowed_is_kept_whole(store: Store) -> None:
    value = "é" * MAX_VALUE_LENGTH
    assert set_fact(store, "Camille", REF, "promesse", value).facts["promesse"] == value


def test_a_project_is_path_slash_project_and_a_student_has_a_name(store: Store) -> None:
    with pytest.raises(CardError, match="not a project"):
        set_fact(store, "Camille", "etude-marche", "repondants", "212")
    with pytest.raises(CardError, match="name"):
        set_fact(store, "   ", REF, "repondants", "212")


def test_a_renamed_student_keeps_the_card_and_a_merge_carries_it(store: Store) -> None:
    set_fact(store, "Camille", REF, "repondants", "212")
    camille = store.roster.get_student("Camille")
    store.roster.update_student(replace(camille, name="Camille Martin"))
    assert get_card(store, "Camille Martin", REF).facts == {"repondants": "212"}

    set_fact(store, "C. Martin", REF, "repondants", "250")
    set_fact(store, "C. Martin", REF, "taille_marche", "85 M€")
    store.roster.merge_students("C. Martin", "Camille Martin")
    # The target's own value stays; what only the source had comes along.
    assert get_card(store, "Camille Martin", REF).facts == {
        "repondants": "212",
        "taille_marche": "85 M€",
    }


def test_card_values_never_fail_a_draw(store: Store) -> None:
    set_fact(store, "Camille", REF, "repondants", "212")
    assert card_values(store, "camille", REF) == {"repondants": "212"}
    assert card_values(None, "Camille", REF) == {}
    assert card_values(store, "", REF) == {}
    store.close()
    assert card_values(store, "Camille", REF) == {}


def test_the_migration_adds_only_the_cards_table_to_a_version_2_database(tmp_path: Path) -> None:
    version = MIGRATIONS.index(PROJECT_CARDS)
    before, after = expected_columns(version), expected_columns(version + 1)
    assert set(after) - set(before) == {"project_cards"}
    assert after["project_cards"] == {"student_id", "project_ref", "fact", "value", "updated_at"}
    assert all(after[table] == columns for table, columns in before.items())

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.create_function("name_key", 1, lambda name: " ".join(name.casefold().split()))
    for statements in MIGRATIONS[:version]:
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT INTO students (id, name, name_key, created_at) "
        "VALUES ('s1', 'Camille', 'camille', '2026-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    with open_store(path, mode="write") as store:
        assert set_fact(store, "camille", REF, "repondants", "212").student == "Camille"
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
