"""Statistics over recorded answers: a student's progress and calibration, each question's record.

Pure functions over ``AnswerRecord`` lists; verdicts are codes with numbers, worded by the UI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from soutenance.banks.model import Question
from soutenance.session.figures import (
    CALIBRATION_MARGIN,
    Calibration,
    Figures,
    MissedKeyPoint,
    QuestionStats,
    calibration_of,
    figures,
    summarize_question,
)
from soutenance.session.scheduling import (
    DEFAULT_CRITERIA,
    AnswerRecord,
    Criteria,
    confidence_unit,
)
from soutenance.voice.answer import AnswerVoice

__all__ = [
    "BankCoverage",
    "Calibration",
    "MissedKeyPoint",
    "Progress",
    "ProjectView",
    "QuestionStats",
    "SessionPoint",
    "StudentRow",
    "StudentStats",
    "bank_coverage",
    "calibrate",
    "calibration",
    "calibration_pairs",
    "hardest",
    "hardness",
    "never_drawn",
    "progress",
    "project_view",
    "question_stats",
    "student_stats",
    "students_stats",
]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


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


def calibrate(
    pairs: Iterable[tuple[float, float]],
    *,
    margin: float = CALIBRATION_MARGIN,
    consistency: float = 0.6,
    min_pairs: int = 5,
) -> Calibration:
    """Verdict from (confidence 0..1, coverage 0..1) pairs: over- or under-confident when the mean
    gap passes ``margin`` and at least ``consistency`` of the answers lean that way."""
    pairs = list(pairs)
    gaps = [c - v for c, v in pairs]
    return calibration_of(
        len(pairs), sum(gaps), sum(g > margin for g in gaps), sum(g < -margin for g in gaps),
        sum(c for c, _ in pairs), sum(v for _, v in pairs),
        margin=margin, consistency=consistency, min_pairs=min_pairs,
    )  # fmt: skip


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


Marks = Mapping[str, Mapping[str, int]]
"""The mentor's marks per answer id (``AnswerRecord.answer_id``), per scale."""


def question_stats(
    records: Iterable[AnswerRecord],
    criteria: Criteria = DEFAULT_CRITERIA,
    top: int = 3,
    marks: Marks | None = None,
) -> dict[str, QuestionStats]:
    """Per question id: times asked, median time, overtime rate, median coverage and the
    ``top`` most-missed key points (by text, from records that carry key-point texts)."""
    groups: dict[str, list[AnswerRecord]] = defaultdict(list)
    for record in _reached(records):
        groups[record.question_id].append(record)
    given = marks or {}
    return {
        qid: summarize_question(
            qid, group, [given.get(r.answer_id, {}) for r in group], criteria
        ).stats(top)
        for qid, group in groups.items()
    }


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


def hardness(item: QuestionStats) -> tuple[float, float, float]:
    """How hard a question was, smallest hardest: its median coverage, then overtime and skipped
    shares (negated). The store keeps it in three columns to list the hardest from an index."""
    coverage = item.median_coverage
    if coverage is None:  # only skipped counts as hardest; no key points, as easiest
        coverage = 0.0 if item.skipped else 2.0
    overtime = item.overtime_rate or 0.0
    skipped = item.skipped / item.times_asked if item.times_asked else 0.0
    return (coverage, -overtime, -skipped)


def hardest(
    stats: Iterable[QuestionStats], bank_ids: Collection[str] | None = None
) -> list[QuestionStats]:
    """Questions hardest first: lowest median coverage, then most overtime, then most skipped.
    With ``bank_ids``, questions no longer in the bank come after all the others."""

    def key(item: QuestionStats) -> tuple[bool, tuple[float, float, float], str]:
        gone = bank_ids is not None and item.question_id not in bank_ids
        return (gone, hardness(item), item.question_id)

    return sorted(stats, key=key)


@dataclass(frozen=True)
class StudentRow:
    """One student on the mentor's project view."""

    student: str
    figures: Figures
    drawn: int
    """Questions of the bank answered at least once."""
    bank_size: int

    @property
    def answers(self) -> int:
        return self.figures.asked

    @property
    def mean_coverage(self) -> float | None:
        return self.figures.mean_coverage

    @property
    def overtime_rate(self) -> float | None:
        return self.figures.overtime_rate

    @property
    def calibration(self) -> Calibration:
        return self.figures.calibration


@dataclass(frozen=True)
class ProjectView:
    """The mentor's view of a project: how much of the bank was drawn, the questions (hardest
    first, or in the order asked) and the students."""

    coverage: BankCoverage
    questions: tuple[QuestionStats, ...]
    """The first questions in the order asked (all of them without a limit)."""
    question_count: int
    """Questions answered at least once, listed or not."""
    students: tuple[StudentRow, ...]
    """By name."""

    @property
    def answers(self) -> int:
        return sum(row.answers for row in self.students)


def project_view(
    records: Iterable[AnswerRecord],
    questions: Sequence[Question] | None,
    project_id: str | None = None,
    *,
    limit: int | None = None,
    criteria: Criteria = DEFAULT_CRITERIA,
    marks: Marks | None = None,
) -> ProjectView:
    """The mentor's view computed from every answer on the project (the store reads the same
    from its summaries: ``soutenance.store.summaries.project_view``). ``questions`` is the bank,
    None when the project is no longer in the banks; hardest questions first."""
    reached = _reached(records)
    bank = list(questions or ())
    coverage = bank_coverage(bank, reached, project_id)
    bank_ids = {q.id for q in bank}
    ranked = hardest(
        question_stats(reached, criteria, marks=marks).values(),
        bank_ids if questions is not None else None,
    )
    by_student: dict[str, list[AnswerRecord]] = defaultdict(list)
    for record in reached:
        by_student[record.student].append(record)
    rows = tuple(
        StudentRow(
            name,
            figures(group, [(marks or {}).get(r.answer_id, {}) for r in group], criteria),
            len(bank_ids & {r.question_id for r in group}),
            coverage.total,
        )  # fmt: skip
        for name, group in sorted(by_student.items(), key=lambda item: item[0].casefold())
    )
    return ProjectView(coverage, tuple(ranked[:limit]), len(ranked), rows)


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
