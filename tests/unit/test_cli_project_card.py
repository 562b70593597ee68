"""`soutenance project-card`, through the real click group: shown, filled in and cleared by fact,
refused whole on a bad fact or value, following the student through a merge, in both languages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.cli import cli
from soutenance.store import open_store
from soutenance.store.cards import get_card
from tests.unit.test_cli_language import assert_in

REF = "responsable-marketing-et-communication/etude-marche"


def invoke(*args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, ["--lang", lang, *args], prog_name="soutenance")


def card(student: str) -> dict[str, str]:
    store = open_store(paths.database_path())
    try:
        return get_card(store, student, REF).facts
    finally:
        store.close()


def test_facts_are_filled_in_shown_and_cleared() -> None:
    result = invoke(
        "project-card", "--student", "Camille", "--project", "etude-marche",
        "--set", "taille_marche=85 M€", "--set", "repondants = 212",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Card saved for Camille ({REF})" in result.stdout
    assert "    85 M€\n" in result.stdout
    assert card("camille") == {"taille_marche": "85 M€", "repondants": "212"}

    cleared = invoke(
        "project-card", "--student", "CAMILLE", "--project", REF,
        "--clear", "repondants", "--set", "cout_etude=",
    )  # fmt: skip
    assert cleared.exit_code == 0, cleared.output
    assert card("Camille") == {"taille_marche": "85 M€"}
    shown = json.loads(
        invoke("project-card", "--student", "Camille", "--project", REF, "--json").stdout
    )
    assert shown["student"] == "Camille" and shown["project"] == REF
    assert shown["facts"]["taille_marche"] == "85 M€" and shown["facts"]["repondants"] is None


def test_the_students_project_from_the_roster_is_the_default() -> None:
    assert invoke("student", "add", "Noé", "--project", REF).exit_code == 0
    result = invoke("project-card", "--student", "noé", "--set", "repondants=90")
    assert result.exit_code == 0, result.output
    assert card("Noé") == {"repondants": "90"}
    without = invoke("project-card", "--student", "Sam")
    assert without.exit_code == 2 and "--project" in without.stderr


@pytest.mark.parametrize(
    ("value", "exit_code", "said"),
    [
        ("bogus=1", 2, "unknown fact `bogus`"),
        ("repondants", 2, "is not FACT=VALUE"),
        ("repondants=212\x1b[2J", 1, "control characters"),
        (f"repondants={'9' * 201}", 1, "too long"),
    ],
)
def test_a_refused_change_writes_nothing(value: str, exit_code: int, said: str) -> None:
    result = invoke(
        "project-card", "--student", "Camille", "--project", REF,
        "--set", "taille_marche=85 M€", "--set", value,
    )  # fmt: skip
    assert result.exit_code == exit_code, result.output
    assert said in result.stderr
    assert "\x1b" not in result.output
    assert card("Camille") == {}


def test_no_student_is_a_usage_error_and_a_remembered_one_is_the_default() -> None:
    result = invoke("project-card", "--project", REF)
    assert result.exit_code == 2 and "--student" in result.stderr
    paths.config_path().write_text(json.dumps({"student": "Camille"}), encoding="utf-8")
    assert invoke("project-card", "--project", REF, "--set", "repondants=212").exit_code == 0
    assert card("Camille") == {"repondants": "212"}


def test_the_card_follows_a_merge_and_the_target_keeps_its_own_values() -> None:
    for student, value in [("Camille Martin", "212"), ("C. Martin", "250")]:
        assert invoke("student", "add", student, "--project", REF).exit_code == 0
        invoke("project-card", "--student", student, "--set", f"repondants={value}")
    invoke("project-card", "--student", "C. Martin", "--set", "cout_etude=1 500 €")
    merged = invoke("student", "merge", "C. Martin", "Camille Martin", "--yes")
    assert merged.exit_code == 0, merged.output
    assert card("Camille Martin") == {"repondants": "212", "cout_etude": "1 500 €"}
    assert card("C. Martin") == {}  # gone from the roster, and its card with it
    store = open_store(paths.database_path())
    try:
        rows = store.db.read(
            lambda conn: conn.execute("SELECT count(*) FROM project_cards").fetchone()
        )
    finally:
        store.close()
    assert rows[0] == 2  # the source's overridden fact did not stay behind


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_command_speaks_one_language(language: str) -> None:
    args = ("project-card", "--student", "Camille", "--project", REF, "--set", "repondants=212")
    filled = invoke(*args, lang=language)
    assert filled.exit_code == 0, filled.output
    # The labels are the bank's, in its own language: data, not the interface.
    output = "\n".join(line for line in filled.stdout.splitlines() if not line.startswith("  "))
    assert_in(language, args, output)
    for refused in [(*args[:5], "--set", "bogus=1"), (*args[:5], "--set", "x"), args[3:5]]:
        result = invoke(*refused, lang=language)
        assert result.exit_code != 0
        assert_in(language, refused, result.output)
