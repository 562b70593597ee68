"""Key points the spoken answer appears to cover, as suggestions beside the student's own ticks.

A key point is suggested when the transcript holds one of its hints (the words or synonyms the
bank gives per key point, `KeyPoint.hints`), or most of the meaningful words of its text
(two thirds, rounded up). Words match fuzzily (rapidfuzz's ratio, the threshold from the
settings) so that plurals, conjugations and a recogniser's small slips still count; words of
four letters or fewer must match exactly, or "cible" would be heard in "câble".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from soutenance.voice.figures import KeyPointSuggestion
from soutenance.voice.lexicon import STOPWORDS
from soutenance.voice.speech import words_of

EXACT_UP_TO = 4


class _Heard:
    def __init__(self, transcript: str, threshold: int) -> None:
        self.words = words_of(transcript)
        self.vocabulary = sorted(set(self.words))
        self.threshold = threshold
        self._ngrams: dict[int, list[str]] = {}

    def word(self, word: str) -> tuple[str, float] | None:
        if len(word) <= EXACT_UP_TO:
            return (word, 100.0) if word in self.vocabulary else None
        best = process.extractOne(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=self.threshold
        )
        return (best[0], best[1]) if best else None

    def phrase(self, words: list[str]) -> tuple[str, float] | None:
        if len(words) == 1:
            return self.word(words[0])
        size = len(words)
        if size not in self._ngrams:
            grams = {" ".join(self.words[i : i + size]) for i in range(len(self.words) - size + 1)}
            self._ngrams[size] = sorted(grams)
        best = process.extractOne(
            " ".join(words), self._ngrams[size], scorer=fuzz.ratio, score_cutoff=self.threshold
        )
        return (best[0], best[1]) if best else None


def _by_hints(point: str, heard: _Heard) -> tuple[float, list[str]]:
    found = [
        m
        for hint in getattr(point, "hints", ())
        if (words := words_of(hint)) and (m := heard.phrase(words))
    ]
    return (max(score for _, score in found), [text for text, _ in found]) if found else (0.0, [])


def _by_text(point: str, heard: _Heard, language: str) -> tuple[float, list[str]]:
    stop = STOPWORDS.get(language, set())
    content = list(dict.fromkeys(w for w in words_of(point) if w not in stop and len(w) >= 3))
    if not content:
        return 0.0, []
    matched = [m for w in content if (m := heard.word(w))]
    if len(matched) < math.ceil(len(content) * 2 / 3):
        return 0.0, []
    return 100.0 * len(matched) / len(content), [text for text, _ in matched]


def suggest_key_points(
    transcript: str, key_points: Sequence[str], language: str, *, threshold: int = 85
) -> list[KeyPointSuggestion]:
    """The key points the transcript appears to cover. `key_points` are the bank's KeyPoint
    objects (their hints help) or plain texts (an answer's stored copy)."""
    heard = _Heard(transcript, threshold)
    if not heard.words:
        return []
    suggestions = []
    for index, point in enumerate(key_points):
        hint_score, hint_words = _by_hints(point, heard)
        text_score, text_words = _by_text(point, heard, language)
        if hint_score or text_score:
            words = list(dict.fromkeys(hint_words + text_words))
            suggestions.append(
                KeyPointSuggestion(
                    index=index, score=round(max(hint_score, text_score), 1), heard=words
                )
            )
    return suggestions
