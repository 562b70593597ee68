"""Key point hints, project facts and {placeholders}: the student's own figures in questions."""

from __future__ import annotations

from pathlib import Path

from soutenance.banks.loader import read_bank
from soutenance.banks.model import KeyPoint

BANK = """project:
  id: p
  title: T
  path: Community Manager
  language: fr
  evaluator_role: La cliente
  facts:
    budget: Budget total de la campagne
questions:
  - id: q
    text: "Avec {budget}, pourquoi ce canal ?"
    text_generic: "Avec votre budget, pourquoi ce canal ?"
    key_points:
      - Un chiffre de coût par contact
      - text: Une source nommée
        hints: [source, étude, Médiamétrie]
    follow_ups:
      - text: Et sans ce canal ?
        key_points: [{text: Un plan B chiffré, hints: [plan b]}]
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    return read_bank(path, display="bank.yaml")


def test_key_points_keep_their_text_and_carry_hints(tmp_path: Path) -> None:
    result = load(tmp_path, BANK)
    assert result.ok, [str(d) for d in result.diagnostics]
    question = result.bank.questions[0]
    assert question.key_points == ["Un chiffre de coût par contact", "Une source nommée"]
    assert isinstance(question.key_points[1], KeyPoint)
    assert question.key_points[1].hints == ("source", "étude", "Médiamétrie")
    assert question.key_points[0].hints == ()
    assert question.follow_ups[0].key_points[0].hints == ("plan b",)


def test_a_question_renders_with_and_without_the_card(tmp_path: Path) -> None:
    question = load(tmp_path, BANK).bank.questions[0]
    assert question.render({"budget": "40 000 €"}) == "Avec 40 000 €, pourquoi ce canal ?"
    assert question.render({}) == "Avec votre budget, pourquoi ce canal ?"
    assert question.render({"budget": "  "}) == "Avec votre budget, pourquoi ce canal ?"


def test_an_undeclared_placeholder_is_an_error_at_the_question_text(tmp_path: Path) -> None:
    result = load(tmp_path, BANK.replace("{budget}, pourquoi", "{marge}, pourquoi"))
    assert result.bank is None
    (error,) = result.errors
    assert (error.line, error.col) == (11, 11)
    assert "`{marge}` is not a fact of the project" in error.message
    assert "budget" in error.message


def test_a_text_with_placeholders_needs_a_generic_wording(tmp_path: Path) -> None:
    result = load(
        tmp_path, BANK.replace('    text_generic: "Avec votre budget, pourquoi ce canal ?"\n', "")
    )
    assert result.bank is None
    assert "text_generic" in str(result.errors[0])


def test_hints_are_dumped_only_when_present(tmp_path: Path) -> None:
    dumped = load(tmp_path, BANK).bank.model_dump()["questions"][0]["key_points"]
    assert dumped == [
        "Un chiffre de coût par contact",
        {"text": "Une source nommée", "hints": ["source", "étude", "Médiamétrie"]},
    ]
