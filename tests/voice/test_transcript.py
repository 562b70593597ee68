"""A real recogniser on synthesised English, and what the transcript says: pace, fillers, key points."""

from __future__ import annotations

import os

import pytest

from soutenance.banks.model import KeyPoint
from soutenance.voice.answer import AnswerVoice, transcribe_answer
from soutenance.voice.keypoints import suggest_key_points
from soutenance.voice.problems import VoiceUnavailable
from soutenance.voice.recorder import Recorder
from soutenance.voice.settings import TranscriptionSettings, VoiceSettings
from soutenance.voice.speech import count_fillers, repeated_words, speech_figures, words_of
from soutenance.voice.streams import FileStream
from soutenance.voice.transcription import recogniser_for

SPOKEN = "Well, basically, you know, the campaign is on Instagram, and the budget is checked every month."
KEY_POINTS = [
    KeyPoint("The channel and why it fits the target", hints=["instagram", "social network"]),
    KeyPoint("A monthly budget review", hints=["budget", "every month"]),
    KeyPoint("Partnerships with influencers", hints=["influencer", "partnership"]),
    "Measuring the results",
]


@pytest.fixture(scope="module")
def sphinx():
    pytest.importorskip("pocketsphinx", reason="pocketsphinx is in the test extra")
    return recogniser_for(TranscriptionSettings(engine="pocketsphinx"))


def test_the_shipped_recogniser_hears_synthesised_english(speech, sphinx, tmp_path) -> None:
    layout = speech.layout("en", [0.6, SPOKEN, 0.6])
    wav = layout.write(tmp_path / "answer.wav")
    seen = []
    transcript = sphinx.transcribe(wav, "en", progress=seen.append)

    assert seen[-1] == 1.0
    assert transcript.engine == "pocketsphinx en-us" and transcript.language == "en"
    assert transcript.duration == pytest.approx(layout.duration, abs=0.01)
    heard, said = words_of(transcript.text), words_of(SPOKEN)
    recall = sum(1 for w in set(said) if w in heard) / len(set(said))
    assert recall >= 0.6, transcript.text
    # On the recogniser's own words: the fillers said, and the key points covered.
    fillers = count_fillers(
        heard, VoiceSettings().fillers.get("en") or ["basically", "you know", "um"]
    )
    assert fillers.get("basically", 0) + fillers.get("you know", 0) >= 1, transcript.text
    suggested = {s.index for s in suggest_key_points(transcript.text, KEY_POINTS, "en")}
    assert 0 in suggested and 2 not in suggested and 3 not in suggested, transcript.text


def test_a_recorded_answer_is_transcribed_and_analysed_end_to_end(speech, sphinx, tmp_path) -> None:
    layout = speech.layout("en", [1.0, SPOKEN, 0.5])
    stream = FileStream(layout.write(tmp_path / "answer.wav"), speed=8.0)
    recorder = Recorder(stream)
    recorder.start("session", "answer")
    assert stream.finished.wait(30)
    voice = AnswerVoice.from_recording(recorder.stop())
    progress = []

    done = transcribe_answer(voice, sphinx, "en", KEY_POINTS, VoiceSettings(), progress.append)

    assert voice.transcript is None  # the record given is never changed
    assert done.transcript is not None and "instagram" in words_of(done.transcript.text)
    assert done.speech is not None and done.speech.words >= 10
    assert done.speech.words_per_minute is not None and 100 < done.speech.words_per_minute < 250
    assert 0 in done.suggested_indexes and 2 not in done.suggested_indexes
    assert progress and progress[-1] == 1.0
    assert AnswerVoice.from_json(done.to_json()) == done


def test_french_is_not_for_the_english_recogniser(sphinx, tmp_path) -> None:
    with pytest.raises(VoiceUnavailable) as caught:
        sphinx.transcribe(tmp_path / "any.opus", "fr")
    assert caught.value.problem.key == "voice.transcription.language_unsupported"


# The figures on sentences written to contain what they count.


def test_french_fillers_and_repetitions() -> None:
    text = "Euh, du coup, en fait on a, euh, ciblé les les parents. Voilà, genre, bon ben c'est tout. Nous nous adaptons."
    figures = speech_figures(text, "fr")
    assert figures.fillers == {
        "euh": 2,
        "du coup": 1,
        "en fait": 1,
        "voila": 1,
        "genre": 1,
        "bon ben": 1,
    }
    assert figures.filler_count == 7
    assert figures.repeated == {"les": 1}  # "nous nous" is grammar


