"""A recording process killed with SIGKILL leaves a playable file missing at most the last second."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
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
ENCODER_HOLD = 0.5
"""What the file may lack of the samples the recorder had handed to it: the Ogg page being
filled (PAGE_MS) and the Opus encoder's own frames."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals"),
]


@dataclass
class Killed:
    fed: float
    """Seconds of audio given to the recorder when it was killed."""
    written: float
    """Seconds the recorder had acknowledged as handed to the file (at most what it had)."""
    waited: float = 0.0
    """Seconds the recording's threads spent ready to run but kept off a processor by other
    work on the machine, from the start of the recording to the kill (Linux's schedstat)."""


def waiting(pid: int) -> float | None:
    """Seconds all threads of `pid` have waited on a run queue; None where the system hides it."""
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return total / 1e9


def record_and_kill(wav: Path, after: float) -> Killed:
    """Run the recorder; once it was fed `after` seconds, freeze it and kill it."""
    child = subprocess.Popen(
        [sys.executable, str(HELPER), str(wav)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    killed = Killed(0.0, 0.0)
    before: float | None = None

    def read(line: str) -> None:
        nonlocal before
        what, *values = line.split()
        if what == "started":
            before = waiting(child.pid)
        elif what == "fed":
            killed.fed = float(values[0])
        elif what == "written":
            killed.written = float(values[0])

    try:
        assert child.stdout is not None
        for line in child.stdout:
            read(line)
            if killed.fed >= after:
                # Frozen first, so that nothing is fed between the last line and the kill.
                os.kill(child.pid, signal.SIGSTOP)
                after_wait = waiting(child.pid)
                if before is not None and after_wait is not None:
                    killed.waited = max(0.0, after_wait - before)
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        if child.poll() is None:
            child.kill()
        assert child.stdout is not None and child.stderr is not None
        rest, err = child.stdout.read(), child.stderr.read()
        child.wait(timeout=30)
    assert killed.fed >= after, f"the recorder stopped early: {err}"
    for line in rest.splitlines():
        if line.strip():
            read(line)
    assert child.returncode == -signal.SIGKILL
    return killed


@pytest.mark.parametrize("after", [1.3, 3.4, 5.6])
def test_a_killed_recording_is_playable_and_nearly_whole(speech, tmp_path, after: float) -> None:
    layout = speech.layout("fr", [0.4, FRENCH[0], 0.7, ENGLISH[1], 0.5, FRENCH[2], 1.0])
    assert layout.duration > after + 1
    wav = layout.write(tmp_path / "answer.wav")

    killed = record_and_kill(wav, after)

    path = storage.recording_path("killed-session", "answer")
    figures = f"fed {killed.fed:.2f} s, written {killed.written:.2f} s, load {killed.waited:.2f} s"
    # The goal is a second at most; what the machine's load took from the recorder (the time its
    # threads were ready but not running) is added, so a busy shared machine does not fail the
    # test while a recorder that holds its audio too long still does.
    allowed = MAX_LOSS + killed.waited
    try:
        info = soundfile.info(str(path))  # libsndfile reads the Ogg pages that made it to the disk
    except soundfile.LibsndfileError:  # no page of audio yet
        assert killed.fed <= allowed, f"nothing playable: {figures}"
        pytest.skip(f"the machine kept the recorder from running before the kill ({figures})")
    assert info.samplerate == RATE
    decoded, _ = read_samples(path)
    kept = decoded.size / RATE
    assert kept == pytest.approx(info.duration, abs=0.001)
    figures += f", kept {kept:.2f} s"
    assert kept <= killed.fed + 0.001, figures
    assert killed.fed - kept <= allowed, figures
    # What the recorder acknowledged as written is on the disk, whatever the load.
    assert killed.written - kept <= ENCODER_HOLD, figures
    # What is there is the answer itself, not noise: it lines up with what was played.
    size = decoded.size
    assert np.corrcoef(decoded[:size], layout.samples[:size])[0, 1] > 0.9
