"""Round-trip edits of commented banks, compared byte for byte with golden files.

Regenerate the golden files after a deliberate change with SOUTENANCE_UPDATE_GOLDEN=1, then
read the diff: everything outside the edited question must be unchanged.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from soutenance.banks.editing import (
    BankDocument,
    FollowUpDraft,
    InvalidEdit,
    QuestionDraft,
    move_question,
)

AUTHORING = Path(__file__).resolve().parent.parent / "fixtures" / "authoring"
EXPECTED = AUTHORING / "expected"
UPDATE = os.environ.get("SOUTENANCE_UPDATE_GOLDEN") == "1"


def check_golden(actual: bytes, name: str) -> None:
    golden = EXPECTED / name
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(actual)
    assert actual == golden.read_bytes(), f"differs from {golden}"


def working_copy(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    shutil.copy(AUTHORING / name, path)
    return path


def unchanged_outside(
    before: bytes, after: bytes, first_line: int, old_count: int, new_count: int
) -> None:
    """Lines before `first_line` (1-based) and after the edited block are the same bytes."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = first_line - 1
    assert new[:start] == old[:start]
    assert new[start + new_count :] == old[start + old_count :]


def add_after_trailing_comment(doc: BankDocument) -> None:
    doc.add_question(
        QuestionDraft(
            text="Comment tirez-vous le bilan de la crise une fois le calme revenu ?",
            key_points=["Retour d'expérience", "Indicateurs de sortie de crise"],
            follow_ups=[FollowUpDraft("Avec qui le partagez-vous ?")],
            difficulty=3,
            time_limit="2m",
            tags=["crise", "bilan"],
        )
    )


def edit_text_and_key_points(doc: BankDocument) -> None:
    draft = QuestionDraft.from_question(doc.question("delais-reponse"))
    draft.text = "Quels délais de réponse tenez-vous le soir et le week-end ?"
    draft.key_points.append("Réponses d'attente personnalisées")
    assert doc.update_question("delais-reponse", draft)


def edit_in_place_keeps_comments(doc: BankDocument) -> None:
    draft = QuestionDraft.from_question(doc.question("frontiere-moderation"))
    draft.key_points[1] = "Liberté d'expression des internautes"
    draft.difficulty = 3
    draft.tags = []
    assert doc.update_question("frontiere-moderation", draft)


def duplicate_block_scalar(doc: BankDocument) -> None:
    assert (
        doc.duplicate_question("supprimer-negatifs") == "simplement-supprimer-commentaires-negatifs"
    )


def delete_first(doc: BankDocument) -> None:
    assert doc.delete_question("frontiere-moderation").deleted


def delete_middle(doc: BankDocument) -> None:
    assert doc.delete_question("supprimer-negatifs").deleted


def delete_last_before_comment(doc: BankDocument) -> None:
    assert doc.delete_question("premiere-heure").deleted


CASES: dict[str, Callable[[BankDocument], None]] = {
    "add_after_trailing_comment": add_after_trailing_comment,
    "edit_text_and_key_points": edit_text_and_key_points,
    "edit_in_place_keeps_comments": edit_in_place_keeps_comments,
    "duplicate_block_scalar": duplicate_block_scalar,
    "delete_first": delete_first,
    "delete_middle": delete_middle,
    "delete_last_before_comment": delete_last_before_comment,
}


# --- facts.yaml: key point hints, follow-ups with key points, facts and generic wordings ----------


def hints_changed(doc: BankDocument) -> None:
    draft = QuestionDraft.from_question(doc.question("choix-canal"))
    draft.hints["Une source d'audience nommée"] = ["Médiamétrie", "DataReportal", "Kantar"]
    draft.hints["Un coût par mille ou par clic comparé entre les deux réseaux"] = ["CPM", "CPC"]
    assert doc.update_question("choix-canal", draft)


def follow_up_key_points_changed(doc: BankDocument) -> None:
    draft = QuestionDraft.from_question(doc.question("choix-canal"))
    draft.follow_ups[0].key_points.remove("Ce qui est coupé en premier, chiffré")
    draft.follow_ups[1].key_points = ["Un argument chiffré sur l'audience de la cible"]
    assert doc.update_question("choix-canal", draft)


