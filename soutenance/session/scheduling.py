"""Which questions a student should rehearse next, from their recorded answers and the defense date.

Each answer is rated (coverage of key points, time against the limit, confidence) into an FSRS
rating and replayed through an ``fsrs.Scheduler`` to estimate how well each question will be
recalled at the defense. Unseen questions come first, weak ones keep coming back, and with a
defense date enough new questions are drawn each session to see the whole bank in time.

Large banks and histories stay fast: ``CardCache`` replays each distinct shape of history through
``fsrs`` once, and a ``QuestionPool`` (a bank indexed once) spares each draw a walk over the bank.

Reasons are short machine codes with parameters, translated by the UI:

- ``("never_seen", {})``
- ``("skipped_last", {})``
- ``("overtime_last", {"seconds": 12})``
- ``("key_points", {"covered": 1, "total": 4})``
- ``("low_confidence", {"confidence": 2})``
- ``("due", {"retrievability": 0.42})``: likely forgotten by the defense (or today)
- ``("review", {"retrievability": 0.95})``: well known, drawn to fill the session
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter
from typing import Any, Literal, NamedTuple

from fsrs import Card, Rating, Scheduler

from soutenance.banks.model import Question
from soutenance.session.draw import QuestionFilter, unique_questions
from soutenance.session.model import Answer, Session

CONFIDENCE_SCALE = (1, 5)
"""Self-assessed confidence, asked before the key points are shown: 1 not at all ... 5 fully."""

Focus = Literal["mix", "weak", "new", "due", "all"]


class Reason(NamedTuple):
    """Why a question was drawn: a code and its parameters (see the module docstring)."""

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
    name the most-missed key points.
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
            elapsed=answer.elapsed,
            time_limit=answer.time_limit,
            confidence=answer.confidence,
            skipped=answer.skipped,
            student=session.student,
            session_id=session.id,
            project_id=session.project_id,
            key_points=tuple(answer.key_points),
            covered=tuple(sorted(set(answer.covered))),
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


def make_scheduler(criteria: Criteria = DEFAULT_CRITERIA) -> Scheduler:
    """Day-based scheduling (no minute steps) and no fuzzing, so results are deterministic."""
    return Scheduler(
        desired_retention=criteria.desired_retention,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )


def replay(
    records: Iterable[AnswerRecord], scheduler: Scheduler, criteria: Criteria = DEFAULT_CRITERIA
) -> Card | None:
    """The FSRS card after replaying one question's answers in time order (None if none count)."""
    reached = sorted((r for r in records if r.reached), key=lambda r: r.answered_at)
    if not reached:
        return None
    card = Card(card_id=1, due=reached[0].answered_at)
    for record in reached:
        card, _ = scheduler.review_card(card, rate_answer(record, criteria), record.answered_at)
    return card


