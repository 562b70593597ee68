"""Listening back: play, pause, seek and the position, on an output the test drives."""

from __future__ import annotations

import numpy as np
import pytest

from soutenance.voice.playback import FakeOutput, Player
from soutenance.voice.problems import VoiceUnavailable
from soutenance.voice.recorder import Recorder
from soutenance.voice.streams import FileStream
from tests.voice.conftest import ENGLISH, RATE


@pytest.fixture(scope="module")
def recorded(speech, tmp_path_factory):
    folder = tmp_path_factory.mktemp("playback")
    layout = speech.layout("en", [0.5, ENGLISH[0], 1.0, ENGLISH[3], 0.5])
    stream = FileStream(layout.write(folder / "answer.wav"), speed=8.0)
    recorder = Recorder(stream)
    recorder.start("s", "a", path=folder / "a.opus")
    assert stream.finished.wait(30)
    return recorder.stop()


def test_play_pause_and_position(recorded) -> None:
    output = FakeOutput()
    player = Player.open(recorded.path, output)
    assert player.duration == pytest.approx(recorded.duration, abs=0.001)
    assert (player.position, player.playing) == (0.0, False)

    player.play()
    assert player.playing and output.running and output.samplerate == RATE
    output.advance(1.5)
    assert player.position == pytest.approx(1.5)
    player.pause()
    assert not player.playing and not output.running
    assert output.advance(1.0).size == 0  # paused: nothing more is played
    assert player.position == pytest.approx(1.5)

    player.toggle()
    output.advance(0.5)
    assert player.position == pytest.approx(2.0)
    # What was played is the recording itself, in order.
    played = np.concatenate(output.played)
    assert np.array_equal(played, player.samples[: played.size])


def test_seek_is_clamped_and_playing_goes_on_from_there(recorded) -> None:
    output = FakeOutput()
    player = Player.open(recorded.path, output)
    player.play()
    player.seek(2.0)
    chunk = output.advance(0.25)
    start = int(2.0 * RATE)
    assert np.array_equal(chunk, player.samples[start : start + chunk.size])
    assert player.position == pytest.approx(2.25)
    player.seek_by(-10)
    assert player.position == 0.0
    player.seek(10_000)
    assert player.position == pytest.approx(player.duration)


def test_the_end_stops_and_play_starts_over(recorded) -> None:
    output = FakeOutput()
    player = Player.open(recorded.path, output)
    player.play()
    last = output.advance(player.duration + 1)
    assert last.size == player.samples.size
    assert player.ended and not player.playing
    player.play()
    assert player.position == 0.0 and player.playing


def test_an_unreadable_file_is_one_problem(tmp_path) -> None:
    broken = tmp_path / "broken.opus"
    broken.write_bytes(b"OggS" + b"\x00" * 100)
    with pytest.raises(VoiceUnavailable) as caught:
        Player.open(broken, FakeOutput())
    assert caught.value.problem.key == "voice.problem.unreadable_recording"
    with pytest.raises(VoiceUnavailable):
        Player.open(tmp_path / "missing.opus", FakeOutput())
