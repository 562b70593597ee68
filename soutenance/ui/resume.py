"""Resuming a session from any screen: asks before taking it from another window."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from soutenance.i18n import format_date, t
from soutenance.session.model import SessionKind
from soutenance.store import SessionNotFound, SessionOpenElsewhere, StoreError
from soutenance.store.rows import DamagedRow
from soutenance.ui.modals.choice import confirm
from soutenance.usecases.resume import resume_session


def resume_in_app(screen: Screen, session_id: str, *, take_over: bool = False) -> None:
    app: Any = screen.app
    services = app.services
    try:
        resumed = resume_session(
            app.store,
            session_id,
            clock=services.clock,
            catalog=services.catalog,
            take_over=take_over,
        )
    except SessionOpenElsewhere as elsewhere:
        since = format_date(elsewhere.lease.acquired_at)
        message = t("run.open_elsewhere", pid=elsewhere.lease.pid, since=since)

        def answered(yes: bool | None) -> None:
            if yes:
                resume_in_app(screen, session_id, take_over=True)

        app.push_screen(confirm(message, yes=t("run.take_over"), no=t("run.leave_it")), answered)
        return
    except (SessionNotFound, DamagedRow, StoreError) as error:
        screen.notify(t("run.cannot_resume", error=str(error)), severity="error", markup=False)
        return
    run = resumed.run
    notice = t("run.bank_changed") if resumed.bank_changed else ""
    if run.kind is SessionKind.LIVE:
        from soutenance.ui.screens.live import LiveScreen

        app.push_screen(LiveScreen(run, resumed.bank, notice=notice))
        return
    from soutenance.ui.start import screen_for

    app.push_screen(screen_for(run, notice))
