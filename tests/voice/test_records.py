"""The settings, what an answer stores, and the figures as sentences."""

from __future__ import annotations

import pytest

from soutenance import i18n
from soutenance.config import Config
from soutenance.voice.answer import AnswerVoice
from soutenance.voice.delivery import DeliveryFigures
from soutenance.voice.keypoints import KeyPointSuggestion
from soutenance.voice.labels import figure_lines
from soutenance.voice.settings import VoiceSettings
from soutenance.voice.speech import SpeechFigures
from soutenance.voice.transcription import Transcript

DELIVERY = DeliveryFigures(
    duration=62.5, thinking_time=3.25, speaking_time=48.0, longest_pause=4.5, pauses=6, long_pauses=2,
    pause_threshold=2.0, last_word=60.0,
)  # fmt: skip


def full_voice() -> AnswerVoice:
    return AnswerVoice(
        recording="recordings/abc/q1.opus",
        duration=62.5,
        delivery=DELIVERY,
        transcript=Transcript(
            text="Euh du coup Instagram", language="fr", engine="pocketsphinx en-us", duration=62.5
        ),
        speech=SpeechFigures(
            words=120, words_per_minute=127.7, fillers={"euh": 3, "du coup": 1}, repeated={"le": 1}
        ),
        suggested=[KeyPointSuggestion(index=0, score=100, heard=["instagram"])],
    )


def test_settings_are_remembered_in_the_config(tmp_path) -> None:
    config = Config()
    assert VoiceSettings.from_config(config).record is False
    settings = VoiceSettings(record=True, pause_seconds=3)
    settings.store_in(config)
    assert config.save(tmp_path / "config.json")
    again = VoiceSettings.from_config(Config.load(tmp_path / "config.json"))
    assert again.record is True and again.pause_seconds == 3
    assert again.transcription.model == "small"


@pytest.mark.parametrize(
    "broken", [{"pause_seconds": -1}, {"transcription": {"engine": "magic"}}, "yes", [1]]
)
def test_broken_settings_fall_back_to_the_defaults(broken) -> None:
    assert VoiceSettings.from_config(Config(extra={"voice": broken})) == VoiceSettings()


def test_what_an_answer_stores_round_trips_through_json() -> None:
    voice = full_voice()
    data = voice.to_json()
    assert data["recording"] == "recordings/abc/q1.opus"
    assert data["delivery"]["long_pauses"] == 2 and data["suggested"][0]["index"] == 0
    assert AnswerVoice.from_json(data) == voice
    assert AnswerVoice.from_json({}) == AnswerVoice()
    assert "transcript" not in AnswerVoice(duration=3).to_json()


@pytest.mark.parametrize(
    "data",
    [
        {"recording": "../../etc/passwd"},
        {"recording": "recordings/../x/q.opus"},
        {"duration": -4},
        {"delivery": {"duration": "long"}},
        {"suggested": [{"index": "first"}]},
        "not a dict",
    ],
)
def test_a_malformed_record_is_refused_with_a_reason(data) -> None:
    with pytest.raises(ValueError) as caught:
        AnswerVoice.from_json(data)
    assert str(caught.value) and "\n" not in str(caught.value)


def test_the_figures_as_sentences_in_both_languages() -> None:
    i18n.set_language("fr")
    lines = figure_lines(full_voice())
    assert lines[:4] == [
        "Temps de réflexion : 3,2 s",
        "Temps de parole : 48 s",
        "Plus longue pause : 4,5 s",
        "2 pauses de 2 s ou plus",
    ]
    assert "128 mots par minute" in lines
    assert "Mots de remplissage (4) : euh ×3, du coup ×1" in lines
    i18n.set_language("en")
    lines = figure_lines(full_voice())
    assert lines[0] == "Thinking time: 3.2 s" and "128 words per minute" in lines
    assert (
        figure_lines(AnswerVoice(delivery=DELIVERY.model_copy(update={"long_pauses": 1})))[3]
        == "1 pause of 2 s or more"
    )
    silent = DELIVERY.model_copy(update={"thinking_time": None, "last_word": None})
    assert figure_lines(AnswerVoice(delivery=silent)) == ["Nothing was heard in this recording."]
