"""What the transcript says about the speech: pace, filler words, words said twice in a row."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from soutenance.text import fold
from soutenance.voice.figures import DeliveryFigures
from soutenance.voice.lexicon import ALLOWED_DOUBLES, FILLERS

MIN_SPAN_FOR_PACE = 5.0
"""Below this many seconds of speech, a words-per-minute figure means nothing."""
_WORD = re.compile(r"\w+")


Count = Annotated[int, Field(ge=0)]
Counts = Annotated[dict[Annotated[str, Field(max_length=200)], Count], Field(max_length=500)]


class SpeechFigures(BaseModel):
    """Stored with the answer."""

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)

    words: Count
    words_per_minute: Annotated[float, Field(ge=0)] | None
    """Over the span from the first word to the last (pauses included); None if too short."""
    fillers: Counts
    repeated: Counts
    """Words said twice in a row ("the the"), with how often."""

    @property
    def filler_count(self) -> int:
        return sum(self.fillers.values())


def words_of(text: str) -> list[str]:
    """Folded words: "L'équipe, EUH…" -> ["l", "equipe", "euh"] (any apostrophe splits)."""
    return _WORD.findall(fold(text))


def filler_list(language: str, overrides: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    chosen = (overrides or {}).get(language)
    return list(chosen) if chosen is not None else FILLERS.get(language, [])


def count_fillers(words: Sequence[str], fillers: Sequence[str]) -> dict[str, int]:
    """Occurrences of each filler (one word or several), the longest first where they overlap:
    "bon ben" counts once, not as "ben" too."""
    phrases = sorted({tuple(words_of(f)) for f in fillers if words_of(f)}, key=len, reverse=True)
    found: Counter[str] = Counter()
    position = 0
    while position < len(words):
        for phrase in phrases:
            if tuple(words[position : position + len(phrase)]) == phrase:
                found[" ".join(phrase)] += 1
                position += len(phrase)
                break
        else:
            position += 1
    return dict(found)


def repeated_words(
    words: Sequence[str], language: str, fillers: Sequence[str] = ()
) -> dict[str, int]:
    allowed = ALLOWED_DOUBLES.get(language, set())
    single_fillers = {f for f in (" ".join(words_of(x)) for x in fillers) if " " not in f}
    found: Counter[str] = Counter()
    for before, after in zip(words, words[1:], strict=False):
        if before == after and f"{before} {after}" not in allowed and before not in single_fillers:
            found[before] += 1
    return dict(found)


def words_per_minute(
    word_count: int, delivery: DeliveryFigures | None, duration: float
) -> float | None:
    if (
        delivery is not None
        and delivery.thinking_time is not None
        and delivery.last_word is not None
    ):
        span = delivery.last_word - delivery.thinking_time
    else:
        span = duration
    if span < MIN_SPAN_FOR_PACE or not word_count:
        return None
    return round(word_count * 60.0 / span, 1)


def speech_figures(
    text: str,
    language: str,
    *,
    delivery: DeliveryFigures | None = None,
    duration: float = 0.0,
    fillers: Mapping[str, Sequence[str]] | None = None,
) -> SpeechFigures:
    words = words_of(text)
    chosen = filler_list(language, fillers)
    return SpeechFigures(
        words=len(words),
        words_per_minute=words_per_minute(len(words), delivery, duration),
        fillers=count_fillers(words, chosen),
        repeated=repeated_words(words, language, chosen),
    )
