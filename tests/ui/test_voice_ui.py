"""Answers out loud on the real screens, recorded through the microphone's code path fed by a
file played in real time (FileStream): figures, player, transcript and suggestions on the
question screen, the summary and the review; no microphone; a resumed answer."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from textual.widgets import SelectionList, Static

from soutenance.clock import FakeClock
from soutenance.config import Config
from soutenance.session.model import Stage
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.screens.question import QuestionScreen
from soutenance.ui.start import RehearsalRequest, build_screen
from soutenance.ui.widgets.level_meter import LevelMeter
from soutenance.ui.widgets.playback_bar import PlaybackBar
from soutenance.ui.widgets.voice_view import SuggestedPoints, TranscriptView, VoiceFigures
from soutenance.voice import storage
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.recorder import MeterState, Recorder
from soutenance.voice.settings import TranscriptionSettings, VoiceSettings
from soutenance.voice.streams import FileStream
from tests.voice.conftest import Speech

SPOKEN = "Well, basically, you know, the campaign is on Instagram, and the budget is checked every month."
BANK = """project:
  id: launch
  title: Launch plan
  path: Digital Marketer
  language: en
  evaluator_role: The marketing director
questions:
  - id: channel
    text: Why this channel?
    key_points:
      - {text: The channel fits the target, hints: [instagram, social network]}
      - {text: A monthly budget review, hints: [budget, every month]}
      - {text: Partnerships with influencers, hints: [influencer, partnership]}
    follow_ups: [And if the budget is cut?]
    time_limit: 60
  - id: deliverables
    text: What do you deliver?
    key_points: [A list, The formats]
    time_limit: 60
"""


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    from tests.voice.conftest import _missing_tools

    if reason := _missing_tools():
        pytest.skip(reason)
    return Speech(tmp_path_factory.mktemp("speech"))


def bank_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "launch.yaml").write_text(BANK, encoding="utf-8")
    return folder


def voice_config(*, record: bool = True, engine: str = "pocketsphinx") -> Config:
    config = Config()
    transcription = TranscriptionSettings(engine=engine)
    VoiceSettings(record=record, transcription=transcription).store_in(config)
    return config


def shown(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    if isinstance(widget, Static):
        return str(widget.render())
    return "\n".join(str(s.render()) for s in widget.query(Static))


async def wait_for(pilot, condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def start(app, pilot, count: int = 2):
    entry = app.services.catalog.find("digital-marketer/launch")[0]
    request = RehearsalRequest(entry, student="Sam", count=count, seed=1)
    app.switch_screen(build_screen(app, request))
    await pilot.pause()
    return app.screen


def voice_app(tmp_path: Path, open_recorder, **settings):
    """The app with recording on (pocketsphinx transcripts), its clock and its store."""
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    config = voice_config(**settings)
    app = make_app(banks=[bank_dir(tmp_path)], lang="en", clock=clock, store=store, config=config)
    app.services.open_recorder = open_recorder
    return app, clock, store


class Feed:
    """The recorders the app opens, each on the file played in real time (4x: a short test)."""

    def __init__(self, wav: Path, speed: float = 4.0) -> None:
        self.wav, self.speed = wav, speed
        self.streams: list[FileStream] = []

    def __call__(self) -> Recorder:
        stream = FileStream(self.wav, speed=self.speed)
        self.streams.append(stream)
        return Recorder(stream)


async def test_an_answer_is_recorded_measured_played_and_transcribed(speech, tmp_path) -> None:
    layout = speech.layout("en", [1.0, SPOKEN, 2.5, "so we measure the results", 0.5])
    feed = Feed(layout.write(tmp_path / "answer.wav"))
    app, clock, store = voice_app(tmp_path, feed)
    async with app.run_test(size=(110, 60)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        assert isinstance(screen, QuestionScreen) and screen.stage is Stage.ANSWERING
        meter = screen.query_one("#voice-meter", LevelMeter)
        assert meter.display and meter.state is MeterState.RECORDING
        answer = screen.run.answer
        # The recording is named in the answer as soon as it starts: a crash keeps it.
        assert answer.voice.recording == f"recordings/{screen.run.session.id}/{answer.id}.opus"
        assert store.load_session(screen.run.session.id).answers[0].voice.recording
        await asyncio.to_thread(feed.streams[0].finished.wait, 30)
        clock.advance(12)
        await pilot.press("space")
        assert screen.stage is Stage.RATING
        # Figures at once, from the recording.
        delivery = answer.voice.delivery
        assert delivery is not None and delivery.thinking_time == pytest.approx(1.0, abs=0.15)
        assert delivery.long_pauses == 1
        figures = shown(screen, "#voice-figures")
        assert "Thinking time: 1" in figures and "1 pause of 2 s or more" in figures
        # The player, once the recording is decoded.
        bar = screen.query_one("#voice-figures", VoiceFigures).query_one(PlaybackBar)
        await wait_for(pilot, lambda: bar.player is not None)
        assert bar.display and bar.player.duration == pytest.approx(layout.duration, abs=0.1)
        assert meter.state is MeterState.OFF
        # The transcript, made by the shipped recogniser in a worker, then its figures.
        await wait_for(pilot, lambda: answer.voice.transcript is not None)
        await pilot.pause()
        transcript = screen.query_one("#voice-transcript", TranscriptView)
        assert transcript.display and "instagram" in shown(screen, "#voice-transcript").lower()
        assert answer.voice.speech is not None and answer.voice.speech.filler_count >= 1
        assert "Filler words" in shown(screen, "#voice-figures")
        # Key points are not shown before the rating, suggestions neither.
        assert not screen.query_one("#voice-suggested", SuggestedPoints).display
        await pilot.press("4")
        assert screen.stage is Stage.KEY_POINTS
        suggested = shown(screen, "#voice-suggested")
        assert (
            "Suggested from what you said" in suggested
            and "◇ The channel fits the target" in suggested
        )
        assert "Partnerships" not in suggested
        # Suggestions never tick anything: the student's own ticks stay empty until they tick.
        assert (
            screen.query_one("#key-points", SelectionList).selected == [] and answer.covered == []
        )
        stored = store.load_session(screen.run.session.id).answers[0]
        assert stored.voice == answer.voice and stored.covered == []


async def test_no_microphone_says_so_once_and_the_session_goes_on(tmp_path) -> None:
    def no_microphone() -> Recorder:
        raise VoiceUnavailable(VoiceProblem("voice.problem.no_microphone"))

    app, clock, _store = voice_app(tmp_path, no_microphone)
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        clock.advance(10)
        await pilot.press("space", "3")
        await pilot.press("n")
        clock.advance(10)
        await pilot.press("space")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert (
            messages.count(
                "Recording is off: no microphone was found. Plug one in and start a new session to record."
            )
            == 1
        )
        assert not screen.query_one("#voice-meter").display
        assert [a.elapsed for a in screen.run.session.answers] == [10, 10]
        assert all(a.voice is None for a in screen.run.session.answers)
        assert not storage.session_recordings(screen.run.session.id).files
