"""No microphone, a busy one, no PortAudio, the browser: one clear problem, never a traceback."""

from __future__ import annotations

import pytest

from soutenance import i18n
from soutenance.voice import devices, problems
from soutenance.voice.playback import Player
from soutenance.voice.problems import VoiceUnavailable, browser_recording_problem
from soutenance.voice.recorder import Recorder


def _what_this_machine_lacks() -> str:
    """Found independently of the code under test: the PortAudio library, or an input device."""
    try:
        import sounddevice
    except OSError:
        return problems.PORTAUDIO_MISSING
    try:
        sounddevice.query_devices(kind="input")
    except (sounddevice.PortAudioError, ValueError):
        return problems.NO_MICROPHONE
    pytest.skip("this machine has a microphone: the missing-device paths cannot be met for real")


def test_the_machine_s_missing_microphone_is_one_translated_problem() -> None:
    expected = _what_this_machine_lacks()
    with pytest.raises(VoiceUnavailable) as caught:
        Recorder.microphone()
    problem = caught.value.problem
    assert problem.key == expected
    assert devices.microphone_problem() == problem
    for language in ("fr", "en"):
        i18n.set_language(language)
        text = problem.message()
        assert text != problem.key and "{" not in text and "\n" not in text
    i18n.set_language("en")
    assert "without recording" in problem.message() or "microphone" in problem.message()


def test_playing_without_a_loudspeaker_says_why(tmp_path) -> None:
    import numpy as np

    _what_this_machine_lacks()
    player = Player(np.zeros(1600, dtype=np.float32), 16000)
    with pytest.raises(VoiceUnavailable) as caught:
        player.play()
    assert caught.value.problem.key in {
        problems.PORTAUDIO_MISSING,
        problems.NO_OUTPUT,
        problems.OUTPUT_ERROR,
    }
    assert not player.playing and player.position == 0


@pytest.mark.parametrize(
    "message, code, key",
    [
        ("Device unavailable", devices.PA_DEVICE_UNAVAILABLE, problems.MICROPHONE_BUSY),
        (
            "Error opening InputStream: Device unavailable [PaErrorCode -9985]",
            None,
            problems.MICROPHONE_BUSY,
        ),
        ("Error querying device -1", None, problems.NO_MICROPHONE),
        ("Invalid device", devices.PA_INVALID_DEVICE, problems.NO_MICROPHONE),
        ("Invalid sample rate", -9997, problems.MICROPHONE_ERROR),
    ],
)
def test_portaudio_errors_are_told_apart(message: str, code: int | None, key: str) -> None:
    problem = devices.portaudio_problem(message, code)
    assert problem.key == key and problem.detail == message


def test_output_errors_speak_of_the_output() -> None:
    assert (
        devices.portaudio_problem("Error querying device -1", None, output=True).key
        == problems.NO_OUTPUT
    )
    assert (
        devices.portaudio_problem("Device unavailable", -9985, output=True).key
        == problems.OUTPUT_ERROR
    )


def test_the_browser_mode_says_recording_is_unavailable() -> None:
    problem = browser_recording_problem()
    i18n.set_language("fr")
    assert "navigateur" in problem.message()
    i18n.set_language("en")
    assert "browser" in problem.message() and "soutenance serve" in problem.message()
