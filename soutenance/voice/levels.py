"""What a level meter shows, apart from the audio code: the screens import it without numpy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SILENCE_DBFS = -90.0


@dataclass(frozen=True, slots=True)
class Level:
    """A block's loudness: RMS and peak in dBFS (0 is the loudest a sample can be)."""

    rms_dbfs: float
    peak_dbfs: float

    @property
    def clipping(self) -> bool:
        return self.peak_dbfs > -0.5


QUIET = Level(SILENCE_DBFS, SILENCE_DBFS)


class MeterState(StrEnum):
    OFF = "off"
    RECORDING = "recording"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class Meter:
    """What a level meter shows: the state and the last block's level."""

    state: MeterState
    level: Level = QUIET
