"""What a student remembers of each question: the FSRS card of their answers and the last answer.

``QuestionMemory`` is one question's state for one student. ``CardCache`` replays each distinct
shape of history through ``fsrs`` once per process. The draw reads states through a
``MemorySource``: ``ReplayedMemory`` replays a list of answers in memory, and the store keeps the
same states current in its own tables (``soutenance.store.memory_state``), so that a draw reads
a few rows instead of replaying a whole history.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler, State

from soutenance.session.answer_quality import (
    DEFAULT_CRITERIA,
    AnswerRecord,
    Criteria,
    answer_order,
    answer_quality,
    is_weak,
    rate_answer,
)

DAY_US = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """Microseconds since 1970 (UTC): exact, and what the store orders and subtracts."""
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    return _EPOCH + value * _MICROSECOND


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
    """The FSRS card after replaying one question's answers in ``answer_order`` (None if none
    count). The reference the memoised and the stored cards are checked against."""
    reached = sorted((r for r in records if r.reached), key=answer_order)
    if not reached:
        return None
    card = Card(card_id=1, due=reached[0].answered_at)
    for record in reached:
        card, _ = scheduler.review_card(card, rate_answer(record, criteria), record.answered_at)
    return card


def _moved(card: Card, last_review: datetime) -> Card:
    """``card`` as if its last review had happened at ``last_review`` (its due date moves along)."""
    assert card.last_review is not None
    return Card(
        card_id=card.card_id,
        state=card.state,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due + (last_review - card.last_review),
        last_review=last_review,
    )


def recall_card(stability: float, last_review: datetime) -> Card:
    """The least card fsrs computes a retrievability from."""
    return Card(card_id=1, state=State.Review, stability=stability, due=last_review,
                last_review=last_review)  # fmt: skip


class CardCache:
    """FSRS cards of histories, memoised on what FSRS reads of them.

    With no learning steps and no fuzzing (``make_scheduler``), a card after a replay depends
    only on the ratings and on the whole days between answers, and its retrievability on its
    stability and the whole days since the last answer. So a history is reduced to the key
    (rating, days, rating, days, rating...) and a card is replayed through ``fsrs`` once per
    distinct key, then moved to the history's own last answer. The memo holds no student data
    (only ratings and day counts) and is shared by every draw of the process.
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

    def _key(self, ordered: Sequence[AnswerRecord]) -> tuple[int, ...]:
        criteria = self.criteria
        parts = [rate_answer(ordered[0], criteria)._value_]
        for previous, record in zip(ordered, ordered[1:], strict=False):
            parts.append((record.answered_at - previous.answered_at).days)
            parts.append(rate_answer(record, criteria)._value_)
        return tuple(parts)

    def retrievability(self, records: Sequence[AnswerRecord], target: datetime) -> float:
        """Predicted recall at ``target`` of a question answered in ``records`` (all reached,
        in any order); 0 when there are none."""
        if not records:
            return 0.0
        ordered = records if len(records) == 1 else sorted(records, key=answer_order)
        key = self._key(ordered)
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

    def cards(self, ordered: Sequence[AnswerRecord]) -> tuple[Card, Card | None]:
        """(the card after every answer, the card before the last one) of a question's reached
        answers in ``answer_order``: exactly what ``replay`` gives."""
        if len(self._cards) >= self.MAX_ENTRIES:
            self.clear()
        key = self._key(ordered)
        card = _moved(self._card(key, ordered), ordered[-1].answered_at)
        if len(ordered) == 1:
            return card, None
        prior = self._card(key[:-2], ordered[:-1])
        return card, _moved(prior, ordered[-2].answered_at)

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


@dataclass(frozen=True, slots=True)
class QuestionMemory:
    """One student's state on one question: what the draw, the plan and the picker read."""

    question_id: str
    answers: int
    """Answers reached (answered or skipped)."""
    last: AnswerRecord
    """The latest answer, in ``answer_order``."""
    card: Card
    """The FSRS card after every answer."""
    prior: Card | None
    """The card before the last answer: a new last answer, or a change to it, is one review."""
    weak: bool
    """Whether the last answer was weak (``is_weak``)."""
    quality: float
    """``answer_quality`` of the last answer."""

    @property
    def stability(self) -> float:
        return float(self.card.stability or 0.0)

    @property
    def review_us(self) -> int:
        return micros(self.last.answered_at)

    def snapshot(self) -> tuple:
        """Everything the state holds, comparable with ``==`` (``Card`` has no equality)."""
        prior = self.prior.to_dict() if self.prior is not None else None
        return (self.question_id, self.answers, self.last, self.card.to_dict(), prior,
                self.weak, self.quality)  # fmt: skip


def question_memory(
    ordered: Sequence[AnswerRecord], criteria: Criteria = DEFAULT_CRITERIA
) -> QuestionMemory:
    """The state after a question's reached answers, given in ``answer_order`` (at least one)."""
    card, prior = card_cache(criteria).cards(ordered)
    return next_memory(ordered[-1], len(ordered), card, prior, criteria)


