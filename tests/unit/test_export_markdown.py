"""The Markdown exports: the session as a readable report, and the evaluator-style feedback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from markdown_it import MarkdownIt

from soutenance.exports.feedback import feedback_markdown
from soutenance.exports.labels import clock_time, fenced
from soutenance.exports.markdown import session_to_markdown
from soutenance.session.model import Answer, FollowUpAnswer, MockState, Objective, Session

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
                    FollowUpAnswer(text="And the risks?", key_points=["Legal"], time_limit=60, elapsed=75.0, covered=[], notes="fu *notes*", ad_hoc=True)
                ],
                marks={"justification": 2},
            ),
        ],
        objectives=[Objective(text="Chiffrer *chaque* réponse", done=True), Objective(text="Ralentir")],
        mock=MockState(presentation_seconds=754.0, phase="done"),
        debrief_strengths="Bonne posture",
        debrief_improvements="Trop long\n# encore",
    )
    fields.update(changes)
    return Session(**fields)


def fenced_blocks(markdown: str) -> list[str]:
    """The code blocks a CommonMark reader finds, with their text as it would show it."""
    return [t.content.removesuffix("\n") for t in MarkdownIt().parse(markdown) if t.type == "fence"]


def headings(markdown: str) -> list[str]:
    tokens = MarkdownIt().parse(markdown)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


def test_the_title_names_project_student_and_date() -> None:
    text = session_to_markdown(session(), "fr")
    first = text.splitlines()[0]
    assert first.startswith("# Soutenance — SEO audit — 2026-11-0")
    assert "**Étudiant·e :** Chloé · **Séance :** répétition" in text


def test_notes_are_kept_verbatim_in_a_fence_markdown_cannot_close() -> None:
    text = session_to_markdown(session(), "en")
    blocks = fenced_blocks(text)
    assert NOTES in blocks
    assert "Précis.\nCite la source." in blocks
    assert "fu *notes*" in blocks
    assert "Trop long\n# encore" in blocks
    assert f"````\n{NOTES}\n````" in text  # longer than the ``` inside the notes
    assert "Not a title" not in headings(text) and "encore" not in headings(text)


def test_the_fence_is_longer_than_any_backtick_run_in_the_text() -> None:
    assert fenced("a\n```\nb").startswith("````\n")
    assert fenced("plain").startswith("```\n")
    assert fenced("x ````` y").splitlines()[0] == "``````"


def test_each_question_shows_time_against_limit_and_overtime() -> None:
    text = session_to_markdown(session(), "en")
    assert "- **Time:** 1:40 / 2:00\n" in text
    assert "- **Time:** 2:12 / 2:00 (+0:12)" in text
    assert "- **Time:** skipped" in text
    assert "- **Reason:** Pas vu en cours" in text
    assert "- **Confidence:** 3" in text


def test_covered_and_missed_key_points_are_listed() -> None:
    text = session_to_markdown(session(), "en")
    q2 = text.split("## Question 2")[1].split("## Question 3")[0]
    assert "**Key points covered (1/3)**\n\n- Budget" in q2
    assert "**Key points missed (2/3)**\n\n- Timeline\n- Risks" in q2


def test_follow_ups_mentor_comments_and_marks_appear() -> None:
    text = session_to_markdown(session(), "en")
    assert "### Follow-up 4.1 (asked on the spot)" in text
    assert "And the risks?" in text
    assert "- **Time:** 1:15 / 1:00 (+0:15)" in text
    assert "**Mentor's comment:**" in text
    assert "clarity 4/4 (convincing)" in text
    assert "private: hesitant" not in text
    assert "private: hesitant" in session_to_markdown(session(), "en", include_mentor_notes=True)


def test_totals_come_at_the_end() -> None:
    text = session_to_markdown(session(), "en")
    totals = text.split("## Totals")[1]
    assert "- **Questions answered:** 3 / 4 (1 skipped)" in totals
    assert f"- **Total time:** {clock_time(100 + 132.4 + 100)}" in totals
    assert "- **Over time:** 1 question(s) (+0:12)" in totals
    assert "- **Key points covered:** 7 / 9 (78 %)" in totals
    assert "- **Presentation:** 12:34" in totals
    assert "- [x] Chiffrer \\*chaque\\* réponse" in totals
    assert "- [ ] Ralentir" in totals


def test_labels_follow_the_language() -> None:
    fr = session_to_markdown(session(), "fr")
    assert "**Temps :** 2:12 / 2:00 (+0:12)" in fr
    assert "Points clés manqués" in fr and "Commentaire du mentor" in fr and "## Totaux" in fr
    en = session_to_markdown(session(), "en")
    assert "Key points missed" in en and "Temps" not in en
    with pytest.raises(ValueError):
        session_to_markdown(session(), "de")


def test_clock_time_counts_whole_seconds_like_every_screen() -> None:
    """One rule for every m:ss: whole seconds elapsed, so 8.99 s is 0:08 here as on the timer."""
    assert [clock_time(s) for s in (0, 8.99, 9.4, 59.6, 102.4, 3600)] == [
        "0:00", "0:08", "0:09", "0:59", "1:42", "60:00",
    ]  # fmt: skip


def test_feedback_lists_strengths_before_points_to_improve() -> None:
    text = feedback_markdown(session(), "en")
    strengths, improve = text.split("## Strengths")[1].split("## Points to improve")
    assert "**Question 1**" in strengths and "all key points covered (3/3)" in strengths
    assert "clarity convincing (4/4)" in strengths
    assert "“Précis. Cite la source.”" in strengths
    assert "Bonne posture" in strengths
    assert "**Question 2**" in improve
    assert "key points missed: Timeline, Risks" in improve
    assert "over time +0:12 (limit 2:00)" in improve
    assert "**Question 3**" in improve and "skipped" in improve
    assert "justification partly (2/4)" in improve
    assert "follow-up “And the risks?”, key points missed: Legal" in improve


def test_feedback_in_french() -> None:
    text = feedback_markdown(session(), "fr")
    assert text.index("## Points forts") < text.index("## Points à améliorer")
    assert "dépassement +0:12 (limite 2:00)" in text


def test_feedback_with_nothing_observed_says_so() -> None:
    text = feedback_markdown(session(answers=[], debrief_strengths="", debrief_improvements=""))
    assert text.count("Rien de net à relever") == 2


def test_both_languages_have_the_same_labels() -> None:
    from soutenance.exports.labels import LABELS

    assert LABELS["fr"].keys() == LABELS["en"].keys()
