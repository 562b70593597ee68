"""Listening back to a recording: play, pause, seek, and where playback is.

The Player keeps the decoded samples (a five-minute answer at 16 kHz is about 19 MB of float32)
and hands them to an output on request; the position is what the output has taken. Outputs:
the default loudspeaker through sounddevice, or FakeOutput that tests drive by hand.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from soutenance.voice import devices, problems
from soutenance.voice.audio import read_samples
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable

Pull = Callable[[int], np.ndarray]
"""Given a number of frames, the next samples to play (fewer at the end)."""


class AudioOutput(Protocol):
    def start(self, samplerate: int, pull: Pull) -> None:
        """Begin asking `pull` for samples; raises VoiceUnavailable when it cannot play."""

    def stop(self) -> None:
        """No more calls to `pull` once this returns."""


class SpeakerOutput:
    """The default output device, opened for each play and closed on pause."""

    def __init__(self, device: int | str | None = None) -> None:
        self._sd = devices.sounddevice()
        self._device = device
        self._stream = None

    def start(self, samplerate: int, pull: Pull) -> None:
        self.stop()  # a stream that stopped itself at the end is still open
        sd = self._sd

        def callback(outdata, frames, _time, _status) -> None:
            samples = pull(frames)
            outdata[: samples.size, 0] = samples
            outdata[samples.size :, 0] = 0.0
            if samples.size < frames:
                raise sd.CallbackStop

        self._stream = devices.started(
            lambda: sd.OutputStream(
                device=self._device,
                samplerate=samplerate,
                channels=1,
                dtype="float32",
                callback=callback,
            ),
            output=True,
        )

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        devices.closed(stream)


class FakeOutput:
    """An output that plays only when told: `advance(seconds)` pulls that much audio at once."""

    def __init__(self) -> None:
        self._pull: Pull | None = None
        self.samplerate = 0
        self.played: list[np.ndarray] = []

    @property
    def running(self) -> bool:
        return self._pull is not None

    def start(self, samplerate: int, pull: Pull) -> None:
        self.samplerate, self._pull = samplerate, pull

    def stop(self) -> None:
        self._pull = None

    def advance(self, seconds: float) -> np.ndarray:
        if self._pull is None:
            return np.zeros(0, dtype=np.float32)
        samples = self._pull(int(round(seconds * self.samplerate)))
        self.played.append(samples)
        return samples


class Player:
    """One recording ready to play. Not playing after the end: `play` then starts over."""

    def __init__(
        self, samples: np.ndarray, samplerate: int, output: AudioOutput | None = None
    ) -> None:
        self.samples = samples
        self.samplerate = samplerate
        self._output: AudioOutput | None = output
        self._position = 0
        self._playing = False
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, output: AudioOutput | None = None) -> Player:
        """Decode `path` (do it in a worker: about a second for a long answer); VoiceUnavailable
        when the file cannot be read. The loudspeaker (by default) is opened at the first play."""
        try:
            samples, rate = read_samples(path)
        except Exception as error:  # noqa: BLE001 - any unreadable file gets the same message
            problem = VoiceProblem(problems.UNREADABLE, {"path": str(path)}, str(error))
            raise VoiceUnavailable(problem) from error
        return cls(samples, rate, output)

    @property
    def duration(self) -> float:
        return self.samples.size / self.samplerate

    @property
    def position(self) -> float:
        return self._position / self.samplerate

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def ended(self) -> bool:
        return self._position >= self.samples.size

    def play(self) -> None:
        if self._playing:
            return
        with self._lock:
            if self.ended:
                self._position = 0
        self._playing = True
        try:
            if self._output is None:
                self._output = SpeakerOutput()
            self._output.start(self.samplerate, self._pull)
        except VoiceUnavailable:
            self._playing = False
            raise

    def pause(self) -> None:
        if self._playing:
            self._playing = False
            if self._output is not None:
                self._output.stop()

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def seek(self, seconds: float) -> None:
        """Go to `seconds` (clamped to the recording); playing goes on from there."""
        frame = int(round(min(max(seconds, 0.0), self.duration) * self.samplerate))
        with self._lock:
            self._position = frame

    def seek_by(self, seconds: float) -> None:
        self.seek(self.position + seconds)

    def close(self) -> None:
        self.pause()

    def _pull(self, frames: int) -> np.ndarray:
        with self._lock:
            start = self._position
            chunk = self.samples[start : start + frames]
            self._position = start + chunk.size
        if chunk.size < frames:
            self._playing = False  # the output stops itself once it gets less than it asked
        return chunk
