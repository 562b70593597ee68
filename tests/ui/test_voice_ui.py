"""Answers out loud on the real screens, recorded through the microphone's code path fed by a
file played in real time (FileStream): figures, player, transcript and suggestions on the
question screen, the summary and the review; no microphone; a resumed answer."""

from __future__ import annotations

import asyncio
import json
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
from soutenance.ui.screens.summary import SummaryScreen
from soutenance.ui.start import RehearsalRequest, build_screen
from soutenance.ui.widgets.level_meter import LevelMeter
from soutenance.ui.widgets.playback_bar import PlaybackBar
from soutenance.ui.widgets.voice_view import SuggestedPoints, TranscriptView, VoiceFigures
from soutenance.voice import storage
from soutenance.voice.levels import MeterState
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.recorder import Recorder
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
    folder.mkdir(exist_ok=True)
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
    app.push_screen(build_screen(app, request))
    await pilot.pause()
    return app.screen


def voice_app(tmp_path: Path, open_recorder, **settings):
    """The app with recording on (pocketsphinx transcripts), its clock and its store."""
    clock = FakeClock()
    store = open_store(tmp_path / "db.sqlite3", clock=clock)
    config = voice_config(**settings)
    config.student = "Sam"
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


async def record_first_go(tmp_path: Path, feed: Feed) -> tuple[str, str]:
    """A first window records a while of the first answer, then goes away (its answer running)."""
    app, clock, store = voice_app(tmp_path, feed, engine="off")
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot)
        await asyncio.to_thread(feed.streams[0].finished.wait, 30)
        clock.advance(8)
        screen.run.checkpoint()
        ids = screen.run.session.id, screen.run.answer.id
    store.db.write(lambda conn: conn.execute("UPDATE leases SET heartbeat_at = 0"))
    return ids


def crash_leftover(tmp_path: Path, session_id: str, answer_id: str) -> None:
    """What a crash leaves: the answer names its recording, and no figure was made."""
    voice = json.dumps({"recording": storage.reference_for(session_id, answer_id)})
    with open_store(tmp_path / "db.sqlite3") as store:
        store.db.write(lambda conn: conn.execute("UPDATE answers SET voice = ?", (voice,)))


async def test_an_answer_resumed_later_is_one_recording_with_the_figures_of_the_whole(
    speech, tmp_path
) -> None:
    feed = Feed(speech.layout("en", [1.2, SPOKEN, 0.4]).write(tmp_path / "go.wav"))
    session_id, answer_id = await record_first_go(tmp_path, feed)
    main = storage.recording_path(session_id, answer_id)
    first = soundfile_duration(main)
    crash_leftover(tmp_path, session_id, answer_id)
    app, clock, store = voice_app(tmp_path, feed, engine="off")
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.pause()
        await pilot.press("c")  # go on with the unfinished session
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and screen.run.paused
        assert len(feed.streams) == 1 and not storage.part_paths(session_id, answer_id)
        await pilot.press("p")  # ready: the answer goes on, recorded apart from the first go
        assert storage.part_paths(session_id, answer_id)
        await asyncio.to_thread(feed.streams[1].finished.wait, 30)
        clock.advance(8)
        await pilot.press("space")
        answer = screen.run.session.answers[0]
        await wait_for(pilot, lambda: answer.voice.delivery is not None)
    assert not storage.part_paths(session_id, answer_id)
    assert answer.voice.duration == pytest.approx(first + feed.streams[1].duration, abs=0.3)
    assert soundfile_duration(main) == pytest.approx(answer.voice.duration, abs=0.05)
    # The thinking time is the first go's; the silence between the goes is a pause.
    assert answer.voice.delivery.thinking_time == pytest.approx(1.2, abs=0.15)
    assert answer.voice.delivery.pauses >= 1
    assert store.load_session(session_id).answers[0].voice == answer.voice


async def test_an_answer_a_crash_cut_short_gets_its_figures_when_left_as_it_is(
    speech, tmp_path
) -> None:
    feed = Feed(speech.layout("en", [0.7, SPOKEN, 0.4]).write(tmp_path / "go.wav"))
    session_id, answer_id = await record_first_go(tmp_path, feed)
    crash_leftover(tmp_path, session_id, answer_id)
    app, clock, store = voice_app(tmp_path, feed, engine="off")
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        await pilot.press("s")  # passed without going on: nothing more is recorded
        answer = screen.run.session.answer_at(0)
        await wait_for(pilot, lambda: answer.voice.delivery is not None)
    assert len(feed.streams) == 2  # the second window opened the microphone for question 2
    assert answer.voice.delivery.thinking_time == pytest.approx(0.7, abs=0.15)
    assert store.load_session(session_id).answer_at(0).voice.delivery == answer.voice.delivery


