"""Where recorded samples come from: the microphone, or a file played in real time.

Both call `on_block(samples)` from their own thread with mono float32 blocks of about
BLOCK_SECONDS, so a recording fed by a file goes through exactly the code a microphone does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from soutenance.voice import devices
from soutenance.voice.audio import mono, read_samples, resample
from soutenance.voice.problems import VoiceUnavailable

BLOCK_SECONDS = 0.05
RECORDING_RATES = (16000, 48000, 8000)
"""Rates that Opus encodes and voice activity detection reads, the speech rate first."""

OnBlock = Callable[[np.ndarray], None]


class InputStream(Protocol):
    samplerate: int

    def start(self, on_block: OnBlock) -> None:
        """Start calling `on_block`; raises VoiceUnavailable when the source cannot start."""

    def stop(self) -> None:
        """Stop; no call to `on_block` starts after this returns. Start may be called again."""


class MicrophoneStream:
    """The default microphone (or `device`), opened at the first rate in RECORDING_RATES it takes."""

    def __init__(self, device: int | str | None = None) -> None:
        self._sd = devices.sounddevice()
        self._device = device
        info = devices.default_device("input") if device is None else self._query(device)
        self.name = str(info.get("name", ""))
        self.samplerate = self._pick_rate()
        self._stream = None

    def _query(self, device: int | str) -> dict:
        try:
            return dict(self._sd.query_devices(device, kind="input"))
        except (self._sd.PortAudioError, ValueError) as error:
            raise VoiceUnavailable(devices.problem_of(error)) from error

    def _pick_rate(self) -> int:
        last: Exception | None = None
        for rate in RECORDING_RATES:
            try:
                self._sd.check_input_settings(
                    self._device, channels=1, dtype="float32", samplerate=rate
                )
                return rate
            except (self._sd.PortAudioError, ValueError) as error:
                last = error
        assert last is not None
        raise VoiceUnavailable(devices.problem_of(last))

    def start(self, on_block: OnBlock) -> None:
        def callback(indata, _frames, _time, _status) -> None:
            on_block(indata[:, 0].copy())

        self._stream = devices.started(
            lambda: self._sd.InputStream(
                device=self._device,
                samplerate=self.samplerate,
                channels=1,
                dtype="float32",
                blocksize=int(self.samplerate * BLOCK_SECONDS),
                callback=callback,
            )
        )

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        devices.closed(stream)


class FileStream:
    """Plays a file's samples in blocks paced to real time (or `speed` times faster), each start
    from the beginning; after the end nothing more comes and `finished` is set."""

    def __init__(
        self, path: Path, *, speed: float = 1.0, block_seconds: float = BLOCK_SECONDS
    ) -> None:
        samples, rate = read_samples(path)
        if rate not in RECORDING_RATES:
            samples, rate = resample(mono(samples), rate, RECORDING_RATES[0]), RECORDING_RATES[0]
        self.samples = samples
        self.samplerate = rate
        self.speed = speed
        self._block = max(1, int(rate * block_seconds))
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.finished = threading.Event()
        self.delivered = 0
        """Samples handed to `on_block` so far in this run."""

    @property
    def duration(self) -> float:
        return self.samples.size / self.samplerate

    def start(self, on_block: OnBlock) -> None:
        self.stop()
        self._stop.clear()
        self.finished.clear()
        self.delivered = 0
        self._thread = threading.Thread(
            target=self._play, args=(on_block,), name="file-stream", daemon=True
        )
        self._thread.start()

    def _play(self, on_block: OnBlock) -> None:
        began = time.monotonic()
        for offset in range(0, self.samples.size, self._block):
            block = self.samples[offset : offset + self._block]
            # Blocks leave when they would have been captured: deadlines, not sleeps, so no drift.
            due = began + (offset + block.size) / self.samplerate / self.speed
            if self._stop.wait(max(0.0, due - time.monotonic())):
                return
            on_block(block.copy())
            self.delivered = offset + block.size
        self.finished.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None
