"""Answers summed up: figures that add up over disjoint sets of answers, and each question's record.

``Figures`` holds only counts and sums, so a student's figures are the sum of their figures per
question, and the store keeps them current by adding what an answer changed. ``QuestionSummary``
adds what does not add up (medians, students, key points missed); ``QuestionStats`` is what the
screens and the command line show of it. Pure functions over ``AnswerRecord`` lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from statistics import median

from soutenance.session.answer_quality import (
    DEFAULT_CRITERIA,
    AnswerRecord,
    Criteria,
    confidence_unit,
)
from soutenance.session.model import MARK_SCALES

CALIBRATION_MARGIN = 0.2
"""Confidence (0..1) more than this above or below coverage is over- or under-confident."""


@dataclass(frozen=True)
class Calibration:
    """Confidence (mapped to 0..1) against coverage. ``verdict``: "not_enough_data",
    "calibrated", "overconfident", "underconfident" or "inconsistent" (off on average but not
    consistently one way)."""

    verdict: str
    pairs: int
    gap: float | None
    """Mean of confidence minus coverage: positive when over-confident."""
    mean_confidence: float | None
    mean_coverage: float | None
    share_over: float | None
    """Share of answers where confidence exceeded coverage by more than the margin."""
    share_under: float | None


def calibration_of(
    pairs: int, gap_sum: float, over: int, under: int, confidence_sum: float, coverage_sum: float,
    *, margin: float = CALIBRATION_MARGIN, consistency: float = 0.6, min_pairs: int = 5,
) -> Calibration:  # fmt: skip
    """The verdict from sums over (confidence, coverage) pairs: over- or under-confident when the
    mean gap passes ``margin`` and at least ``consistency`` of the answers lean that way."""
    if not pairs:
        return Calibration("not_enough_data", 0, None, None, None, None, None)
    gap, share_over, share_under = gap_sum / pairs, over / pairs, under / pairs
    if pairs < min_pairs:
        verdict = "not_enough_data"
    elif abs(gap) < margin:
        verdict = "calibrated"
    elif gap > 0 and share_over >= consistency:
        verdict = "overconfident"
    elif gap < 0 and share_under >= consistency:
        verdict = "underconfident"
    else:
        verdict = "inconsistent"
    return Calibration(verdict, pairs, gap, confidence_sum / pairs, coverage_sum / pairs,
                       share_over, share_under)  # fmt: skip


def _ratio(part: float, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Figures:
    """Counts and sums over some answers (those reached: answered or skipped).

    Every field adds up, so figures of disjoint answers are summed with ``+`` and an answer's
    change is applied with ``-`` and ``+``. The store keeps one column per field: a new figure is
    a new field here, its column (a migration) and a new ``DERIVED_VERSION`` (stored rows are
    then rebuilt)."""

    asked: int = 0
    answered: int = 0
    skipped: int = 0
    time_sum: float = 0.0
    overtime: int = 0
    """Answers over the limit by at least the grace (``Criteria.overtime_floor``)."""
    coverage_count: int = 0
    coverage_sum: float = 0.0
    confidence_count: int = 0
    confidence_sum: float = 0.0
    pairs: int = 0
    """Answers with both a coverage and a confidence: the calibration's."""
    gap_sum: float = 0.0
    over: int = 0
    under: int = 0
    pair_confidence_sum: float = 0.0
    pair_coverage_sum: float = 0.0
    mark_counts: tuple[int, ...] = (0,) * len(MARK_SCALES)
    mark_sums: tuple[int, ...] = (0,) * len(MARK_SCALES)

    def _combine(self, other: Figures, sign: int) -> Figures:
        values = {}
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, tuple):
                values[item.name] = tuple(a + sign * b for a, b in zip(mine, theirs, strict=True))
            else:
                values[item.name] = mine + sign * theirs
        return Figures(**values)

    def __add__(self, other: Figures) -> Figures:
        return self._combine(other, 1)

    def __sub__(self, other: Figures) -> Figures:
        return self._combine(other, -1)

    @property
    def mean_time(self) -> float | None:
        return _ratio(self.time_sum, self.answered)

    @property
    def overtime_rate(self) -> float | None:
        return _ratio(self.overtime, self.answered)

    @property
    def mean_coverage(self) -> float | None:
        return _ratio(self.coverage_sum, self.coverage_count)

    @property
    def mean_confidence(self) -> float | None:
        return _ratio(self.confidence_sum, self.confidence_count)

    @property
    def mean_marks(self) -> dict[str, float]:
        """The mean mark per scale given at least once."""
        pairs = zip(MARK_SCALES, self.mark_counts, self.mark_sums, strict=True)
        return {scale: total / count for scale, count, total in pairs if count}

    @property
    def calibration(self) -> Calibration:
        return calibration_of(self.pairs, self.gap_sum, self.over, self.under,
                              self.pair_confidence_sum, self.pair_coverage_sum)  # fmt: skip


