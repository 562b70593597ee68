"""Why recording, playback or transcription cannot happen: one object with a translated message.

The session goes on without the voice feature; the screen shows `problem.message()` once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from soutenance.i18n import t


@dataclass(frozen=True)
class VoiceProblem:
    key: str
    """A key of soutenance/i18n/catalogs/*/voice.json."""
    values: Mapping[str, object] = field(default_factory=dict)
    detail: str = ""
    """The library's own words, for a log; never needed to understand the message."""

    def message(self) -> str:
        return t(self.key, **self.values)


class VoiceUnavailable(Exception):
    """Raised with the problem that stops recording, playback or transcription."""

    def __init__(self, problem: VoiceProblem) -> None:
        self.problem = problem
        super().__init__(problem.message())


PORTAUDIO_MISSING = "voice.problem.portaudio_missing"
SOUNDDEVICE_MISSING = "voice.problem.sounddevice_missing"
NO_MICROPHONE = "voice.problem.no_microphone"
MICROPHONE_BUSY = "voice.problem.microphone_busy"
MICROPHONE_ERROR = "voice.problem.microphone_error"
NO_OUTPUT = "voice.problem.no_output"
OUTPUT_ERROR = "voice.problem.output_error"
BROWSER = "voice.problem.browser"
CODEC_MISSING = "voice.problem.codec_missing"
WRITE_FAILED = "voice.problem.write_failed"
UNREADABLE = "voice.problem.unreadable_recording"


def browser_recording_problem() -> VoiceProblem:
    """What `soutenance serve` shows instead of a level meter: the browser's microphone is out of
    reach of a terminal app served over a websocket."""
    return VoiceProblem(BROWSER)
