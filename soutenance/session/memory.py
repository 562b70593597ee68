"""What a student remembers of each question: FSRS replay of their answers, memoised per process.

``CardCache`` replays each distinct shape of history through ``fsrs`` once; ``StudentMemory``
groups one student's history per question of a ``QuestionPool`` and reads it for a draw.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any

from fsrs import Card, Rating, Scheduler

from soutenance.banks.model import Question
from soutenance.session.answer_quality import (
    DEFAULT_CRITERIA,
    AnswerRecord,
    Criteria,
    Reason,
    answer_quality,
    as_utc,
    is_weak,
    rate_answer,
    weak_points,
)
from soutenance.session.question_pool import QuestionPool, sample_excluding

_answered_at = attrgetter("answered_at")


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


class StudentMemory:
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
        return sample_excluding(rng, self.pool, k, self.blocked, self.unseen_count)

    def sample_any(self, rng: random.Random, k: int) -> list[Question]:
        """``k`` questions not taken, seen or not."""
        return sample_excluding(rng, self.pool, k, self.taken, len(self.pool) - len(self.taken))

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
