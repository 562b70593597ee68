"""The Markdown exports: the session as a readable report, and the evaluator-style feedback."""

from __future__ import annotations

from datetime import UTC, datetime

from markdown_it import MarkdownIt

from soutenance.exports.feedback import feedback_markdown
from soutenance.exports.markdown import session_to_markdown
from soutenance.i18n import formats
from soutenance.session.model import Answer, FollowUpAnswer, Marks, MockState, Objective, Session
from tests.conftest import use_time_zone

NOTES = "# Not a title\n[bold]kept[/bold] *not italic* _x_\n\n  indented `code`\n```\nfence inside"


def answer(position: int, **changes) -> Answer:
    fields = dict(
        question_id=f"q{position}",
        question_text=f"Question text {position}?",
        key_points=["Budget", "Timeline", "Risks"],
        time_limit=120,
        position=position,
        elapsed=100.0,
        covered=[0, 1, 2],
        confidence=3,
    )
    fields.update(changes)
    return Answer(**fields)


def session(**changes) -> Session:
    fields = dict(
        student="Chloé",
        path_id="digital-marketer",
        project_id="seo-audit",
        project_title="SEO audit",
        language="fr",
        evaluator_role="The founder",
        started_at=datetime(2026, 11, 2, 12, 0, tzinfo=UTC),
        answers=[
            answer(0, notes=NOTES, mentor_comment="Précis.\nCite la source.", marks={"clarity": 4}),
            answer(1, elapsed=132.4, covered=[0], mentor_notes="private: hesitant"),
            answer(2, elapsed=None, skipped=True, reason="Pas vu en cours", covered=[]),
            answer(
                3,
                follow_ups=[
                    FollowUpAnswer(
                        text="And the risks?",
                        key_points=["Legal"],
                        time_limit=60,
                        elapsed=75.0,
                        covered=[],
                        notes="fu *notes*",
                        ad_hoc=True,
                    )
                ],
                marks={"justification": 2},
            ),
        ],
        objectives=[
            Objective(text="Chiffrer *chaque* réponse", done=True),
            Objective(text="Ralentir"),
        ],
        mock=MockState(presentation_seconds=754.0, phase="done"),
        debrief_strengths="Bonne posture",
        debrief_improvements="Trop long\n# encore",
    )
    fields.update(changes)
    return Session(**fields)


def rendered(markdown: str) -> tuple[str, str]:
    """The HTML a CommonMark reader makes, and the text it shows (tags taken out)."""
    import html
    import re

    page = MarkdownIt().render(markdown)
    return page, html.unescape(re.sub(r"<[^>]+>", "", page))


def headings(markdown: str) -> list[str]:
    tokens = MarkdownIt().parse(markdown)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


def test_the_title_names_project_student_date_and_an_unfinished_session(monkeypatch) -> None:
    use_time_zone(monkeypatch, "Europe/Paris")
    text = session_to_markdown(session(ended_at=datetime(2026, 11, 2, 12, 40, tzinfo=UTC)), "fr")
    assert text.splitlines()[0] == "# Soutenance — SEO audit — 2 nov. 2026, 13:00"  # Paris time
    assert "**Étudiant·e :** Chloé · **Séance :** répétition\n" in text
    unfinished = session_to_markdown(session(), "en")
    assert "**Session:** rehearsal · **unfinished session**" in unfinished


def test_typed_text_renders_as_plain_paragraphs_every_word_kept() -> None:
    """For an email: no code block, nothing typed taken as Markdown, line breaks kept."""
    text = session_to_markdown(session(), "en")
    page, shown = rendered(text)
    assert "<pre>" not in page and "<code>" not in page
    for line in NOTES.splitlines():
        assert line.strip() in shown, line
    assert "Précis.\nCite la source." in shown
    assert "fu *notes*" in shown and "Trop long\n# encore" in shown
    assert "<strong>draft</strong>" not in page and "<h1>Not a title" not in page
    assert "Not a title" not in headings(text) and "encore" not in headings(text)


def test_empty_template_headings_are_left_out() -> None:
    notes = "Ce que j'ai répondu :\nLa cible d'abord.\n\nPourquoi :\n\nCe dont je n'étais pas sûr(e) :\n\n"
    text = session_to_markdown(session(answers=[answer(0, notes=notes)]), "fr")
    assert "Ce que j'ai répondu :\\\nLa cible d'abord." in text
    assert "Pourquoi" not in text and "pas sûr" not in text


def test_each_question_shows_time_against_limit_reason_and_confidence_out_of_5() -> None:
    text = session_to_markdown(session(), "en")
    assert "- **Time:** 1:40 / 2:00\n" in text
    assert "- **Time:** 2:12 / 2:00 (over time +0:12)" in text
    assert "- **Time:** skipped" in text
    assert "- **Reason:** Pas vu en cours" in text
    assert "- **Confidence:** 3/5" in text


