"""Statistics over recorded answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from soutenance.banks.model import Question
from soutenance.session.scheduling import AnswerRecord
from soutenance.session.stats import (
    bank_coverage,
    calibrate,
    calibration,
    hardest,
    never_drawn,
    progress,
    question_stats,
    student_stats,
    students_stats,
)

T0 = datetime(2026, 10, 1, 18, tzinfo=UTC)
KP = ("Budget", "Planning", "Risques", "KPI")


def rec(
    qid="q1",
    *,
    student="alice",
    session="s1",
    day=0,
    covered=(0, 1),
    elapsed=60.0,
    limit=90,
    confidence=3,
    skipped=False,
) -> AnswerRecord:
    return AnswerRecord(
        question_id=qid,
        answered_at=T0 + timedelta(days=day),
        coverage=None if skipped else len(covered) / len(KP),
        elapsed=None if skipped else elapsed,
        time_limit=limit,
        confidence=confidence,
        skipped=skipped,
        student=student,
        session_id=session,
        key_points=KP,
        covered=covered,
    )


def test_progress_per_session_in_time_order() -> None:
    records = [
        rec(session="late", day=5, covered=(0, 1, 2, 3), confidence=4),
        rec(session="early", day=0, covered=(0,), elapsed=120, confidence=2),
        rec("q2", session="early", day=0, covered=(0, 1, 2), elapsed=30, confidence=None),
        rec("q3", session="early", day=0, skipped=True, confidence=1),
        AnswerRecord("q4", T0, session_id="early"),  # never reached: ignored
    ]
    result = progress(records)
    assert [p.session_id for p in result.points] == ["early", "late"]
    early = result.points[0]
    assert (early.asked, early.answered) == (3, 2)
    assert early.mean_coverage == pytest.approx(0.5)
    assert early.overtime_rate == pytest.approx(0.5)
    assert early.mean_confidence == pytest.approx(1.5)
    assert result.coverage == [pytest.approx(0.5), 1.0]
    assert result.overtime_rate == [0.5, 0.0]
    assert result.confidence == [1.5, 4.0]


def test_progress_groups_by_day_without_session_id() -> None:
    records = [rec(session="", day=0), rec("q2", session="", day=0), rec(session="", day=1)]
    assert [p.asked for p in progress(records).points] == [2, 1]
    assert progress([]).coverage == []


def test_calibration_verdicts() -> None:
    assert calibrate([]).verdict == "not_enough_data"
    assert calibrate([(1.0, 0.2)] * 4).verdict == "not_enough_data"
    assert calibrate([(1.0, 0.25)] * 6).verdict == "overconfident"
    assert calibrate([(0.0, 0.75)] * 6).verdict == "underconfident"
    assert (
        calibrate([(0.5, 0.5), (0.67, 0.75), (1.0, 1.0), (0.33, 0.25), (0.67, 0.5)]).verdict
        == "calibrated"
    )
    mixed = calibrate([(1.0, 0.0)] * 3 + [(0.5, 0.5)] * 3)
    assert mixed.verdict == "inconsistent"
    assert mixed.gap == pytest.approx(0.5)
    assert mixed.share_over == pytest.approx(0.5)


def test_calibration_from_records() -> None:
    records = [rec(covered=(0,), confidence=5) for _ in range(5)] + [
        rec(skipped=True, confidence=5)
    ]
    result = calibration(records)
    assert result.verdict == "overconfident"
    assert result.pairs == 5
    assert result.gap == pytest.approx(0.75)
    assert (result.mean_confidence, result.mean_coverage) == (1.0, 0.25)


def test_question_stats_across_students() -> None:
    records = [
        rec(student="alice", covered=(0, 1), elapsed=60),
        rec(student="bob", covered=(0,), elapsed=100),
        rec(student="carol", covered=(0, 3), elapsed=80),
        rec(student="dan", skipped=True),
        rec("q2", covered=(0, 1, 2, 3)),
    ]
    stats = question_stats(records)
    q1 = stats["q1"]
    assert (q1.times_asked, q1.answered, q1.skipped, q1.students) == (4, 3, 1, 4)
    assert q1.median_time == 80
    assert q1.overtime_rate == pytest.approx(1 / 3)
    assert q1.median_coverage == 0.5
    assert [(m.text, m.missed, m.asked) for m in q1.most_missed] == [
        ("Risques", 3, 3),
        ("KPI", 2, 3),
        ("Planning", 2, 3),
    ]
    assert q1.most_missed[0].rate == 1.0
    assert stats["q2"].most_missed == ()


def test_never_drawn_and_student_page() -> None:
    questions = [Question(id=f"q{i}", text="?") for i in range(1, 5)]
    records = [
        rec("q1"),
        rec("q2", student="bob"),
        rec("q3", skipped=True),
        AnswerRecord("q4", T0, student="alice"),
    ]
    mine = [r for r in records if r.student == "alice"]
    assert [q.id for q in never_drawn(questions, mine)] == ["q2", "q4"]
    page = student_stats(records, "alice", questions)
    assert page.answers == 2
    assert [q.id for q in page.never_drawn] == ["q2", "q4"]
    assert page.calibration.verdict == "not_enough_data"
    other_project = [replace(r, project_id="other") for r in mine]
    assert len(never_drawn(questions, other_project, "crise")) == 4
    assert len(never_drawn(questions, other_project)) == 2
    empty = student_stats([], "nobody", questions)
    assert empty.progress.points == () and len(empty.never_drawn) == 4


def test_bank_coverage_counts_removed_questions_apart() -> None:
    questions = [Question(id=f"q{i}", text="?") for i in range(1, 5)]
    records = [
        rec("q1"),
        rec("q1", student="bob"),
        rec("gone"),
        rec("q3", skipped=True),
        AnswerRecord("q4", T0),
    ]
    coverage = bank_coverage(questions, records)
    assert (coverage.total, coverage.drawn) == (4, 2)
    assert [q.id for q in coverage.never_drawn] == ["q2", "q4"]
    assert coverage.no_longer_in_bank == ("gone",)
    assert coverage.share == 0.5
    assert bank_coverage([], records).share is None


def test_student_page_after_the_bank_changed() -> None:
    questions = [Question(id="q1-renamed", text="?"), Question(id="q2", text="?")]
    records = [rec("q1", covered=(0,), elapsed=100), rec("q2", covered=(0, 1, 2, 3))]
    page = student_stats(records, "alice", questions)
    assert page.no_longer_in_bank == ("q1",)
    assert (page.bank_size, page.drawn) == (2, 1)
    assert [q.id for q in page.never_drawn] == ["q1-renamed"]
    assert page.mean_coverage == pytest.approx(0.625)
    assert page.overtime_rate == 0.5
    assert page.answers == 2  # answers about removed questions still count in the history


def test_hardest_questions_first_removed_ones_last() -> None:
    records = [
        rec("easy", covered=(0, 1, 2, 3)),
        rec("slow", covered=(0, 1), elapsed=200),
        rec("weak", covered=(0,)),
        rec("skipped", skipped=True),
        rec("gone", covered=()),
    ]
    ranked = [s.question_id for s in hardest(question_stats(records).values())]
    assert ranked == ["skipped", "gone", "weak", "slow", "easy"]  # always skipped beats 0 %
    in_bank = {"easy", "slow", "weak", "skipped"}
    ranked = [s.question_id for s in hardest(question_stats(records).values(), in_bank)]
    assert ranked == ["skipped", "weak", "slow", "easy", "gone"]


def test_every_student_of_a_project() -> None:
    questions = [Question(id="q1", text="?"), Question(id="q2", text="?")]
    records = [rec(student="zoé"), rec("q2", student="Bob"), rec(student="alice")]
    pages = students_stats(records, questions)
    assert [p.student for p in pages] == ["alice", "Bob", "zoé"]
    assert [p.drawn for p in pages] == [1, 1, 1]
