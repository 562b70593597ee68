"""Drafts with key point hints, follow-ups written with their key points, facts and generic wordings."""

from __future__ import annotations

import shutil
from pathlib import Path

from soutenance.banks.editing import (
    BankDocument,
    FollowUpDraft,
    QuestionDraft,
    check_draft,
    follow_ups_text,
    parse_follow_ups,
)

AUTHORING = Path(__file__).resolve().parent.parent / "fixtures" / "authoring"


def facts_document(tmp_path: Path) -> BankDocument:
    path = tmp_path / "facts.yaml"
    shutil.copy(AUTHORING / "facts.yaml", path)
    return BankDocument.open(path)


def test_follow_ups_round_trip_through_the_form_text(tmp_path: Path) -> None:
    question = facts_document(tmp_path).question("choix-canal")
    drafts = QuestionDraft.from_question(question).follow_ups
    text = follow_ups_text(drafts)
    assert parse_follow_ups(text, drafts).follow_ups == drafts  # hints come back by key point text
    assert text.splitlines()[1] == "  - Ce qui est coupé en premier, chiffré"


def test_follow_up_lines_orphans_and_dashes_inside_a_text() -> None:
    found = parse_follow_ups(
        "- sans relance\n\n-20 % de budget : que coupez-vous ?\n  -  Un poste chiffré\n•\nEt après ?"
    )
    assert [(f.text, f.key_points) for f in found.follow_ups] == [
        ("-20 % de budget : que coupez-vous ?", ["Un poste chiffré"]),
        ("Et après ?", []),
    ]
    assert found.orphans == [0]
    assert (found.line_of(0), found.line_of(0, 0), found.line_of(1), found.line_of(2)) == (
        2,
        3,
        5,
        None,
    )


def test_a_key_point_moved_under_a_renamed_follow_up_keeps_its_hints() -> None:
    before = [FollowUpDraft("Et si ?", ["Un plan B"], {"Un plan B": ["plan b"]})]
    (after,) = parse_follow_ups("Et si le budget baisse ?\n  - Un plan B", before).follow_ups
    assert after.hints == {"Un plan B": ["plan b"]}


def test_check_draft_codes_for_facts_and_the_generic_wording(tmp_path: Path) -> None:
    bank = facts_document(tmp_path).bank
    unknown = check_draft(
        QuestionDraft(text="Avec {marge} ?", text_generic="Avec votre marge ?"), bank
    )
    assert [(p.field, p.code, p.params["name"]) for p in unknown.errors] == [
        ("text", "unknown_fact", "marge")
    ]
    missing = check_draft(QuestionDraft(text="Avec {budget} ?"), bank)
    assert [(p.field, p.code) for p in missing.errors] == [("text_generic", "needs_generic")]
    with_facts = check_draft(
        QuestionDraft(text="Avec {budget} ?", text_generic="Avec {cible} ?"), bank
    )
    assert [(p.field, p.code) for p in with_facts.errors] == [
        ("text_generic", "generic_placeholders")
    ]
    deep = QuestionDraft(text="Pourquoi ?", follow_ups=[FollowUpDraft("Et ?", ["a", "x" * 2001])])
    (problem,) = check_draft(deep, bank).errors
    assert (problem.field, problem.index, problem.sub_index, problem.code) == (
        "follow_ups",
        0,
        1,
        "too_long",
    )


def test_a_draft_like_another_questions_generic_wording_is_a_near_duplicate(tmp_path: Path) -> None:
    bank = facts_document(tmp_path).bank
    draft = QuestionDraft(
        text="Avec le budget dont vous disposez, pourquoi avoir donc choisi Instagram plutôt que TikTok ?"
    )
    assert [s.question_id for s in check_draft(draft, bank).similar] == ["choix-canal"]


def test_merged_json_keeps_what_a_text_alone_does_not_say(tmp_path: Path) -> None:
    draft = QuestionDraft.from_question(facts_document(tmp_path).question("choix-canal"))
    merged = draft.merged(
        {
            "key_points": [
                "Une source d'audience nommée",
                {"text": "Le renoncement assumé", "hints": []},
            ],
            "follow_ups": ["Et si le budget était divisé par deux ?"],
            "text_generic": None,
        }
    )
    assert merged.hints == {
        "Une source d'audience nommée": ["Médiamétrie", "DataReportal", "source"]
    }
    assert merged.follow_ups == draft.follow_ups[:1]
    assert (
        merged.text_generic is None and draft.text_generic is not None
    )  # the original is untouched
    assert merged.text == draft.text and merged.difficulty == 3