def soundfile_duration(path: Path) -> float:
    import soundfile

    return soundfile.info(str(path)).duration


async def test_the_summary_shows_each_answer_out_loud_and_exports_the_audio(
    speech, tmp_path
) -> None:
    feed = Feed(speech.layout("en", [0.9, SPOKEN, 0.3]).write(tmp_path / "answer.wav"))
    app, clock, store = voice_app(tmp_path, feed, engine="off")
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        screen = await start(app, pilot, count=1)
        await asyncio.to_thread(feed.streams[0].finished.wait, 30)
        clock.advance(9)
        await pilot.press("space", "3", "t")
        await pilot.pause()
        await pilot.press("tab", "enter")  # yes, end it
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        table = summary.query_one("#answers")
        delivery = screen.run.session.answers[0].voice.delivery
        assert delivery.thinking_time == pytest.approx(0.9, abs=0.15)
        assert str(table.get_cell("0", "thinking")) == f"{delivery.thinking_time:.1f} s".replace(
            ".0 s", " s"
        )
        assert str(table.get_cell("0", "long_pauses")) == "0"
        figures = summary.query_one("#summary-voice", VoiceFigures)
        await wait_for(pilot, lambda: figures.query_one(PlaybackBar).player is not None)
        assert "Speaking time" in shown(summary, "#summary-voice")
        await pilot.press("a")
        await pilot.pause()
        exported = list((app_data() / "exports").glob("*-audio.zip"))
        assert len(exported) == 1
        import zipfile

        with zipfile.ZipFile(exported[0]) as archive:
            answer_id = screen.run.session.answers[0].id
            assert f"audio/{answer_id}.opus" in archive.namelist()


def app_data() -> Path:
    from soutenance import paths

    return paths.data_dir()


async def test_the_review_shows_how_the_answer_was_said(tmp_path) -> None:
    from soutenance.ui.screens.review import ReviewScreen
    from tests.voice.test_session_voice import voiced_session, write_recording

    session = voiced_session(student="Sam")
    app, _clock, store = voice_app(tmp_path, None, engine="off")
    store.save_session(session)
    write_recording(session.id, session.answers[0].id, 2.0)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        app.push_screen(ReviewScreen(session.id))
        await pilot.pause()
        review = app.screen
        figures = review.query_one("#review-voice", VoiceFigures)
        await wait_for(pilot, lambda: figures.query_one(PlaybackBar).player is not None)
        assert "Thinking time: 1.5 s" in shown(review, "#review-voice")
        assert "um so the budget" in shown(review, "#review-transcript")
        suggested = shown(review, "#review-suggested")
        point = session.answers[0].key_points[1]  # the suggestion's index
        assert f"◇ {point}  heard: budget, every month" in suggested
        await pilot.press("n")  # the next answer was not recorded: nothing of it is shown
        await pilot.pause()
        assert not figures.display and not review.query_one("#review-transcript").display


async def open_setup(app, pilot):
    """The setup screen of a rehearsal; its recording checkbox."""
    from textual.widgets import Checkbox

    from soutenance.ui.screens.rehearsal_setup import RehearsalSetupScreen

    await pilot.pause()
    entry = app.services.catalog.find("digital-marketer/launch")[0]
    app.push_screen(RehearsalSetupScreen(entry, mock=False))
    await pilot.pause()
    return app.screen.query_one("#record", Checkbox)


async def test_the_setup_screen_remembers_the_choice_and_the_browser_says_why_not(
    tmp_path, monkeypatch
) -> None:
    from soutenance.ui.app import SoutenanceApp

    app, _clock, _store = voice_app(tmp_path, None, record=False)
    async with app.run_test(size=(110, 50)) as pilot:
        box = await open_setup(app, pilot)
        assert str(box.label) == "Record my answers (the audio stays on this computer)"
        assert box.value is False
        box.value = True
        app.screen.query_one("#student").value = "Sam"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
    assert Config.load().voice.record is True
    monkeypatch.setattr(SoutenanceApp, "is_web", property(lambda _app: True))
    app, _clock, _store = voice_app(tmp_path, None, record=True)
    async with app.run_test(size=(110, 50)) as pilot:
        box = await open_setup(app, pilot)
        assert box.disabled and box.value is False
        assert "not available in the browser" in shown(app.screen, "#record-browser")
        app.screen.query_one("#student").value = "Sam"
        await pilot.press("ctrl+s")
        await pilot.pause()
        question = app.screen
        assert (
            isinstance(question, QuestionScreen) and not question.query_one("#voice-meter").display
        )
        messages = [n.message for n in app._notifications]
        assert any("not available in the browser" in m for m in messages)
    assert Config.load().voice.record is True  # the browser does not change the choice
