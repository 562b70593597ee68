"""Notes saved while typing, shortly after each change, with one warning if saving fails.

Shared by the rehearsal question screen and the mentor's live challenge: the screen passes
each `TextArea.Changed` text to `changed`, calls `flush` before anything moves on (and on
unmount), and `check_saved` after recording something in the run.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget

from soutenance.i18n import t
from soutenance.session.run import SessionRun

NOTES_SAVE_DELAY = 0.3


class NotesSaver:
    """Debounces the saving of typed notes for `owner` (a screen), and warns once on failure."""

    def __init__(
        self, owner: Widget, save: Callable[[str], None], *, delay: float = NOTES_SAVE_DELAY
    ) -> None:
        self.owner = owner
        self.save = save
        self.delay = delay
        self._timer: Timer | None = None
        self._pending: str | None = None
        self._warned = False

    def changed(self, text: str) -> None:
        """Notes were typed: save them within `delay`."""
        # Not restarted on each key: continuous typing is still saved every `delay`.
        self._pending = text
        if self._timer is None:
            self._timer = self.owner.set_timer(self.delay, self.flush)

    def flush(self) -> None:
        """Save typed notes now; called by the debounce timer and before anything moves on."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._pending is not None:
            text, self._pending = self._pending, None
            self.save(text)

    def check_saved(self, run: SessionRun) -> None:
        """Warn (once) if the run could not save what was just recorded."""
        if run.save_error:
            self.warn(run.save_error)

    def warn(self, error: str) -> None:
        """A save failed: say it once per screen, the work stays in memory."""
        if not self._warned:
            self._warned = True
            self.owner.notify(
                t("q.save_failed", error=error), severity="warning", timeout=20, markup=False
            )
