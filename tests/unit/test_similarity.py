"""The near-duplicate search finds exactly what comparing every pair finds, without doing so."""

from __future__ import annotations

import unicodedata

import hypothesis.strategies as st
from hypothesis import given, settings

from soutenance.banks.similarity import (
    NEAR_DUPLICATE,
    first_near_duplicates,
    index_keys,
    near_duplicates,
    similar_pairs,
    similarity,
    words,
)
from soutenance.text import fold

VOCABULARY = [f"w{number:02d}" for number in range(40)]


def all_pairs(sets: list[frozenset[str]], threshold: float) -> list[tuple[int, int, float]]:
    return [
        (i, j, similarity(sets[i], sets[j]))
        for j in range(len(sets))
        for i in range(j)
        if similarity(sets[i], sets[j]) >= threshold
    ]


def earliest(
    sets: list[frozenset[str]], threshold: float, groups: list[int] | None
) -> list[tuple[int, int, float]]:
    found = []
    for j in range(len(sets)):
        for i in range(j):
            other_group = groups is None or groups[i] != groups[j]
            if other_group and similarity(sets[i], sets[j]) >= threshold:
                found.append((i, j, similarity(sets[i], sets[j])))
                break
    return found


@st.composite
def banks(draw: st.DrawFn) -> list[frozenset[str]]:
    """Small banks over a small vocabulary, with copies and one-word edits: many true pairs."""
    size = draw(st.integers(0, 40))
    vocabulary = VOCABULARY[: draw(st.integers(3, 40))]
    word_sets = st.frozensets(st.sampled_from(vocabulary), max_size=min(len(vocabulary), 24))
    sets: list[frozenset[str]] = []
    for _ in range(size):
        if sets and draw(st.booleans()):
            base = draw(st.sampled_from(sets))
            change = draw(st.sampled_from(vocabulary))
            sets.append(base ^ {change} if draw(st.booleans()) else base)
        else:
            sets.append(draw(word_sets))
    return sets


THRESHOLDS = st.sampled_from([NEAR_DUPLICATE, 0.5, 0.6, 0.75, 0.9, 1.0, 0.34])


@settings(max_examples=400, deadline=None)
@given(banks(), THRESHOLDS)
def test_same_pairs_as_comparing_every_pair(sets: list[frozenset[str]], threshold: float) -> None:
    assert similar_pairs(sets, threshold) == all_pairs(sets, threshold)


@settings(max_examples=400, deadline=None)
@given(banks(), THRESHOLDS, st.data())
def test_earliest_near_duplicate_within_and_across_groups(
    sets: list[frozenset[str]], threshold: float, data: st.DataObject
) -> None:
    groups = data.draw(st.lists(st.integers(0, 3), min_size=len(sets), max_size=len(sets)))
    assert first_near_duplicates(sets, threshold) == earliest(sets, threshold, None)
    assert first_near_duplicates(sets, threshold, groups) == earliest(sets, threshold, groups)
    keys = [index_keys(s, threshold) if s else () for s in sets]
    assert first_near_duplicates(sets, threshold, groups, keys) == earliest(sets, threshold, groups)


def test_pairs_at_exactly_the_threshold_are_found() -> None:
    base = frozenset(f"w{i}" for i in range(16))
    edited = (base - {"w0", "w1"}) | {"x", "y"}  # 14 shared words of 18: 0.78
    grown = base | {"x", "y", "z", "t"}  # 16 of 20 words with each: exactly 0.8
    assert similarity(base, edited) < NEAR_DUPLICATE
    assert similar_pairs([base, edited, grown]) == [(0, 2, 0.8), (1, 2, 0.8)]


def test_a_thousand_copies_are_not_a_million_comparisons() -> None:
    texts = ["Pourquoi ce canal plutôt qu'un autre pour ce public ?"] * 1000
    found = near_duplicates(texts)
    assert found == [(0, later, 1.0) for later in range(1, 1000)]


def test_words_ignore_case_accents_and_short_words() -> None:
    assert words("Quel CANAL, à quel coût ? Un an") == {"quel", "canal", "cout"}
    assert words("Ça coûte: ÉTÉ") == {"coute", "ete"}


def slow_fold(text: str) -> str:
    """`fold` as it was first written, one character at a time: the faster one must agree."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"))
    | st.text("aéÉèœŒçÇ’«» \t\n\u0301\u0591\u20dd\u1e01ﬁ")
)
def test_fold_removes_every_combining_mark_as_before(text: str) -> None:
    assert fold(text) == slow_fold(text)
