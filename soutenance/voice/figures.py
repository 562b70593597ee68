"""What an answer keeps of how it was said: the figures, as plain pydantic models.

Kept apart from the modules that compute them (numpy, webrtcvad, rapidfuzz) so that the session
model, which stores them, imports nothing heavy. Bounds are those of a hostile import: every
figure finite and non-negative, every list and text of reasonable size.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Seconds = Annotated[float, Field(ge=0.0, le=10_000_000.0)]
Word = Annotated[str, Field(max_length=200)]


class _Figures(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)


class DeliveryFigures(_Figures):
    """Stored with the answer (seconds throughout)."""

    duration: Seconds
    thinking_time: Seconds | None
    """Until the first word; None when nothing was said."""
    speaking_time: Seconds
    longest_pause: Seconds
    pauses: Annotated[int, Field(ge=0)]
    long_pauses: Annotated[int, Field(ge=0)]
    """Pauses of at least `pause_threshold` seconds."""
    pause_threshold: Seconds
    last_word: Seconds | None = None
    """When the last word ended: with thinking_time, the span the words-per-minute figure uses."""

    @property
    def spoke(self) -> bool:
        return self.thinking_time is not None


class KeyPointSuggestion(_Figures):
    """Stored with the answer: the key point's index in the answer's key points."""

    index: Annotated[int, Field(ge=0, le=999)]
    score: Annotated[float, Field(ge=0, le=100)]
    """How sure, 0-100."""
    heard: list[Word] = Field(max_length=50)
    """What in the transcript matched: shown as the reason for the suggestion."""
