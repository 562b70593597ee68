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

from soutenance.banks.editing import BankDocument, FollowUpDraft, QuestionDraft, move_question

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


def unchanged_outside(before: bytes, after: bytes, first_line: int, old_count: int, new_count: int) -> None:
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
    assert doc.duplicate_question("supprimer-negatifs") == "simplement-supprimer-commentaires-negatifs"


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


@pytest.mark.parametrize("case", sorted(CASES))
def test_edit_matches_golden_file(tmp_path: Path, case: str) -> None:
    path = working_copy(tmp_path, "commented.yaml")
    doc = BankDocument.open(path)
    CASES[case](doc)
    result = doc.save()
    assert result.written
    assert not [d for d in result.warnings if d.is_error]
    check_golden(path.read_bytes(), f"commented.{case}.yaml")


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
    assert "key_points: [Délais par canal, Organisation des astreintes, Réponses d'attente personnalisées]" in text


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
