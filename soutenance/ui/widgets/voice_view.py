"""What an answer's voice looks like on screen: its figures with a player, its transcript, and
the key points it suggests, apart from the student's ticks. Shared by the question screen, the
summary and the mentor's review; each `show(...)` takes the answer's stored voice and a status
line (a progress, or why something is missing)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from soutenance.i18n import t
from soutenance.text import visible
from soutenance.ui.widgets.playback_bar import PlaybackBar
from soutenance.voice.answer import AnswerVoice
from soutenance.voice.labels import figure_lines
from soutenance.voice.problems import VoiceUnavailable


class VoiceFigures(Vertical):
    """The figures of one answer and a player for its recording."""

    DEFAULT_CSS = """
    VoiceFigures { height: auto; }
    VoiceFigures > .voice-lines { color: $text-muted; }
    VoiceFigures > .voice-status { color: $warning; text-style: italic; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.path: Path | None = None
        """The recording the player holds (or is loading)."""

    def compose(self) -> ComposeResult:
        yield Static(classes="voice-lines", markup=False)
        yield PlaybackBar()
        yield Static(classes="voice-status", markup=False)

    def show(self, voice: AnswerVoice | None, status: str = "") -> None:
        lines = figure_lines(voice) if voice is not None else []
        self.query_one(".voice-lines", Static).update("\n".join(lines))
        path = voice.recording_path() if voice is not None and voice.delivery else None
        if path is not None and not path.is_file():
            status = status or t("voice.figures.missing_file")
            path = None
        status_line = self.query_one(".voice-status", Static)
        status_line.update(status)
        status_line.display = bool(status)
        bar = self.query_one(PlaybackBar)
        bar.display = path is not None
        if path != self.path:
            self.path = path
            bar.load(None)
            if path is not None:
                self._load(path)
        self.display = bool(lines or status or path)

    @work(thread=True, exclusive=True, group="voice-player")
    def _load(self, path: Path) -> None:
        from soutenance.voice.playback import Player

        try:
            player = Player.open(path)
        except VoiceUnavailable as unavailable:
            self.app.call_from_thread(self._failed, path, unavailable.problem.message())
            return
        self.app.call_from_thread(self._loaded, path, player)

    def _loaded(self, path: Path, player) -> None:  # noqa: ANN001 - a Player
        if path == self.path and self.is_mounted:
            self.query_one(PlaybackBar).load(player)

    def _failed(self, path: Path, message: str) -> None:
        if path == self.path and self.is_mounted:
            status = self.query_one(".voice-status", Static)
            status.update(message)
            status.display = True


class TranscriptView(Vertical):
    """The transcript, as data (never markup), or where it stands."""

    DEFAULT_CSS = """
    TranscriptView { height: auto; }
    TranscriptView > .voice-transcript-status { color: $text-muted; text-style: italic; }
    """

    def compose(self) -> ComposeResult:
        yield Static(t("voice.transcript.title"), classes="label")
        yield Static(classes="voice-transcript-text", markup=False)
        yield Static(classes="voice-transcript-status", markup=False)

    def show(self, voice: AnswerVoice | None, status: str = "") -> None:
        transcript = voice.transcript if voice is not None else None
        text = ""
        if transcript is not None:
            text = visible(transcript.text, keep_lines=True) or t("voice.transcript.empty")
        self.query_one(".voice-transcript-text", Static).update(text)
        self.query_one(".voice-transcript-status", Static).update(status)
        self.display = bool(text or status)


def suggestions_text(voice: AnswerVoice | None, key_points: list[str], title_key: str) -> Text:
    """Each suggested key point with what was heard: a hollow diamond, never a tick."""
    text = Text()
    suggested = voice.suggested if voice is not None else []
    shown = [s for s in suggested if 0 <= s.index < len(key_points)]
    if not shown:
        return text
    text.append(t(title_key) + "\n", style="bold italic")
    for suggestion in shown:
        text.append("◇ ", style="bold cyan")
        text.append(key_points[suggestion.index])
        heard = ", ".join(visible(word) for word in suggestion.heard)
        text.append("  " + t("voice.keypoints.heard", words=heard) + "\n", style="dim italic")
    text.rstrip()
    return text


class SuggestedPoints(Static):
    """Suggested key points, shown beside (never instead of) the student's ticks."""

    DEFAULT_CSS = """
    SuggestedPoints { height: auto; color: $text-accent; margin-top: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    def show(self, *parts: tuple[AnswerVoice | None, list[str], str]) -> None:
        """(voice, its key points, title key) for the answer and, after one, its follow-up."""
        text = Text()
        for voice, key_points, title_key in parts:
            block = suggestions_text(voice, key_points, title_key)
            if block.plain:
                text.append_text(block)
                text.append("\n")
        text.rstrip()
        self.update(text)
        self.display = bool(text.plain)
