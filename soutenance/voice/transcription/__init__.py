"""Speech to text behind one interface: faster-whisper (the `transcription` extra, multilingual)
or pocketsphinx (its bundled English model; offline, small, used by the tests).

    recogniser = recogniser_for(settings.transcription, on_download=...)  # VoiceUnavailable
    transcript = recogniser.transcribe(path, "fr", progress=lambda done: ...)

Both run on the CPU for seconds to minutes: call them from a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from soutenance.voice import problems
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.settings import TranscriptionSettings

Progress = Callable[[float], None]
"""Called with the share of the audio done, 0.0 to 1.0."""
DownloadProgress = Callable[[int, int | None], None]
"""Called with the bytes fetched so far and the total when known."""

FAILED = "voice.transcription.failed"
OFF = "voice.transcription.off"
ENGINE_MISSING = "voice.transcription.engine_missing"
LANGUAGE_UNSUPPORTED = "voice.transcription.language_unsupported"


class Transcript(BaseModel):
    """Stored with the answer."""

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)

    text: str = Field(max_length=200_000)
    language: str = Field(max_length=20)
    engine: str = Field(max_length=200)
    """Which recogniser and model: "faster-whisper small", "pocketsphinx en-us"."""
    duration: float = Field(ge=0)
    """Seconds of audio transcribed."""


class Recogniser(Protocol):
    name: str

    def transcribe(
        self, audio: Path, language: str, progress: Progress | None = None
    ) -> Transcript:
        """The transcript of a recording; raises VoiceUnavailable with a clear problem."""


def recogniser_for(
    settings: TranscriptionSettings, *, on_download: DownloadProgress | None = None
) -> Recogniser:
    """The configured recogniser, loaded (a faster-whisper model is fetched at first use when
    settings allow); raises VoiceUnavailable when transcription cannot run."""
    if settings.engine == "off":
        raise VoiceUnavailable(VoiceProblem(OFF))
    if settings.engine == "pocketsphinx":
        from soutenance.voice.transcription.sphinx import PocketsphinxRecogniser

        return PocketsphinxRecogniser()
    from soutenance.voice.transcription.whisper import FasterWhisperRecogniser

    return FasterWhisperRecogniser.load(settings, on_download=on_download)


def failure(error: Exception) -> VoiceUnavailable:
    return VoiceUnavailable(VoiceProblem(FAILED, {"detail": str(error)}, str(error)))


def unreadable(path: Path, error: Exception) -> VoiceUnavailable:
    return VoiceUnavailable(VoiceProblem(problems.UNREADABLE, {"path": str(path)}, str(error)))
