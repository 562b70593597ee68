"""The level meter and the playback bar, each in a tiny app driven with Pilot."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult

from soutenance import i18n
from soutenance.ui.widgets.level_meter import LevelMeter
from soutenance.ui.widgets.playback_bar import PlaybackBar
from soutenance.voice.levels import Level, Meter, MeterState
from soutenance.voice.playback import FakeOutput, Player
from soutenance.voice.recorder import Recorder
from soutenance.voice.streams import FileStream
from tests.voice.conftest import FRENCH

RATE = 16000


class MeterApp(App):
    def __init__(self, source) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield LevelMeter(self.source)


def shown(widget) -> str:
    return widget.render().plain if hasattr(widget.render(), "plain") else str(widget.render())


async def test_the_meter_shows_the_level_and_falls_back_slowly() -> None:
    i18n.set_language("en")
    current = [Meter(MeterState.OFF)]
    app = MeterApp(lambda: current[0])
    async with app.run_test(size=(60, 3)) as pilot:
        meter = app.query_one(LevelMeter)
        assert "Mic off" in shown(meter) and "█" not in shown(meter)

        current[0] = Meter(MeterState.RECORDING, Level(-12.0, -3.0))
        meter.refresh_meter()
        await pilot.pause()
        loud = shown(meter).count("█")
        assert meter.shown_db == -12.0 and "-12 dB" in shown(meter) and loud > 10

        current[0] = Meter(MeterState.RECORDING, Level(-90.0, -90.0))
        meter.refresh_meter()  # one tick later (no await: the timer cannot tick in between)
        assert -90 < meter.shown_db < -12
        assert 0 < shown(meter).count("█") < loud

        current[0] = Meter(MeterState.RECORDING, Level(-6.0, -0.1))
        meter.refresh_meter()
        assert "too loud" in shown(meter)
        await pilot.pause()
        drawn = meter.render_line(0)  # what the screen draws is the same line, to the width
        assert drawn.text.rstrip() == shown(meter) and drawn.cell_length == meter.content_size.width

        current[0] = Meter(MeterState.PAUSED, Level(-20.0, -10.0))
        meter.refresh_meter()
        assert "Paused" in shown(meter) and "too loud" not in shown(meter)


async def test_the_meter_follows_a_real_recording(speech, tmp_path) -> None:
    i18n.set_language("fr")
    layout = speech.layout("fr", [0.3, FRENCH[0], 0.3])
    stream = FileStream(layout.write(tmp_path / "answer.wav"))
    recorder = Recorder(stream)
    app = MeterApp(recorder.meter)
    async with app.run_test(size=(60, 3)) as pilot:
        meter = app.query_one(LevelMeter)
        assert "Micro coupé" in shown(meter)
        recorder.start("s", "a")
        peak = -90.0
        while not stream.finished.is_set():
            await pilot.pause(0.1)
            meter.refresh_meter()
            peak = max(peak, meter.shown_db)
        assert meter.state is MeterState.RECORDING and peak > -35
        recorder.stop()
        meter.refresh_meter()
        assert meter.state is MeterState.OFF and "Micro coupé" in shown(meter)


class PlayerApp(App):
    def __init__(self, player: Player) -> None:
        super().__init__()
        self.player = player
        self.failures = []

    def compose(self) -> ComposeResult:
        yield PlaybackBar(self.player)

    def on_playback_bar_failed(self, message: PlaybackBar.Failed) -> None:
        self.failures.append(message.problem)


def tone(seconds: float) -> np.ndarray:
    return (0.2 * np.sin(np.arange(int(seconds * RATE)) * 0.05)).astype(np.float32)


async def test_the_playback_bar_plays_pauses_and_seeks_from_the_keyboard() -> None:
    i18n.set_language("en")
    output = FakeOutput()
    player = Player(tone(20.0), RATE, output)
    app = PlayerApp(player)
    async with app.run_test(size=(80, 3)) as pilot:
        bar = app.query_one(PlaybackBar)
        bar.focus()
        await pilot.pause()
        assert "0:00 / 0:20" in shown(bar) and "Paused" in shown(bar)

        await pilot.press("space")
        assert player.playing and output.running
        output.advance(3.0)
        bar.refresh_position()
        assert "0:03 / 0:20" in shown(bar) and "Playing" in shown(bar)

        await pilot.press("right")
        assert player.position == pytest.approx(8.0)
        await pilot.press("left", "left")
        assert player.position == 0.0  # clamped at the start
        await pilot.press("right", "right", "right")
        await pilot.press("home")
        assert player.position == 0.0

        await pilot.press("space")
        assert not player.playing and not output.running
        # A click in the bar seeks to that place.
        start, width = bar._bar
        await pilot.click(PlaybackBar, offset=(start + width // 2, 0))
        assert player.position == pytest.approx(10.0, abs=20.0 / width + 0.01)

        await pilot.press("space")
        output.advance(30.0)
        bar.refresh_position()
        assert "0:20 / 0:20" in shown(bar) and "Ended" in shown(bar)
        await pilot.press("space")
        assert player.playing and player.position == 0.0


def _can_play() -> bool:
    try:
        import sounddevice
    except OSError:  # no PortAudio
        return False
    try:
        sounddevice.query_devices(kind="output")
    except (sounddevice.PortAudioError, ValueError):
        return False
    return True


@pytest.mark.skipif(_can_play(), reason="this machine can play sound")
async def test_the_playback_bar_says_why_it_cannot_play() -> None:
    i18n.set_language("en")
    app = PlayerApp(Player(tone(2.0), RATE))  # the loudspeaker, which is not there
    async with app.run_test(size=(80, 3)) as pilot:
        app.query_one(PlaybackBar).focus()
        await pilot.press("space")
        await pilot.pause()
        assert len(app.failures) == 1 and not app.player.playing
        assert app.failures[0].key.startswith("voice.problem.")


async def test_the_playback_bar_is_empty_until_a_recording_is_loaded() -> None:
    i18n.set_language("en")
    app = PlayerApp(None)
    async with app.run_test(size=(80, 3)) as pilot:
        bar = app.query_one(PlaybackBar)
        bar.focus()
        await pilot.press("space", "right")  # nothing to play: nothing happens, nothing breaks
        assert shown(bar).strip() == "" and bar._bar == (0, 0)

        output = FakeOutput()
        bar.load(Player(tone(10.0), RATE, output))
        await pilot.pause()
        assert "0:00 / 0:10" in shown(bar) and bar._bar[1] > 10
        await pilot.press("space")
        assert output.running

        bar.load(None)
        await pilot.pause()
        assert shown(bar).strip() == "" and bar._bar == (0, 0) and not output.running