def next_memory(
    last: AnswerRecord, answers: int, card: Card, prior: Card | None, criteria: Criteria
) -> QuestionMemory:
    return QuestionMemory(last.question_id, answers, last, card, prior,
                          is_weak(last, criteria), answer_quality(last, criteria))  # fmt: skip


def reviewed(
    base: Card | None, record: AnswerRecord, scheduler: Scheduler, criteria: Criteria
) -> Card:
    """``base`` (None: a new card) after one more answer."""
    card = base if base is not None else Card(card_id=1, due=record.answered_at)
    return scheduler.review_card(card, rate_answer(record, criteria), record.answered_at)[0]


def replay_memories(
    history: Iterable[AnswerRecord], criteria: Criteria = DEFAULT_CRITERIA
) -> dict[str, QuestionMemory]:
    """Every question's state after a history (answers never reached are left out)."""
    return {qid: question_memory(group, criteria) for qid, group in group_reached(history).items()}


def group_reached(history: Iterable[AnswerRecord]) -> dict[str, list[AnswerRecord]]:
    """Reached answers per question id, each list in ``answer_order``."""
    grouped: dict[str, list[AnswerRecord]] = {}
    for record in history:
        if record.skipped or record.elapsed is not None:
            group = grouped.get(record.question_id)
            if group is None:
                grouped[record.question_id] = [record]
            else:
                group.append(record)
    for group in grouped.values():
        if len(group) > 1:
            group.sort(key=answer_order)
    return grouped


Recall = tuple[str, float, int]
"""(question id, stability, last answer in microseconds): what ordering by recall needs."""


def forgetting(stability: float, review_us: int, target_us: int) -> float:
    """Whole days since the last answer over the stability: recall falls as it grows.

    The store orders by the same expression in SQL, on the same doubles."""
    return max(0, (target_us - review_us) // DAY_US) / stability


class MemorySource(ABC):
    """One student's states on one project, however they are kept. Iterators are lazy: the
    draw stops reading as soon as it has enough questions."""

    criteria: Criteria = DEFAULT_CRITERIA

    @abstractmethod
    def seen_ids(self) -> Collection[str]:
        """Every question id answered (reached) at least once, in the bank or not."""

    def seen_count(self) -> int:
        """How many ids ``seen_ids`` holds."""
        return len(self.seen_ids())

    def seen_among(self, question_ids: Collection[str]) -> Collection[str]:
        """Those of ``question_ids`` answered at least once: a few rows' read, where
        ``seen_ids`` reads them all."""
        seen = self.seen_ids()
        return {qid for qid in question_ids if qid in seen}

    @abstractmethod
    def get(self, question_ids: Iterable[str]) -> dict[str, QuestionMemory]:
        """The states of those ids that were answered."""

    @abstractmethod
    def weakest(self) -> Iterator[str]:
        """Ids whose last answer was weak: lowest quality first, then the oldest, then by id."""

    @abstractmethod
    def least_recalled(self, target_us: int, *, weak: bool | None = None) -> Iterator[Recall]:
        """Answered ids (only the weak or the not weak ones when ``weak`` is given), least
        recalled at ``target_us`` first (largest ``forgetting``), then by id."""


class ReplayedMemory(MemorySource):
    """States replayed from a list of answers, each question on first use."""

    def __init__(
        self, history: Iterable[AnswerRecord], criteria: Criteria = DEFAULT_CRITERIA
    ) -> None:
        self.criteria = criteria
        self._groups = group_reached(history)
        self._states: dict[str, QuestionMemory] = {}

    def seen_ids(self) -> Collection[str]:
        return self._groups.keys()

    def state(self, question_id: str) -> QuestionMemory | None:
        found = self._states.get(question_id)
        if found is None and (group := self._groups.get(question_id)):
            found = self._states[question_id] = question_memory(group, self.criteria)
        return found

    def get(self, question_ids: Iterable[str]) -> dict[str, QuestionMemory]:
        return {qid: state for qid in question_ids if (state := self.state(qid)) is not None}

    def weakest(self) -> Iterator[str]:
        criteria = self.criteria
        weak = []
        for qid, group in self._groups.items():
            last = group[-1]
            if is_weak(last, criteria):
                weak.append((answer_quality(last, criteria), micros(last.answered_at), qid))
        weak.sort()
        return (qid for *_, qid in weak)

    def least_recalled(self, target_us: int, *, weak: bool | None = None) -> Iterator[Recall]:
        criteria = self.criteria
        ranked = []
        for qid, group in self._groups.items():
            if weak is not None and is_weak(group[-1], criteria) != weak:
                continue
            state = self.state(qid)
            assert state is not None
            stability, review = state.stability, state.review_us
            ranked.append((-forgetting(stability, review, target_us), qid, stability, review))
        ranked.sort()
        return ((qid, stability, review) for _, qid, stability, review in ranked)
