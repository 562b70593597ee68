"""Importing CSV, Anki text and Markdown questions, with duplicates skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from soutenance.banks.editing import BankDocument, FollowUpDraft
from soutenance.banks.importers import (
    ImportFailed,
    decode_source,
    detect_format,
    html_lines,
    parse_anki,
    parse_csv,
    parse_markdown,
    plan_import,
    read_source,
    split_items,
)

AUTHORING = Path(__file__).resolve().parent.parent / "fixtures" / "authoring"


# --- CSV ----------------------------------------------------------------------------------------


def test_excel_style_csv_with_french_headers_bom_and_semicolons() -> None:
    parsed = read_source(AUTHORING / "questions-excel.csv")
    assert parsed.format == "csv"
    first, second, third, fourth, repeat = parsed.questions
    assert first.where.endswith("questions-excel.csv:2")
    assert first.draft.key_points == [
        "Cible et âge moyen",
        "Formats adaptés",
        "Ressources de production",
    ]
    assert first.draft.follow_ups == [FollowUpDraft("Et si le client insiste pour TikTok ?")]
    assert first.draft.tags == ["réseaux sociaux", "ciblage"]
    assert (first.draft.difficulty, first.draft.time_limit) == (2, 90)
    # a quoted cell keeps its `;`, and its lines are the key points
    assert (
        second.draft.text
        == "Comment mesurez-vous le ROI d'une campagne d'influence ; quels KPI suivez-vous ?"
    )
    assert second.draft.key_points == [
        "Objectifs SMART",
        "KPI de notoriété et de conversion",
        "Codes promo et liens trackés",
    ]
    assert (second.draft.difficulty, second.draft.time_limit) == (3, 120)
    assert third.where.endswith(":6") and fourth.draft.difficulty == 1
    assert repeat.where.endswith(":10")
    assert [str(p).split("/")[-1] for p in parsed.problems] == [
        "questions-excel.csv:9: difficulty 'très dur': write 1, 2 or 3 (or facile, moyen, difficile): row skipped"
    ]


def test_comma_csv_with_english_headers_and_unknown_columns() -> None:
    text = (
        "Question,Key points,Follow-ups,Tags,Difficulty,Time limit,Owner\n"
        '"Why Meta ads, not Google?",Audience | Budget,"What if CPM doubles?",paid;ads,hard,1:00,Jo\n'
    )
    parsed = parse_csv(text, "q.csv")
    (item,) = parsed.questions
    assert item.draft.text == "Why Meta ads, not Google?"
    assert item.draft.key_points == ["Audience", "Budget"]
    assert item.draft.tags == ["paid", "ads"]
    assert (item.draft.difficulty, item.draft.time_limit) == (3, 60)
    assert [p.message for p in parsed.problems] == ["column 'Owner' ignored"]


def test_csv_without_a_question_column_is_refused() -> None:
    with pytest.raises(ImportFailed, match="no question column"):
        parse_csv("Titre;Réponse\nA;B\n", "x.csv")
    with pytest.raises(ImportFailed, match="empty file"):
        parse_csv("\n\n", "x.csv")


def test_windows_1252_csv_is_read_with_a_note() -> None:
    text, notes = decode_source(
        "question;points clés\nPourquoi ce réseau ?;Cible\n".encode("cp1252"), "x.csv"
    )
    assert "Pourquoi ce réseau ?" in text
    assert [n.message for n in notes] == ["not UTF-8: read as Windows-1252"]
    assert parse_csv(text).questions[0].draft.key_points == ["Cible"]


def test_split_items_prefers_lines_then_pipes_then_semicolons() -> None:
    assert split_items("- a\n- b; c") == ["a", "b; c"]
    assert split_items("a | b; c") == ["a", "b; c"]
    assert split_items("a; b") == ["a", "b"]
    assert split_items("  ") == []


# --- Anki ---------------------------------------------------------------------------------------


def test_anki_export_with_html_quoted_multiline_fields_and_tags_column() -> None:
    parsed = read_source(AUTHORING / "anki-notes.txt")
    assert parsed.format == "anki"
    first, second, third = parsed.questions
    assert (
        first.draft.text == "Quelle est la différence entre modération a priori et a posteriori ?"
    )
    assert first.draft.key_points == [
        "A priori : validation avant publication",
        "A posteriori : suppression après coup",
        "Choix selon le risque & le volume",
    ]
    assert first.draft.tags == ["moderation", "cm::charte"]
    assert (
        second.draft.text
        == "Un influenceur publie un contenu non conforme au brief.\nQue faites-vous ?"
    )
    assert second.draft.key_points == [
        "Relire le contrat",
        "Échanger avec l'influenceur",
        "Demander une correction",
    ]
    assert third.where.endswith(":8")
    assert (
        third.draft.text == "Citez trois indicateurs d'engagement\net dites comment les calculer."
    )
    assert third.draft.key_points == [
        "Taux d'engagement = interactions / portée",
        "Taux de clic",
        "Partages",
    ]
    assert [p.message for p in parsed.problems] == ["empty first field: note skipped"]


def test_anki_named_columns_global_tags_and_other_separators() -> None:
    text = (
        "#separator:Semicolon\n#html:false\n#tags:soutenance cm\n#guid column:1\n"
        "#columns:GUID;Back;Front;Relances\n"
        'abc123;"Cible\nTon";Pourquoi ce ton ?;Et pour LinkedIn ?\n'
    )
    (item,) = parse_anki(text, "deck.txt").questions
    assert item.draft.text == "Pourquoi ce ton ?"
    assert item.draft.key_points == ["Cible", "Ton"]
    assert item.draft.follow_ups == [FollowUpDraft("Et pour LinkedIn ?")]
    assert item.draft.tags == ["soutenance", "cm"]
    piped = parse_anki("#separator:pipe\nQuestion ?|a;b\n").questions[0]
    assert piped.draft.key_points == ["a", "b"]


def test_html_is_stripped_to_text() -> None:
    lines, items = html_lines(
        "Le <b>coût</b>&nbsp;par clic<br/>et {{c1::le CPM::sigle}} [sound:a.mp3]<img src='x.png'>"
    )
    assert lines == ["Le coût par clic", "et le CPM"] and items == []
    _, items = html_lines(
        "<ol><li>un <i>premier</i></li><li>deux &lt;3&gt;</li></ol><script>x()</script>"
    )
    assert items == ["un premier", "deux <3>"]
    assert html_lines("a < b\nc", is_html=False) == (["a < b", "c"], [])


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_list_with_nested_key_points_follow_ups_and_labels() -> None:
    parsed = read_source(AUTHORING / "questions.md")
    assert parsed.format == "md"
    first, second, third, fourth = (item.draft for item in parsed.questions)
    assert first.text == "Pourquoi ce choix d'agence plutôt qu'un freelance ?"
    assert first.key_points == ["Compétences et taille d'équipe", "Budget et délais"]
    assert first.follow_ups == [FollowUpDraft("Et si l'agence vous coûte 20 % de plus ?")]
    assert first.tags == ["agence", "budget"]
    assert second.follow_ups == [
        FollowUpDraft("What if the agency is a week late?", ["Replanifier les jalons"])
    ]
    assert (second.difficulty, second.time_limit) == (3, 120)
    assert third.text == "Comment validez-vous les propositions créatives sans brider l'agence ?"
    assert third.key_points == ["Critères définis dans le brief", "Un seul circuit de validation"]
    assert [f.text for f in third.follow_ups] == [
        "Qui a le dernier mot ?",
        "Combien d'allers-retours ?",
    ]
    assert fourth.text == "Que prévoyez-vous si le client change d'avis en cours de route ?"
    assert parsed.questions[3].where.endswith("questions.md:30")


def test_markdown_bad_label_value_is_a_problem_not_a_failure() -> None:
    parsed = parse_markdown("1. Pourquoi ?\n   - Difficulté : extrême\n   - Cible\n", "x.md")
    assert parsed.questions[0].draft.key_points == ["Cible"]
    assert [str(p) for p in parsed.problems] == [
        "x.md:1: difficulty 'extrême': write 1, 2 or 3 (or facile, moyen, difficile): ignored"
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.csv", "question\n", "csv"),
        ("a.md", "- q\n", "md"),
        ("deck.txt", "#separator:tab\nq\ta\n", "anki"),
        ("deck.txt", "q\ta\n", "anki"),
        ("notes.txt", "Mes questions\n- Pourquoi ?\n", "md"),
    ],
)
def test_format_detection(name: str, text: str, expected: str) -> None:
    assert detect_format(name, text) == expected


def test_undetectable_format_asks_for_format() -> None:
    with pytest.raises(ImportFailed, match="--format"):
        detect_format("notes.txt", "juste du texte\n")


# --- Planning -----------------------------------------------------------------------------------


def test_plan_skips_exact_and_near_duplicates_of_the_bank_and_of_earlier_imports(
    tmp_path: Path,
) -> None:
    bank_path = tmp_path / "commented.yaml"
    shutil.copy(AUTHORING / "commented.yaml", bank_path)
    doc = BankDocument.open(bank_path)
    text = (
        "- La vidéo a 200 000 vues. Que faites-vous dans la première heure ?\n"  # exact (case, punctuation)
        "- La vidéo a 200 000 vues : que faites-vous pendant la première heure ?\n"  # near
        "- Quel message publiez-vous en premier ?\n"
        "- Quel message publiez-vous en premier ?\n"  # repeat within the source
        "- " + "x" * 2001 + "\n"
    )
    plan = plan_import(parse_markdown(text, "in.md"), doc.bank)
    assert [item.draft.id for item in plan.added] == ["message-publiez-premier"]
    reasons = [(s.reason, s.of_id, s.earlier_import) for s in plan.skipped]
    assert reasons == [
        ("duplicate", "premiere-heure", False),
        ("near-duplicate", "premiere-heure", False),
        ("duplicate", "message-publiez-premier", True),
    ]
    assert [p.where for p in plan.problems] == ["in.md:5"]
    assert "at most 2000 characters" in plan.problems[0].message


def test_plan_then_add_gives_the_planned_ids(tmp_path: Path) -> None:
    bank_path = tmp_path / "commented.yaml"
    shutil.copy(AUTHORING / "commented.yaml", bank_path)
    doc = BankDocument.open(bank_path)
    plan = plan_import(read_source(AUTHORING / "questions.md"), doc.bank)
    ids = [doc.add_question(item.draft) for item in plan.added]
    assert ids == [item.draft.id for item in plan.added]
    doc.save()
    bank = BankDocument.open(bank_path).bank
    assert bank is not None and len(bank.questions) == 4 + len(ids)


def test_import_into_a_bank_with_hints_and_facts_keeps_them(tmp_path: Path) -> None:
    bank_path = tmp_path / "facts.yaml"
    shutil.copy(AUTHORING / "facts.yaml", bank_path)
    before = bank_path.read_bytes()
    doc = BankDocument.open(bank_path)
    source = (
        "- Avec le budget dont vous disposez, pourquoi avoir choisi Instagram plutôt que TikTok ?\n"
        "  - Un coût comparé\n"
        "- Quelle fréquence de publication tenez-vous ?\n"
        "  - Un rythme chiffré par semaine\n"
        "  - Relance : Et pendant les soldes ?\n"
        "    - Un pic de publications daté\n"
    )
    plan = plan_import(parse_markdown(source, "q.md"), doc.bank)
    assert [s.of_id for s in plan.skipped] == ["choix-canal"]  # near its generic-free text: skipped
    for item in plan.added:
        doc.add_question(item.draft)
    doc.save()
    after = bank_path.read_bytes()
    assert after.startswith(
        before
    )  # the hints, facts and follow-up key points above: byte for byte
    bank = BankDocument.open(bank_path).bank
    assert bank.project.facts["budget"] == "Budget total de la campagne (en euros)"
    assert bank.questions[0].key_points[1].hints == ("Médiamétrie", "DataReportal", "source")
    added = bank.questions[-1]
    assert added.follow_ups[0].key_points == ["Un pic de publications daté"]
