"""A recording process killed with SIGKILL leaves a playable file missing at most the last second."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from soutenance.voice import storage
from soutenance.voice.audio import read_samples
from tests.voice.conftest import ENGLISH, FRENCH, RATE

HELPER = Path(__file__).with_name("recording_process.py")
REPO = Path(__file__).resolve().parents[2]
MAX_LOSS = 1.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals"),
]


def record_and_kill(wav: Path, after: float) -> float:
    """Run the recorder; once it fed `after` seconds, freeze it, kill it: the seconds fed."""
    child = subprocess.Popen(
        [sys.executable, str(HELPER), str(wav)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    fed = 0.0
    try:
        assert child.stdout is not None
        for line in child.stdout:
            fed = float(line)
            if fed >= after:
                # Frozen first, so that nothing is fed between the last line and the kill.
                os.kill(child.pid, signal.SIGSTOP)
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        if child.poll() is None:
            child.kill()
        assert child.stdout is not None and child.stderr is not None
        rest, err = child.stdout.read(), child.stderr.read()
        child.wait(timeout=30)
    assert fed >= after, f"the recorder stopped early: {err}"
    for line in rest.splitlines():
        if line.strip():
            fed = float(line)
    assert child.returncode == -signal.SIGKILL
    return fed


@pytest.mark.parametrize("after", [1.3, 3.4, 5.6])
def test_a_killed_recording_is_playable_and_nearly_whole(speech, tmp_path, after: float) -> None:
    layout = speech.layout("fr", [0.4, FRENCH[0], 0.7, ENGLISH[1], 0.5, FRENCH[2], 1.0])
    assert layout.duration > after + 1
    wav = layout.write(tmp_path / "answer.wav")

    fed = record_and_kill(wav, after)

    path = storage.recording_path("killed-session", "answer")
    info = soundfile.info(str(path))  # libsndfile reads the Ogg pages that made it to the disk
    assert info.samplerate == RATE
    decoded, _ = read_samples(path)
    kept = decoded.size / RATE
    assert kept == pytest.approx(info.duration, abs=0.001)
    assert fed - MAX_LOSS <= kept <= fed + 0.001, (fed, kept)
    # What is there is the answer itself, not noise: it lines up with what was played.
    size = decoded.size
    assert np.corrcoef(decoded[:size], layout.samples[:size])[0, 1] > 0.9
