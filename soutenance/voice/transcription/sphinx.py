"""pocketsphinx with the US English model its wheel ships: offline, small, English only."""

from __future__ import annotations

from pathlib import Path

from soutenance.voice.audio import ANALYSIS_RATE, read_samples, resample, to_int16
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.transcription import (
    ENGINE_MISSING,
    LANGUAGE_UNSUPPORTED,
    Progress,
    Transcript,
    failure,
    unreadable,
)


class PocketsphinxRecogniser:
    name = "pocketsphinx en-us"
    languages = ("en",)

    def __init__(self) -> None:
        try:
            import pocketsphinx
        except ImportError as error:
            values = {"engine": "pocketsphinx", "command": 'pip install "pocketsphinx>=5"'}
            raise VoiceUnavailable(VoiceProblem(ENGINE_MISSING, values, str(error))) from error
        self._module = pocketsphinx

    def transcribe(
        self, audio: Path, language: str, progress: Progress | None = None
    ) -> Transcript:
        if language not in self.languages:
            values = {"engine": self.name, "language": language}
            raise VoiceUnavailable(VoiceProblem(LANGUAGE_UNSUPPORTED, values))
        try:
            samples, rate = read_samples(audio)
        except Exception as error:  # noqa: BLE001 - an unreadable recording, whatever the reason
            raise unreadable(audio, error) from error
        pcm = to_int16(resample(samples, rate))
        try:
            decoder = self._module.Decoder(samprate=ANALYSIS_RATE, loglevel="FATAL")
            decoder.start_utt()
            # In one go: normalising over the whole utterance recognises far better than live.
            decoder.process_raw(pcm.tobytes(), no_search=False, full_utt=True)
            decoder.end_utt()
            hypothesis = decoder.hyp()
        except RuntimeError as error:
            raise failure(error) from error
        if progress:
            progress(1.0)
        text = hypothesis.hypstr if hypothesis is not None else ""
        return Transcript(
            text=text, language=language, engine=self.name, duration=pcm.size / ANALYSIS_RATE
        )
