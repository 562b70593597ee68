"""A big countdown whose colour follows the timer's level; it reads the clock, never counts ticks."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Digits

from soutenance.session.timer import Level

Reading = Callable[[], tuple[str, Level]]
LEVEL_CLASSES = {level: f"-{level.value}" for level in Level}


class TimerDisplay(Digits):
    """Shows `source()` every tick: text such as "1:05" or "+0:12", and a level colour."""

    def __init__(
        self, source: Reading | None = None, *, tick: float = 0.1, id: str | None = None
    ) -> None:
        super().__init__("0:00", id=id)
        self._source = source
        self._tick = tick
        self.level = Level.NEUTRAL

    def on_mount(self) -> None:
        self.set_interval(self._tick, self.refresh_reading)
        self.refresh_reading()

    def follow(self, source: Reading | None) -> None:
        self._source = source
        self.refresh_reading()

    def refresh_reading(self) -> None:
        if self._source is None:
            return
        text, level = self._source()
        if text != self.value:
            self.update(text)
        if level is not self.level:
            self.remove_class(*LEVEL_CLASSES.values())
            self.add_class(LEVEL_CLASSES[level])
            self.level = level
