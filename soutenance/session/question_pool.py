"""A bank's questions indexed once by id, and random samples that skip some of them."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence, Set
from operator import attrgetter

from soutenance.banks.model import Question
from soutenance.session.draw import unique_questions

_id = attrgetter("id")


class QuestionPool:
    """A bank's questions, each id once (the first), indexed by id.

    Building one walks the whole bank; build it once per loaded bank and hand it to every
    draw, so that a draw only touches the questions it looks at. ``plan_draw`` and ``plan``
    also accept a plain sequence of questions and index it on the spot.
    """

    __slots__ = ("questions", "index", "_positions")

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions: list[Question] = unique_questions(list(questions))
        self.index: dict[str, Question] = dict(
            zip(map(_id, self.questions), self.questions, strict=True)
        )
        self._positions: dict[str, int] | None = None

    @property
    def positions(self) -> dict[str, int]:
        """Each id's position in ``questions`` (built on first use)."""
        if self._positions is None:
            self._positions = {qid: i for i, qid in enumerate(self.index)}
        return self._positions

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


def sample_excluding(
    rng: random.Random,
    pool: Sequence[Question] | QuestionPool,
    k: int,
    blocked: Collection[str],
    free: int,
) -> list[Question]:
    """``k`` questions of ``pool`` whose id is not in ``blocked`` (``free`` of them are not)."""
    k = min(k, free)
    if k <= 0:
        return []
    questions = pool.questions if isinstance(pool, QuestionPool) else pool
    if not blocked:
        return rng.sample(questions, k)  # O(k) on a large pool; the same draw as draw_questions
    if free * 4 < len(questions):
        if isinstance(pool, QuestionPool) and isinstance(blocked, Set):
            # Mostly blocked: the free ids by set difference, put back in the pool's order.
            where = pool.positions
            free_ids = pool.index.keys() - blocked
            listed = [questions[i] for i in sorted(where[qid] for qid in free_ids)]
        else:
            listed = [q for q in questions if q.id not in blocked]
        return rng.sample(listed, k)
    # Mostly free: draw positions and skip the blocked ones rather than listing the bank.
    picked = sample_rejecting(
        rng, questions, k, lambda ids: {qid for qid in ids if qid in blocked}, len(questions)
    )
    assert picked is not None  # ``free`` >= k questions are not blocked
    return picked


def sample_rejecting(
    rng: random.Random,
    questions: Sequence[Question],
    k: int,
    blocked_among: Callable[[list[str]], Collection[str]],
    tries: int,
    batch: int = 0,
) -> list[Question] | None:
    """``k`` questions at distinct random positions of ``questions``, skipping those whose id
    ``blocked_among`` returns (asked about ``batch`` candidates, then twice as many each time);
    None when ``tries`` positions were not enough. The picks do not depend on the batches: only
    the rng's later draws do."""
    picked: list[Question] = []
    if k <= 0:
        return picked
    tried: set[int] = set()
    limit, batch = min(tries, len(questions)), batch or max(8, 4 * k)
    while len(tried) < limit:
        candidates: list[Question] = []
        wanted = min(batch, limit - len(tried))
        while len(candidates) < wanted:
            position = rng.randrange(len(questions))
            if position not in tried:
                tried.add(position)
                candidates.append(questions[position])
        blocked = blocked_among([q.id for q in candidates])
        for question in candidates:
            if question.id not in blocked:
                picked.append(question)
                if len(picked) == k:
                    return picked
        batch *= 2
    return None
