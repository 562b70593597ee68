"""How an answer was delivered, from the sound alone: thinking time, speaking time, pauses.

Voice activity detection (webrtcvad) classifies 30 ms frames; runs of speech closer than
MIN_PAUSE are one stretch of speech (the gaps between words), stretches shorter than MIN_SPEECH
are clicks. The silence before the first stretch is the thinking time; silences between two
stretches are pauses; the silence after the last one is not counted (the answer was over).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from soutenance.voice.audio import read_samples, resample, to_int16
from soutenance.voice.figures import DeliveryFigures

FRAME_MS = 30
MIN_PAUSE = 0.25
MIN_SPEECH = 0.09
ENERGY_FLOOR_DBFS = -55.0
"""Frames quieter than this are silence whatever the detector says (room noise, hiss)."""
VAD_RATES = (8000, 16000, 32000, 48000)


class VoiceActivity:
    """Figures computed while the samples arrive, so they are ready the moment recording stops."""

    def __init__(
        self, samplerate: int, *, pause_threshold: float = 2.0, aggressiveness: int = 3
    ) -> None:
        import webrtcvad

        if samplerate not in VAD_RATES:
            raise ValueError(
                f"voice activity detection needs one of {VAD_RATES} Hz, not {samplerate}"
            )
        self.samplerate = samplerate
        self.pause_threshold = pause_threshold
        self._vad = webrtcvad.Vad(aggressiveness)
        self._frame = samplerate * FRAME_MS // 1000
        self._pending = np.zeros(0, dtype=np.float32)
        self._voiced = bytearray()
        floor = 10 ** (ENERGY_FLOOR_DBFS / 20)
        self._floor_power = floor * floor

    def feed(self, samples: np.ndarray) -> None:
        data = np.concatenate((self._pending, samples)) if self._pending.size else samples
        count = data.size // self._frame
        usable = data[: count * self._frame]
        self._pending = data[count * self._frame :].copy()
        if not count:
            return
        frames = usable.reshape(count, self._frame)
        loud = np.mean(np.square(frames, dtype=np.float64), axis=1) > self._floor_power
        pcm = to_int16(frames)
        is_speech, rate = self._vad.is_speech, self.samplerate
        self._voiced.extend(
            1 if is_loud and is_speech(frame.tobytes(), rate) else 0
            for is_loud, frame in zip(loud.tolist(), pcm, strict=True)
        )

    def figures(self) -> DeliveryFigures:
        frame_seconds = FRAME_MS / 1000
        duration = (len(self._voiced) * self._frame + self._pending.size) / self.samplerate
        return figures_from_flags(self._voiced, frame_seconds, duration, self.pause_threshold)


def speech_stretches(voiced: bytes | bytearray, frame_seconds: float) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech."""
    flags = np.frombuffer(bytes(voiced), dtype=np.uint8)
    if not flags.size:
        return []
    edges = np.diff(np.concatenate(([0], flags, [0])).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    merged: list[list[float]] = []
    for start, end in zip(starts * frame_seconds, ends * frame_seconds, strict=True):
        if merged and start - merged[-1][1] < MIN_PAUSE:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged if end - start >= MIN_SPEECH]


def figures_from_flags(
    voiced: bytes | bytearray, frame_seconds: float, duration: float, pause_threshold: float
) -> DeliveryFigures:
    stretches = speech_stretches(voiced, frame_seconds)
    gaps = [after[0] - before[1] for before, after in zip(stretches, stretches[1:], strict=False)]
    return DeliveryFigures(
        duration=round(duration, 3),
        thinking_time=round(stretches[0][0], 3) if stretches else None,
        speaking_time=round(sum(end - start for start, end in stretches), 3),
        longest_pause=round(max(gaps, default=0.0), 3),
        pauses=len(gaps),
        long_pauses=sum(1 for gap in gaps if gap >= pause_threshold),
        pause_threshold=pause_threshold,
        last_word=round(stretches[-1][1], 3) if stretches else None,
    )


def delivery_figures(
    samples: np.ndarray, samplerate: int, *, pause_threshold: float = 2.0
) -> DeliveryFigures:
    """The figures of mono float32 samples (resampled to 16 kHz when the rate is not a VAD rate)."""
    if samplerate not in VAD_RATES:
        samples, samplerate = resample(samples, samplerate), 16000
    activity = VoiceActivity(samplerate, pause_threshold=pause_threshold)
    activity.feed(samples)
    return activity.figures()


def analyse_recording(path: Path, *, pause_threshold: float = 2.0) -> DeliveryFigures:
    """The figures of a recording file (an imported one, or one a crash cut short)."""
    samples, rate = read_samples(path)
    return delivery_figures(samples, rate, pause_threshold=pause_threshold)
