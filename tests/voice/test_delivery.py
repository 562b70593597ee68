"""Delivery figures from synthesised speech laid out with silences of known length."""

from __future__ import annotations

import numpy as np
import pytest

from soutenance.voice.delivery import VoiceActivity, analyse_recording, delivery_figures
from tests.voice.conftest import ENGLISH, FRENCH, RATE

TOLERANCE = 0.1


def _layout(texts: list[str]) -> list[str | float]:
    # Thinking 1.7 s, then pauses of 2.6 s, 0.8 s and 3.1 s: two over the 2 s threshold.
    return [1.7, texts[0], 2.6, texts[1], 0.8, texts[2], 3.1, texts[3], 1.2]


@pytest.mark.parametrize("language, texts", [("fr", FRENCH), ("en", ENGLISH)])
def test_figures_match_the_known_layout(speech, language: str, texts: list[str]) -> None:
    layout = speech.layout(language, _layout(texts))
    figures = delivery_figures(layout.samples, RATE, pause_threshold=2.0)

    assert figures.thinking_time == pytest.approx(layout.phrases[0][0], abs=TOLERANCE)
    assert figures.long_pauses == 2
    assert figures.pauses == 3
    assert figures.longest_pause == pytest.approx(max(layout.gaps()), abs=TOLERANCE)
    assert figures.last_word == pytest.approx(layout.phrases[-1][1], abs=TOLERANCE)
    spoken = sum(end - start for start, end in layout.phrases)
    assert figures.speaking_time == pytest.approx(spoken, rel=0.1)
    assert figures.duration == pytest.approx(layout.duration, abs=0.001)


def test_the_threshold_is_a_setting(speech) -> None:
    layout = speech.layout("fr", _layout(FRENCH))
    assert delivery_figures(layout.samples, RATE, pause_threshold=0.7).long_pauses == 3
    assert delivery_figures(layout.samples, RATE, pause_threshold=3.0).long_pauses == 1
    assert delivery_figures(layout.samples, RATE, pause_threshold=5.0).long_pauses == 0


def test_blocks_of_any_size_give_the_figures_of_the_whole(speech) -> None:
    layout = speech.layout("en", _layout(ENGLISH))
    activity = VoiceActivity(RATE)
    rng = np.random.default_rng(4)
    offset = 0
    while offset < layout.samples.size:
        size = int(rng.integers(1, 2000))
        activity.feed(layout.samples[offset : offset + size])
        offset += size
    assert activity.figures() == delivery_figures(layout.samples, RATE)


def test_silence_and_noise_alone_say_nothing_was_said(speech) -> None:
    layout = speech.layout("fr", [6.0])
    figures = delivery_figures(layout.samples, RATE)
    assert figures.thinking_time is None and not figures.spoke
    assert (figures.speaking_time, figures.pauses, figures.long_pauses, figures.longest_pause) == (
        0,
        0,
        0,
        0,
    )


def test_an_answer_started_at_once_has_no_thinking_time(speech) -> None:
    layout = speech.layout("en", [ENGLISH[0], 0.5])
    assert delivery_figures(layout.samples, RATE).thinking_time == pytest.approx(0.0, abs=TOLERANCE)


def test_a_file_at_another_rate_is_resampled(speech, tmp_path) -> None:
    import soundfile

    layout = speech.layout("fr", [1.0, FRENCH[0], 2.5, FRENCH[1], 0.5])
    path = tmp_path / "answer.wav"
    twice = np.repeat(layout.samples, 3)[::2]  # 24 kHz: not a rate the detector reads
    soundfile.write(path, twice, 24000)
    figures = analyse_recording(path)
    assert figures.thinking_time == pytest.approx(1.0, abs=TOLERANCE)
    assert (figures.pauses, figures.long_pauses) == (1, 1)