def generic_wording_changed(doc: BankDocument) -> None:
    draft = QuestionDraft.from_question(doc.question("mesure-succes"))
    draft.text = (
        "Pour toucher {cible}, quel indicateur regardez-vous en premier la première semaine ?"
    )
    draft.text_generic = (
        "Pour toucher votre cible, quel indicateur regardez-vous en premier la première semaine ?"
    )
    assert doc.update_question("mesure-succes", draft)


def question_with_hints_added(doc: BankDocument) -> None:
    doc.add_question(
        QuestionDraft(
            text="Combien de créations prévoyez-vous pour {budget} ?",
            text_generic="Combien de créations prévoyez-vous pour votre budget ?",
            key_points=["Un nombre de visuels par semaine", "La règle de renouvellement"],
            hints={"La règle de renouvellement": ["fatigue", "fréquence"]},
            follow_ups=[
                FollowUpDraft(
                    "Qui les produit ?",
                    ["Un coût de production"],
                    {"Un coût de production": ["devis"]},
                )
            ],
            tags=["création"],
        )
    )


def only_the_difficulty(doc: BankDocument) -> None:
    draft = QuestionDraft.from_question(doc.question("choix-canal"))
    draft.difficulty = 2
    assert doc.update_question("choix-canal", draft)


def fact_added_and_relabelled(doc: BankDocument) -> None:
    assert doc.set_fact("duree", "Durée de la campagne, en semaines")
    assert doc.set_fact("cible", "Cible principale : âge, lieu, centre d'intérêt")


def fact_removed(doc: BankDocument) -> None:
    assert doc.remove_fact("cible")


FACTS_CASES: dict[str, Callable[[BankDocument], None]] = {
    "hints_changed": hints_changed,
    "follow_up_key_points_changed": follow_up_key_points_changed,
    "generic_wording_changed": generic_wording_changed,
    "question_with_hints_added": question_with_hints_added,
    "only_the_difficulty": only_the_difficulty,
    "fact_added_and_relabelled": fact_added_and_relabelled,
    "fact_removed": fact_removed,
}


@pytest.mark.parametrize(
    ("fixture", "case", "edit"),
    [("commented", name, edit) for name, edit in sorted(CASES.items())]
    + [("facts", name, edit) for name, edit in sorted(FACTS_CASES.items())],
)
def test_edit_matches_golden_file(
    tmp_path: Path, fixture: str, case: str, edit: Callable[[BankDocument], None]
) -> None:
    path = working_copy(tmp_path, f"{fixture}.yaml")
    doc = BankDocument.open(path)
    edit(doc)
    result = doc.save()
    assert result.written
    assert not [d for d in result.warnings if d.is_error]
    check_golden(path.read_bytes(), f"{fixture}.{case}.yaml")


def test_hints_follow_up_key_points_and_facts_survive_an_unrelated_edit(tmp_path: Path) -> None:
    path = working_copy(tmp_path, "facts.yaml")
    before = path.read_bytes()
    doc = BankDocument.open(path)
    for question in doc.bank.questions:  # re-saving every question unchanged writes nothing
        assert not doc.update_question(question.id, QuestionDraft.from_question(question))
    assert not doc.save().written
    only_the_difficulty(doc)
    doc.save()
    changed = [
        (a, b)
        for a, b in zip(before.splitlines(), path.read_bytes().splitlines(), strict=True)
        if a != b
    ]
    assert changed == [(b"    difficulty: 3", b"    difficulty: 2")]


