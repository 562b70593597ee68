"""Statistics over recorded answers: a student's progress and calibration, each question's record.

Pure functions over ``AnswerRecord`` lists; verdicts are codes with numbers, worded by the UI.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from soutenance.banks.model import Question
from soutenance.session.scheduling import (
    DEFAULT_CRITERIA,
    AnswerRecord,
    Criteria,
    confidence_unit,
)
from soutenance.voice.answer import AnswerVoice


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _median(values: Sequence[float]) -> float | None:
    return median(values) if values else None


def _answered(record: AnswerRecord) -> bool:
    return not record.skipped and record.elapsed is not None


def _reached(records: Iterable[AnswerRecord]) -> list[AnswerRecord]:
    """Answered or skipped (``AnswerRecord.reached``, inlined: this runs over whole histories)."""
    return [r for r in records if r.skipped or r.elapsed is not None]


@dataclass(frozen=True)
class SessionPoint:
    """One session of a student, for progress sparklines."""

    session_id: str
    at: datetime
    asked: int
    answered: int
    mean_coverage: float | None
    overtime_rate: float | None
    mean_confidence: float | None


@dataclass(frozen=True)
class Progress:
    points: tuple[SessionPoint, ...]

    @property
    def coverage(self) -> list[float]:
        """Mean coverage per session, oldest first (sessions without data left out)."""
        return [p.mean_coverage for p in self.points if p.mean_coverage is not None]

    @property
    def overtime_rate(self) -> list[float]:
        return [p.overtime_rate for p in self.points if p.overtime_rate is not None]

    @property
    def confidence(self) -> list[float]:
        return [p.mean_confidence for p in self.points if p.mean_confidence is not None]


def progress(records: Iterable[AnswerRecord], criteria: Criteria = DEFAULT_CRITERIA) -> Progress:
    """Sessions over time; records without a session id are grouped by day."""
    sessions: dict[str, list[AnswerRecord]] = defaultdict(list)
    for record in _reached(records):
        sessions[record.session_id or record.answered_at.date().isoformat()].append(record)
    floor = criteria.overtime_floor
    points = []
    for session_id, group in sessions.items():
        answered = [r for r in group if not r.skipped]
        overtime = [r.elapsed - r.time_limit >= floor for r in answered]
        points.append(
            SessionPoint(
                session_id=session_id,
                at=min(r.answered_at for r in group),
                asked=len(group),
                answered=len(answered),
                mean_coverage=_mean([r.coverage for r in answered if r.coverage is not None]),
                overtime_rate=_mean(overtime),
                mean_confidence=_mean([r.confidence for r in group if r.confidence is not None]),
            )
        )
    points.sort(key=lambda p: (p.at, p.session_id))
    return Progress(tuple(points))


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


def calibrate(
    pairs: Iterable[tuple[float, float]],
    *,
    margin: float = 0.2,
    consistency: float = 0.6,
    min_pairs: int = 5,
) -> Calibration:
    """Verdict from (confidence 0..1, coverage 0..1) pairs: over- or under-confident when the mean
    gap passes ``margin`` and at least ``consistency`` of the answers lean that way."""
    pairs = list(pairs)
    if not pairs:
        return Calibration("not_enough_data", 0, None, None, None, None, None)
    n = len(pairs)
    confidences = [c for c, _ in pairs]
    coverages = [v for _, v in pairs]
    gaps = [c - v for c, v in pairs]
    gap = sum(gaps) / n
    over = sum(g > margin for g in gaps) / n
    under = sum(g < -margin for g in gaps) / n
    if len(pairs) < min_pairs:
        verdict = "not_enough_data"
    elif abs(gap) < margin:
        verdict = "calibrated"
    elif gap > 0 and over >= consistency:
        verdict = "overconfident"
    elif gap < 0 and under >= consistency:
        verdict = "underconfident"
    else:
        verdict = "inconsistent"
    return Calibration(verdict, n, gap, sum(confidences) / n, sum(coverages) / n, over, under)


def calibration_pairs(
    records: Iterable[AnswerRecord], criteria: Criteria = DEFAULT_CRITERIA
) -> list[tuple[float, float]]:
    units = _ConfidenceUnits(criteria.confidence_scale)
    return [
        (units[r.confidence], r.coverage)
        for r in records
        if not r.skipped and r.coverage is not None and r.confidence is not None
    ]


class _ConfidenceUnits(dict[int, float]):
    """``confidence_unit`` memoised: a few distinct values over whole histories."""

    def __init__(self, scale: tuple[int, int]) -> None:
        super().__init__()
        self.scale = scale

    def __missing__(self, confidence: int) -> float:
        value = self[confidence] = confidence_unit(confidence, self.scale) or 0.0
        return value


def calibration(
    records: Iterable[AnswerRecord], criteria: Criteria = DEFAULT_CRITERIA
) -> Calibration:
    """A student's calibration over their records."""
    return calibrate(calibration_pairs(records, criteria))


