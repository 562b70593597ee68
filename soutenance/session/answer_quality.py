"""How good one recorded answer was: weak points, a 0..1 quality and the FSRS rating it earns.

``AnswerRecord`` is an answer as the store hands it over; ``Criteria`` says what counts as weak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

from fsrs import Rating

from soutenance.session.model import Answer, Session

CONFIDENCE_SCALE = (1, 5)
"""Self-assessed confidence, asked before the key points are shown: 1 not at all ... 5 fully."""


class Reason(NamedTuple):
    """Why a question was drawn: a code and its parameters (see ``soutenance.session.scheduling``)."""

    code: str
    params: dict[str, Any]


def as_utc(moment: datetime | date) -> datetime:
    """A timezone-aware UTC datetime; naive datetimes are taken as UTC, dates as their midnight."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(0), tzinfo=UTC)
    if moment.tzinfo is UTC:  # the common case: what the store hands over
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def confidence_unit(
    confidence: int | None, scale: tuple[int, int] = CONFIDENCE_SCALE
) -> float | None:
    """Confidence mapped to 0..1 (None stays None; values outside the scale are clamped)."""
    if confidence is None:
        return None
    low, high = scale
    return min(1.0, max(0.0, (confidence - low) / (high - low)))


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One recorded answer, as the store hands it over; ``answered_at`` is kept in UTC.

    ``key_points`` (texts) and ``covered`` (their indices) are optional; statistics use them to
    name the most-missed key points. A question's answers are replayed in ``answer_order``.
    """

    question_id: str
    answered_at: datetime
    coverage: float | None = None
    elapsed: float | None = None
    time_limit: float = 90
    confidence: int | None = None
    skipped: bool = False
    student: str = ""
    session_id: str = ""
    project_id: str = ""
    key_points: tuple[str, ...] = ()
    covered: tuple[int, ...] = ()
    answer_id: str = ""
    """The stored answer's id: breaks ties between answers given at the same instant."""

    def __post_init__(self) -> None:
        # Built by the thousand from the store: only touch what needs normalising.
        moment = self.answered_at
        if not isinstance(moment, datetime) or moment.tzinfo is not UTC:
            object.__setattr__(self, "answered_at", as_utc(moment))
        coverage = self.coverage
        if coverage is not None and (coverage.__class__ is not float or not 0.0 <= coverage <= 1.0):
            object.__setattr__(self, "coverage", min(1.0, max(0.0, float(coverage))))

    @classmethod
    def from_answer(cls, answer: Answer, session: Session) -> AnswerRecord:
        return cls(
            question_id=answer.question_id,
            answered_at=answer.answered_at or session.started_at,
            coverage=answer.coverage,
            elapsed=answer.elapsed if answer.answered else None,
            time_limit=answer.limit,
            confidence=answer.confidence,
            skipped=answer.skipped,
            student=session.student,
            session_id=session.id,
            project_id=session.project_id,
            key_points=tuple(answer.key_points),
            covered=tuple(sorted(set(answer.covered))),
            answer_id=answer.id,
        )

    @property
    def reached(self) -> bool:
        """Answered or skipped; an answer never reached (session ended first) tells nothing."""
        return self.skipped or self.elapsed is not None

    @property
    def overtime(self) -> float:
        if self.skipped or self.elapsed is None:
            return 0.0
        return max(0.0, self.elapsed - self.time_limit)

    def key_point_counts(self, total_hint: int = 0) -> tuple[int, int] | None:
        """(covered, total) key points; the total comes from the bank when the record has no texts."""
        if self.key_points:
            total = len(self.key_points)
            return len({i for i in self.covered if 0 <= i < total}), total
        if self.coverage is None or total_hint <= 0:
            return None
        return round(self.coverage * total_hint), total_hint


def answer_order(record: AnswerRecord) -> tuple[datetime, str]:
    """The order answers are replayed in: by time, then by id (the last one is the latest)."""
    return record.answered_at, record.answer_id