class CardCache:
    """Retrievability of a question's history, memoised on what FSRS reads of it.

    With no learning steps and no fuzzing (``make_scheduler``), a card after a replay depends
    only on the ratings and on the whole days between answers, and its retrievability on its
    stability and the whole days since the last answer. So a history is reduced to the key
    (rating, days, rating, days, rating...) and a card is replayed through ``fsrs`` once per
    distinct key: a student's few hundred questions share a handful of keys. The memo holds no
    student data (only ratings and day counts) and is shared by every draw of the process.
    """

    MAX_ENTRIES = 100_000

    def __init__(self, criteria: Criteria = DEFAULT_CRITERIA) -> None:
        self.criteria = criteria
        self.scheduler = make_scheduler(criteria)
        self._cards: dict[Any, Card] = {}
        self._values: dict[tuple[Any, int], float] = {}

    def clear(self) -> None:
        self._cards.clear()
        self._values.clear()

    def __len__(self) -> int:
        return len(self._cards)

    def retrievability(self, records: Sequence[AnswerRecord], target: datetime) -> float:
        """Predicted recall at ``target`` of a question answered in ``records`` (all reached,
        in any order); 0 when there are none."""
        if not records:
            return 0.0
        criteria = self.criteria
        if len(records) == 1:
            ordered = records
            key: tuple[int, ...] = (rate_answer(records[0], criteria)._value_,)
        else:
            ordered = sorted(records, key=_answered_at)
            parts = [rate_answer(ordered[0], criteria)._value_]
            for previous, record in zip(ordered, ordered[1:], strict=False):
                parts.append((record.answered_at - previous.answered_at).days)
                parts.append(rate_answer(record, criteria)._value_)
            key = tuple(parts)
        elapsed = max(0, (target - ordered[-1].answered_at).days)
        value = self._values.get((key, elapsed))
        if value is None:
            if len(self._values) >= self.MAX_ENTRIES:
                self.clear()
            card = self._card(key, ordered)
            assert card.last_review is not None
            moment = card.last_review + timedelta(days=elapsed)
            value = float(self.scheduler.get_card_retrievability(card, moment))
            self._values[key, elapsed] = value
        return value

    def _card(self, key: tuple[int, ...], ordered: Sequence[AnswerRecord]) -> Card:
        """The card for ``key``, extending the longest memoised prefix one review at a time.

        A memoised card may come from another history with the same key: the next review is
        placed at its own last review plus this history's gap, which keeps the whole days."""
        cards = self._cards
        done = len(ordered)
        while done and key[: 2 * done - 1] not in cards:
            done -= 1
        card = cards[key[: 2 * done - 1]] if done else None
        for position in range(done, len(ordered)):
            record = ordered[position]
            if card is None:
                card = Card(card_id=1, due=record.answered_at)
                moment = record.answered_at
            else:
                assert card.last_review is not None
                moment = card.last_review + (record.answered_at - ordered[position - 1].answered_at)
            card, _ = self.scheduler.review_card(card, Rating(key[2 * position]), moment)
            cards[key[: 2 * position + 1]] = card
        assert card is not None
        return card


_CARD_CACHES: dict[Criteria, CardCache] = {}


def card_cache(criteria: Criteria = DEFAULT_CRITERIA) -> CardCache:
    """The process-wide ``CardCache`` for these criteria."""
    cache = _CARD_CACHES.get(criteria)
    if cache is None:
        cache = _CARD_CACHES[criteria] = CardCache(criteria)
    return cache


def clear_card_caches() -> None:
    """Forget every memoised card (benchmarks measure a cold start with it)."""
    for cache in _CARD_CACHES.values():
        cache.clear()


class QuestionPool:
    """A bank's questions, each id once (the first), indexed by id.

    Building one walks the whole bank; build it once per loaded bank and hand it to every
    draw, so that a draw only touches the questions it looks at. ``plan_draw`` and ``plan``
    also accept a plain sequence of questions and index it on the spot.
    """

    __slots__ = ("questions", "index")

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions: list[Question] = unique_questions(list(questions))
        self.index: dict[str, Question] = dict(zip(map(_id, self.questions), self.questions, strict=True))

    @classmethod
    def of(cls, questions: Sequence[Question] | QuestionPool) -> QuestionPool:
        return questions if isinstance(questions, QuestionPool) else cls(questions)

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self.index

    def get(self, question_id: str) -> Question | None:
        return self.index.get(question_id)


def _sample_excluding(
    rng: random.Random, pool: Sequence[Question], k: int, blocked: Collection[str], free: int
) -> list[Question]:
    """``k`` questions of ``pool`` whose id is not in ``blocked`` (``free`` of them are not)."""
    k = min(k, free)
    if k <= 0:
        return []
    if not blocked:
        return rng.sample(pool, k)  # O(k) on a large pool; the same draw as draw_questions
    if free * 4 < len(pool):
        return rng.sample([q for q in pool if q.id not in blocked], k)
    # Mostly free: draw positions and skip the blocked ones rather than listing the bank.
    picked: list[Question] = []
    tried: set[int] = set()
    while len(picked) < k:
        position = rng.randrange(len(pool))
        if position not in tried:
            tried.add(position)
            if pool[position].id not in blocked:
                picked.append(pool[position])
    return picked


