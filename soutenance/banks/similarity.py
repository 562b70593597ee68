"""Near-duplicate question texts, found without comparing every pair."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence

NEAR_DUPLICATE = 0.8
_WORD = re.compile(r"\w+")


def words(text: str) -> frozenset[str]:
    """Significant words of a text, lowercased and without accents."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return frozenset(w for w in _WORD.findall(plain) if len(w) > 2)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicates(texts: Sequence[str], threshold: float = NEAR_DUPLICATE) -> list[tuple[int, int, float]]:
    """Pairs (earlier, later, score) of texts whose word sets overlap at least `threshold`.

    Candidates are the earlier texts sharing one of a text's three rarest words, which keeps the
    search close to linear; near-duplicates almost always share their rare words.
    """
    sets = [words(t) for t in texts]
    frequency = Counter(w for s in sets for w in s)
    postings: dict[str, list[int]] = defaultdict(list)
    found = []
    for index, current in enumerate(sets):
        rare = sorted(current, key=lambda w: (frequency[w], w))[:3]
        candidates = {other for w in rare for other in postings[w]}
        for other in sorted(candidates):
            score = similarity(sets[other], current)
            if score >= threshold:
                found.append((other, index, score))
                break
        for w in current:
            postings[w].append(index)
    return found