@dataclass(frozen=True)
class MissedKeyPoint:
    text: str
    missed: int
    asked: int

    @property
    def rate(self) -> float:
        return self.missed / self.asked if self.asked else 0.0


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


def question_stats(
    records: Iterable[AnswerRecord], criteria: Criteria = DEFAULT_CRITERIA, top: int = 3
) -> dict[str, QuestionStats]:
    """Per question id: times asked, median time, overtime rate, median coverage and the
    ``top`` most-missed key points (by text, from records that carry key-point texts)."""
    groups: dict[str, list[AnswerRecord]] = defaultdict(list)
    for record in _reached(records):
        groups[record.question_id].append(record)
    result = {}
    for question_id, group in groups.items():
        answered = [r for r in group if _answered(r)]
        missed: Counter[str] = Counter()
        asked: Counter[str] = Counter()
        for record in answered:
            covered = set(record.covered)
            for index, text in enumerate(record.key_points):
                asked[text] += 1
                if index not in covered:
                    missed[text] += 1
        most_missed = tuple(
            MissedKeyPoint(text, count, asked[text])
            for text, count in sorted(missed.items(), key=lambda item: (-item[1], item[0]))[:top]
        )
        times = [r.elapsed for r in answered]
        result[question_id] = QuestionStats(
            question_id=question_id,
            times_asked=len(group),
            answered=len(answered),
            skipped=sum(r.skipped for r in group),
            students=len({r.student for r in group}),
            median_time=_median(times),
            overtime_rate=_mean([r.overtime >= criteria.overtime_floor for r in answered]),
            median_coverage=_median([r.coverage for r in answered if r.coverage is not None]),
            most_missed=most_missed,
        )
    return result


def never_drawn(
    questions: Iterable[Question], records: Iterable[AnswerRecord], project_id: str | None = None
) -> list[Question]:
    """The project's questions that never came up in these records (one student's); give
    ``project_id`` when the records span projects, as ids are only unique within a bank."""
    asked = _asked_ids(records, project_id)
    return [q for q in questions if q.id not in asked]


def _asked_ids(records: Iterable[AnswerRecord], project_id: str | None) -> set[str]:
    return {
        r.question_id
        for r in _reached(records)
        if project_id is None or not r.project_id or r.project_id == project_id
    }


@dataclass(frozen=True)
class BankCoverage:
    """How much of a bank some records (a student's, or everyone's) have drawn."""

    total: int
    drawn: int
    never_drawn: tuple[Question, ...]
    no_longer_in_bank: tuple[str, ...]
    """Question ids in the records that the bank no longer has (removed or renamed)."""

    @property
    def share(self) -> float | None:
        return self.drawn / self.total if self.total else None


def bank_coverage(
    questions: Iterable[Question], records: Iterable[AnswerRecord], project_id: str | None = None
) -> BankCoverage:
    """Questions of the bank drawn at least once, those never drawn, and the ids of the records
    that are no longer in the bank (counted apart, never mixed with the bank's)."""
    asked = _asked_ids(records, project_id)
    bank = list(questions)
    ids = {q.id for q in bank}
    never = tuple(q for q in bank if q.id not in asked)
    return BankCoverage(
        total=len(ids),
        drawn=len(ids & asked),
        never_drawn=never,
        no_longer_in_bank=tuple(sorted(asked - ids)),
    )


@dataclass(frozen=True)
class StudentStats:
    student: str
    progress: Progress
    calibration: Calibration
    never_drawn: tuple[Question, ...]
    answers: int
    no_longer_in_bank: tuple[str, ...] = ()
    """Ids the student answered that the bank no longer has: kept out of the coverage."""
    bank_size: int = 0
    mean_coverage: float | None = None
    """Share of key points covered, over all the answers."""
    overtime_rate: float | None = None

    @property
    def drawn(self) -> int:
        """Questions of the bank the student has been asked at least once."""
        return self.bank_size - len(self.never_drawn)


