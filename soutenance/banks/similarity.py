"""Near-duplicate question texts: exact, without comparing every pair, whatever the vocabulary.

Two texts are near-duplicates when the Jaccard index of their significant words reaches
`NEAR_DUPLICATE`. The search is an exact partition filter (PartEnum, Arasu, Ganti and Kaushik,
VLDB 2006), chosen over the alternatives for these reasons:

* Word sets A and B with Jaccard >= t differ in at most d = floor(m (1 - t) / t) words, m being
  the smaller size (|A ^ B| <= (1 - t) |A | B| and |A | B| <= m / t). Spread the words over
  P = d + 2 partitions by hash: the differing words touch at most d of them, so A and B agree
  exactly on at least two partitions. Every pair of partitions gives a key (a hash of the words
  the set has there): a true pair always shares a key, so nothing is ever missed.
* A key covers about 2 / P of a text's words, never one word: with a vocabulary of 40 words,
  where every word is common and a filter on rare shared words would compare almost every pair
  (or, with a cap, miss some), unrelated texts still rarely agree on half their words.
* MinHash with LSH (datasketch) would need a hundred or more hash functions per text, costs
  about as much as the parse, and only finds a pair with high probability.

Candidates sharing a key are then scored exactly (set intersection, in C), so the result is the
same as scoring all pairs, as tests check against the all-pairs comparison.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from itertools import combinations

from soutenance.text import fold

NEAR_DUPLICATE = 0.8
_WORD = re.compile(r"\w{3,}")  # runs of at least three word characters: words longer than 2
_SLACK = 1e-9  # size bounds computed in floating point must never exclude a true pair


def words(text: str) -> frozenset[str]:
    """Significant words of a text (longer than two letters), lowercased and without accents."""
    return frozenset(_WORD.findall(fold(text)))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


@functools.lru_cache(maxsize=4096)
def _schemes(size: int, threshold: float) -> tuple[tuple[int, tuple[tuple[int, int], ...]], ...]:
    """The partition counts a set of `size` words is indexed under, each with its pairs of parts.

    A pair of sets uses the scheme of its smaller set: enough parts for any partner of that size.
    A set is indexed and looked up under the schemes of every size a partner may have up to its
    own, so whichever of the two comes later finds the other.
    """
    if not 0 < threshold <= 1:
        raise ValueError("a similarity threshold is in (0, 1]")
    smallest = max(1, math.ceil(size * threshold - _SLACK))
    counts = sorted(
        {
            math.floor(s * (1 - threshold) / threshold + _SLACK) + 2
            for s in range(smallest, size + 1)
        }
    )
    return tuple((parts, tuple(combinations(range(parts), 2))) for parts in counts)


def index_keys(words_of: frozenset[str], threshold: float = NEAR_DUPLICATE) -> tuple[int, ...]:
    """The keys a set is indexed and looked up under: two sets at `threshold` share one.

    Keys hash the words with Python's `hash`, salted per process: they compare only within one
    process and the processes it forks (which is how banks are linted in parallel).
    """
    hashes = list(map(hash, words_of))
    found: list[int] = []
    for parts, pairs in _schemes(len(hashes), threshold):
        signature = [parts] * parts
        for value in hashes:
            signature[value % parts] += value
        found += [hash((i, j, signature[i], signature[j])) for i, j in pairs]
    return tuple(found)


class _PartitionIndex:
    """Sets by their keys: the keys of a set find every earlier set it may be near.

    Only keys that more than one set has are kept (found with set operations, in C): a key no
    other set has finds nothing, and most keys are such, so most sets cost no look-up at all.
    """

    def __init__(self, keys: Iterable[Iterable[int]]) -> None:
        seen: set[int] = set()
        self.shared: set[int] = set()
        for mine in keys:
            if not seen.isdisjoint(mine):
                self.shared.update(seen.intersection(mine))
            seen.update(mine)
        self.postings: dict[int, list[int]] = {}

    def useful(self, keys: Iterable[int]) -> set[int]:
        return self.shared.intersection(keys)

    def candidates(self, keys: Iterable[int]) -> list[int]:
        found: set[int] = set()
        postings = self.postings
        for key in keys:
            if (posting := postings.get(key)) is not None:
                found.update(posting)
        return sorted(found)

    def add(self, index: int, keys: Iterable[int]) -> None:
        postings = self.postings
        for key in keys:
            if (posting := postings.get(key)) is None:
                postings[key] = [index]
            else:
                posting.append(index)


def _all_keys(
    sets: Sequence[frozenset[str]], threshold: float, keys: Sequence[Sequence[int]] | None
) -> Sequence[Sequence[int]]:
    if keys is not None:
        return keys
    return [index_keys(words_of, threshold) if words_of else () for words_of in sets]


def similar_pairs(
    sets: Sequence[frozenset[str]], threshold: float = NEAR_DUPLICATE
) -> list[tuple[int, int, float]]:
    """Every pair (i, j, score), i < j, whose similarity reaches `threshold`, sorted."""
    every = _all_keys(sets, threshold, None)
    index = _PartitionIndex(every)
    found = []
    for current, words_of in enumerate(sets):
        mine = index.useful(every[current])
        if not mine:
            continue
        for other in index.candidates(mine):
            if (score := similarity(sets[other], words_of)) >= threshold:
                found.append((other, current, score))
        index.add(current, mine)
    return found


def first_near_duplicates(
    sets: Sequence[frozenset[str]],
    threshold: float = NEAR_DUPLICATE,
    groups: Sequence[object] | None = None,
    keys: Sequence[Sequence[int]] | None = None,
) -> list[tuple[int, int, float]]:
    """For each set with an earlier near-duplicate, (earliest such, the set, score), in order.

    With `groups`, only an earlier set of another group counts (another project of a path).
    `keys` are the sets' `index_keys` when the caller has them already. A set equal to one
    already indexed in its group is not indexed again: the earlier one is always preferred, so a
    thousand copies of one text cost a thousand look-ups, not a million comparisons.
    """
    every = _all_keys(sets, threshold, keys)
    index = _PartitionIndex(every)
    indexed: set[tuple[frozenset[str], object]] = set()
    found = []
    for current, words_of in enumerate(sets):
        mine = index.useful(every[current]) if words_of else None
        if not mine:
            continue
        group = None if groups is None else groups[current]
        for other in index.candidates(mine):
            if groups is not None and groups[other] == group:
                continue
            if (score := similarity(sets[other], words_of)) >= threshold:
                found.append((other, current, score))
                break
        if (words_of, group) not in indexed:
            indexed.add((words_of, group))
            index.add(current, mine)
    return found


def near_duplicates(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE
) -> list[tuple[int, int, float]]:
    """Pairs (earlier, later, score): each text that nearly repeats an earlier one, with the first."""
    return first_near_duplicates([words(t) for t in texts], threshold)
