"""Which questions a student should rehearse next, from their recorded answers and the defense date.

Each answer is rated (``answer_quality``) and replayed through FSRS (``memory``) to estimate how
well each question will be recalled at the defense. Unseen questions come first, weak ones keep
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
from collections.abc import Iterable, Sequence
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
    StudentMemory,
    card_cache,
    clear_card_caches,
    make_scheduler,
    replay,
)
from soutenance.session.question_pool import QuestionPool

__all__ = [
    "CONFIDENCE_SCALE",
    "DEFAULT_CRITERIA",
    "AnswerRecord",
    "CardCache",
    "CoveragePlan",
    "Criteria",
    "Focus",
    "QuestionPool",
    "Reason",
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
    memory = StudentMemory(
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
    memory = StudentMemory(pool, history, now=now, defense_date=defense_date, criteria=criteria)
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
    memory = StudentMemory(pool, history, now=now, defense_date=defense_date, criteria=criteria)
    return {
        q.id: 1.0 if not memory.seen(q.id) else max(0.05, 1.0 - memory.retrievability(q.id))
        for q in pool
    }
