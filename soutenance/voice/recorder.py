"""Recording one answer at a time into an Ogg/Opus file that a crash leaves playable.

Why Ogg/Opus and not FLAC: an Ogg stream is a sequence of self-contained pages, so a file cut
short by a SIGKILL is an ordinary shorter file (libsndfile reads it and reports its true length),
whereas a FLAC file whose header was never finished announces a length it does not have.
tests/voice/test_kill.py proves it on a real process. Blocks wait at most BATCH_SECONDS to be
encoded, pages are written every PAGE_MS of audio (libsndfile's default is a second), and the
file is fsynced every SYNC_SECONDS: a killed process loses about half a second at most (measured:
0.15 to 0.49 s), a crashed machine about a second.

Threads: the stream's callback (the audio thread) only measures the level and queues the block;
a writer thread, at a lower priority, encodes, writes and measures the voice activity, so the
figures are ready the moment `stop` returns.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soutenance.voice import problems, storage
from soutenance.voice.audio import level_of
from soutenance.voice.delivery import DeliveryFigures, VoiceActivity
from soutenance.voice.levels import QUIET, Meter, MeterState
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.streams import InputStream, MicrophoneStream

PAGE_MS = 250.0
BATCH_SECONDS = 0.25
SYNC_SECONDS = 1.0
WRITER_NICENESS = 10
_SET_OGG_PAGE_LATENCY_MS = 0x1302  # libsndfile's sf_command; soundfile has no wrapper for it


@dataclass(frozen=True)
class Recording:
    path: Path
    duration: float
    """Seconds of audio in the file (pauses are not recorded)."""
    delivery: DeliveryFigures
    problem: VoiceProblem | None = None
    """Set when writing failed part-way (a full disk): the file holds what came before."""

    @property
    def reference(self) -> str:
        """What the answer stores: the path relative to the data dir."""
        return storage.relative_reference(self.path)


class Recorder:
    """Records answers one after the other from `stream`; one Recorder per session."""

    def __init__(self, stream: InputStream, *, pause_threshold: float = 2.0) -> None:
        self.stream = stream
        self.pause_threshold = pause_threshold
        self._paused = False
        self._active = False
        self._level = QUIET
        self._captured = 0
        self._written = 0
        self._problem: VoiceProblem | None = None
        self._queue: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._writer: threading.Thread | None = None
        self._sound = None
        self._path: Path | None = None
        self._activity: VoiceActivity | None = None

    @classmethod
    def microphone(
        cls, *, device: int | str | None = None, pause_threshold: float = 2.0
    ) -> Recorder:
        """A recorder on the default microphone; raises VoiceUnavailable (no PortAudio, no
        microphone...) so the session can go on without recording."""
        return cls(MicrophoneStream(device), pause_threshold=pause_threshold)

    @property
    def recording(self) -> bool:
        return self._active

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def elapsed(self) -> float:
        """Seconds captured in this answer so far (pauses excluded)."""
        return self._captured / self.stream.samplerate

    @property
    def written(self) -> float:
        """Seconds of this answer handed to the file so far: what a crash may still lose is what
        was captured after it, plus the last page the encoder holds (at most PAGE_MS)."""
        return self._written / self.stream.samplerate

    def meter(self) -> Meter:
        if not self._active:
            return Meter(MeterState.OFF)
        return Meter(MeterState.PAUSED if self._paused else MeterState.RECORDING, self._level)

    def start(self, session_id: str, answer_id: str, *, path: Path | None = None) -> Path:
        """Start recording an answer (replacing an earlier recording of it); the file's path."""
        if self._active:
            raise RuntimeError("already recording an answer: stop it first")
        path = path or storage.recording_path(session_id, answer_id)
        rate = self.stream.samplerate
        self._sound = open_opus(path, rate)
        self._path = path
        self._activity = VoiceActivity(rate, pause_threshold=self.pause_threshold)
        self._captured = self._written = 0
        self._problem = None
        self._paused = False
        self._level = QUIET
        self._wake.clear()
        self._writer = threading.Thread(target=self._write, name="recorder-writer", daemon=True)
        self._writer.start()
        try:
            self.stream.start(self._on_block)
        except VoiceUnavailable:
            self._finish()
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        self._active = True
        return path

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    def stop(self) -> Recording | None:
        """Stop the answer's recording: the file is complete when this returns. None if idle."""
        if not self._active:
            return None
        self._active = False
        self.stream.stop()
        return self._finish()

    def close(self) -> None:
        self.stop()

    def _on_block(self, block: np.ndarray) -> None:
        self._level = level_of(block)
        if self._paused:
            return
        self._captured += block.size
        self._queue.put(block)

    def _write(self) -> None:
        assert self._path is not None
        _yield_to_the_interface()
        descriptor = _open_for_sync(self._path)
        synced = time.monotonic()
        finished = False
        while not finished:
            # Blocks are taken in batches: fewer wake-ups of this thread while the screen draws.
            self._wake.wait(BATCH_SECONDS)
            blocks = []
            while True:
                try:
                    block = self._queue.get_nowait()
                except queue.Empty:
                    break
                if block is None:
                    finished = True
                    break
                blocks.append(block)
            if blocks and self._problem is None:
                self._write_samples(np.concatenate(blocks))
            if descriptor is not None and time.monotonic() - synced >= SYNC_SECONDS:
                _sync(descriptor)
                synced = time.monotonic()
        if descriptor is not None:
            os.close(descriptor)

    def _write_samples(self, samples: np.ndarray) -> None:
        assert self._sound is not None and self._activity is not None
        try:
            self._sound.write(samples)
        except Exception as error:  # noqa: BLE001 - any write failure keeps what was written
            detail = str(error)
            values = {"path": str(self._path), "detail": detail}
            self._problem = VoiceProblem(problems.WRITE_FAILED, values, detail)
            return
        self._written += samples.size
        self._activity.feed(samples)

    def _finish(self) -> Recording:
        assert self._writer is not None and self._sound is not None and self._path is not None
        self._queue.put(None)
        self._wake.set()
        self._writer.join()
        try:
            if not self._written:  # libsndfile cannot read back an Ogg/Opus file with no sample
                self._sound.write(np.zeros(1, dtype=np.float32))
            self._sound.close()
        except Exception as error:  # noqa: BLE001 - the pages written so far stay readable
            self._problem = self._problem or VoiceProblem(
                problems.WRITE_FAILED, {"path": str(self._path), "detail": str(error)}, str(error)
            )
        descriptor = _open_for_sync(self._path)
        if descriptor is not None:
            _sync(descriptor)
            os.close(descriptor)
        assert self._activity is not None
        return Recording(
            path=self._path,
            duration=round(self._written / self.stream.samplerate, 3),
            delivery=self._activity.figures(),
            problem=self._problem,
        )


