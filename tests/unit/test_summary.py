"""The end-of-session summary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from soutenance.session.model import Answer, Session
from soutenance.session.summary import notes_preview, summarize

KP = ["un", "deux", "trois", "quatre"]


def session(*answers: Answer) -> Session:
    return Session(
        student="alice",
        path_id="cm",
        project_id="crise",
        project_title="Crise",
        language="fr",
        evaluator_role="Directrice",
        started_at=datetime(2026, 11, 2, 18, tzinfo=UTC),
        answers=list(answers),
    )


def answer(position: int, **fields) -> Answer:
    base = {
        "question_id": f"q{position}",
        "question_text": f"Question {position}",
        "key_points": KP,
        "time_limit": 60,
        "position": position,
    }
    return Answer(**(base | fields))


def test_lines_and_totals() -> None:
    summary = summarize(
        session(
            answer(2, elapsed=72.0, covered=[0, 1, 2, 3], confidence=4, notes="Bien\n  structuré"),
            answer(1, elapsed=30.0, covered=[0], confidence=2),
            answer(3, skipped=True, elapsed=5.0),
            answer(4),  # never reached: the session ended first
        )
    )
    first, second, third, fourth = summary.lines
    assert [line.position for line in summary.lines] == [1, 2, 3, 4]
    assert (first.covered, first.total_key_points, first.coverage) == (1, 4, 0.25)
    assert second.overtime == 12 and second.notes_preview == "Bien structuré"
    assert third.skipped and third.overtime == 0 and third.reached
    assert not fourth.reached
    totals = summary.totals
    assert (totals.asked, totals.answered, totals.skipped, totals.not_reached) == (4, 2, 1, 1)
    assert totals.total_time == pytest.approx(107)
    assert totals.mean_coverage == pytest.approx(0.625)
    assert totals.overtime_count == 1
    assert totals.mean_confidence == pytest.approx(3)


def test_questions_to_work_on_are_ranked() -> None:
    summary = summarize(
        session(
            answer(1, elapsed=50.0, covered=[0, 1, 2, 3], confidence=4),  # fine
            answer(2, elapsed=80.0, covered=[0, 1, 2, 3], confidence=4),  # overtime only
            answer(3, elapsed=40.0, covered=[0], confidence=1),  # few key points, unsure
            answer(4, skipped=True),
        )
    )
    ranked = [item.question_id for item in summary.to_work_on]
    assert ranked == ["q4", "q3", "q2"]
    q3 = summary.to_work_on[1]
    assert [r.code for r in q3.reasons] == ["key_points", "low_confidence"]
    assert q3.reasons[0].params == {"covered": 1, "total": 4}
    assert summary.to_work_on[2].reasons[0] == ("overtime", {"seconds": 20})
    assert summary.to_work_on[0].reasons[0].code == "skipped"


def test_calibration_gap() -> None:
    over = summarize(
        session(*(answer(i, elapsed=30.0, covered=[0], confidence=5) for i in range(1, 5)))
    )
    assert over.calibration_gap == pytest.approx(0.75)
    assert over.calibration.verdict == "overconfident"
    under = summarize(
        session(*(answer(i, elapsed=30.0, covered=[0, 1, 2, 3], confidence=1) for i in range(1, 4)))
    )
    assert under.calibration.verdict == "underconfident"
    few = summarize(session(answer(1, elapsed=30.0, covered=[0], confidence=4)))
    assert few.calibration.verdict == "not_enough_data"


def test_empty_session() -> None:
    summary = summarize(session())
    assert summary.lines == ()
    assert summary.totals.mean_coverage is None
    assert summary.to_work_on == ()
    assert summary.calibration_gap is None


def test_notes_preview() -> None:
    assert notes_preview("  a\n\nb  ") == "a b"
    long = "mot " * 40
    preview = notes_preview(long)
    assert len(preview) <= 80 and preview.endswith("…") and "\n" not in preview
    assert not preview[:-1].endswith(" ")
    assert notes_preview("x" * 200, width=10) == "x" * 9 + "…"