@dataclass(frozen=True)
class Criteria:
    """What makes an answer weak, and how answers turn into FSRS ratings."""

    low_coverage: float = 0.5
    """Below this share of key points the answer is weak."""
    low_confidence: int = 2
    """At or below this confidence the answer is weak."""
    overtime_grace: float = 1.0
    """Overtime under this many seconds is not held against the student."""
    confidence_scale: tuple[int, int] = CONFIDENCE_SCALE
    desired_retention: float = 0.9
    """Questions predicted below this recall probability are due."""

    @property
    def overtime_floor(self) -> float:
        """Seconds over the limit from which an answer counts as overtime (never 0)."""
        return max(self.overtime_grace, 1e-9)


DEFAULT_CRITERIA = Criteria()


def is_weak(record: AnswerRecord, criteria: Criteria = DEFAULT_CRITERIA) -> bool:
    """Whether ``weak_points`` finds anything, without building the reasons (hot path)."""
    elapsed = record.elapsed
    return (
        record.skipped
        or (elapsed is not None and elapsed - record.time_limit >= criteria.overtime_floor)
        or (record.coverage is not None and record.coverage < criteria.low_coverage)
        or (record.confidence is not None and record.confidence <= criteria.low_confidence)
    )


def weak_points(
    record: AnswerRecord, criteria: Criteria = DEFAULT_CRITERIA, total_hint: int = 0
) -> list[Reason]:
    """What went wrong in one answer, worst first; codes: skipped, overtime, key_points,
    low_confidence (callers add a suffix such as "_last")."""
    if record.skipped:
        return [Reason("skipped", {})]
    reasons = []
    if record.overtime >= criteria.overtime_floor:
        reasons.append(Reason("overtime", {"seconds": round(record.overtime)}))
    if record.coverage is not None and record.coverage < criteria.low_coverage:
        counts = record.key_point_counts(total_hint)
        covered, total = counts if counts else (round(record.coverage * 100), 100)
        reasons.append(Reason("key_points", {"covered": covered, "total": total}))
    if record.confidence is not None and record.confidence <= criteria.low_confidence:
        reasons.append(Reason("low_confidence", {"confidence": record.confidence}))
    return reasons


def answer_quality(record: AnswerRecord, criteria: Criteria = DEFAULT_CRITERIA) -> float:
    """0..1: coverage weighs 0.6, time 0.2 and confidence 0.2 (over the parts that are known)."""
    # Written out rather than with helpers: this runs once per recorded answer in a draw.
    if record.skipped:
        return 0.0
    total = weight = 0.0
    coverage = record.coverage
    if coverage is not None:
        total += 0.6 * coverage
        weight += 0.6
    elapsed, limit = record.elapsed, record.time_limit
    if elapsed is not None and limit > 0:
        timing = 1.0 if elapsed <= limit else max(0.0, 1.0 - (elapsed - limit) / limit)
        total += 0.2 * timing
        weight += 0.2
    confidence = record.confidence
    if confidence is not None:
        low, high = criteria.confidence_scale
        unit = min(1.0, max(0.0, (confidence - low) / (high - low)))
        total += 0.2 * unit
        weight += 0.2
    return total / weight if weight else 0.5


def rate_answer(record: AnswerRecord, criteria: Criteria = DEFAULT_CRITERIA) -> Rating:
    """Again under 0.4 quality (and when skipped), Hard under 0.7 or whenever the answer is weak,
    Good under 0.95, Easy above."""
    quality = answer_quality(record, criteria)
    if record.skipped or quality < 0.4:
        return Rating.Again
    if quality < 0.7 or is_weak(record, criteria):
        return Rating.Hard
    return Rating.Good if quality < 0.95 else Rating.Easy


def asked_and_weak(
    records: Sequence[AnswerRecord], question_ids: set[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """Of `question_ids`: those answered before, and those whose last answer was weak.

    `records` are in answering order (oldest first), as the store returns them.
    """
    last: dict[str, AnswerRecord] = {}
    for record in records:
        if record.question_id in question_ids:
            last[record.question_id] = record
    weak = frozenset(qid for qid, record in last.items() if is_weak(record))
    return frozenset(last), weak
