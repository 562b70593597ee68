"""A playback bar for one recording: play/pause, seek by keys or by clicking, and the position."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from soutenance.banks.model import format_duration
from soutenance.i18n import t
from soutenance.ui.translated import Translated
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable

if TYPE_CHECKING:  # numpy and the audio stack are imported when something is played
    from soutenance.voice.playback import Player

STEP_SECONDS = 5.0


class PlaybackBar(Translated, Static, can_focus=True):
    DEFAULT_CSS = """
    PlaybackBar { height: 1; width: 1fr; min-width: 30; }
    PlaybackBar:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("space", "toggle", "voice.playback.toggle"),
        Binding("left", "back", "voice.playback.back"),
        Binding("right", "forward", "voice.playback.forward"),
        Binding("home", "restart", "voice.playback.restart"),
    ]

    class Failed(Message):
        """Playback could not start (no loudspeaker, no PortAudio): the screen says why."""

        def __init__(self, problem: VoiceProblem) -> None:
            super().__init__()
            self.problem = problem

    def __init__(
        self, player: Player | None = None, *, tick: float = 0.1, id: str | None = None
    ) -> None:
        super().__init__(id=id, markup=False)
        self.player = player
        self._tick = tick
        self._bar = (0, 0)
        """Where the bar is drawn: (first column, width), for clicks."""

    def on_mount(self) -> None:
        self.set_interval(self._tick, self.refresh_position)
        self.refresh_position()

    def on_resize(self) -> None:
        self.refresh_position()

    def load(self, player: Player | None) -> None:
        if self.player is not None and self.player is not player:
            self.player.close()
        self.player = player
        self.refresh_position()

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.close()

    def action_toggle(self) -> None:
        if self.player is None:
            return
        try:
            self.player.toggle()
        except VoiceUnavailable as unavailable:
            self.post_message(self.Failed(unavailable.problem))
            self.notify(unavailable.problem.message(), severity="warning", markup=False)
        self.refresh_position()

    def action_back(self) -> None:
        self._seek_by(-STEP_SECONDS)

    def action_forward(self) -> None:
        self._seek_by(STEP_SECONDS)

    def action_restart(self) -> None:
        if self.player is not None:
            self.player.seek(0.0)
            self.refresh_position()

    def _seek_by(self, seconds: float) -> None:
        if self.player is not None:
            self.player.seek_by(seconds)
            self.refresh_position()

    def on_click(self, event: events.Click) -> None:
        start, width = self._bar
        if self.player is None or not width or not start <= event.x < start + width:
            return
        self.player.seek((event.x - start + 0.5) / width * self.player.duration)
        self.refresh_position()

    def refresh_position(self) -> None:
        text = Text(no_wrap=True, overflow="crop")
        player = self.player
        if player is None:
            if self._bar != (0, 0):  # nothing loaded: one empty line, drawn once
                self._bar = (0, 0)
                self.update(text, layout=False)
            return
        if player.playing:
            symbol, state = "⏸", "voice.playback.playing"
        elif player.ended:
            symbol, state = "▶", "voice.playback.ended"
        else:
            symbol, state = "▶", "voice.playback.paused"
        times = f" {format_duration(player.position)} / {format_duration(player.duration)} "
        text.append(symbol, style="bold")
        text.append(times)
        label = f" {t(state)}"
        width = max(10, (self.content_size.width or 50) - len(text.plain) - len(label))
        self._bar = (len(text.plain), width)
        done = round(width * (player.position / player.duration)) if player.duration else 0
        text.append("━" * done, style="bold green")
        text.append("─" * (width - done), style="dim")
        text.append(label, style="dim")
        self.update(text, layout=False)  # one line, always: no layout of the screen