def open_opus(path: Path, rate: int):
    """A mono Ogg/Opus file open for writing, with short pages; VoiceUnavailable if it cannot."""
    import soundfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sound = soundfile.SoundFile(
            str(path), "w", samplerate=rate, channels=1, format="OGG", subtype="OPUS"
        )
    except Exception as error:  # noqa: BLE001 - libsndfile reports a missing codec and a bad path alike
        if "OPUS" not in soundfile.available_subtypes("OGG"):
            raise VoiceUnavailable(
                VoiceProblem(problems.CODEC_MISSING, detail=str(error))
            ) from error
        raise VoiceUnavailable(
            VoiceProblem(
                problems.WRITE_FAILED, {"path": str(path), "detail": str(error)}, str(error)
            )
        ) from error
    _shorten_pages(sound)
    return sound


def _shorten_pages(sound) -> None:
    """Ask libsndfile for an Ogg page every PAGE_MS; without it pages come every second."""
    try:
        import soundfile

        latency = soundfile._ffi.new("double[1]", [PAGE_MS])
        soundfile._snd.sf_command(
            sound._file, _SET_OGG_PAGE_LATENCY_MS, latency, soundfile._ffi.sizeof(latency)
        )
    except (AttributeError, TypeError):
        pass  # another soundfile build: pages every second, so a kill may lose up to 1.3 s


def _yield_to_the_interface() -> None:
    """Lower this thread's priority where the system allows it per thread (Linux): encoding takes
    a few per cent of a core, and on a busy machine the screen should not wait for it."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WRITER_NICENESS)


def _open_for_sync(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


def _sync(descriptor: int) -> None:
    with contextlib.suppress(OSError):  # Windows refuses fsync on a read-only descriptor
        os.fsync(descriptor)
