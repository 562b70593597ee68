"""An answer recorded in several goes, made one recording again.

An answer goes on after a resume (a crash, a quit) or after being passed and taken up again. The
recorder never appends to an Ogg/Opus file (libsndfile cannot), and the earlier recording must
survive a crash of the later one: so each later go is recorded apart, as a part
(storage.part_paths), and joined to the answer's recording once it stops. Joining decodes and
encodes again (a second or two for a long answer: run it in a worker), replaces the recording
atomically, then deletes the parts.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

from soutenance.files import fsync_folder
from soutenance.voice import problems, storage
from soutenance.voice.audio import read_samples, resample
from soutenance.voice.delivery import delivery_figures
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.recorder import Recording, open_opus


def _readable(paths: list[Path]) -> tuple[list[np.ndarray], int | None]:
    """The samples of each file that can be read (a damaged one is left out), at one rate."""
    chunks: list[np.ndarray] = []
    rate: int | None = None
    for path in paths:
        try:
            samples, source_rate = read_samples(path)
        except Exception:  # noqa: BLE001 - a part a crash damaged beyond reading is lost alone
            continue
        if rate is None:
            rate = source_rate
        elif source_rate != rate:
            samples = resample(samples, source_rate, rate)
        chunks.append(samples)
    return chunks, rate


def _replace_with(path: Path, samples: np.ndarray, rate: int) -> None:
    temporary = path.with_name(f".{path.name}.join.tmp")
    try:
        sound = open_opus(temporary, rate)
        sound.write(samples if samples.size else np.zeros(1, dtype=np.float32))
        sound.close()
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_folder(path.parent)


def complete_recording(session_id: str, answer_id: str, *, pause_threshold: float) -> Recording:
    """The answer's recording with its parts joined, and its figures from the whole file.
    Raises VoiceUnavailable when nothing of it can be read; OSError when it cannot be written."""
    path = storage.recording_path(session_id, answer_id)
    parts = storage.part_paths(session_id, answer_id)
    chunks, rate = _readable([path, *parts])
    if rate is None:
        problem = VoiceProblem(problems.UNREADABLE, {"path": str(path)})
        raise VoiceUnavailable(problem)
    samples = np.concatenate(chunks)
    if parts:
        _replace_with(path, samples, rate)
        for part in parts:
            with contextlib.suppress(OSError):
                part.unlink()
    figures = delivery_figures(samples, rate, pause_threshold=pause_threshold)
    return Recording(path=path, duration=round(samples.size / rate, 3), delivery=figures)