def student_stats(
    records: Iterable[AnswerRecord],
    student: str,
    questions: Iterable[Question] = (),
    criteria: Criteria = DEFAULT_CRITERIA,
    project_id: str | None = None,
) -> StudentStats:
    """Everything on a student's page; ``records`` may hold other students' answers too.
    ``questions`` (of the project ``project_id``) give the never-drawn list."""
    mine = _reached(r for r in records if r.student == student)
    coverage = bank_coverage(questions, mine, project_id)
    answered = [r for r in mine if not r.skipped]
    floor = criteria.overtime_floor
    return StudentStats(
        student=student,
        progress=progress(mine, criteria),
        calibration=calibration(mine, criteria),
        never_drawn=coverage.never_drawn,
        answers=len(mine),
        no_longer_in_bank=coverage.no_longer_in_bank,
        bank_size=coverage.total,
        mean_coverage=_mean([r.coverage for r in answered if r.coverage is not None]),
        overtime_rate=_mean([r.elapsed - r.time_limit >= floor for r in answered]),
    )


def students_stats(
    records: Iterable[AnswerRecord],
    questions: Iterable[Question] = (),
    criteria: Criteria = DEFAULT_CRITERIA,
    project_id: str | None = None,
) -> list[StudentStats]:
    """``student_stats`` for every student in the records, by name (the mentor's overview)."""
    by_student: dict[str, list[AnswerRecord]] = defaultdict(list)
    for record in records:
        by_student[record.student].append(record)
    bank = list(questions)
    return [
        student_stats(by_student[name], name, bank, criteria, project_id)
        for name in sorted(by_student, key=str.casefold)
    ]


def hardest(
    stats: Iterable[QuestionStats], bank_ids: Collection[str] | None = None
) -> list[QuestionStats]:
    """Questions hardest first: lowest median coverage, then most overtime, then most skipped.
    With ``bank_ids``, questions no longer in the bank come after all the others."""

    def key(item: QuestionStats) -> tuple[bool, float, float, float, str]:
        coverage = item.median_coverage
        if coverage is None:  # only skipped counts as hardest; no key points, as easiest
            coverage = 0.0 if item.skipped else 2.0
        overtime = item.overtime_rate or 0.0
        skipped = item.skipped / item.times_asked if item.times_asked else 0.0
        gone = bank_ids is not None and item.question_id not in bank_ids
        return (gone, coverage, -overtime, -skipped, item.question_id)

    return sorted(stats, key=key)


# -- answers out loud ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceRecord:
    """One recorded answer's figures, for the trends over sessions."""

    session_id: str
    at: datetime
    voice: AnswerVoice


@dataclass(frozen=True)
class VoicePoint:
    """A session's recorded answers (those where something was said), their means."""

    session_id: str
    at: datetime
    answers: int
    thinking_time: float | None
    speaking_time: float | None
    long_pauses: float | None
    """Per answer."""
    words_per_minute: float | None
    fillers_per_minute: float | None
    """Filler words per minute of speaking time, over the answers with a transcript."""


VOICE_TRENDS = (
    "thinking_time",
    "speaking_time",
    "long_pauses",
    "words_per_minute",
    "fillers_per_minute",
)


@dataclass(frozen=True)
class VoiceProgress:
    points: tuple[VoicePoint, ...]

    def series(self, name: str) -> list[float]:
        """One of VOICE_TRENDS, oldest session first (sessions without it left out)."""
        values = (getattr(p, name) for p in self.points)
        return [v for v in values if v is not None]


def _voice_point(session_id: str, group: list[VoiceRecord]) -> VoicePoint:
    deliveries = [r.voice.delivery for r in group if r.voice.delivery is not None]
    spoken = [d for d in deliveries if d.spoke]
    transcribed = [
        (r.voice.speech, r.voice.delivery)
        for r in group
        if r.voice.speech is not None and r.voice.delivery is not None and r.voice.delivery.spoke
    ]
    speaking_minutes = sum(d.speaking_time for _, d in transcribed) / 60
    fillers = sum(s.filler_count for s, _ in transcribed)
    return VoicePoint(
        session_id=session_id,
        at=min(r.at for r in group),
        answers=len(spoken),
        thinking_time=_mean([d.thinking_time for d in spoken if d.thinking_time is not None]),
        speaking_time=_mean([d.speaking_time for d in spoken]),
        long_pauses=_mean([d.long_pauses for d in spoken]),
        words_per_minute=_mean(
            [s.words_per_minute for s, _ in transcribed if s.words_per_minute is not None]
        ),
        fillers_per_minute=fillers / speaking_minutes if speaking_minutes > 0 else None,
    )


def voice_progress(records: Iterable[VoiceRecord]) -> VoiceProgress:
    """Per session, how the recorded answers were said: the means of their figures."""
    sessions: dict[str, list[VoiceRecord]] = defaultdict(list)
    for record in records:
        sessions[record.session_id].append(record)
    points = [_voice_point(session_id, group) for session_id, group in sessions.items()]
    points = [p for p in points if p.answers]
    points.sort(key=lambda p: (p.at, p.session_id))
    return VoiceProgress(tuple(points))
