"""Opening the screen of a session: a new one from a request, or one resumed where it was."""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen

from soutenance.session.model import SessionKind, Stage
from soutenance.session.run import SessionRun
from soutenance.ui.services import app_of
from soutenance.usecases.start import RehearsalRequest, StartError, start_session

__all__ = ["RehearsalRequest", "StartError", "build_screen", "screen_for"]


def build_screen(app: App, request: RehearsalRequest) -> Screen:
    """The first screen of the session asked for; raises StartError with a user message."""
    services = app_of(app).services
    started = start_session(
        request, catalog=services.catalog, config=services.config, clock=services.clock,
        store=app_of(app).store,
    )  # fmt: skip
    for notice in started.notices:
        app.notify(notice, severity="warning", markup=False)
    return screen_for(started.run)


def screen_for(run: SessionRun, notice: str = "") -> Screen:
    """The screen that shows `run` in its current stage (a resumed mock opens in its phase)."""
    from soutenance.ui.screens.mock import DebriefScreen, PresentationScreen
    from soutenance.ui.screens.question import QuestionScreen

    if run.kind is SessionKind.LIVE:
        raise ValueError("a live challenge opens with soutenance.ui.screens.live.LiveScreen")
    if run.stage is Stage.PRESENTING:
        return PresentationScreen(run)
    if run.stage is Stage.DEBRIEFING:
        return DebriefScreen(run)
    return QuestionScreen(run, notice)
