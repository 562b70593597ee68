"""Speech made here with espeak-ng (resampled by sox), laid out with silences of known length.

espeak-ng and sox are Debian packages; .ci/run installs them when missing. Without them the
tests that need speech are skipped, saying so.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile

RATE = 16000
VOICES = {"fr": "fr", "en": "en-us+f2"}
TRIM_THRESHOLD = 0.01
NOISE_DBFS = -66.0
"""Room noise under the silences, so nothing relies on digital zeros."""

FRENCH = [
    "Nous avons choisi Instagram pour toucher les jeunes parents",
    "le budget est suivi chaque mois avec un tableau de bord",
    "du coup on mesure les résultats",
    "et voilà notre calendrier de publication",
]
ENGLISH = [
    "We chose Instagram to reach young parents",
    "the budget is checked every month on a dashboard",
    "so we measure the results",
    "and that is our publishing calendar",
]


def _missing_tools() -> str | None:
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (Debian packages; .ci/run installs them)"
    return None


@dataclass
class Layout:
    """Samples at 16 kHz and where each phrase starts and ends (seconds)."""

    samples: np.ndarray
    phrases: list[tuple[float, float]]

    @property
    def duration(self) -> float:
        return self.samples.size / RATE

    def gaps(self) -> list[float]:
        return [b[0] - a[1] for a, b in zip(self.phrases, self.phrases[1:], strict=False)]

    def write(self, path: Path) -> Path:
        soundfile.write(path, self.samples, RATE, subtype="PCM_16")
        return path


class Speech:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[tuple[str, str, int], np.ndarray] = {}

    def say(self, text: str, language: str, speed: int = 150) -> np.ndarray:
        """The phrase spoken, trimmed to its first and last audible sample, at 16 kHz."""
        key = (text, language, speed)
        if key not in self._cache:
            index = len(self._cache)
            raw, resampled = self.folder / f"raw{index}.wav", self.folder / f"speech{index}.wav"
            subprocess.run(
                ["espeak-ng", "-v", VOICES[language], "-s", str(speed), "-w", str(raw), text],
                check=True,
            )
            subprocess.run(
                ["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(resampled)],
                check=True,
            )
            samples, _ = soundfile.read(resampled, dtype="float32")
            loud = np.flatnonzero(np.abs(samples) > TRIM_THRESHOLD)
            self._cache[key] = samples[loud[0] : loud[-1] + 1]
        return self._cache[key]

    def layout(self, language: str, parts: list[str | float], *, seed: int = 0) -> Layout:
        """Phrases (text) and silences (seconds), in order, over a quiet noise floor."""
        chunks, phrases, at = [], [], 0.0
        for part in parts:
            if isinstance(part, str):
                voice = self.say(part, language)
                phrases.append((at, at + voice.size / RATE))
                chunks.append(voice)
                at += voice.size / RATE
            else:
                chunks.append(np.zeros(int(round(part * RATE)), dtype=np.float32))
                at += int(round(part * RATE)) / RATE
        samples = np.concatenate(chunks)
        noise = np.random.default_rng(seed).normal(0.0, 10 ** (NOISE_DBFS / 20), samples.size)
        return Layout((samples + noise).astype(np.float32), phrases)


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    reason = _missing_tools()
    if reason:
        pytest.skip(reason)
    return Speech(tmp_path_factory.mktemp("speech"))


@pytest.fixture(autouse=True)
def restore_language():
    from soutenance import i18n

    before = i18n.current_language()
    yield
    i18n.set_language(before)
