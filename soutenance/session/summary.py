"""The end-of-session summary: each answer against its limit, totals, what to work on, calibration."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from soutenance.session.model import Answer, AnswerStatus, Session
from soutenance.session.scheduling import (
    DEFAULT_CRITERIA,
    AnswerRecord,
    Criteria,
    Reason,
    answer_quality,
    weak_points,
)
from soutenance.session.stats import Calibration, calibrate, calibration_pairs

PREVIEW_WIDTH = 80


def notes_preview(text: str, width: int = PREVIEW_WIDTH) -> str:
    """The notes on one line, cut at a word near ``width`` characters with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    cut = line[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


@dataclass(frozen=True)
class AnswerLine:
    position: int
    question_id: str
    question_text: str
    time_limit: float
    elapsed: float | None
    overtime: float
    skipped: bool
    reached: bool
    status: AnswerStatus
    coverage: float | None
    covered: int
    total_key_points: int
    confidence: int | None
    notes_preview: str


@dataclass(frozen=True)
class Totals:
    asked: int
    answered: int
    skipped: int
    not_reached: int
    total_time: float
    mean_coverage: float | None
    overtime_count: int
    mean_confidence: float | None


@dataclass(frozen=True)
class WorkItem:
    """A question to work on, with everything that went wrong (worst first)."""

    question_id: str
    question_text: str
    position: int
    reasons: tuple[Reason, ...]
    quality: float


@dataclass(frozen=True)
class SessionSummary:
    lines: tuple[AnswerLine, ...]
    totals: Totals
    to_work_on: tuple[WorkItem, ...]
    calibration: Calibration

    @property
    def calibration_gap(self) -> float | None:
        """Mean confidence (0..1) minus coverage: positive when over-confident."""
        return self.calibration.gap


def _line(answer: Answer) -> AnswerLine:
    return AnswerLine(
        position=answer.position,
        question_id=answer.question_id,
        question_text=answer.question_text,
        time_limit=answer.limit,
        elapsed=answer.elapsed if answer.answered else None,
        overtime=answer.overtime,
        skipped=answer.skipped,
        reached=answer.reached,
        status=answer.status,
        coverage=answer.coverage,
        covered=len({i for i in answer.covered if 0 <= i < len(answer.key_points)}),
        total_key_points=len(answer.key_points),
        confidence=answer.confidence,
        notes_preview=notes_preview(answer.notes),
    )


def summarize(session: Session, criteria: Criteria = DEFAULT_CRITERIA) -> SessionSummary:
    """The summary shown after a session; the calibration verdict needs at least 3 answers."""
    answers = sorted(session.answers, key=lambda a: a.position)
    lines = tuple(_line(a) for a in answers)
    records = [AnswerRecord.from_answer(a, session) for a in answers]
    answered = [r for r in records if not r.skipped and r.elapsed is not None]
    coverages = [r.coverage for r in answered if r.coverage is not None]
    confidences = [r.confidence for r in records if r.confidence is not None]
    totals = Totals(
        asked=len(answers),
        answered=len(answered),
        skipped=sum(a.skipped for a in answers),
        not_reached=sum(not line.reached for line in lines),
        total_time=session.total_time,
        mean_coverage=fmean(coverages) if coverages else None,
        overtime_count=sum(r.overtime >= criteria.overtime_floor for r in answered),
        mean_confidence=fmean(confidences) if confidences else None,
    )
    work = [
        WorkItem(
            a.question_id, a.question_text, a.position, tuple(reasons), answer_quality(r, criteria)
        )
        for a, r in zip(answers, records, strict=True)
        if r.reached and (reasons := weak_points(r, criteria))
    ]
    work.sort(key=lambda item: (item.quality, -len(item.reasons), item.position))
    return SessionSummary(
        lines=lines,
        totals=totals,
        to_work_on=tuple(work),
        calibration=calibrate(calibration_pairs(records, criteria), min_pairs=3),
    )
