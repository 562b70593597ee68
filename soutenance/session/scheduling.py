"""Which questions a student should rehearse next, from their recorded answers and the defense date.

Each answer is rated (``answer_quality``) and replayed through FSRS (``memory``) to estimate how
well each question will be recalled at the defense. The draw reads those states from a
``MemorySource``: replayed from a list of answers, or kept current by the store. Unseen questions come first, weak ones keep
coming back, and with a defense date enough new questions are drawn each session to see the
whole bank in time. The names of those modules are re-exported here.

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
from collections.abc import Collection, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from soutenance.banks.model import Question
from soutenance.session.answer_quality import (
    CONFIDENCE_SCALE,
    DEFAULT_CRITERIA,
    AnswerRecord,
    Criteria,
    Reason,
    answer_quality,
    as_utc,
    asked_and_weak,
    confidence_unit,
    is_weak,
    rate_answer,
    weak_points,
)
from soutenance.session.draw import QuestionFilter
from soutenance.session.memory import (
    CardCache,
    MemorySource,
    QuestionMemory,
    ReplayedMemory,
    card_cache,
    clear_card_caches,
    from_micros,
    make_scheduler,
    micros,
    recall_card,
    replay,
)
from soutenance.session.question_pool import QuestionPool, sample_excluding, sample_rejecting

__all__ = [
    "CONFIDENCE_SCALE",
    "DEFAULT_CRITERIA",
    "AnswerRecord",
    "CardCache",
    "CoveragePlan",
    "Criteria",
    "Focus",
    "MemorySource",
    "QuestionPool",
    "Reason",
    "ReplayedMemory",
    "answer_quality",
    "as_utc",
    "asked_and_weak",
    "card_cache",
    "clear_card_caches",
    "confidence_unit",
    "draw_weights",
    "is_weak",
    "make_scheduler",
    "plan",
    "plan_draw",
    "rate_answer",
    "replay",
    "weak_points",
]

Focus = Literal["mix", "weak", "new", "due", "all"]
LAZY_TRIES = 1024
"""Random positions tried for unseen questions before reading every seen id instead."""
NEVER_SEEN = Reason("never_seen", {})


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


def as_memory(
    history: Iterable[AnswerRecord] | MemorySource, criteria: Criteria = DEFAULT_CRITERIA
) -> MemorySource:
    """``history`` as states: a list of answers is replayed, a ``MemorySource`` kept as it is."""
    if not isinstance(history, MemorySource):
        return ReplayedMemory(history, criteria)
    if history.criteria != criteria:
        raise ValueError("the states were computed with other criteria: replay the answers")
    return history


class _Draw:
    """One draw's view of a pool and a student's states; the target is the defense date when
    it is ahead, else now."""

    def __init__(self, pool: QuestionPool, memory: MemorySource, now: datetime | date,
                 defense_date: datetime | date | None, taken: Iterable[str]) -> None:  # fmt: skip
        self.pool = pool
        self.memory = memory
        self.criteria = memory.criteria
        self.scheduler = card_cache(self.criteria).scheduler
        self.now = as_utc(now)
        self.defense = as_utc(defense_date) if defense_date is not None else None
        self.target = self.defense if self.defense and self.defense > self.now else self.now
        self.target_us = micros(self.target)
        self.taken = {qid for qid in taken if qid in pool.index}
        self._seen: set[str] | None = None

    @property
    def seen(self) -> set[str]:
        """Answered questions of the pool (read once: the only full read of the states)."""
        if self._seen is None:
            seen = self.memory.seen_ids()
            self._seen = self.pool.index.keys() & (seen if isinstance(seen, Set) else set(seen))
        return self._seen

    @property
    def unseen_count(self) -> int:
        return len(self.pool) - len(self.seen) - len(self.taken - self.seen)

    def usable(self, question_id: str) -> bool:
        return question_id in self.pool.index and question_id not in self.taken

    def first(self, ids: Iterator[str], limit: int) -> list[str]:
        """The first ``limit`` usable ids."""
        found: list[str] = []
        if limit > 0:
            for qid in ids:
                if self.usable(qid):
                    found.append(qid)
                    if len(found) == limit:
                        break
        return found

    def recall(self, stability: float, review_us: int) -> float:
        last = from_micros(review_us)
        return float(
            self.scheduler.get_card_retrievability(recall_card(stability, last), self.target)
        )

    def least_recalled(self, limit: int, *, weak: bool | None, due_only: bool) -> list[str]:
        """Up to ``limit`` usable ids, least recalled first (only those due when ``due_only``)."""
        found: list[str] = []
        if limit <= 0:
            return found
        for qid, stability, review_us in self.memory.least_recalled(self.target_us, weak=weak):
            if not self.usable(qid):
                continue
            if due_only and self.recall(stability, review_us) >= self.criteria.desired_retention:
                break  # recall only grows from here on
            found.append(qid)
            if len(found) == limit:
                break
        return found

    def unseen_at_least(self) -> int:
        """A lower bound of ``unseen_count`` read without listing the seen ids (answers about
        questions no longer in the bank are counted as seen)."""
        if self._seen is not None:
            return self.unseen_count
        return max(0, len(self.pool) - self.memory.seen_count() - len(self.taken))

    def sample_unseen(self, rng: random.Random, k: int) -> list[Question]:
        if self._seen is None and (self.taken or self.memory.seen_count()):
            # Random positions of the bank, asking the store which candidates were seen: a few
            # rows' read while unseen questions are not rare, else every seen id is read.
            free = max(1, self.unseen_at_least())
            batch = min(LAZY_TRIES, 2 * k * len(self.pool) // free + 8)  # about one read
            questions = self.pool.questions
            picked = sample_rejecting(rng, questions, k, self._blocked_among, LAZY_TRIES, batch)
            if picked is not None:
                return picked
        blocked = self.seen | self.taken if self.taken else self.seen
        return sample_excluding(rng, self.pool, k, blocked, self.unseen_count)

    def _blocked_among(self, question_ids: list[str]) -> Collection[str]:
        blocked = set(self.memory.seen_among(question_ids))
        blocked.update(qid for qid in question_ids if qid in self.taken)
        return blocked

    def reasons(self, ids: Sequence[str]) -> list[tuple[Question, Reason]]:
        states = self.memory.get(ids)
        return [(self.pool.index[qid], self.reason(qid, states.get(qid))) for qid in ids]

    def reason(self, question_id: str, state: QuestionMemory | None) -> Reason:
        if state is None:
            return NEVER_SEEN
        if state.weak:
            total = len(self.pool.index[question_id].key_points)
            code, params = weak_points(state.last, self.criteria, total)[0]
            return Reason(code + "_last" if code in ("skipped", "overtime") else code, params)
        value = float(self.scheduler.get_card_retrievability(state.card, self.target))
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


def plan_draw(
    questions: Sequence[Question] | QuestionPool,
    history: Iterable[AnswerRecord] | MemorySource,
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

    ``focus``: "mix" (unseen first, a third of the session kept for weak ones, then the least
    recalled by the defense), "new" (unseen only), "weak" (last answer weak: the weakest first,
    then the oldest), "due" (predicted recall below the desired retention, lowest first), "all"
    (random, any). ``history`` is the student's answers, or their states as the store keeps
    them; answers about questions no longer in the bank are ignored. ``exclude_ids`` are the
    questions already asked in the session. Pass a ``QuestionPool`` built once per bank to keep
    large banks fast. Ties are broken by question id, so that both sources draw alike.
    """
    pool = _filtered_pool(questions, question_filter)
    rng = random.Random(seed)
    draw = _Draw(pool, as_memory(history, criteria), now, defense_date, exclude_ids)
    count = min(max(0, count), len(pool) - len(draw.taken))
    if focus == "all":
        free = len(pool) - len(draw.taken)
        return draw.reasons([q.id for q in sample_excluding(rng, pool, count, draw.taken, free)])
    if focus == "new":
        return [(q, NEVER_SEEN) for q in draw.sample_unseen(rng, count)]
    if focus == "due":
        return draw.reasons(draw.least_recalled(count, weak=None, due_only=True))

    weak_picks = draw.reasons(draw.first(draw.memory.weakest(), count))
    if focus == "weak" or not count:
        return weak_picks[:count]

    # "mix": unseen (within the quota), weak, more unseen, then the least recalled.
    days_left = None if draw.defense_passed else draw.days_left
    unseen = draw.unseen_at_least() if days_left is not None else 0
    quota = _new_quota(count, unseen, len(weak_picks), days_left)
    if quota < count and days_left is not None:
        # the bound may be too low to draw as many new ones as the date needs: count them
        quota = _new_quota(count, draw.unseen_count, len(weak_picks), days_left)
    new_picks = [(q, NEVER_SEEN) for q in draw.sample_unseen(rng, count)]
    picks = new_picks[:quota] + weak_picks[: count - min(quota, len(new_picks))]
    picks += new_picks[quota:]
    if len(picks) < count:
        picks += draw.reasons(draw.least_recalled(count - len(picks), weak=False, due_only=False))
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
    history: Iterable[AnswerRecord] | MemorySource,
    now: datetime | date,
    defense_date: datetime | date | None = None,
    per_session: int = 10,
    criteria: Criteria = DEFAULT_CRITERIA,
) -> CoveragePlan:
    """Sessions needed to cover the project, and what is left to see or to strengthen."""
    pool = QuestionPool.of(questions)
    memory = as_memory(history, criteria)
    draw = _Draw(pool, memory, now, defense_date, ())
    seen = draw.seen
    unseen = tuple(q.id for q in pool if q.id not in seen)
    weak_set = seen.intersection(memory.weakest())
    due_set = set(draw.least_recalled(len(seen), weak=False, due_only=True))
    in_order = [q.id for q in pool if q.id in seen]
    weak = tuple(qid for qid in in_order if qid in weak_set)
    due = tuple(qid for qid in in_order if qid in due_set)
    per_session = max(1, per_session)
    new_per_session = max(1, _new_quota(per_session, len(unseen), len(weak), None))
    sessions = math.ceil(len(unseen) / new_per_session)
    days_left = draw.days_left
    passed = draw.defense_passed
    per_day = None
    if days_left is not None and not passed:
        per_day = sessions / max(1, days_left)
    return CoveragePlan(
        total=len(pool),
        seen=len(seen),
        unseen_ids=unseen,
        weak_ids=weak,
        due_ids=due,
        sessions_needed=sessions,
        days_left=days_left,
        sessions_per_day=per_day,
        defense_passed=passed,
        unknown_ids=tuple(sorted(set(memory.seen_ids()) - pool.index.keys())),
        per_session=per_session,
    )


def draw_weights(
    questions: Sequence[Question],
    history: Iterable[AnswerRecord] | MemorySource,
    *,
    now: datetime | date,
    defense_date: datetime | date | None = None,
    criteria: Criteria = DEFAULT_CRITERIA,
) -> dict[str, float]:
    """Weights for ``draw_questions``: 1 for unseen questions, else the chance of forgetting by
    the defense (1 - retrievability), never below 0.05."""
    pool = QuestionPool.of(questions)
    draw = _Draw(pool, as_memory(history, criteria), now, defense_date, ())
    recall = {qid: draw.recall(s, r) for qid, s, r in draw.memory.least_recalled(draw.target_us)}
    return {q.id: 1.0 if q.id not in recall else max(0.05, 1.0 - recall[q.id]) for q in pool}
