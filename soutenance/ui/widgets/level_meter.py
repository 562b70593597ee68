"""A one-line microphone level meter: the recorder's level in dBFS, green, amber, then red.

It reads `source()` (Recorder.meter) a dozen times a second and never touches the audio; the
bar falls back slowly (DECAY_DB_PER_SECOND) so speech reads as a level rather than a flicker.
It draws its one line itself (Textual's line API: a few styled segments, redrawn only when they
change), so that a live level costs the question screen next to nothing (benchmarks/bench_voice.py).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from soutenance.i18n import t
from soutenance.voice.levels import SILENCE_DBFS, Meter, MeterState

FLOOR_DB = -60.0
AMBER_DB = -12.0
RED_DB = -3.0
DECAY_DB_PER_SECOND = 24.0
MeterSource = Callable[[], Meter]
_LABELS = {
    MeterState.OFF: "voice.meter.off",
    MeterState.RECORDING: "voice.meter.recording",
    MeterState.PAUSED: "voice.meter.paused",
}


class LevelMeter(Widget):
    DEFAULT_CSS = """
    LevelMeter { height: 1; width: 1fr; min-width: 24; }
    """

    def __init__(
        self, source: MeterSource | None = None, *, tick: float = 1 / 12, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._source = source
        self._tick = tick
        self.state = MeterState.OFF
        self.shown_db = SILENCE_DBFS
        """The level the bar shows now (dBFS), after the slow fall."""
        self.peak_db = SILENCE_DBFS
        self._drawn: list[tuple[str, str]] = []
        self._runs: list[tuple[str, str]] = []
        self._strip: Strip | None = None

    def on_mount(self) -> None:
        self.set_interval(self._tick, self.refresh_meter)
        self.refresh_meter()

    def on_resize(self) -> None:
        self._strip = None
        self._show()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None  # the theme changed: the line is drawn again with it

    def follow(self, source: MeterSource | None) -> None:
        """Read another recorder (None: the microphone is off)."""
        self._source = source
        self.refresh_meter()

    def refresh_meter(self) -> None:
        meter = self._source() if self._source is not None else Meter(MeterState.OFF)
        self.state = meter.state
        if meter.state is MeterState.OFF:
            self.shown_db = self.peak_db = SILENCE_DBFS
        else:
            fallen = self.shown_db - DECAY_DB_PER_SECOND * self._tick
            self.shown_db = max(meter.level.rms_dbfs, fallen)
            self.peak_db = meter.level.peak_dbfs
        self._show()

    def _show(self) -> None:
        label = t(_LABELS[self.state])
        dim = self.state is not MeterState.RECORDING
        parts = [("○ " if dim else "● ", "dim" if dim else "bold red")]
        parts.append((f"{label} ", "dim" if dim else "bold"))
        after = []
        if self.state is not MeterState.OFF:
            after.append((f" {max(self.shown_db, FLOOR_DB):4.0f} dB", "dim" if dim else ""))
            if self.peak_db > -0.5 and not dim:
                after.append((f" {t('voice.meter.too_loud')}", "bold red"))
        # The bar takes what the texts leave (room for the level's digits kept, so it stays put).
        texts = sum(cell_len(text) for text, _ in parts) + max(
            8, sum(cell_len(text) for text, _ in after)
        )
        cells = max(8, (self.content_size.width or 40) - texts)
        lit = round(cells * _fraction(self.shown_db))
        peak = round(cells * _fraction(self.peak_db)) - 1
        for cell in range(cells):
            level_db = FLOOR_DB + (cell + 1) * -FLOOR_DB / cells
            colour = "red" if level_db > RED_DB else "yellow" if level_db > AMBER_DB else "green"
            if cell < lit:
                parts.append(("█", "dim" if dim else colour))
            elif cell == peak and not dim:
                parts.append(("▏", colour))
            else:
                parts.append(("·", "dim"))
        parts += after
        if parts == self._drawn:
            return  # a steady level draws nothing: the screen has other work
        self._drawn = parts
        self._runs = [
            ("".join(char for char, _ in run), style)  # one run of text per colour
            for style, run in groupby(parts, key=lambda part: part[1])
        ]
        self._strip = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if y or not width:
            return Strip.blank(width, self.rich_style)
        if self._strip is None or self._strip.cell_length != width:
            base = self.rich_style
            segments = [Segment(text, base + _style(style)) for text, style in self._runs]
            self._strip = Strip(segments).adjust_cell_length(width, base)
        return self._strip

    def render(self) -> Text:
        """The line as text (what the meter shows; the screen draws it with render_line)."""
        text = Text(no_wrap=True, overflow="crop")
        for run, style in self._runs:
            text.append(run, style=style)
        return text


_STYLES: dict[str, Style] = {}


def _style(name: str) -> Style:
    if name not in _STYLES:
        _STYLES[name] = Style.parse(name) if name else Style()
    return _STYLES[name]


def _fraction(level_db: float) -> float:
    return min(1.0, max(0.0, (level_db - FLOOR_DB) / -FLOOR_DB))