def test_english_fillers_and_repetitions() -> None:
    text = "Um, so, like, the the plan is, you know, basically to, uh, grow. That that works, I mean, sort of."
    figures = speech_figures(text, "en")
    assert figures.fillers == {
        "um": 1,
        "like": 1,
        "you know": 1,
        "basically": 1,
        "uh": 1,
        "i mean": 1,
        "sort of": 1,
    }
    assert figures.repeated == {"the": 1}


def test_filler_lists_come_from_the_settings() -> None:
    settings = VoiceSettings.model_validate({"fillers": {"fr": ["alors", "en gros"]}})
    figures = speech_figures("Alors euh en gros alors voilà", "fr", fillers=settings.fillers)
    assert figures.fillers == {"alors": 2, "en gros": 1}


def test_words_per_minute_span_the_first_to_the_last_word() -> None:
    from soutenance.voice.delivery import DeliveryFigures

    delivery = DeliveryFigures(
        duration=40, thinking_time=5, speaking_time=25, longest_pause=2, pauses=3, long_pauses=1,
        pause_threshold=2, last_word=35,
    )  # fmt: skip
    figures = speech_figures(" ".join(["mot"] * 60), "fr", delivery=delivery)
    assert figures.words_per_minute == 120.0
    assert speech_figures("trop court", "fr", duration=2.0).words_per_minute is None


def test_suggested_key_points_from_hints_and_from_words() -> None:
    points = [
        KeyPoint("Choix du canal", hints=["Instagram", "réseau social"]),
        KeyPoint("Suivi du budget", hints=["tableau de bord"]),
        "Mesure des résultats de la campagne",
        KeyPoint("Partenariats avec des influenceurs", hints=["influenceuse", "partenaire"]),
        "Calendrier",
    ]
    text = "On passe par les réseaux sociaux, surtout Instagram, et on mesure les résultats de campagne chaque mois."
    found = {s.index: s for s in suggest_key_points(text, points, "fr")}
    assert set(found) == {0, 2}
    assert "instagram" in found[0].heard and "reseaux sociaux" in found[0].heard
    assert set(found[2].heard) >= {"mesure", "resultats", "campagne"}
    # A recogniser's slip still counts; a different word of four letters or fewer does not.
    assert [s.index for s in suggest_key_points("on suit le tableau de bors", points, "fr")] == [1]
    assert suggest_key_points("le câble", [KeyPoint("Cible", hints=["cible"])], "fr") == []
    assert suggest_key_points("", points, "fr") == []


def test_words_are_folded() -> None:
    assert words_of("L'ÉQUIPE, euh… « Voilà » !") == ["l", "equipe", "euh", "voila"]
    assert repeated_words(words_of("euh euh je je"), "fr", ["euh"]) == {"je": 1}


WHISPER_MODEL = os.environ.get("SOUTENANCE_TEST_WHISPER_MODEL")


@pytest.mark.skipif(
    not WHISPER_MODEL,
    reason="SOUTENANCE_TEST_WHISPER_MODEL names no faster-whisper model folder (none ships in a "
    "package the tests install, and the hub may be out of reach)",
)
def test_faster_whisper_on_synthesised_speech(speech, tmp_path) -> None:
    recogniser = recogniser_for(TranscriptionSettings(model_dir=WHISPER_MODEL))
    layout = speech.layout("en", [0.6, SPOKEN, 0.6])
    seen: list[float] = []
    transcript = recogniser.transcribe(layout.write(tmp_path / "en.wav"), "en", seen.append)
    assert seen[-1] == 1.0 and "instagram" in words_of(transcript.text), transcript.text
    figures = speech_figures(transcript.text, "en")
    assert figures.fillers.get("basically") == 1 and figures.fillers.get("you know") == 1
    suggested = {s.index for s in suggest_key_points(transcript.text, KEY_POINTS, "en")}
    assert 0 in suggested and 2 not in suggested
    french = speech.layout("fr", [0.5, "Euh, du coup, nous avons choisi Instagram", 0.5])
    try:
        heard = recogniser.transcribe(french.write(tmp_path / "fr.wav"), "fr")
    except VoiceUnavailable as unavailable:  # an English-only model says so
        assert unavailable.problem.key == "voice.transcription.language_unsupported"
    else:
        assert "instagram" in words_of(heard.text), heard.text
