"""A one-line microphone level meter: the recorder's level in dBFS, green, amber, then red.

It reads `source()` (Recorder.meter) a dozen times a second and never touches the audio; the
bar falls back slowly (DECAY_DB_PER_SECOND) so speech reads as a level rather than a flicker.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from soutenance.i18n import t
from soutenance.voice.audio import SILENCE_DBFS
from soutenance.voice.recorder import Meter, MeterState

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


class LevelMeter(Static):
    DEFAULT_CSS = """
    LevelMeter { height: 1; width: 1fr; min-width: 24; }
    """

    def __init__(
        self, source: MeterSource | None = None, *, tick: float = 1 / 12, id: str | None = None
    ) -> None:
        super().__init__(id=id, markup=False)
        self._source = source
        self._tick = tick
        self.state = MeterState.OFF
        self.shown_db = SILENCE_DBFS
        """The level the bar shows now (dBFS), after the slow fall."""
        self.peak_db = SILENCE_DBFS

    def on_mount(self) -> None:
        self.set_interval(self._tick, self.refresh_meter)
        self.refresh_meter()

    def on_resize(self) -> None:
        self._show()

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
        text = Text(no_wrap=True, overflow="crop")
        label = t(_LABELS[self.state])
        dim = self.state is not MeterState.RECORDING
        text.append(
            "● " if self.state is MeterState.RECORDING else "○ ",
            style="bold red" if not dim else "dim",
        )
        text.append(f"{label} ", style="dim" if dim else "bold")
        cells = max(8, (self.content_size.width or 40) - len(label) - 12)
        lit = round(cells * _fraction(self.shown_db))
        peak = round(cells * _fraction(self.peak_db)) - 1
        for cell in range(cells):
            level_db = FLOOR_DB + (cell + 1) * -FLOOR_DB / cells
            colour = "red" if level_db > RED_DB else "yellow" if level_db > AMBER_DB else "green"
            if cell < lit:
                text.append("█", style="dim" if dim else colour)
            elif cell == peak and not dim:
                text.append("▏", style=colour)
            else:
                text.append("·", style="dim")
        if self.state is not MeterState.OFF:
            text.append(f" {max(self.shown_db, FLOOR_DB):4.0f} dB", style="dim" if dim else "")
            if self.peak_db > -0.5 and not dim:
                text.append(f" {t('voice.meter.too_loud')}", style="bold red")
        self.update(text)


def _fraction(level_db: float) -> float:
    return min(1.0, max(0.0, (level_db - FLOOR_DB) / -FLOOR_DB))