def figures(
    records: Iterable[AnswerRecord],
    marks: Iterable[Mapping[str, int]] | None = None,
    criteria: Criteria = DEFAULT_CRITERIA,
) -> Figures:
    """The figures of some answers; ``marks`` (the mentor's, per answer, in the same order) are
    optional. Answers never reached are left out."""
    counts = dict.fromkeys(("asked", "answered", "skipped", "overtime", "coverage_count",
                            "confidence_count", "pairs", "over", "under"), 0)  # fmt: skip
    sums = dict.fromkeys(("time_sum", "coverage_sum", "confidence_sum", "gap_sum",
                          "pair_confidence_sum", "pair_coverage_sum"), 0.0)  # fmt: skip
    mark_counts = [0] * len(MARK_SCALES)
    mark_sums = [0] * len(MARK_SCALES)
    floor, scale = criteria.overtime_floor, criteria.confidence_scale
    given = iter(marks) if marks is not None else None
    for record in records:
        answer_marks = next(given) if given is not None else None
        if not (record.skipped or record.elapsed is not None):
            continue
        counts["asked"] += 1
        confidence, coverage, elapsed = record.confidence, record.coverage, record.elapsed
        if confidence is not None:
            counts["confidence_count"] += 1
            sums["confidence_sum"] += confidence
        if answer_marks:
            for index, name in enumerate(MARK_SCALES):
                if (value := answer_marks.get(name)) is not None:
                    mark_counts[index] += 1
                    mark_sums[index] += value
        if record.skipped or elapsed is None:
            counts["skipped"] += 1
            continue
        counts["answered"] += 1
        sums["time_sum"] += elapsed
        counts["overtime"] += elapsed - record.time_limit >= floor
        if coverage is None:
            continue
        counts["coverage_count"] += 1
        sums["coverage_sum"] += coverage
        if confidence is not None:
            unit = confidence_unit(confidence, scale) or 0.0
            gap = unit - coverage
            counts["pairs"] += 1
            counts["over"] += gap > CALIBRATION_MARGIN
            counts["under"] += gap < -CALIBRATION_MARGIN
            sums["gap_sum"] += gap
            sums["pair_confidence_sum"] += unit
            sums["pair_coverage_sum"] += coverage
    return Figures(**counts, **sums, mark_counts=tuple(mark_counts), mark_sums=tuple(mark_sums))


@dataclass(frozen=True)
class MissedKeyPoint:
    text: str
    missed: int
    asked: int

    @property
    def rate(self) -> float:
        return self.missed / self.asked if self.asked else 0.0


QUESTION_SORTS = ("hardest", "times", "median_time", "overtime", "coverage", "confidence")
"""The orders the mentor can list a project's questions in (the store's ``QUESTION_ORDERS``)."""


@dataclass(frozen=True)
class QuestionStats:
    """One question across students."""

    question_id: str
    times_asked: int
    answered: int
    skipped: int
    students: int
    median_time: float | None
    overtime_rate: float | None
    median_coverage: float | None
    most_missed: tuple[MissedKeyPoint, ...]
    figures: Figures = Figures()
    """Everything else that adds up: means, marks, calibration."""


@dataclass(frozen=True)
class QuestionSummary:
    """One question's answers (of every student, or of one), summed up."""

    question_id: str
    figures: Figures
    students: int
    median_time: float | None
    median_coverage: float | None
    key_points: tuple[MissedKeyPoint, ...]
    """Every key-point text asked, the most missed first (then by text)."""
    last_at: datetime | None

    def stats(self, top: int = 3) -> QuestionStats:
        """What the tables show, with the ``top`` most-missed key points."""
        numbers = self.figures
        missed = tuple(point for point in self.key_points if point.missed)[:top]
        return QuestionStats(self.question_id, numbers.asked, numbers.answered, numbers.skipped,
                             self.students, self.median_time, numbers.overtime_rate,
                             self.median_coverage, missed, numbers)  # fmt: skip


def summarize_question(
    question_id: str,
    records: Sequence[AnswerRecord],
    marks: Sequence[Mapping[str, int]] | None = None,
    criteria: Criteria = DEFAULT_CRITERIA,
) -> QuestionSummary:
    """The summary of one question's answers (those never reached are left out)."""
    reached = [r for r in records if r.skipped or r.elapsed is not None]
    answered = [r for r in reached if not r.skipped]
    times = [r.elapsed for r in answered if r.elapsed is not None]
    coverages = [r.coverage for r in answered if r.coverage is not None]
    return QuestionSummary(
        question_id=question_id,
        figures=figures(records, marks, criteria),
        students=len({r.student for r in reached}),
        median_time=median(times) if times else None,
        median_coverage=median(coverages) if coverages else None,
        key_points=ranked_key_points(key_point_counts(answered)),
        last_at=max((r.answered_at for r in reached), default=None),
    )


def key_point_counts(records: Iterable[AnswerRecord], sign: int = 1) -> Counter[tuple[str, bool]]:
    """(text, missed) -> answers, over the answered records (``sign`` -1 takes them away)."""
    counts: Counter[tuple[str, bool]] = Counter()
    for record in records:
        if record.skipped or record.elapsed is None:
            continue
        covered = set(record.covered)
        for index, text in enumerate(record.key_points):
            counts[text, index not in covered] += sign
    return counts


def ranked_key_points(counts: Mapping[tuple[str, bool], int]) -> tuple[MissedKeyPoint, ...]:
    """Every key point asked, the most missed first (then by text)."""
    asked: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for (text, was_missed), count in counts.items():
        asked[text] += count
        if was_missed:
            missed[text] += count
    texts = sorted((t for t in asked if asked[t] > 0), key=lambda text: (-missed[text], text))
    return tuple(MissedKeyPoint(text, missed[text], asked[text]) for text in texts)


def counts_of(points: Iterable[MissedKeyPoint]) -> Counter[tuple[str, bool]]:
    """The counts ``ranked_key_points`` was made from."""
    counts: Counter[tuple[str, bool]] = Counter()
    for point in points:
        counts[point.text, True] += point.missed
        counts[point.text, False] += point.asked - point.missed
    return counts