def test_edited_hints_and_follow_up_key_points_read_back(tmp_path: Path) -> None:
    path = working_copy(tmp_path, "facts.yaml")
    doc = BankDocument.open(path)
    hints_changed(doc)
    follow_up_key_points_changed(doc)
    doc.save()
    question = BankDocument.open(path).question("choix-canal")
    assert [(str(k), k.hints) for k in question.key_points] == [
        ("Un coût par mille ou par clic comparé entre les deux réseaux", ("CPM", "CPC")),
        ("Une source d'audience nommée", ("Médiamétrie", "DataReportal", "Kantar")),
        ("Le renoncement assumé", ("renoncer", "au détriment de")),
    ]
    kept, given = question.follow_ups
    assert [(str(k), k.hints) for k in kept.key_points] == [
        ("Le canal conservé et pourquoi", ("garder", "priorité"))
    ]
    assert given.key_points == ["Un argument chiffré sur l'audience de la cible"]
    assert "  - text: Une source d'audience nommée   # pas « une étude »\n" in path.read_text(
        encoding="utf-8"
    )


def test_a_fact_in_use_is_not_removed_and_an_undeclared_one_is_refused(tmp_path: Path) -> None:
    path = working_copy(tmp_path, "facts.yaml")
    before = path.read_bytes()
    doc = BankDocument.open(path)
    with pytest.raises(InvalidEdit, match="is used by `choix-canal`"):
        doc.remove_fact("budget")
    draft = QuestionDraft.from_question(doc.question("mesure-succes"))
    draft.text, draft.text_generic = (
        "Avec {marge} de marge, que visez-vous ?",
        "Avec votre marge, que visez-vous ?",
    )
    with pytest.raises(InvalidEdit) as refused:
        doc.update_question("mesure-succes", draft)
    assert any(
        "`{marge}` is not a fact of the project" in str(d) for d in refused.value.diagnostics
    )
    assert not doc.dirty and path.read_bytes() == before


def test_new_question_goes_after_the_comment_that_follows_the_last_one(tmp_path: Path) -> None:
    path = working_copy(tmp_path, "commented.yaml")
    before = path.read_bytes()
    doc = BankDocument.open(path)
    add_after_trailing_comment(doc)
    doc.save()
    after = path.read_bytes()
    assert after.startswith(before)  # every original byte, the final comment included, is kept
    added = after[len(before) :].decode("utf-8")
    assert added.startswith("\n  - id: tirez-bilan-crise-calme\n")
    assert "    time_limit: 120\n" in added


def test_editing_a_question_changes_only_its_lines(tmp_path: Path) -> None:
    path = working_copy(tmp_path, "commented.yaml")
    before = path.read_bytes()
    doc = BankDocument.open(path)
    edit_text_and_key_points(doc)
    doc.save()
    after = path.read_bytes()
    # delais-reponse spans lines 30-39: its comment and its follow-up mapping are kept
    unchanged_outside(before, after, 30, 10, 10)
    text = after.decode("utf-8")
    assert "    # posée par le jury de juin\n" in text
    assert (
        "key_points: [Délais par canal, Organisation des astreintes, Réponses d'attente personnalisées]"
        in text
    )


def test_editing_the_text_keeps_the_id(tmp_path: Path) -> None:
    path = working_copy(tmp_path, "commented.yaml")
    doc = BankDocument.open(path)
    edit_text_and_key_points(doc)
    doc.save()
    bank = BankDocument.open(path).bank
    assert bank is not None
    question = bank.question("delais-reponse")
    assert question is not None
    assert question.text == "Quels délais de réponse tenez-vous le soir et le week-end ?"


def test_move_writes_both_files_in_their_own_style(tmp_path: Path) -> None:
    source = BankDocument.open(working_copy(tmp_path, "commented.yaml"))
    target = BankDocument.open(working_copy(tmp_path, "compact.yaml"))
    result = move_question(source, "delais-reponse", target)
    assert result.question_id == "delais-reponse"
    check_golden((tmp_path / "compact.yaml").read_bytes(), "compact.moved_in.yaml")
    check_golden((tmp_path / "commented.yaml").read_bytes(), "commented.moved_out.yaml")


def test_no_op_update_writes_nothing(tmp_path: Path) -> None:
    path = working_copy(tmp_path, "commented.yaml")
    doc = BankDocument.open(path)
    draft = QuestionDraft.from_question(doc.question("frontiere-moderation"))
    draft.time_limit = "90"  # the file says 1:30: the same duration, so no change
    assert not doc.update_question("frontiere-moderation", draft)
    assert not doc.save().written
