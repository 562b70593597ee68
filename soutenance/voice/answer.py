"""What an answer (or a follow-up) keeps of its spoken version, and the steps that fill it in.

    voice = AnswerVoice.from_recording(recorder.stop())             # at once: file and figures
    voice = transcribe_answer(voice, recogniser, language, key_points, settings, progress)  # worker

`AnswerVoice.to_json()` is what the store and the JSON export keep (None fields are left out);
`AnswerVoice.from_json()` reads it back and refuses anything malformed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from soutenance.voice import problems, storage
from soutenance.voice.figures import DeliveryFigures, KeyPointSuggestion
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.settings import VoiceSettings
from soutenance.voice.speech import SpeechFigures, speech_figures
from soutenance.voice.transcription import Progress, Recogniser, Transcript

if TYPE_CHECKING:  # the recorder loads numpy: the session model imports this module
    from soutenance.voice.recorder import Recording


class AnswerVoice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)

    recording: str | None = Field(None, max_length=300)
    """The recording's path relative to the data dir: "recordings/<session>/<answer>.opus"."""
    duration: float | None = Field(None, ge=0)
    delivery: DeliveryFigures | None = None
    transcript: Transcript | None = None
    speech: SpeechFigures | None = None
    suggested: list[KeyPointSuggestion] = Field(default_factory=list, max_length=200)
    """Key points the transcript appears to cover: suggestions, never the student's ticks."""

    @classmethod
    def from_recording(cls, recording: Recording) -> AnswerVoice:
        return cls(
            recording=recording.reference, duration=recording.duration, delivery=recording.delivery
        )

    @property
    def suggested_indexes(self) -> list[int]:
        return [s.index for s in self.suggested]

    def recording_path(self) -> Path | None:
        """The file, or None when there is none or the stored reference is not a recording's."""
        return storage.resolve_reference(self.recording) if self.recording else None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_json(cls, data: Any) -> AnswerVoice:
        """Raises ValueError with a readable reason when `data` is not a valid record."""
        try:
            voice = cls.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "voice"
            raise ValueError(f"{where}: {first['msg']}") from None
        if voice.recording is not None and storage.resolve_reference(voice.recording) is None:
            raise ValueError(f"recording: {voice.recording!r} is not a recording's name")
        return voice


def transcribe_answer(
    voice: AnswerVoice,
    recogniser: Recogniser,
    language: str,
    key_points: Sequence[str],
    settings: VoiceSettings,
    progress: Progress | None = None,
) -> AnswerVoice:
    """The transcript, its figures and the suggested key points added to `voice` (run it in a
    worker thread). Raises VoiceUnavailable; `voice` is never changed."""
    from soutenance.voice.keypoints import suggest_key_points  # rapidfuzz: loaded when needed

    path = voice.recording_path()
    if path is None or not path.is_file():
        where = voice.recording or ""
        raise VoiceUnavailable(VoiceProblem(problems.UNREADABLE, {"path": where}))
    transcript = recogniser.transcribe(path, language, progress)
    figures = speech_figures(
        transcript.text,
        language,
        delivery=voice.delivery,
        duration=transcript.duration,
        fillers=settings.fillers,
    )
    suggested = suggest_key_points(
        transcript.text, key_points, language, threshold=settings.match_threshold
    )
    return voice.model_copy(
        update={"transcript": transcript, "speech": figures, "suggested": suggested}
    )