class _Memory:
    """One student's history grouped per question; FSRS retrievability is computed on demand.

    Records about questions outside the pool are left aside (``unknown_ids``); ``taken`` are
    the questions already asked in the session: seen or not, they are never drawn. The common
    path makes no Python-level loop over a large bank.
    """

    def __init__(
        self,
        pool: QuestionPool,
        history: Iterable[AnswerRecord],
        *,
        now: datetime | date,
        defense_date: datetime | date | None,
        criteria: Criteria,
        taken: Iterable[str] = (),
    ) -> None:
        self.criteria = criteria
        self.now = as_utc(now)
        self.defense = as_utc(defense_date) if defense_date is not None else None
        self.target = self.defense if self.defense and self.defense > self.now else self.now
        self.pool = pool.questions
        self.index = pool.index
        grouped: dict[str, list[AnswerRecord]] = {}
        for record in history:
            if record.skipped or record.elapsed is not None:
                group = grouped.get(record.question_id)
                if group is None:
                    grouped[record.question_id] = [record]
                else:
                    group.append(record)
        index = self.index
        self.by_question = {qid: group for qid, group in grouped.items() if qid in index}
        self.unknown_ids = set(grouped) - self.by_question.keys()
        self.taken = {qid for qid in taken if qid in index}
        self.cards = card_cache(criteria)

    @property
    def seen_questions(self) -> list[Question]:
        """Questions answered at least once and not taken, in the order of the history."""
        taken = self.taken
        return [self.index[qid] for qid in self.by_question if qid not in taken]

    @property
    def unseen(self) -> list[Question]:
        blocked = self.blocked
        return [q for q in self.pool if q.id not in blocked]

    @property
    def blocked(self) -> Collection[str]:
        """Ids that cannot be drawn as unseen: seen or taken."""
        if not self.taken:
            return self.by_question.keys()
        return self.by_question.keys() | self.taken

    @property
    def unseen_count(self) -> int:
        return len(self.pool) - len(self.by_question) - len(self.taken - self.by_question.keys())

    def sample_unseen(self, rng: random.Random, k: int) -> list[Question]:
        """``k`` unseen questions at random (fewer if there are not enough)."""
        return _sample_excluding(rng, self.pool, k, self.blocked, self.unseen_count)

    def sample_any(self, rng: random.Random, k: int) -> list[Question]:
        """``k`` questions not taken, seen or not."""
        return _sample_excluding(rng, self.pool, k, self.taken, len(self.pool) - len(self.taken))

    def seen(self, question_id: str) -> bool:
        return question_id in self.by_question

    def last(self, question_id: str) -> AnswerRecord:
        group = self.by_question[question_id]
        return group[0] if len(group) == 1 else max(group, key=_answered_at)

    def weakness(self, question_id: str) -> tuple[float, datetime] | None:
        """(quality of the last answer, its date) when the last answer was weak."""
        last = self.last(question_id)
        if not is_weak(last, self.criteria):
            return None
        return answer_quality(last, self.criteria), last.answered_at

    def weak_reason(self, question_id: str) -> Reason:
        """The main weak point of the last answer (which must be weak)."""
        last = self.last(question_id)
        code, params = weak_points(last, self.criteria, len(self.index[question_id].key_points))[0]
        return Reason(code + "_last" if code in ("skipped", "overtime") else code, params)

    def retrievability(self, question_id: str) -> float:
        """Predicted recall at the defense (or now when the date is unknown or past); 0 if unseen."""
        return self.cards.retrievability(self.by_question.get(question_id, ()), self.target)

    def reason(self, question_id: str) -> Reason:
        if not self.seen(question_id):
            return Reason("never_seen", {})
        if self.weakness(question_id):
            return self.weak_reason(question_id)
        value = self.retrievability(question_id)
        code = "due" if value < self.criteria.desired_retention else "review"
        return Reason(code, {"retrievability": round(value, 2)})

    @property
    def defense_passed(self) -> bool:
        return self.defense is not None and self.defense.date() < self.now.date()

    @property
    def days_left(self) -> int | None:
        """Whole days before the defense; None without a date, 0 on the day or once past."""
        if self.defense is None:
            return None
        return max(0, (self.defense.date() - self.now.date()).days)


