"""A bank's questions indexed once by id, and random samples that skip some of them."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Iterator, Sequence
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

    __slots__ = ("questions", "index")

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions: list[Question] = unique_questions(list(questions))
        self.index: dict[str, Question] = dict(
            zip(map(_id, self.questions), self.questions, strict=True)
        )

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
