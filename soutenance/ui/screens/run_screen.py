"""What every screen of a running session shares: the checkpoint of its clocks, the warnings when
saving fails or another window took the session over, and the confirmations before leaving."""

from __future__ import annotations

from typing import Any

from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import TextArea

from soutenance.exports.markdown import session_to_markdown
from soutenance.i18n import current_language, t
from soutenance.session.model import Stage
from soutenance.session.run import CHECKPOINT_SECONDS, SessionRun
from soutenance.ui.exports import deliver_export
from soutenance.ui.modals.choice import confirm


class RunScreen(Screen[None]):
    """A screen showing `self.run`; subclasses call `after_intent()` after each intent."""

    run: SessionRun

    keys: reactive[tuple] = reactive(tuple, bindings=True, always_update=False)
    """What the screen's keys depend on: the footer is redrawn only when it changes."""

    def __init__(self, run: SessionRun) -> None:
        super().__init__()
        self.run = run
        self._read_only_said = False
        self._save_failure_said = False
        self._handed_over = False

    def on_mount(self) -> None:
        # Textual calls every class's on_mount along the MRO: subclasses need not call this.
        self.set_interval(CHECKPOINT_SECONDS, self.checkpoint)

    @property
    def running(self) -> bool:
        """A session is under way here: quitting asks first."""
        return self.run.stage is not Stage.ENDED and not self.run.read_only

    def checkpoint(self) -> None:
        self.run.checkpoint()
        self.after_intent()

    def after_intent(self) -> None:
        """Say once when saving failed or the session was taken over; refresh the keys."""
        run = self.run
        if run.read_only and not self._read_only_said:
            self._read_only_said = True
            self.add_class("-read-only")
            self.notify(t("run.read_only"), severity="error", timeout=30, markup=False)
            self.became_read_only()
        elif run.save_error and not self._save_failure_said:
            self._save_failure_said = True
            self.notify(
                t("q.save_failed", error=run.save_error),
                severity="warning",
                timeout=20,
                markup=False,
            )
        self.keys = self.key_state()

    def key_state(self) -> tuple:
        run = self.run
        return (
            run.stage, run.paused, bool(run.read_only), isinstance(self.focused, TextArea),
            run.index, run.session.follow_up_id, len(run.untaken_follow_ups()),
            len(run.skipped_positions()),
        )  # fmt: skip

    def on_descendant_focus(self) -> None:
        self.keys = self.key_state()

    def on_descendant_blur(self) -> None:
        self.keys = self.key_state()

    def hand_over(self, screen: Screen) -> None:
        """Go on with the same run on `screen` (the next phase): it keeps the session's lease."""
        self._handed_over = True
        self.app.switch_screen(screen)

    def on_unmount(self) -> None:
        """The window closes on a running session: save its clocks and let it go, so that the
        next start resumes it without asking (a killed window's lease goes stale by itself)."""
        if self.running:
            self.flush_typing()
        if self.running and not self._handed_over:
            self.run.checkpoint()
            self.run.release()

    def became_read_only(self) -> None:
        """Subclasses lock their text fields here (the text stays to copy)."""

    def flush_typing(self) -> None:
        """Hand over what was typed and not saved yet (subclasses with text fields)."""

    def action_export_copy(self) -> None:
        """This window's copy of the session, as Markdown: what a read-only window can still save."""
        self.flush_typing()
        session = self.run.session
        deliver_export(self, session, session_to_markdown(session, lang=current_language()), ".md")

    def ask_to_end(self, message: str, then: Any) -> None:
        """Ask before ending anything; `then()` runs only on a yes."""

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(confirm(message, yes=t("run.end_yes"), no=t("run.go_on")), answered)