_id = attrgetter("id")
_answered_at = attrgetter("answered_at")


def _new_quota(count: int, unseen: int, weak: int, days_left: int | None) -> int:
    """How many unseen questions to draw: all but a third kept for weak ones, more when the
    defense date needs it (one session a day is assumed)."""
    quota = count - min(weak, count // 3)
    if days_left is not None and unseen:
        quota = max(quota, min(count, math.ceil(unseen / max(1, days_left))))
    return quota


def _filtered_pool(
    questions: Sequence[Question] | QuestionPool, question_filter: QuestionFilter | None
) -> QuestionPool:
    if question_filter is None or question_filter.is_empty:
        return QuestionPool.of(questions)
    return QuestionPool(question_filter.select(questions))


def plan_draw(
    questions: Sequence[Question] | QuestionPool,
    history: Iterable[AnswerRecord],
    *,
    now: datetime | date,
    defense_date: datetime | date | None = None,
    count: int,
    focus: Focus = "mix",
    seed: int | None = None,
    exclude_ids: Iterable[str] = (),
    question_filter: QuestionFilter | None = None,
    criteria: Criteria = DEFAULT_CRITERIA,
) -> list[tuple[Question, Reason]]:
    """Up to ``count`` distinct questions with the reason each was chosen.

    ``focus``: "mix" (unseen first, a third of the session kept for weak ones, then questions
    due by the defense, then the rest), "new" (unseen only), "weak" (last answer weak), "due"
    (predicted recall below the desired retention, lowest first), "all" (random, any). ``history``
    is the student's records; records about questions no longer in the bank are ignored.
    ``exclude_ids`` are the questions already asked in the session. Pass a ``QuestionPool``
    built once per bank to keep large banks fast.
    """
    pool = _filtered_pool(questions, question_filter)
    rng = random.Random(seed)
    memory = _Memory(
        pool, history, now=now, defense_date=defense_date, criteria=criteria, taken=exclude_ids
    )
    count = min(max(0, count), len(memory.pool) - len(memory.taken))
    if focus == "all":
        return [(q, memory.reason(q.id)) for q in memory.sample_any(rng, count)]
    if focus == "new":
        return [(q, Reason("never_seen", {})) for q in memory.sample_unseen(rng, count)]

    seen = memory.seen_questions
    # Weakest last answer first; among equals, the one rehearsed longest ago.
    weak: list[tuple[float, datetime, float, Question]] = []
    strong: list[Question] = []
    for question in seen:
        found = memory.weakness(question.id)
        if found:
            weak.append((*found, rng.random(), question))
        else:
            strong.append(question)
    weak.sort(key=lambda item: item[:3])
    weak_picks = [(q, memory.weak_reason(q.id)) for *_, q in weak[:count]]

    if focus == "weak" or not count:
        return weak_picks[:count]
    if focus == "due":
        recall = {q.id: memory.retrievability(q.id) for q in seen}
        due = [q for q in seen if recall[q.id] < criteria.desired_retention]
        due.sort(key=lambda q: (recall[q.id], q.id))
        return [(q, memory.reason(q.id)) for q in due[:count]]

    # "mix": unseen (within the quota), weak, more unseen, then seen-and-strong by recall.
    days_left = None if memory.defense_passed else memory.days_left
    quota = _new_quota(count, memory.unseen_count, len(weak), days_left)
    new_picks = [(q, Reason("never_seen", {})) for q in memory.sample_unseen(rng, count)]
    picks = new_picks[:quota] + weak_picks[: count - min(quota, len(new_picks))]
    picks += new_picks[quota:]
    if len(picks) < count:
        ranked = sorted(strong, key=lambda q: (memory.retrievability(q.id), rng.random()))
        picks += [(q, memory.reason(q.id)) for q in ranked[: count - len(picks)]]
    return picks[:count]


@dataclass(frozen=True)
class CoveragePlan:
    """Where a student stands on a project and how many sessions are still needed."""

    total: int
    seen: int
    unseen_ids: tuple[str, ...]
    weak_ids: tuple[str, ...]
    due_ids: tuple[str, ...]
    sessions_needed: int
    """Sessions of ``per_session`` questions to see every unseen question once, a third of each
    session going to weak questions while there are some."""
    days_left: int | None
    sessions_per_day: float | None
    """Sessions a day to be ready by the date (None without a date or once it has passed)."""
    defense_passed: bool = False
    unknown_ids: tuple[str, ...] = field(default=())
    """Question ids in the history that the bank no longer has."""
    per_session: int = 10

    @property
    def unseen(self) -> int:
        return len(self.unseen_ids)

    @property
    def on_track(self) -> bool | None:
        """One session a day is enough to see everything by the date."""
        if self.sessions_per_day is None:
            return None if not self.defense_passed else not self.unseen_ids
        return self.sessions_per_day <= 1


def plan(
    questions: Sequence[Question] | QuestionPool,
    history: Iterable[AnswerRecord],
    now: datetime | date,
    defense_date: datetime | date | None = None,
    per_session: int = 10,
    criteria: Criteria = DEFAULT_CRITERIA,
) -> CoveragePlan:
    """Sessions needed to cover the project, and what is left to see or to strengthen."""
    pool = QuestionPool.of(questions)
    memory = _Memory(pool, history, now=now, defense_date=defense_date, criteria=criteria)
    unseen = tuple(q.id for q in memory.unseen)
    seen = [q.id for q in memory.pool if q.id in memory.by_question]
    weak = tuple(qid for qid in seen if memory.weakness(qid))
    weak_set = set(weak)
    due = tuple(
        qid
        for qid in seen
        if qid not in weak_set and memory.retrievability(qid) < criteria.desired_retention
    )
    per_session = max(1, per_session)
    new_per_session = max(1, _new_quota(per_session, len(unseen), len(weak), None))
    sessions = math.ceil(len(unseen) / new_per_session)
    days_left = memory.days_left
    passed = memory.defense_passed
    per_day = None
    if days_left is not None and not passed:
        per_day = sessions / max(1, days_left)
    return CoveragePlan(
        total=len(memory.pool),
        seen=len(seen),
        unseen_ids=unseen,
        weak_ids=weak,
        due_ids=due,
        sessions_needed=sessions,
        days_left=days_left,
        sessions_per_day=per_day,
        defense_passed=passed,
        unknown_ids=tuple(sorted(memory.unknown_ids)),
        per_session=per_session,
    )


def draw_weights(
    questions: Sequence[Question],
    history: Iterable[AnswerRecord],
    *,
    now: datetime | date,
    defense_date: datetime | date | None = None,
    criteria: Criteria = DEFAULT_CRITERIA,
) -> dict[str, float]:
    """Weights for ``draw_questions``: 1 for unseen questions, else the chance of forgetting by
    the defense (1 - retrievability), never below 0.05."""
    pool = QuestionPool.of(questions)
    memory = _Memory(pool, history, now=now, defense_date=defense_date, criteria=criteria)
    return {
        q.id: 1.0 if not memory.seen(q.id) else max(0.05, 1.0 - memory.retrievability(q.id))
        for q in pool
    }


def asked_and_weak(records: Sequence[AnswerRecord], question_ids: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Of `question_ids`: those answered before, and those whose last answer was weak.

    `records` are in answering order (oldest first), as the store returns them.
    """
    last: dict[str, AnswerRecord] = {}
    for record in records:
        if record.question_id in question_ids:
            last[record.question_id] = record
    weak = frozenset(qid for qid, record in last.items() if is_weak(record))
    return frozenset(last), weak
