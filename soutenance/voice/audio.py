"""Samples as numpy arrays: levels in dBFS, reading a recording, resampling for the analysers."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from soutenance.voice.levels import QUIET, SILENCE_DBFS, Level

OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
"""The sample rates Opus encodes; the microphone is opened at one of them."""
ANALYSIS_RATE = 16000
"""What voice activity detection and both recognisers work at."""


def dbfs(amplitude: float) -> float:
    return (
        SILENCE_DBFS
        if amplitude <= 10 ** (SILENCE_DBFS / 20)
        else 20.0 * float(np.log10(amplitude))
    )


def level_of(block: np.ndarray) -> Level:
    if block.size == 0:
        return QUIET
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    return Level(dbfs(rms), dbfs(float(np.max(np.abs(block)))))


def mono(samples: np.ndarray) -> np.ndarray:
    """One float32 channel from a (frames,) or (frames, channels) array."""
    if samples.ndim == 2:
        samples = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    return np.ascontiguousarray(samples, dtype=np.float32)


def read_samples(path: Path) -> tuple[np.ndarray, int]:
    """A recording's samples (mono float32) and rate, also from a file cut short by a crash.

    Reading block by block rather than all at once: a FLAC or WAV whose header was never
    completed announces an absurd length, and what is there is still worth reading.
    """
    import soundfile

    blocks = []
    with soundfile.SoundFile(str(path)) as sound:
        rate = sound.samplerate
        while True:
            block = sound.read(1 << 16, dtype="float32", always_2d=True)
            if not len(block):
                break
            blocks.append(mono(block))
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    return samples, rate


def resample(samples: np.ndarray, rate: int, target: int = ANALYSIS_RATE) -> np.ndarray:
    """Resampling good enough for speech detection and recognition: block averages when the rate
    is a multiple of the target (48 kHz to 16 kHz), else linear interpolation."""
    if rate == target or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    if rate > target and rate % target == 0:
        factor = rate // target
        usable = samples[: samples.size // factor * factor]
        return usable.reshape(-1, factor).mean(axis=1, dtype=np.float32)
    count = int(round(samples.size * target / rate))
    positions = np.arange(count, dtype=np.float64) * (rate / target)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """16-bit PCM; samples read from a 16-bit file come back exactly as they were."""
    return np.clip(np.rint(samples * 32768.0), -32768, 32767).astype(np.int16)
