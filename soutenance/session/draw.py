"""Drawing questions for a session: filtered, never repeated, reproducible with a seed."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from soutenance.banks.model import Question
from soutenance.text import fold


def _frozen(values: Iterable | None) -> frozenset:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        return frozenset((values,))
    return frozenset(values)


@dataclass(frozen=True)
class QuestionFilter:
    """Which questions may be drawn or listed; an empty criterion lets everything through.

    ``tags`` keeps questions carrying any of the tags (case-insensitive); ``text`` searches the
    id, text, key points, follow-ups and tags, ignoring case and accents; ``exclude_ids`` holds
    the questions already asked ("not asked yet"); ``only_ids``, when given, restricts to those
    ids ("weak last time").
    """

    difficulties: frozenset[int] = field(default_factory=frozenset)
    tags: frozenset[str] = field(default_factory=frozenset)
    text: str = ""
    exclude_ids: frozenset[str] = field(default_factory=frozenset)
    only_ids: frozenset[str] | None = None
    _needle: str = field(init=False, default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "difficulties", _frozen(self.difficulties))
        object.__setattr__(self, "tags", frozenset(t.casefold() for t in _frozen(self.tags)))
        object.__setattr__(self, "exclude_ids", _frozen(self.exclude_ids))
        if self.only_ids is not None:
            object.__setattr__(self, "only_ids", _frozen(self.only_ids))
        object.__setattr__(self, "_needle", fold(self.text.strip()))

    @property
    def is_empty(self) -> bool:
        return not (self.difficulties or self.tags or self._needle or self.exclude_ids) and (
            self.only_ids is None
        )

    def matches(self, question: Question) -> bool:
        return bool(self.apply((question,)))

    def apply(self, questions: Iterable[Question]) -> list[Question]:
        """Matching questions in their order, each id once (the first one)."""
        return unique_questions(self.select(questions))

    def select(self, questions: Iterable[Question]) -> list[Question]:
        """Matching questions in their order, repeated ids kept."""
        # One pass per criterion in use: much faster than a call per question on large banks.
        selected = list(questions)
        if self.exclude_ids:
            selected = [q for q in selected if q.id not in self.exclude_ids]
        if self.only_ids is not None:
            selected = [q for q in selected if q.id in self.only_ids]
        if self.difficulties:
            selected = [q for q in selected if q.difficulty in self.difficulties]
        if self.tags:
            selected = [q for q in selected if any(t.casefold() in self.tags for t in q.tags)]
        if self._needle:
            selected = [q for q in selected if self._needle in fold(_haystack(q))]
        return selected


def _haystack(question: Question) -> str:
    parts = [question.id, question.text, *question.key_points, *question.tags]
    parts.extend(f.text for f in question.follow_ups)
    return "\n".join(parts)


def unique_questions(questions: Sequence[Question]) -> list[Question]:
    """The questions with each id once (the first one), in their order."""
    if len(set(map(attrgetter("id"), questions))) == len(questions):
        return list(questions)
    seen: set[str] = set()
    unique = []
    for question in questions:
        if question.id not in seen:
            seen.add(question.id)
            unique.append(question)
    return unique


def draw_questions(
    questions: Sequence[Question],
    *,
    count: int,
    difficulties: Iterable[int] | None = None,
    tags: Iterable[str] | None = None,
    seed: int | None = None,
    exclude_ids: Iterable[str] = (),
    weights: Mapping[str, float] | None = None,
    question_filter: QuestionFilter | None = None,
) -> list[Question]:
    """Up to ``count`` distinct questions matching the filters, in drawing order.

    ``exclude_ids`` are the questions already asked in the session. ``weights`` (question id ->
    weight, 1 when missing) favour some questions; a weight of 0 or less puts a question behind
    all the others. The same seed and inputs give the same draw.
    """
    pool = QuestionFilter(difficulties=difficulties, tags=tags, exclude_ids=exclude_ids).apply(
        questions
    )
    if question_filter is not None:
        pool = question_filter.apply(pool)
    return sample(pool, count, random.Random(seed), weights)


def sample(
    pool: Sequence[Question],
    count: int,
    rng: random.Random,
    weights: Mapping[str, float] | None = None,
) -> list[Question]:
    """``count`` questions of ``pool`` (distinct items) drawn without replacement."""
    count = min(max(0, count), len(pool))
    if weights is None:
        return rng.sample(list(pool), count)
    # Weighted sampling without replacement (Efraimidis-Spirakis): the largest keys u ** (1 / w).
    keyed = []
    for question in pool:
        weight = weights.get(question.id, 1.0)
        u = rng.random() or 1e-300
        key = math.log(u) / weight if weight > 0 else -math.inf
        keyed.append((key, rng.random(), question))
    keyed.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [question for _, _, question in keyed[:count]]
