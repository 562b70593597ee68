"""Recording through the microphone's code path, fed by a file played in real time."""

from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile

from soutenance import paths
from soutenance.voice.audio import read_samples
from soutenance.voice.delivery import analyse_recording
from soutenance.voice.levels import MeterState
from soutenance.voice.recorder import Recorder
from soutenance.voice.streams import FileStream
from tests.voice.conftest import ENGLISH, FRENCH, RATE


def record_all(recorder: Recorder, stream: FileStream, session: str = "s1", answer: str = "a1"):
    recorder.start(session, answer)
    assert stream.finished.wait(60)
    return recorder.stop()


def test_a_real_time_recording_keeps_the_answer_and_its_figures(speech, tmp_path) -> None:
    layout = speech.layout("fr", [1.2, FRENCH[0], 2.4, FRENCH[2], 0.6])
    stream = FileStream(layout.write(tmp_path / "answer.wav"))
    recorder = Recorder(stream)
    levels = []

    began = time.monotonic()
    path = recorder.start("session-1", "answer-1")
    while not stream.finished.is_set():
        levels.append(recorder.meter())
        time.sleep(0.1)
    recording = recorder.stop()
    took = time.monotonic() - began

    assert path == paths.data_dir() / "recordings" / "session-1" / "answer-1.opus"
    assert recording.path == path and recording.reference == "recordings/session-1/answer-1.opus"
    # Paced like a microphone: never faster than the answer lasts (a busy machine may make the
    # last blocks late, which says nothing about the pacing).
    assert took >= layout.duration - 0.06
    assert recording.duration == pytest.approx(layout.duration, abs=0.06)
    info = soundfile.info(str(path))
    assert (info.format, info.subtype, info.samplerate) == ("OGG", "OPUS", RATE)
    assert info.duration == pytest.approx(layout.duration, abs=0.06)
    # The figures computed while recording are those of the file, and those of the layout.
    assert recording.delivery == analyse_recording(path)
    assert recording.delivery.thinking_time == pytest.approx(1.2, abs=0.1)
    assert recording.delivery.long_pauses == 1
    # The meter followed: silence first, speech later.
    assert all(m.state is MeterState.RECORDING for m in levels)
    assert levels[2].level.rms_dbfs < -55
    assert max(m.level.rms_dbfs for m in levels) > -35
    assert recorder.meter().state is MeterState.OFF


def test_the_recording_sounds_like_what_was_said(speech, tmp_path) -> None:
    layout = speech.layout("en", [0.3, ENGLISH[1], 0.3])
    stream = FileStream(layout.write(tmp_path / "answer.wav"), speed=4.0)
    recording = record_all(Recorder(stream), stream)
    decoded, rate = read_samples(recording.path)
    assert rate == RATE
    size = min(decoded.size, layout.samples.size)
    # Opus is lossy and shifts nothing: the waveforms still line up closely.
    correlation = np.corrcoef(decoded[:size], layout.samples[:size])[0, 1]
    assert correlation > 0.9


def test_a_paused_stretch_is_not_recorded(speech, tmp_path) -> None:
    layout = speech.layout("fr", [FRENCH[0], 3.0])
    stream = FileStream(layout.write(tmp_path / "answer.wav"))
    recorder = Recorder(stream)
    recorder.start("s", "a")
    time.sleep(0.8)
    recorder.pause()
    assert recorder.meter().state is MeterState.PAUSED
    paused_at = recorder.elapsed
    time.sleep(1.5)
    assert recorder.elapsed == paused_at  # the answer's recorded time stands still
    recorder.resume()
    assert stream.finished.wait(30)
    recording = recorder.stop()
    assert recording.duration == pytest.approx(layout.duration - 1.5, abs=0.2)
    assert soundfile.info(str(recording.path)).duration == pytest.approx(
        recording.duration, abs=0.06
    )


def test_answers_follow_each_other_and_a_second_take_replaces_the_first(speech, tmp_path) -> None:
    short = speech.layout("en", [ENGLISH[2]])
    stream = FileStream(short.write(tmp_path / "short.wav"), speed=8.0)
    recorder = Recorder(stream)
    first = record_all(recorder, stream, answer="q1")
    second = record_all(recorder, stream, answer="q2")
    assert first.path.parent == second.path.parent and first.path != second.path

    with pytest.raises(RuntimeError):
        recorder.start("s1", "q3")
        recorder.start("s1", "q4")
    recorder.stop()

    longer = FileStream(
        speech.layout("en", [ENGLISH[2], 1.0, ENGLISH[3]]).write(tmp_path / "long.wav"), speed=8.0
    )
    again = record_all(Recorder(longer), longer, answer="q1")
    assert again.path == first.path
    assert soundfile.info(str(again.path)).duration == pytest.approx(longer.duration, abs=0.06)


def test_stopping_at_once_leaves_an_empty_but_valid_file(speech, tmp_path) -> None:
    stream = FileStream(speech.layout("fr", [FRENCH[1]]).write(tmp_path / "a.wav"))
    recorder = Recorder(stream)
    recorder.start("s", "quick")
    recording = recorder.stop()
    assert recording.duration < 0.2
    assert soundfile.info(str(recording.path)).duration == pytest.approx(
        recording.duration, abs=0.06
    )
    assert recording.delivery.duration == pytest.approx(recording.duration, abs=0.03)
    assert recorder.stop() is None