def test_covered_and_missed_key_points_are_listed() -> None:
    text = session_to_markdown(session(), "en")
    q2 = text.split("## Question 2")[1].split("## Question 3")[0]
    assert "**Key points covered (1/3)**\n\n- Budget" in q2
    assert "**Key points missed (2/3)**\n\n- Timeline\n- Risks" in q2


def test_follow_ups_mentor_comments_and_marks_appear() -> None:
    text = session_to_markdown(session(), "en")
    assert "### Follow-up 4.1 (asked on the spot)" in text
    assert "And the risks?" in text
    assert "- **Time:** 1:15 / 1:00 (over time +0:15)" in text
    assert "**Mentor's comment:**\n\nPrécis.\\\nCite la source." in text
    assert "clarity 4/4" in text
    assert "private: hesitant" not in text
    assert "private: hesitant" in session_to_markdown(session(), "en", include_mentor_notes=True)


def test_totals_what_to_work_on_and_calibration_come_at_the_end() -> None:
    text = session_to_markdown(session(), "en")
    totals = text.split("## Totals")[1]
    assert "- **Questions answered:** 3 / 4 (1 skipped)" in totals
    assert "- **Total time:** 5:32" in totals
    assert "- **Over time:** 1 question(s) (+0:12)" in totals
    assert "- **Key points covered:** 7 / 9 (78%)" in totals
    assert "- **Presentation:** 12:34" in totals
    work = totals.split("## To work on")[1]
    assert "- Question 2 — Question text 1?" in work and "Question 1 —" not in work.split("##")[0]
    assert "## Calibration" in totals
    assert "- [x] Chiffrer \\*chaque\\* réponse" in totals
    assert "- [ ] Ralentir" in totals


def test_labels_follow_the_language() -> None:
    fr = session_to_markdown(session(), "fr")
    assert "**Temps :** 2:12 / 2:00 (dépassement +0:12)" in fr
    assert "Points clés manqués" in fr and "Commentaire du mentor" in fr and "## Totaux" in fr
    assert "78\u00a0%" in fr
    en = session_to_markdown(session(), "en")
    assert "Key points missed" in en and "Temps" not in en


def test_durations_count_whole_seconds_like_every_screen() -> None:
    """One rule for every m:ss: whole seconds elapsed, so 8.99 s is 0:08 here as on the timer."""
    assert [formats.duration(s) for s in (0, 8.99, 9.4, 59.6, 102.4, 3600)] == [
        "0:00", "0:08", "0:09", "0:59", "1:42", "60:00",
    ]  # fmt: skip
    assert [formats.countdown(s) for s in (60, 59.1, 0.2, 0, -3)] == [
        "1:00",
        "1:00",
        "0:01",
        "0:00",
        "0:00",
    ]


def test_feedback_lists_strengths_before_points_to_improve_with_whole_questions() -> None:
    long_question = (
        "Why this channel, and not the one your competitor chose last year for the same audience?"
    )
    text = feedback_markdown(session(answers=[*session().answers[:3], answer(3, question_text=long_question,
                                                                           marks=Marks(justification=2), covered=[0])]), "en")  # fmt: skip
    strengths, improve = text.split("## Strengths")[1].split("## Points to improve")
    assert (
        "**Question 1** — “Question text 0?”" in strengths
        and "all key points covered (3/3)" in strengths
    )
    assert "clarity 4/4" in strengths
    assert "“Précis. Cite la source.”" in strengths
    assert "Bonne posture" in strengths
    assert "**Question 2**" in improve
    assert "key points missed: Timeline, Risks" in improve
    assert "over time +0:12 (limit 2:00)" in improve
    assert "**Question 3**" in improve and "skipped" in improve
    assert f"“{long_question}”" in improve  # the whole question, never cut
    assert "justification 2/4" in improve
    page, _ = rendered(text)
    assert "<pre>" not in page


def test_feedback_is_written_in_the_given_language_with_next_weeks_objectives() -> None:
    text = feedback_markdown(session(), "fr")
    assert text.index("## Points forts") < text.index("## Points à améliorer")
    assert "dépassement +0:12 (limite 2:00)" in text
    assert "## Objectifs pour la semaine prochaine" in text and "- [ ] Ralentir" in text
    assert "convaincant" not in text.split("Appréciations sur 4")[0]  # no adjective to agree
    assert "Appréciations sur 4 : 1 pas encore" in text


def test_feedback_with_nothing_observed_says_so() -> None:
    text = feedback_markdown(
        session(answers=[], debrief_strengths="", debrief_improvements="", objectives=[])
    )
    assert text.count("Rien de net à relever") == 2


def test_both_languages_have_the_same_export_labels() -> None:
    from soutenance.i18n import catalog

    assert {k for k in catalog("fr") if k.startswith("md.")} == {
        k for k in catalog("en") if k.startswith("md.")
    }
